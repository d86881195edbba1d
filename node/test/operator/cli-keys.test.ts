/**
 * `fieldnode keys --config FILE` (docs/operating.md §The command line; docs/keys.md §The command
 * line): the identity lives in the data directory the configuration names, as for `status`, and
 * the configuration's node id is the one `keys export` puts in the JSON.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFieldnode } from '../fieldnode-binary.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-cli-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keys --config', () => {
  it("makes and shows the identity in the configuration's data_dir, and exports it with its node id", async () => {
    const config = join(dir, 'node.yaml');
    await writeFile(config, 'node: { id: 2107, role: kit }\ndata_dir: village-data\n');
    const made = await runFieldnode(['keys', '--config', config], { cwd: dir });
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(new RegExp(`^Created a new node identity in ${join(dir, 'village-data')}\n`));
    expect((await stat(join(dir, 'village-data', 'identity.json'))).mode & 0o777).toBe(0o600);

    const exported = await runFieldnode(['keys', 'export', '--config', config], { cwd: dir });
    expect(exported.code).toBe(0);
    const fingerprint = /fingerprint: (\S+)/.exec(made.stdout)?.[1];
    expect(JSON.parse(exported.stdout)).toMatchObject({ algorithm: 'ed25519', nodeId: 2107, fingerprint });
    // Nothing was made where --data-dir would have put it.
    await expect(stat(join(dir, '.fieldnode'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('--config and --data-dir together are a usage error', async () => {
    const run = await runFieldnode(['keys', '--config', 'node.yaml', '--data-dir', dir]);
    expect(run).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^fieldnode: CLI_USAGE: keys: give --config or --data-dir, not both\n/),
    });
  });
});
