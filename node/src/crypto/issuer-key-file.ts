/**
 * The issuer key file (docs/keys.md §Issuer keys): the Ed25519 private key with which a node signs
 * warnings and control messages as one issuer of `keys.issuers`. It is made by `fieldnode keys
 * new-issuer` and lives only where that issuer works, normally the county centre, mode 0600.
 *
 *     fieldnode-issuer-key 1
 *     issuer 3
 *     name 长沙县防汛办
 *     public 6n8Q…=         the raw public key, base64: what keys.issuers lists
 *     key MC4CAQAw…         the private key, PKCS #8 DER, base64
 *
 * The public line is a check: a private key that does not give it back (a damaged or edited file)
 * is refused, so a node never signs with a key its county does not know.
 */
import type { KeyObject } from 'node:crypto';
import { createPrivateKey } from 'node:crypto';
import { KitError } from '../base/errors.js';
import { rawPublicKey } from './ed25519.js';
import {
  checkHeader,
  located,
  meaningfulLines,
  namedFields,
  show,
  unreadable,
  VERSION,
} from './key-file-lines.js';

const HEADER = 'fieldnode-issuer-key';

export interface IssuerKeyFile {
  /** The issuer's id in keys.issuers, 0 to 65535. */
  readonly issuer: number;
  readonly name?: string;
  readonly privateKey: KeyObject;
  /** The raw 32-byte public key. */
  readonly publicKey: Uint8Array;
}

export function formatIssuerKeyFile(f: Omit<IssuerKeyFile, 'publicKey'>): string {
  const der = f.privateKey.export({ format: 'der', type: 'pkcs8' });
  return [
    `${HEADER} ${VERSION}`,
    `issuer ${f.issuer}`,
    ...(f.name === undefined ? [] : [`name ${f.name}`]),
    `public ${Buffer.from(rawPublicKey(f.privateKey)).toString('base64')}`,
    `key ${der.toString('base64')}`,
    '',
  ].join('\n');
}

/**
 * Reads an issuer key file's text.
 * @throws KitError KEYS_UNREADABLE for a file that is not one or has a bad line; KEYS_MISTYPED when
 *   the private key does not give the public key the file states.
 */
export function parseIssuerKeyFile(text: string, source: string): IssuerKeyFile {
  const lines = meaningfulLines(text);
  checkHeader(lines, HEADER, source, 'issuer key file');
  const { fields, need } = namedFields(lines, ['issuer', 'name', 'public', 'key'], source, 'issuer key file');
  const issuerLine = need('issuer');
  if (!/^(0|[1-9][0-9]{0,4})$/.test(issuerLine.value) || Number(issuerLine.value) > 0xffff)
    throw unreadable(source, issuerLine.n, `issuer ${show(issuerLine.value)}: an issuer id is 0 to 65535`);
  const publicLine = need('public');
  if (!/^[A-Za-z0-9+/]{43}=$/.test(publicLine.value))
    throw unreadable(source, publicLine.n, 'public: expected base64 of 32 bytes (44 characters ending in =)');
  const keyLine = need('key');
  const privateKey = located(source, keyLine.n, () => ed25519Private(keyLine.value));
  const publicKey = rawPublicKey(privateKey);
  if (Buffer.from(publicKey).toString('base64') !== publicLine.value) {
    throw new KitError(
      'KEYS_MISTYPED',
      `${source} line ${keyLine.n}: the key does not give the public key on line ${publicLine.n}: ` +
        'the file is damaged or was edited. Use the file `fieldnode keys new-issuer` wrote, or make a new issuer key',
    );
  }
  const name = fields.get('name')?.value;
  return { issuer: Number(issuerLine.value), ...(name === undefined ? {} : { name }), privateKey, publicKey };
}

function ed25519Private(base64: string): KeyObject {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new KitError('KEYS_UNREADABLE', 'key: expected base64');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'pkcs8' });
  } catch (cause) {
    throw new KitError('KEYS_UNREADABLE', 'key: not a PKCS #8 private key', { cause });
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new KitError(
      'KEYS_UNREADABLE',
      `key: an ${key.asymmetricKeyType} key, where an Ed25519 key belongs`,
    );
  return key;
}
