/**
 * A data directory belongs to one node (docs/operating.md §The data directory belongs to one node),
 * through the real `fieldnode` binary: another node's directory, or the built-in default over a
 * kit's, is refused with the text naming both and nothing changed; `--adopt` moves it on purpose and
 * says so; an identity without an owner (an older fieldnode, or `fieldnode keys`) gets one at its
 * first start; and `--data-dir` chooses the directory.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessageStore } from '../../src/store/message-store.js';
import { type RunningFieldnode, runFieldnode, startFieldnode } from '../fieldnode-binary.js';
import { listing, makeKeys, writeConfig } from './start-fixtures.js';

let keys: string;
let dir: string;
const daemons: RunningFieldnode[] = [];

beforeAll(async () => {
  keys = await mkdtemp(join(tmpdir(), 'fieldnode-start-keys-'));
  await makeKeys(keys, [2107, 2108]);
});
afterAll(async () => {
  await rm(keys, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-start-dir-'));
});
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  await rm(dir, { recursive: true, force: true });
});

const nodeYaml = (id: number, role: string) =>
  `node: { id: ${id}, role: ${role} }\ndata_dir: data\nkeys: { kit_key_file: ${keys}/kit-${id}.key }\n`;

/** Starts `fieldnode start ARGS` until it runs, then stops it with SIGTERM; returns what it logged. */
async function runOnce(args: string[], env: Record<string, string> = {}): Promise<string> {
  const d = startFieldnode(['start', ...args], { cwd: dir, env });
  daemons.push(d);
  await d.waitFor('fieldnode running');
  const r = await d.stop();
  expect(r.code).toBe(0);
  return r.stdout;
}

const identity = async (dataDir = join(dir, 'data')) =>
  JSON.parse(await readFile(join(dataDir, 'identity.json'), 'utf8')) as Record<string, unknown>;

/** The JSON log line whose msg starts with `msg`. */
function logLine(stdout: string, msg: string): Record<string, unknown> {
  const line = stdout.split('\n').find((l) => l.includes(`"msg":"${msg}`));
  if (line === undefined) throw new Error(`no log line "${msg}" in:\n${stdout}`);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('a data directory of another node', () => {
  it('is refused, naming both nodes and --adopt, and nothing in it changes', async () => {
    await runOnce(['--config', await writeConfig(dir, 'kit.yaml', nodeYaml(2107, 'kit'))]);
    expect(await identity()).toMatchObject({ nodeId: 2107, role: 'kit' });
    const before = await listing(join(dir, 'data'));
    const other = await writeConfig(dir, 'other.yaml', nodeYaml(2108, 'kit'));
    const r = await runFieldnode(['start', '--config', other], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        `fieldnode: cannot start: the data directory ${dir}/data belongs to node 2107 (kit), not to node 2108 (kit)`,
        `  ${dir}/data/identity.json says node 2107 (kit)`,
        `  ${dir}/other.yaml is node 2108 (kit), and data_dir in ${dir}/other.yaml names this directory`,
        "  fix: point data_dir (or --data-dir) at this node's own directory;",
        `       or, to move this directory to node 2108 on purpose: fieldnode start --config ${dir}/other.yaml --adopt`,
        '       (docs/operating.md §The data directory belongs to one node)',
        '',
      ].join('\n'),
    );
    expect(await listing(join(dir, 'data'))).toEqual(before);
    // The same id in another role is another node too.
    const gateway = await writeConfig(dir, 'gateway.yaml', nodeYaml(2107, 'gateway'));
    const g = await runFieldnode(['start', '--config', gateway], { cwd: dir });
    expect(g.code).toBe(1);
    expect(g.stderr.split('\n')[0]).toBe(
      `fieldnode: cannot start: the data directory ${dir}/data belongs to node 2107 (kit), not to node 2107 (gateway)`,
    );
    expect(await listing(join(dir, 'data'))).toEqual(before);
  });

  it('the built-in default (no --config) over a kit’s directory is refused, saying to give --config', async () => {
    await runOnce(['--config', await writeConfig(dir, 'kit.yaml', nodeYaml(2107, 'kit'))]);
    const before = await listing(join(dir, 'data'));
    const r = await runFieldnode(['start', '--data-dir', 'data'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        `fieldnode: cannot start: the data directory ${dir}/data belongs to node 2107 (kit), not to node 1 (centre)`,
        `  ${dir}/data/identity.json says node 2107 (kit)`,
        '  no --config was given: the built-in default is node 1 (centre), a standalone node',
        "  fix: start it with the node's configuration: fieldnode start --config FILE",
        '',
      ].join('\n'),
    );
    expect(await listing(join(dir, 'data'))).toEqual(before);
  });

  it('--adopt moves it to this node and logs it; the keys and the store stay', async () => {
    await runOnce(['--config', await writeConfig(dir, 'kit.yaml', nodeYaml(2107, 'kit'))]);
    const was = await identity();
    // Something in the store, to find again after the move.
    const store = await MessageStore.open(join(dir, 'data', 'store'));
    await store.putKv({ 'test-marker': 'written before the move' }, true);
    await store.close();
    const other = await writeConfig(dir, 'other.yaml', nodeYaml(2108, 'kit'));
    const out = await runOnce(['--config', other, '--adopt']);
    expect(logLine(out, 'data directory adopted')).toMatchObject({
      level: 40,
      dataDir: join(dir, 'data'),
      from: { nodeId: 2107, role: 'kit' },
      to: { nodeId: 2108, role: 'kit' },
      msg: 'data directory adopted (--adopt): it belonged to node 2107 (kit), now to node 2108 (kit)',
    });
    expect(await identity()).toEqual({ ...was, nodeId: 2108 });
    const after = await MessageStore.open(join(dir, 'data', 'store'));
    expect(await after.getKv('test-marker')).toBe('written before the move');
    await after.close();
    // It is 2108's now: 2107 is refused, and 2108 starts without --adopt.
    const back = await runFieldnode(['start', '--config', join(dir, 'kit.yaml')], { cwd: dir });
    expect(back.stderr.split('\n')[0]).toBe(
      `fieldnode: cannot start: the data directory ${dir}/data belongs to node 2108 (kit), not to node 2107 (kit)`,
    );
    await runOnce(['--config', other]);
  });
});

