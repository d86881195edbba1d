/** Tests for key-files.ts: modes, the node checked, test secrets refused, files never overwritten. */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kitFailure } from '../../test/kit-errors.js';
import { FIXTURE_MASTER } from '../wire/fixtures/fixture-keys.js';
import { formatKitKeyFile, formatMasterSecretFile, formatRelayKeysFile } from './key-file-formats.js';
import { readKitKeyFile, readMasterSecretFile, readRelayKeysFile, writeKeyFile } from './key-files.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
const KIT = { node: 2107, enrolledDay: Date.UTC(2026, 6, 13) / 1000, seqFloor: 9, kitKey: KEY };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-keyfiles-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeKeyFile', () => {
  it('writes mode 0600 whatever the umask, leaves no temp file, and never overwrites', async () => {
    const file = join(dir, 'kit.key');
    const umask = process.umask(0);
    try {
      await writeKeyFile(file, 'one\n');
    } finally {
      process.umask(umask);
    }
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await kitFailure(writeKeyFile(file, 'two\n'));
    expect(again.code).toBe('KEYS_EXISTS');
    expect(again.message).toContain(`${file} exists: fieldnode never overwrites a key file`);
    expect(await readFile(file, 'utf8')).toBe('one\n');
    expect(await readdir(dir)).toEqual(['kit.key']);
  });

  it('says why it cannot write', async () => {
    const missing = await kitFailure(writeKeyFile(join(dir, 'nope', 'kit.key'), 'x'));
    expect(missing.code).toBe('KEYS_UNWRITABLE');
    expect(missing.message).toContain(`cannot write ${join(dir, 'nope', 'kit.key')}`);
  });
});

describe('reading key files', () => {
  it('reads a kit key file for this node; refuses one for another node, naming where the id comes from', async () => {
    const file = join(dir, 'kit.key');
    await writeKeyFile(file, formatKitKeyFile(KIT));
    expect(await readKitKeyFile(file, { node: 2107 })).toEqual(KIT);
    const wrong = await kitFailure(
      readKitKeyFile(file, { node: 2108, nodeFrom: '--node', setting: 'keys.kit_key_file' }),
    );
    expect(wrong).toEqual({
      code: 'KEYS_WRONG_NODE',
      message: expect.stringContaining(
        `${file} (keys.kit_key_file) is the kit key of node 2107, but this node is 2108 (--node)`,
      ) as unknown as string,
    });
  });

  it('refuses any key file others may read, with the chmod that fixes it', async () => {
    const files = {
      kit: [join(dir, 'kit.key'), formatKitKeyFile(KIT)],
      relay: [join(dir, 'relay.keys'), formatRelayKeysFile(new Map([[2107, KEY]]))],
      master: [join(dir, 'master.secret'), formatMasterSecretFile(KEY)],
    } as const;
    for (const [file, text] of Object.values(files)) {
      await writeFile(file, text);
      await chmod(file, 0o640);
    }
    const kit = await kitFailure(readKitKeyFile(files.kit[0], { node: 2107, setting: 'keys.kit_key_file' }));
    expect(kit.code).toBe('KEYS_INSECURE');
    expect(kit.message).toContain(
      `${files.kit[0]} (keys.kit_key_file) holds this kit’s key but has mode 0640, so other users can read it. ` +
        `Run: chmod 600 ${files.kit[0]}  (if others may have copied it, ask the centre to re-enrol this kit)`,
    );
    expect((await kitFailure(readRelayKeysFile(files.relay[0]))).code).toBe('KEYS_INSECURE');
    const master = await kitFailure(readMasterSecretFile(files.master[0]));
    expect(master.message).toContain('make a new master secret and re-enrol every kit');
    for (const [file] of Object.values(files)) await chmod(file, 0o600);
    expect((await readRelayKeysFile(files.relay[0])).get(2107)).toEqual(KEY);
    expect(await readMasterSecretFile(files.master[0])).toEqual(KEY);
  });

  it('says when a file is missing or is not a file, naming the setting', async () => {
    const missing = await kitFailure(
      readKitKeyFile(join(dir, 'none'), { node: 1, setting: 'keys.kit_key_file' }),
    );
    expect(missing.code).toBe('KEYS_UNREADABLE');
    expect(missing.message).toContain(`cannot open ${join(dir, 'none')} (keys.kit_key_file): ENOENT`);
    await mkdir(join(dir, 'sub'), { mode: 0o700 });
    expect((await kitFailure(readRelayKeysFile(join(dir, 'sub')))).message).toContain(
      'is not a regular file',
    );
  });

  it('refuses the master secret of a test in this repository outside the test runner', async () => {
    const file = join(dir, 'master.secret');
    await writeKeyFile(file, formatMasterSecretFile(FIXTURE_MASTER));
    const refused = await kitFailure(
      readMasterSecretFile(file, { refuseTestKeys: true, setting: 'keys.master_secret_file' }),
    );
    expect(refused.code).toBe('KEYS_TEST_KEY');
    expect(refused.message).toContain(
      `${file} (keys.master_secret_file) holds the wire fixtures' master secret, bytes 00..1f`,
    );
    expect(refused.message).toContain('Make a master secret of your own with `fieldnode keys new-master`');
    // The fixtures and the tests that use them run under Vitest.
    expect(await readMasterSecretFile(file)).toEqual(FIXTURE_MASTER);
  });
});
