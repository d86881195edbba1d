/**
 * sd_notify end to end (docs/pi-kit.md §The service): the real systemd-notify sends READY=1, the
 * watchdog pings at half WATCHDOG_USEC and STOPPING=1 as AF_UNIX datagrams to a real socket, where a
 * receiver plays systemd's part, including the barrier (it closes the descriptor that
 * systemd-notify ≥ 246 passes and waits on). Node cannot bind a datagram socket of that family, so
 * the receiver is a few lines of Python. Without systemd-notify or python3 the file skips with one
 * line; under CI it fails instead, and .ci/run installs both (systemd-notify is in Debian's
 * `systemd` package).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { gateSystemTool } from '../link/needs-system-tool.js';
import { SKIP_DIR_KEY } from '../link/system-tool-skips.js';
import { createRootLogger } from '../log.js';
import { SdNotifier } from './sd-notify.js';

const gate = {
  skipDir: inject(SKIP_DIR_KEY) as string | undefined,
  file: 'sd-notify-datagram.test.ts',
};
const systemdNotify = gateSystemTool(
  { name: 'systemd-notify', install: 'apt install systemd', usedFor: 'the sd_notify datagram test' },
  gate,
);
const python = gateSystemTool(
  { name: 'python3', install: 'apt install python3', usedFor: "the sd_notify datagram test's receiver" },
  gate,
);

/** Prints each datagram as a JSON line; closes passed descriptors, which ends systemd-notify's barrier. */
const RECEIVER = `
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps("listening"), flush=True)
while True:
    data, anc, flags, addr = s.recvmsg(4096, socket.CMSG_SPACE(64))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            for i in range(0, len(payload) - len(payload) % 4, 4):
                os.close(int.from_bytes(payload[i:i + 4], sys.byteorder))
    print(json.dumps(data.decode()), flush=True)
`;

let dir: string;
let receiver: ChildProcess | undefined;
let received: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-notify-'));
  received = [];
});
afterEach(async () => {
  receiver?.kill();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(systemdNotify === undefined || python === undefined)(
  'sd_notify over a unix datagram socket',
  () => {
    it('READY=1, then WATCHDOG=1 at half WATCHDOG_USEC, then STOPPING=1 reach the socket', async () => {
      const socket = join(dir, 'notify');
      const child = spawn(python as string, ['-c', RECEIVER, socket], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      receiver = child;
      let buffered = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        received.push(...lines.map((line) => JSON.parse(line) as string));
      });
      await vi.waitFor(() => expect(received).toContain('listening'), { timeout: 5000 });

      const log = createRootLogger({ level: 'fatal' });
      const notifier = new SdNotifier({
        log,
        env: {
          NOTIFY_SOCKET: socket,
          WATCHDOG_USEC: '300000',
          WATCHDOG_PID: String(process.pid),
          PATH: process.env.PATH,
        },
        command: [systemdNotify as string],
      });
      expect(notifier.watchdogIntervalMs).toBe(150);
      await notifier.ready('node 2107 (kit) running');
      notifier.startWatchdog();
      const pings = () => received.filter((d) => d === 'WATCHDOG=1').length;
      await vi.waitFor(() => expect(pings()).toBeGreaterThanOrEqual(2), { timeout: 5000 });
      notifier.stopWatchdog();
      await notifier.stopping();

      const messages = received.filter((d) => d !== 'listening' && d !== 'BARRIER=1');
      expect(messages[0]).toBe('READY=1\nSTATUS=node 2107 (kit) running');
      expect(messages.slice(1, -1).every((d) => d === 'WATCHDOG=1')).toBe(true);
      expect(messages.at(-1)).toBe('STOPPING=1');
    });
  },
);