describe('an identity without an owner', () => {
  it('made by `fieldnode keys` (as by a fieldnode before owners): its first start records this node', async () => {
    const made = await runFieldnode(['keys', '--data-dir', 'data'], { cwd: dir });
    expect(made.code).toBe(0);
    const old = await identity();
    expect(old).not.toHaveProperty('nodeId');
    expect(old).not.toHaveProperty('role');
    const out = await runOnce(['--config', await writeConfig(dir, 'kit.yaml', nodeYaml(2107, 'kit'))]);
    expect(logLine(out, 'recorded this node as the owner')).toMatchObject({
      level: 30,
      owner: { nodeId: 2107, role: 'kit' },
    });
    expect(await identity()).toEqual({ ...old, nodeId: 2107, role: 'kit' });
    const other = await runFieldnode(
      ['start', '--config', await writeConfig(dir, 'o.yaml', nodeYaml(2108, 'kit'))],
      {
        cwd: dir,
      },
    );
    expect(other.code).toBe(1);
  });
});

describe('--data-dir', () => {
  it('overrides data_dir and FIELDNODE_DATA_DIR; status finds the daemon there', async () => {
    const config = await writeConfig(dir, 'kit.yaml', nodeYaml(2107, 'kit'));
    const d = startFieldnode(['start', '--config', config, '--data-dir', 'chosen'], {
      cwd: dir,
      env: { FIELDNODE_DATA_DIR: join(dir, 'from-env') },
    });
    daemons.push(d);
    await d.waitFor('fieldnode running');
    expect(logLine(d.stdout, 'fieldnode running')).toMatchObject({ dataDir: join(dir, 'chosen') });
    const status = await runFieldnode(['status', '--data-dir', 'chosen'], { cwd: dir });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^node {4}2107 \(kit\)/);
    expect((await d.stop()).code).toBe(0);
    expect(await listing(dir)).toEqual([
      'chosen',
      'chosen/identity.json',
      'chosen/store',
      ...(await listing(join(dir, 'chosen', 'store'))).map((f) => `chosen/store/${f}`),
      'kit.yaml',
    ]);
  });
});
