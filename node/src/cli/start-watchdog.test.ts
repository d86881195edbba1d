/**
 * The watchdog through a slow stop (docs/pi-kit.md §The service, docs/conventions.md §Lifecycle and
 * shutdown): systemd keeps watching while the daemon stops, and an Iridium link's stop may take
 * 60 s, as long as WatchdogSec, so the pings go on until the node has closed.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { StubNodeApp } from '../../test/stub-node.js';
import { queryStatus } from '../daemon/control-socket.js';
import { startCommand } from './start-command.js';

/** A node whose stop takes a while, as one with an SBD session under way. */
class SlowStoppingNode extends StubNodeApp {
  override async stop(): Promise<void> {
    await super.stop();
    await new Promise((r) => setTimeout(r, 1500));
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-watchdog-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('keeps pinging the watchdog after STOPPING=1 until the node has stopped', async () => {
  const record = join(dir, 'notify.txt');
  const script = join(dir, 'fake-notify.mjs');
  await writeFile(
    script,
    `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(record)}, process.argv.slice(2).join(' ') + '\\n');\n`,
  );
  const sent = async () => (await readFile(record, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const config = join(dir, 'node.yaml');
  await writeFile(config, 'node: { id: 2107, role: kit }\ndata_dir: data\n');
  const signals = new EventEmitter();
  const running = startCommand(['--config', config], {
    createNode: async () => new SlowStoppingNode(),
    signals,
    exit: () => {},
    logDestination: new Writable({ write: (_c, _e, done) => done() }),
    // WATCHDOG_USEC 400 ms: a ping every 200 ms.
    notify: {
      env: {
        NOTIFY_SOCKET: '/run/fieldnode-test.sock',
        WATCHDOG_USEC: '400000',
        WATCHDOG_PID: String(process.pid),
      },
      command: [process.execPath, script],
    },
    config: { env: {}, cwd: dir },
    stderr: () => {},
    terminal: () => ({ attached: false, logs: false }),
  });
  await vi.waitFor(async () => expect((await queryStatus(join(dir, 'data', 'control.sock'))).ok).toBe(true), {
    timeout: 5000,
  });
  signals.emit('SIGTERM', 'SIGTERM');
  expect(await running).toBe(0);
  const lines = (await sent()).map((l) => l.split(' ')[0]);
  const stopping = lines.indexOf('STOPPING=1');
  expect(stopping).toBeGreaterThan(0);
  // The 1.5 s stop spans several 200 ms pings (fewer on a loaded machine: a ping in flight is not
  // doubled); the old order stopped them before STOPPING=1.
  expect(lines.slice(stopping + 1).filter((l) => l === 'WATCHDOG=1').length).toBeGreaterThanOrEqual(1);
  // And they end with the stop: once a ping still in flight has landed, no more come.
  await new Promise((r) => setTimeout(r, 400));
  const after = (await sent()).length;
  await new Promise((r) => setTimeout(r, 500));
  expect((await sent()).length).toBe(after);
});
