import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureOutput } from '../../test/capture-output.js';
import { formatMasterSecret } from '../crypto/key-text.js';
import { FIXTURE_MASTER } from '../wire/fixtures/fixture-keys.js';
import { encodeReference } from '../wire/fixtures/reference-frames.js';
import { R1, R3 } from '../wire/fixtures/reference-messages.js';
import { messageToJson } from '../wire/message-json.js';
import { runCli } from './main.js';
import { packageVersion } from './package-info.js';

let dir: string;
const io = captureOutput();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-cli-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('fieldnode command', () => {
  it('--help lists the commands; version prints the package version', async () => {
    expect(await runCli(['--help'])).toBe(0);
    for (const word of [
      'version',
      'keys',
      'keys new-master',
      'keys kit --master FILE --node N',
      'keys relay --master FILE --nodes',
      'keys enter --node N',
      'keys check FILE',
      'wire decode',
      'wire encode',
      'wire reference',
      'sim meshtastic',
      'sim iridium',
      'sim beidou',
      'foreign list',
      'foreign release N',
    ])
      expect(io.out).toContain(word);
    io.out = '';
    expect(await runCli(['version'])).toBe(0);
    expect(io.out.trim()).toBe(packageVersion());
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unknown command or option is a usage error (exit 2)', async () => {
    expect(await runCli(['fly'])).toBe(2);
    expect(await runCli(['keys', '--nope'])).toBe(2);
    expect(await runCli(['sim', 'teleporter'])).toBe(2);
    expect(io.err).toContain('CLI_USAGE');
    expect(io.err).toContain('sim: expected meshtastic, iridium, rockblock or beidou');
  });

  it('keys creates the identity once, mode 0600, and export shows nothing secret', async () => {
    expect(await runCli(['keys', '--data-dir', dir])).toBe(0);
    expect(io.out).toContain('Created a new node identity');
    expect((await stat(join(dir, 'identity.json'))).mode & 0o777).toBe(0o600);
    const fingerprint = /fingerprint: (\S+)/.exec(io.out)?.[1];
    io.out = '';
    expect(await runCli(['keys', 'export', '--data-dir', dir, '--node-id', '2107'])).toBe(0);
    const exported = JSON.parse(io.out);
    expect(exported).toMatchObject({ algorithm: 'ed25519', nodeId: 2107, fingerprint });
    expect(io.out).not.toMatch(/PRIVATE|pkcs8/i);
  });

  it('wire encode with the master secret reproduces the R1 test vector', async () => {
    const file = join(dir, 'r1.json');
    await writeFile(file, messageToJson(R1));
    const secret = formatMasterSecret(FIXTURE_MASTER);
    expect(await runCli(['wire', 'encode', file, '--secret', secret])).toBe(0);
    expect(io.out.trim()).toBe(hex(encodeReference(R1)));
  });

  it('wire encode reports an invalid message with its code (exit 1)', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, messageToJson({ ...R3, body: { ...R3.body, state: 'maybe' as 'acted' } }));
    expect(await runCli(['wire', 'encode', file])).toBe(1);
    expect(io.err).toContain('WIRE_ENCODE_INVALID');
  });

  it('wire decode shows a message, and says what is wrong with garbage (exit 1)', async () => {
    expect(await runCli(['wire', 'decode', '--json', hex(encodeReference(R3))])).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({
      type: 'message',
      auth: 'mac',
      message: { kind: 'ack', seq: 306 },
    });
    io.out = '';
    expect(await runCli(['wire', 'decode', '--json', '5003ff'])).toBe(1);
    expect(JSON.parse(io.out)).toMatchObject({ type: 'invalid', code: 'WIRE_TRUNCATED' });
    expect(io.err).toContain('fieldnode: WIRE_TRUNCATED: origin: the varint at offset 2');
    expect(await runCli(['wire', 'decode', 'xyz'])).toBe(2);
  });

  it('wire reference lists R1–R5 with sizes and credits', async () => {
    expect(await runCli(['wire', 'reference', '--json'])).toBe(0);
    const rows = JSON.parse(io.out) as Array<{ id: string; bytes: number; credits: number }>;
    expect(rows.map((r) => r.id)).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']);
    expect(rows[0]).toMatchObject({ bytes: encodeReference(R1).length, credits: 1 });
  });
});
