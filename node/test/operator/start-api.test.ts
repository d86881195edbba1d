/**
 * A node with an `http:` section serves its API (docs/api.md §Configuration, §Readiness), through
 * the real `fieldnode` binary: health answers with the node once it runs, a port already taken
 * fails the start with the text an operator can act on and leaves nothing behind, and a node
 * without the section listens nowhere.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { type RunningFieldnode, runFieldnode, startFieldnode } from '../fieldnode-binary.js';
import { listing, makeKeys, writeConfig } from './start-fixtures.js';

let keys: string;
let dir: string;
const daemons: RunningFieldnode[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  keys = await mkdtemp(join(tmpdir(), 'fieldnode-api-keys-'));
  await makeKeys(keys, [2107]);
});
afterAll(async () => {
  await rm(keys, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-api-dir-'));
});
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  await rm(dir, { recursive: true, force: true });
});

const kitYaml = (http: string) =>
  `node: { id: 2107, role: kit, area: 430121101201 }\ndata_dir: data\n` +
  `keys: { kit_key_file: ${keys}/kit-2107.key }\n${http}`;

/** The JSON log line whose msg starts with `msg`. */
function logLine(stdout: string, msg: string): Record<string, unknown> {
  const line = stdout.split('\n').find((l) => l.includes(`"msg":"${msg}`));
  if (line === undefined) throw new Error(`no log line "${msg}" in:\n${stdout}`);
  return JSON.parse(line) as Record<string, unknown>;
}

it('answers GET /api/health with the node once it runs, and serves the web UI at /', async () => {
  const config = await writeConfig(dir, 'kit.yaml', kitYaml('http: { listen: { port: 0 } }\n'));
  const d = startFieldnode(['start', '--config', config], { cwd: dir });
  daemons.push(d);
  await d.waitFor('fieldnode running');
  const { address } = logLine(d.stdout, 'API listening') as { address: { host: string; port: number } };
  expect(address.host).toBe('127.0.0.1');
  const res = await fetch(`http://127.0.0.1:${address.port}/api/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ok', node: 2107, role: 'kit' });
  // The web UI from the same port (npm run build puts it in dist/ui): the page, and its script.
  const page = await fetch(`http://127.0.0.1:${address.port}/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const html = await page.text();
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script).toBeDefined();
  const js = await fetch(`http://127.0.0.1:${address.port}${script}`);
  expect(js.status).toBe(200);
  expect(js.headers.get('cache-control')).toContain('immutable');
  const stopped = await d.stop();
  expect(stopped.code).toBe(0);
});

it('refuses to start on a port another program has, says which and how to fix it, and leaves nothing', async () => {
  const taken = createServer();
  servers.push(taken);
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  const config = await writeConfig(dir, 'kit.yaml', kitYaml(`http: { listen: { port: ${port} } }\n`));
  const before = await listing(join(dir, 'data'));
  const r = await runFieldnode(['start', '--config', config], { cwd: dir });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    `fieldnode: cannot start: cannot listen for the web UI and API on 127.0.0.1:${port}: another program is listening there\n` +
      `  http.listen in ${config}\n` +
      `  fix: choose another http.listen.port, or stop the program that has it (\`ss -ltnp 'sport = :${port}'\` shows it)\n`,
  );
  expect(await listing(join(dir, 'data'))).toEqual(before);
});

it('listens nowhere without an http section', async () => {
  const config = await writeConfig(dir, 'kit.yaml', kitYaml(''));
  const d = startFieldnode(['start', '--config', config], { cwd: dir });
  daemons.push(d);
  await d.waitFor('fieldnode running');
  expect(d.stdout).not.toContain('API listening');
});
