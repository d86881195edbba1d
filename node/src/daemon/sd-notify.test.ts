import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRootLogger } from '../log.js';
import { notifySocketAddress, SdNotifier, watchdogIntervalMs } from './sd-notify.js';

let dir: string;
let logs: Array<{ level: number; msg: string }>;
let log: ReturnType<typeof createRootLogger>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-sd-'));
  logs = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(JSON.parse(String(chunk)));
      done();
    },
  });
  log = createRootLogger({ level: 'debug' }, stream);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in for systemd-notify: records its arguments and NOTIFY_SOCKET, exits with `code`. */
async function fakeSystemdNotify(
  code = 0,
): Promise<{ command: [string, string]; sent: () => Promise<string[]> }> {
  const record = join(dir, 'sent.txt');
  const script = join(dir, 'fake-notify.mjs');
  await writeFile(
    script,
    `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(record)}, process.argv.slice(2).join(' ') + ' @' + process.env.NOTIFY_SOCKET + '\\n');
process.exit(Number(process.env.FAKE_EXIT ?? ${code}));
`,
  );
  const sent = async () => (await readFile(record, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { command: [process.execPath, script], sent };
}

describe('environment', () => {
  it('NOTIFY_SOCKET: a path, an abstract name (@ becomes NUL), vsock, or nothing usable', () => {
    expect(notifySocketAddress('/run/systemd/notify')).toEqual({
      kind: 'path',
      address: '/run/systemd/notify',
    });
    expect(notifySocketAddress('@/org/freedesktop/systemd1/notify')).toEqual({
      kind: 'abstract',
      address: '\0/org/freedesktop/systemd1/notify',
    });
    expect(notifySocketAddress('vsock:2:1234')?.kind).toBe('vsock');
    expect(notifySocketAddress('relative/path')).toBeUndefined();
    expect(notifySocketAddress('@')).toBeUndefined();
  });

  it('watchdog: half of WATCHDOG_USEC in ms, only for this PID, clamped to what timers take', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 42)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' }, 42)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '43' }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({}, 42)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: 'soon' }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '0' }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '1000' }, 42)).toBe(1);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: String(2 ** 52) }, 42)).toBe(2 ** 31 - 1);
  });
});

describe('SdNotifier', () => {
  it('without NOTIFY_SOCKET does nothing at all', async () => {
    const fake = await fakeSystemdNotify();
    const notifier = new SdNotifier({ log, env: { WATCHDOG_USEC: '2000' }, command: fake.command });
    expect(notifier.enabled).toBe(false);
    expect(notifier.watchdogIntervalMs).toBeUndefined();
    await notifier.ready('up');
    await notifier.stopping();
    expect(await fake.sent()).toEqual([]);
    expect(logs).toEqual([]);
  });

  it('sends each notification, in order, through the sender with NOTIFY_SOCKET passed on', async () => {
    const fake = await fakeSystemdNotify();
    const notifier = new SdNotifier({ log, env: { NOTIFY_SOCKET: '@/test/notify' }, command: fake.command });
    await Promise.all([notifier.ready('node 2107 up'), notifier.status('two\nlines'), notifier.stopping()]);
    expect(await fake.sent()).toEqual([
      'READY=1 STATUS=node 2107 up @@/test/notify',
      'STATUS=two lines @@/test/notify',
      'STOPPING=1 @@/test/notify',
    ]);
    expect(logs).toEqual([]);
  });

  it('pings the watchdog at half WATCHDOG_USEC until stopped', async () => {
    const fake = await fakeSystemdNotify();
    const env = { NOTIFY_SOCKET: '/run/test.sock', WATCHDOG_USEC: '40000', WATCHDOG_PID: '7' };
    const notifier = new SdNotifier({ log, env, pid: 7, command: fake.command });
    expect(notifier.watchdogIntervalMs).toBe(20);
    notifier.startWatchdog();
    await vi.waitFor(async () => expect((await fake.sent()).length).toBeGreaterThanOrEqual(2), {
      timeout: 5000,
    });
    notifier.stopWatchdog();
    await notifier.stopping();
    const sent = await fake.sent();
    expect(sent.slice(0, -1).every((line) => line === 'WATCHDOG=1 @/run/test.sock')).toBe(true);
    expect(sent.at(-1)).toBe('STOPPING=1 @/run/test.sock');
  });

  it('without systemd-notify, says so once and stops trying', async () => {
    const notifier = new SdNotifier({
      log,
      env: { NOTIFY_SOCKET: '/run/test.sock' },
      command: [join(dir, 'no-such-systemd-notify')],
    });
    await notifier.ready();
    await notifier.watchdog();
    expect(notifier.enabled).toBe(false);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 40, msg: expect.stringContaining('sd_notify unavailable') });
  });

  it('a failing sender is logged once, and its recovery once', async () => {
    const fake = await fakeSystemdNotify();
    const env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: '/run/test.sock', FAKE_EXIT: '1' };
    const notifier = new SdNotifier({ log, env, command: fake.command });
    await notifier.ready();
    await notifier.watchdog();
    env.FAKE_EXIT = '0';
    await notifier.watchdog();
    await notifier.watchdog();
    expect(logs.map((l) => [l.level, l.msg])).toEqual([
      [40, 'sd_notify failed; will keep trying'],
      [30, 'sd_notify works again'],
    ]);
    expect(await fake.sent()).toHaveLength(4);
  });
});
