/**
 * Tests for source-positions.ts and the hints of reader.ts, through loadConfig: every problem of a
 * file is listed at once, each with the line and column where it is written (or where the missing
 * key belongs), its key path, and for a mistyped key the key valid at that place it most likely
 * meant. The messages are checked whole: they are what an operator reads.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { loadConfig } from './load.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-positions-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function problems(text: string, name = 'node.yaml', env: NodeJS.ProcessEnv = {}): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  const err = await loadConfig(path, { env, cwd: dir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isKitError(err, 'CONFIG_INVALID')) throw new Error(`expected CONFIG_INVALID, got ${String(err)}`);
  return err.message.replace(`${dir}/`, '');
}

describe('every problem says where it is written', () => {
  it('mistyped keys: the key valid at that place, by line and column; nothing close, no hint', async () => {
    const text = `node:
  id: 3001
  role: gateway
links:
  - id: udp0
    type: udp
    bnid: { port: 4710 }
    peers:
      centre: { host: 10.0.0.1, prot: 4710 }
  - id: mesh0
    type: meshtastic
    host: 127.0.0.1
    neighbors: { '!a1b2c3d4': 1 }
    hop_limt: 3
    colour: red
routing: { beacon_intervall_s: 60 }
`;
    expect(await problems(text)).toBe(`node.yaml: 8 problems:
  - 7:5 links[0].bnid: unknown key (did you mean bind?)
  - 5:5 links[0].bind: required for type udp
  - 9:33 links[0].peers.centre.prot: unknown key (did you mean port?)
  - 9:7 links[0].peers.centre.port: required
  - 13:5 links[1].neighbors: unknown key (did you mean neighbours?)
  - 14:5 links[1].hop_limt: unknown key (did you mean hop_limit?)
  - 15:5 links[1].colour: unknown key
  - 16:12 routing.beacon_intervall_s: unknown key (did you mean beacon_interval_s?)`);
  });

  it('a link’s hint is a key of its own type; another type’s key is named as such', async () => {
    const text = `node: { id: 3001, role: gateway }
links:
  - { id: udp0, type: udp, bind: { port: 1 }, neighbors: {}, port: /dev/x }
  - { id: sat0, type: iridium-sbd, port: /dev/y, hold: 5 }
  - { id: x, typ: udp }
`;
    expect(await problems(text)).toBe(`node.yaml: 5 problems:
  - 3:47 links[0].neighbors: unknown key
  - 3:62 links[0].port: not used by type udp
  - 4:50 links[1].hold: unknown key (did you mean hold_s?)
  - 5:14 links[2].typ: unknown key (did you mean type?)
  - 5:5 links[2].type: required`);
  });

  it('a list item and a top-level key; the environment and a missing section have no place', async () => {
    const text = `centre_nodes: [1, 1]
lgo: { level: info }
`;
    expect(await problems(text, 'node.yaml', { FIELDNODE_LOG_LEVEL: 'loud' })).toBe(`node.yaml: 4 problems:
  - 2:1 lgo: unknown key (did you mean log?)
  - node: required
  - 1:19 centre_nodes[1]: 1 is listed twice
  - $FIELDNODE_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, found "loud"`);
  });

  it('a JSON file gets lines and columns too', async () => {
    const json = JSON.stringify({ node: { id: 7, role: 'kit', aera: 430121 } }, null, 2);
    expect(await problems(json, 'node.json')).toBe(`node.json: 1 problem:
  - 5:5 node.aera: unknown key (did you mean area?)`);
  });
});
