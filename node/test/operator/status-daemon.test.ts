/**
 * `fieldnode status` against a running daemon, both the real binary (docs/operating.md §Status): a
 * kit whose UDP port another socket holds and whose modem is not plugged in, with a satellite
 * budget. What it prints is checked line by line, with only what changes from run to run (seconds,
 * times, the port, the temp directory) put in words.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { width } from '../../src/cli/text-table.js';
import { type RunningFieldnode, runFieldnode, startFieldnode } from '../fieldnode-binary.js';

let dir: string;
let holder: Socket;
const daemons: RunningFieldnode[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-status-'));
  holder = createSocket('udp4');
  await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  holder.close();
  await rm(dir, { recursive: true, force: true });
});

it('shows a kit whose links are down: why, since when, its credits and what its clock waits for', async () => {
  const port = holder.address().port;
  const config = join(dir, 'node.yaml');
  await writeFile(
    config,
    `node: { id: 2107, role: kit, name: 青山村应急点 }
data_dir: data
links:
  - { id: udp0, type: udp, bind: { host: 127.0.0.1, port: ${port} } }
  - { id: sat0, type: iridium-sbd, port: ${join(dir, 'no-modem')}, budget: { per_day: 50, per_incident: 200 } }
`,
  );
  const daemon = startFieldnode(['start', '--config', config], { cwd: dir });
  daemons.push(daemon);
  await daemon.waitFor('fieldnode running');
  // Long enough for the supervisor to have tried the links again.
  await new Promise((r) => setTimeout(r, 2500));

  const status = await runFieldnode(['status', '--data-dir', join(dir, 'data')]);
  expect(status.stderr).toBe('');
  expect(status.code).toBe(0);
  for (const line of status.stdout.split('\n')) expect(width(line), line).toBeLessThanOrEqual(100);
  const seen = status.stdout
    .replaceAll(join(dir, 'no-modem'), 'MODEM')
    .replaceAll(String(port), 'PORT')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00/g, 'TIME')
    .replace(/\b\d+ s\b/g, 'N s')
    .replace(/tried \d+ times/g, 'tried N times')
    .replace(/ {2}\d+$/gm, '  N')
    .replace(/ +/g, ' ');
  expect(seen.split('\n')).toEqual([
    'node 2107 (kit) 青山村应急点, up N s',
    'clock TIME NOT trusted: no GPS fix, no Iridium time, no signed time from the',
    ' centre yet; the system clock is not trusted',
    ' Waiting for Iridium time from the modem on sat0 (down: port-closed) or a signed time from',
    ' the centre.',
    'links',
    ' LINK KIND STATE SENT RECEIVED ERRORS',
    ' udp0 ip down N s: port-error 0 (0 B) 0 (0 B) N',
    ' bind EADDRINUSE 127.0.0.1:PORT (tried N times)',
    ' sat0 iridium-sbd down N s: port-closed 0 (0 B) 0 (0 B) N',
    " cannot open the modem's port MODEM (tried N times)",
    'satellite',
    ' sat0 credits 0 in the last 24 h of 50, 0 in this incident of 200; 50 left for P1–P3',
    ' sessions since start 0: 0 ok, 0 failed (0 credits)',
    'queue empty',
    'store 0.0 MB; ended messages kept 1 d; pruned since start: 0 messages, 0 dedup records',
    'kept nothing',
    '',
  ]);
  // Down since the start, by the supervisor's account, though each attempt renews the link's `since`.
  const json = JSON.parse((await runFieldnode(['status', '--data-dir', join(dir, 'data'), '--json'])).stdout);
  const udp = json.links.find((l: { id: string }) => l.id === 'udp0');
  expect(udp.outage.attempts).toBeGreaterThan(1);
  expect(udp.outage.since).toBeLessThan(udp.state.since);
});
