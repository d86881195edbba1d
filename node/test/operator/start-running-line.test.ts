/**
 * The line a started daemon logs (docs/operating.md §Starting and stopping), through the real
 * `fieldnode` binary with links that really come up or fail: a UDP port of its own, one another
 * socket holds, a modem port that does not exist, and one link disabled. It counts the links up of
 * those configured and says "degraded", naming each link down with its reason.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { type RunningFieldnode, startFieldnode } from '../fieldnode-binary.js';
import { makeKeys, writeConfig } from './start-fixtures.js';

let keys: string;
let dir: string;
let holder: Socket;
const daemons: RunningFieldnode[] = [];

beforeAll(async () => {
  keys = await mkdtemp(join(tmpdir(), 'fieldnode-start-keys-'));
  await makeKeys(keys, [2107]);
});
afterAll(async () => {
  await rm(keys, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-running-'));
  holder = createSocket('udp4');
  await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  holder.close();
  await rm(dir, { recursive: true, force: true });
});

async function runningLine(links: string): Promise<Record<string, unknown>> {
  const config = await writeConfig(
    dir,
    'kit.yaml',
    `node: { id: 2107, role: kit }\ndata_dir: data\nkeys: { kit_key_file: ${keys}/kit-2107.key }\nlinks:\n${links}`,
  );
  const d = startFieldnode(['start', '--config', config], { cwd: dir });
  daemons.push(d);
  await d.waitFor('fieldnode running');
  const line = d.stdout.split('\n').find((l) => l.includes('"msg":"fieldnode running'));
  return JSON.parse(line ?? '{}') as Record<string, unknown>;
}

it('counts the links up of those configured, and says degraded naming each one down and why', async () => {
  const port = holder.address().port;
  const line = await runningLine(
    `  - { id: udp0, type: udp, bind: { host: 127.0.0.1, port: 0 } }
  - { id: udp1, type: udp, bind: { host: 127.0.0.1, port: ${port} } }
  - { id: sat0, type: iridium-sbd, port: ${join(dir, 'no-modem')} }
  - { id: mesh0, type: meshtastic, enabled: false, port: ${join(dir, 'no-radio')} }
`,
  );
  expect(line).toMatchObject({
    level: 40,
    msg:
      `fieldnode running, degraded: 1 of 3 links up; down: udp1 (port-error: bind EADDRINUSE 127.0.0.1:${port}), ` +
      `sat0 (port-closed: cannot open the modem's port ${join(dir, 'no-modem')}); 1 disabled: mesh0`,
    links: {
      configured: 4,
      enabled: 3,
      up: 1,
      down: [
        { id: 'udp1', reason: 'port-error' },
        { id: 'sat0', reason: 'port-closed' },
      ],
      disabled: ['mesh0'],
    },
  });
});

it('is not degraded when every link is up', async () => {
  const line = await runningLine(
    '  - { id: udp0, type: udp, bind: { host: 127.0.0.1, port: 0 } }\n  - { id: udp1, type: udp, bind: { host: 127.0.0.1, port: 0 } }\n',
  );
  expect(line).toMatchObject({
    level: 30,
    msg: 'fieldnode running: 2 of 2 links up',
    links: { configured: 2, enabled: 2, up: 2, down: [], disabled: [] },
  });
});
