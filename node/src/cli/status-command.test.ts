import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureOutput } from '../../test/capture-output.js';
import { StubNodeApp, stubStatus } from '../../test/stub-node.js';
import type { NodeStatus } from '../app-contract.js';
import { ControlServer } from '../daemon/control-socket.js';
import { createRootLogger } from '../log.js';
import { runCli } from './main.js';
import { formatStatus } from './status-command.js';

let dir: string;
const io = captureOutput();
let server: ControlServer | undefined;
const app = new StubNodeApp();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-status-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A daemon stand-in: the real control socket serving a stub NodeApp's status. */
async function serve(socketPath: string): Promise<void> {
  const log = createRootLogger({ level: 'fatal' }, new Writable({ write: (_c, _e, done) => done() }));
  server = new ControlServer({ socketPath, status: () => app.status(), log });
  await server.start();
}

describe('fieldnode status', () => {
  it('prints node, clock, each link with state and counters, and the queue', async () => {
    await serve(join(dir, 'control.sock'));
    expect(await runCli(['status', '--data-dir', dir])).toBe(0);
    expect(io.out).toContain('node    2107 (kit) 青山村应急点, up 20 min');
    expect(io.out).toContain('clock   2026-07-14T03:20:00+08:00 trusted (gps)');
    expect(io.out).toMatch(/^ {2}udp0 +ip +up 19 min +12 \(840 B\) +9 \(610 B\) +0$/m);
    expect(io.out).toMatch(
      /^ {2}sat0 +iridium-sbd +down 15 min: no-service +0 \(0 B\) +0 \(0 B\) +3\n {8}CSQ 0$/m,
    );
    expect(io.out).toContain('queue   p0 1  p1 4  p2 0  p3 0');
  });

  it('--json prints the status exactly as the daemon gave it', async () => {
    await serve(join(dir, 'control.sock'));
    expect(await runCli(['status', '--data-dir', dir, '--json'])).toBe(0);
    expect(JSON.parse(io.out)).toEqual(stubStatus());
  });

  it('--config finds the socket named in the configuration', async () => {
    const socket = join(dir, 'elsewhere', 'ctl.sock');
    const config = join(dir, 'node.yaml');
    await writeFile(
      config,
      `node: { id: 2107, role: kit }\ndata_dir: data\ncontrol: { socket: elsewhere/ctl.sock }\n`,
    );
    await serve(socket);
    expect(await runCli(['status', '--config', config, '--json'])).toBe(0);
    expect(JSON.parse(io.out).node.id).toBe(2107);
  });

  it('says plainly that no daemon answers, and exits 1', async () => {
    expect(await runCli(['status', '--data-dir', dir])).toBe(1);
    expect(io.err).toContain(`no fieldnode daemon answers on ${join(dir, 'control.sock')}`);
    expect(io.out).toBe('');
  });

  it('--config and --data-dir together are a usage error', async () => {
    expect(await runCli(['status', '--config', 'x.yaml', '--data-dir', dir])).toBe(2);
    expect(io.err).toContain('CLI_USAGE');
  });

  it('says which source the clock trusts and how long ago it was read, and how far the system clock is off', () => {
    const now = Date.UTC(2026, 6, 13, 19, 20, 0);
    const text = formatStatus({
      ...stubStatus(),
      clock: {
        now,
        trusted: true,
        expiryTrusted: true,
        source: 'gps',
        why: "GPS time from this node's radio, 3 min ago",
        offsetMs: 2 * 86_400_000,
        since: now - 180_000,
      },
    });
    expect(text).toContain(
      'clock   2026-07-14T03:20:00+08:00 trusted (gps, 3 min ago); the system clock is 2 d behind\n',
    );
  });

  it('says why the clock is not trusted', () => {
    const why =
      'no GPS fix, no Iridium time, no signed time from the centre yet; the system clock is not trusted';
    const text = formatStatus({
      ...stubStatus(),
      clock: { now: Date.UTC(2026, 6, 13, 19, 20, 0), trusted: false, source: 'none', why, offsetMs: 0 },
    });
    expect(text).toContain(
      [
        'clock   2026-07-14T03:20:00+08:00 NOT trusted: no GPS fix, no Iridium time, no signed time from the',
        '        centre yet; the system clock is not trusted',
        '        Waiting for Iridium time from the modem on sat0 (down: no-service) or a signed time from the',
        '        centre.\n',
      ].join('\n'),
    );
  });

  it('lists a link that cannot be built as down with the reason, says MT is off and why, and what is kept', () => {
    const since = Date.UTC(2026, 6, 13, 19, 0, 0);
    const counters = { txFrames: 0, rxFrames: 3, txBytes: 0, rxBytes: 150, errors: 0 };
    const status: NodeStatus = {
      ...stubStatus(),
      links: [
        {
          id: 'rb0',
          kind: 'iridium-sbd',
          state: { status: 'up', since },
          counters,
          mt: { on: false, reason: 'no RockBLOCK MT credentials: set X and Y and restart' },
        },
        {
          id: 'rb1',
          kind: 'iridium-sbd',
          state: {
            status: 'down',
            reason: 'config-mismatch',
            detail: 'CONFIG_UNREADABLE: /etc/k.pem',
            since,
          },
          counters: { ...counters, rxFrames: 0, rxBytes: 0, errors: 4 },
        },
      ],
      kept: {
        file: '/var/lib/fieldnode/foreign-payloads.jsonl',
        count: 12,
        byReason: { 'unexpected-claims': 2, text: 10 },
        latest: [
          {
            n: 12,
            receivedAt: Date.UTC(2026, 6, 13, 19, 20, 7),
            link: 'rb0',
            from: 'x\u001b[2J',
            reason: 'unexpected-claims',
            detail: 'push claims refused: imei "x" is not 15 digits',
            bytes: 3,
            source: {
              carrier: 'rockblock',
              momsn: 41,
              sessionTime: Date.UTC(2026, 6, 13, 19, 20, 5),
              latitude: 28.1,
              longitude: 112.9,
              cepKm: 3,
            },
          },
        ],
        notWritten: 1,
      },
    };
    const text = formatStatus(status);
    expect(text.split('\n').slice(2)).toEqual([
      'links',
      '  LINK  KIND         STATE                         SENT     RECEIVED   ERRORS',
      '  rb0   iridium-sbd  up 20 min                     0 (0 B)  3 (150 B)  0',
      '        MT off, receiving only: no RockBLOCK MT credentials: set X and Y and restart',
      '  rb1   iridium-sbd  down 20 min: config-mismatch  0 (0 B)  0 (0 B)    4',
      '        CONFIG_UNREADABLE: /etc/k.pem',
      'queue   p0 1  p1 4  p2 0  p3 0',
      'kept    12 in /var/lib/fieldnode/foreign-payloads.jsonl (unexpected-claims 2, text 10)',
      '        all of them: `fieldnode foreign list`',
      '  1 NOT written (the file is full or cannot be written): see the log',
      '  N    WHEN                       LINK  FROM      REASON             SIZE',
      '  #12  2026-07-14T03:20:07+08:00  rb0   x\\x1b[2J  unexpected-claims  3 B',
      '       push claims refused: imei "x" is not 15 digits',
      '',
    ]);
    expect(formatStatus(status, { verbose: true })).toContain(
      '       push claims refused: imei "x" is not 15 digits\n' +
        '       carrier: rockblock momsn 41 2026-07-13T19:20:05Z at 28.1,112.9 ±3 km\n',
    );
    expect(text).not.toContain('\u001b');
    expect(
      formatStatus({
        ...stubStatus(),
        kept: { file: 'f', count: 0, byReason: {}, latest: [], notWritten: 0 },
      }),
    ).toContain('kept    nothing\n');
  });

  it('formats states and counters of unknown shape as JSON, and an untrusted clock loudly', () => {
    const text = formatStatus({
      ...stubStatus(),
      clock: { now: 0, trusted: false, source: 'system' },
      links: [{ id: 'x', kind: 'fake', state: 'weird', counters: { frames: 1 } }],
      queue: {},
    });
    expect(text).toContain('NOT trusted (system)');
    expect(text).toMatch(/x +fake +"weird" +\{"frames":1\}/);
    expect(text).toContain('queue   empty');
  });
});
