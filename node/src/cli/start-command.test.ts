import { EventEmitter } from 'node:events';
import { lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StubNodeApp, type StubNodeOptions, stubStatus } from '../../test/stub-node.js';
import type { CreateNode } from '../app-contract.js';
import { isKitError, KitError } from '../base/errors.js';
import { queryStatus, requestRelease } from '../daemon/control-socket.js';
import { type StartDeps, startCommand } from './start-command.js';

let dir: string;
let logs: Array<Record<string, unknown>>;
let signals: EventEmitter;
let exit: ReturnType<typeof vi.fn<(code: number) => void>>;
let sent: () => Promise<string[]>;
let notifyCommand: [string, string];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-start-'));
  logs = [];
  signals = new EventEmitter();
  exit = vi.fn<(code: number) => void>();
  // Stands in for systemd-notify: records what would have been sent to systemd.
  const record = join(dir, 'notify.txt');
  const script = join(dir, 'fake-notify.mjs');
  await writeFile(
    script,
    `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(record)}, process.argv.slice(2).join(' ') + '\\n');\n`,
  );
  notifyCommand = [process.execPath, script];
  sent = async () => (await readFile(record, 'utf8').catch(() => '')).split('\n').filter(Boolean);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function deps(app: StubNodeApp, extra: Partial<StartDeps> = {}): StartDeps {
  const createNode: CreateNode = async (config, { log }) => {
    log.info({ node: config.node.id }, 'stub node created');
    return app;
  };
  return {
    createNode,
    signals,
    exit,
    logDestination: new Writable({
      write(chunk, _enc, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    }),
    notify: { env: { NOTIFY_SOCKET: '/run/fieldnode-test.sock' }, command: notifyCommand },
    config: { env: {}, cwd: dir },
    ...extra,
  };
}

async function configFile(): Promise<string> {
  const path = join(dir, 'node.yaml');
  await writeFile(path, 'node: { id: 2107, role: kit }\ndata_dir: data\n');
  return path;
}

const socketOf = () => join(dir, 'data', 'control.sock');

/** Starts the daemon and waits until its control socket answers; `running` settles when it stops. */
async function runUntilUp(app: StubNodeApp, args: string[], socketPath = socketOf()) {
  const running = startCommand(args, deps(app));
  await vi.waitFor(async () => expect((await queryStatus(socketPath)).ok).toBe(true), { timeout: 5000 });
  // Wrapped: an async function returning a bare promise would wait for it to settle.
  return { running };
}

describe('fieldnode start', () => {
  it('starts the node, serves status, tells systemd READY, and on SIGTERM stops cleanly with 0', async () => {
    const app = new StubNodeApp();
    const { running } = await runUntilUp(app, ['--config', await configFile()]);
    expect(await queryStatus(socketOf())).toEqual({ ok: true, status: stubStatus() });
    await vi.waitFor(async () => expect(await sent()).toEqual(['READY=1 STATUS=node 2107 (kit) running']));

    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
    expect(app.calls).toEqual(['start', 'stop']);
    expect(await sent()).toEqual(['READY=1 STATUS=node 2107 (kit) running', 'STOPPING=1']);
    await expect(lstat(socketOf())).rejects.toMatchObject({ code: 'ENOENT' });
    expect(exit).not.toHaveBeenCalled();
    expect(logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['stub node created', 'fieldnode running', 'stopping', 'stopped']),
    );
  });

  it('hands a release on the control socket to the node', async () => {
    const app = new StubNodeApp();
    const { running } = await runUntilUp(app, ['--config', await configFile()]);
    const item = { link: 'rockblock0', from: '300434060000099', hex: '5003bb' };
    // The daemon says what became of it (the stub takes everything in).
    expect(await requestRelease(socketOf(), item)).toEqual({
      ok: true,
      outcome: [`${item.hex.length / 2} B: taken in (stub)`],
    });
    expect(app.released).toEqual([
      { link: 'rockblock0', from: '300434060000099', bytes: Uint8Array.from([0x50, 0x03, 0xbb]) },
    ]);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
  });

  it('without --config runs the built-in default in ./.fieldnode', async () => {
    const app = new StubNodeApp();
    const { running } = await runUntilUp(app, [], join(dir, '.fieldnode', 'control.sock'));
    signals.emit('SIGINT', 'SIGINT');
    expect(await running).toBe(0);
  });

  it('a second signal exits 1 at once', async () => {
    const app = new StubNodeApp();
    const { running } = await runUntilUp(app, ['--config', await configFile()]);
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    expect(exit).toHaveBeenCalledWith(1);
    await running;
  });

  it('a signal during start aborts the start and stops with 0, without READY', async () => {
    const app = new StubNodeApp({ hangOnStart: true } satisfies StubNodeOptions);
    const running = startCommand(['--config', await configFile()], deps(app));
    await vi.waitFor(() => expect(app.calls).toEqual(['start']));
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
    expect(app.calls).toEqual(['start', 'stop']);
    expect(await sent()).toEqual(['STOPPING=1']);
  });

  it('a failing start is logged with its code, cleaned up, and exits 1', async () => {
    const app = new StubNodeApp({ startError: new KitError('STORE_LOCKED', 'the store is in use') });
    expect(await startCommand(['--config', await configFile()], deps(app))).toBe(1);
    expect(app.calls).toEqual(['start', 'stop']);
    const failure = logs.find((l) => l.msg === 'start failed');
    expect(failure).toMatchObject({
      level: 50,
      code: 'STORE_LOCKED',
      err: { message: 'the store is in use' },
    });
    expect(await sent()).toEqual([]);
  });

  it('a bad configuration fails before anything starts', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, 'node: { id: 0, role: kit }\n');
    const app = new StubNodeApp();
    const err = await startCommand(['--config', path], deps(app)).catch((e: unknown) => e);
    expect(isKitError(err, 'CONFIG_INVALID')).toBe(true);
    expect(app.calls).toEqual([]);
  });
});
