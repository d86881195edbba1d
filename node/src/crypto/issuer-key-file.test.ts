/**
 * The issuer key file (issuer-key-file.ts; docs/keys.md §Issuer keys): what it writes reads back,
 * it signs what its public key verifies, a damaged or edited file is refused with the line, and no
 * text makes the reader throw anything but a coded error (property).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitErrorCode } from '../../test/kit-errors.js';
import { isKitError } from '../base/errors.js';
import { generateSigningKeyPair, publicKeyFromRaw, sign, verifySignature } from './ed25519.js';
import { formatIssuerKeyFile, parseIssuerKeyFile } from './issuer-key-file.js';

const { privateKey, publicKey } = generateSigningKeyPair();
const text = formatIssuerKeyFile({ issuer: 3, name: '长沙县防汛办', privateKey });

describe('issuer key file', () => {
  it('reads back what it wrote, and its key signs what the public key verifies', () => {
    const file = parseIssuerKeyFile(text, 'issuer.key');
    expect(file).toMatchObject({ issuer: 3, name: '长沙县防汛办' });
    expect(Buffer.from(file.publicKey)).toEqual(Buffer.from(publicKey));
    const data = new TextEncoder().encode('预警');
    expect(verifySignature(publicKeyFromRaw(file.publicKey), data, sign(file.privateKey, data))).toBe(true);
    expect(text).toMatch(
      /^fieldnode-issuer-key 1\nissuer 3\nname 长沙县防汛办\npublic [A-Za-z0-9+/]{43}=\nkey /,
    );
  });

  it('refuses a key that does not give the public key on its line', () => {
    const other = Buffer.from(generateSigningKeyPair().publicKey).toString('base64');
    const edited = text.replace(/^public .*$/m, `public ${other}`);
    expect(() => parseIssuerKeyFile(edited, 'issuer.key')).toThrow(
      /issuer\.key line 5: the key does not give the public key on line 4/,
    );
    expect(kitErrorCode(() => parseIssuerKeyFile(edited, 'issuer.key'))).toBe('KEYS_MISTYPED');
  });

  it('says which line is wrong and what it should be', () => {
    const cases: Array<[string, RegExp]> = [
      ['fieldnode-kit-key 1\n', /not an issuer key file: its first line should be "fieldnode-issuer-key 1"/],
      [text.replace('issuer 3', 'issuer 70000'), /line 2: issuer "70000": an issuer id is 0 to 65535/],
      [text.replace(/^key .*$/m, 'key AAAA'), /line 5: key: not a PKCS #8 private key/],
      [text.replace(/^public .*\n/m, ''), /the line "public …" is missing/],
      [`${text}colour red\n`, /"colour" is not a line of an issuer key file \(issuer, name, public, key\)/],
    ];
    for (const [bad, message] of cases) {
      expect(() => parseIssuerKeyFile(bad, 'issuer.key')).toThrow(message);
      expect(kitErrorCode(() => parseIssuerKeyFile(bad, 'issuer.key'))).toBe('KEYS_UNREADABLE');
    }
  });

  it('refuses a private key of another algorithm', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const x = generateKeyPairSync('x25519')
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64');
    expect(() => parseIssuerKeyFile(text.replace(/^key .*$/m, `key ${x}`), 'issuer.key')).toThrow(
      /an x25519 key, where an Ed25519 key belongs/,
    );
  });

  it('throws nothing but a coded error for any text (property)', () => {
    const lines = text.split('\n');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .array(fc.oneof(fc.constantFrom(...lines), fc.string()), { maxLength: 8 })
            .map((l) => l.join('\n')),
        ),
        (t) => {
          try {
            parseIssuerKeyFile(t, 'f');
          } catch (err) {
            if (!isKitError(err)) throw err;
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
