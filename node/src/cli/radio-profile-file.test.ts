/**
 * Reading a device profile (radio-profile-file.ts; docs/profiles.md §Profile files, §The channel
 * key): every problem at once, by line, column and path; the key only by reference, from a file
 * of mode 0600; every form of Meshtastic's public key refused outside the demonstration county.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kitFailure } from '../../test/kit-errors.js';
import { isKitError } from '../base/errors.js';
import { loadProfileVocabulary, type ProfileVocabulary, readProfileFile } from './radio-profile-file.js';

let dir: string;
let vocabulary: ProfileVocabulary;
beforeAll(async () => {
  vocabulary = await loadProfileVocabulary();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-profile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const COUNTY_KEY = 'QEFCQ0RFRkdISUpLTE1OTw=='; // 16 bytes 0x40..0x4f

async function keyFile(text: string, mode = 0o600): Promise<string> {
  const file = join(dir, 'mesh-psk.key');
  await writeFile(file, text);
  await chmod(file, mode);
  return file;
}

async function profile(body: string): Promise<string> {
  const file = join(dir, 'radio.yaml');
  await writeFile(file, body);
  return file;
}

const MESH = (county: number, channel: string) => `kind: meshtastic
county: ${county}
lora: { region: CN, modem_preset: LONG_FAST, hop_limit: 3 }
device: { role: CLIENT, rebroadcast_mode: ALL }
channel:
  index: 0
  name: fieldnode
${channel}
`;

describe('a Meshtastic profile', () => {
  it('reads the key from a 0600 file beside the profile, named relative to it', async () => {
    await keyFile(`${COUNTY_KEY}\n`);
    const file = await readProfileFile(await profile(MESH(430121, '  psk_file: mesh-psk.key')), vocabulary);
    if (file.kind !== 'meshtastic') throw new Error('kind');
    const psk = file.profile.settings.find((s) => s.spec.name === 'channel.psk')?.value;
    expect(psk).toEqual(Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i));
    expect(file.profile.channelIndex).toBe(0);
  });

  it('a key file others may read is refused with the chmod that fixes it', async () => {
    await keyFile(COUNTY_KEY, 0o644);
    const f = await kitFailure(
      readProfileFile(await profile(MESH(430121, '  psk_file: mesh-psk.key')), vocabulary),
    );
    expect(f.code).toBe('KEYS_INSECURE');
    expect(f.message).toContain('chmod 600');
  });

  it('refuses every form of the public default key outside the demonstration county, and allows them in it', async () => {
    const forms = {
      'AQ==': "Meshtastic's public default key (AQ==)",
      'Ag==': 'a short key (2)',
      AA: undefined, // not base64 of a key: refused as not a key at all
      '1PG7OiApB1nwvP+rz05pAQ==': 'written out in full',
      '1PG7OiApB1nwvP+rz05pAg==': 'written out in full',
    } as const;
    for (const [text, reason] of Object.entries(forms)) {
      await rm(join(dir, 'mesh-psk.key'), { force: true });
      await keyFile(text);
      const f = await kitFailure(
        readProfileFile(await profile(MESH(430121, '  psk_file: mesh-psk.key')), vocabulary),
      );
      if (reason === undefined) {
        expect(f.code, text).toBe('PROFILE_INVALID');
        continue;
      }
      expect([text, f.code]).toEqual([text, 'PROFILE_PUBLIC_KEY']);
      expect(f.message).toContain(reason);
      expect(f.message).toContain('openssl rand -base64 16');
      const demo = await readProfileFile(await profile(MESH(439901, '  psk_file: mesh-psk.key')), vocabulary);
      expect(demo.county).toBe(439901);
    }
    const literal = await kitFailure(
      readProfileFile(await profile(MESH(430121, '  psk: default')), vocabulary),
    );
    expect(literal.code).toBe('PROFILE_PUBLIC_KEY');
  });

  it('a key written in the profile is refused: only the word default is taken', async () => {
    const f = await kitFailure(
      readProfileFile(await profile(MESH(439901, `  psk: ${COUNTY_KEY}`)), vocabulary),
    );
    expect(f.code).toBe('PROFILE_INVALID');
    expect(f.message).toContain('a key never sits in a profile');
  });

  it('lists every problem by line, column and path, with the names the schema allows', async () => {
    const f = await kitFailure(
      readProfileFile(
        await profile(`kind: meshtastic
county: 4301
lora:
  region: CN_470
  modem_preset: LONG_FAST
  hop_limt: 3
device: { role: CLIENT }
channel: { index: 9, name: fieldnode-county-mesh, psk_file: k }
`),
        vocabulary,
      ),
    );
    expect(f.code).toBe('PROFILE_INVALID');
    const lines = f.message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    expect(lines).toEqual([
      expect.stringMatching(/^- 2:1 county: expected a whole number from 110000 to 829999/),
      expect.stringMatching(/^- 6:3 lora\.hop_limt: unknown key \(did you mean hop_limit\?\)/),
      expect.stringMatching(/^- 4:3 lora\.region: expected one of UNSET, US, .*CN.*, found "CN_470"/),
      expect.stringMatching(/^- 3:1 lora\.hop_limit: required/),
      expect.stringMatching(/^- 7:1 device\.rebroadcast_mode: required/),
      expect.stringMatching(/^- 8:12 channel\.index: expected a whole number from 0 to 7/),
      expect.stringMatching(/^- 8:22 channel\.name: 21 bytes in UTF-8; the radio keeps at most 11/),
    ]);
  });

  it('an unreadable or broken file says so', async () => {
    expect((await kitFailure(readProfileFile(join(dir, 'none.yaml'), vocabulary))).code).toBe(
      'PROFILE_UNREADABLE',
    );
    expect((await kitFailure(readProfileFile(await profile('kind: [meshtastic'), vocabulary))).code).toBe(
      'PROFILE_UNREADABLE',
    );
    // Found by the property below: an alias to no anchor threw a ReferenceError.
    expect((await kitFailure(readProfileFile(await profile('*!'), vocabulary))).code).toBe(
      'PROFILE_UNREADABLE',
    );
  });
});

describe('a RockBLOCK profile', () => {
  it('takes ring alerts and the session timeout, and needs one of them', async () => {
    const ok = await readProfileFile(
      await profile(
        'kind: rockblock-9603\ncounty: 430121\nrockblock: { ring_alerts: false, session_timeout_s: 60 }\n',
      ),
      vocabulary,
    );
    expect(ok).toMatchObject({
      kind: 'rockblock-9603',
      settings: { ringAlerts: false, sessionTimeoutS: 60 },
    });
    const f = await kitFailure(
      readProfileFile(
        await profile('kind: rockblock-9603\ncounty: 430121\nrockblock: {}\nlora: {}\n'),
        vocabulary,
      ),
    );
    expect(f.message).toContain('lora: unknown key');
    expect(f.message).toContain('sets ring_alerts, session_timeout_s or both');
  });
});

describe('any file at all', () => {
  it('is a profile or a KitError, never anything else', async () => {
    const profileLike = fc.record(
      {
        kind: fc.oneof(fc.constantFrom('meshtastic', 'rockblock-9603'), fc.jsonValue()),
        county: fc.oneof(fc.integer({ min: 100000, max: 900000 }), fc.jsonValue()),
        lora: fc.dictionary(
          fc.constantFrom('region', 'modem_preset', 'hop_limit', 'tx_power', 'x'),
          fc.jsonValue(),
        ),
        device: fc.dictionary(fc.constantFrom('role', 'rebroadcast_mode'), fc.jsonValue()),
        channel: fc.dictionary(fc.constantFrom('index', 'name', 'psk', 'psk_file'), fc.jsonValue()),
        rockblock: fc.dictionary(fc.constantFrom('ring_alerts', 'session_timeout_s'), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const file = join(dir, 'any.yaml');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          profileLike.map((v) => JSON.stringify(v)),
          fc.string(),
        ),
        async (text) => {
          await writeFile(file, text);
          try {
            await readProfileFile(file, vocabulary);
          } catch (err) {
            expect(isKitError(err), String(err)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
