import { EventEmitter } from 'node:events';
import { lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StubNodeApp, type StubNodeOptions, stubStatus } from '../../test/stub-node.js';
import type { CreateNode } from '../app-contract.js';
import { isKitError, KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { queryStatus, requestRelease } from '../daemon/control-socket.js';
import { type StartDeps, startCommand } from './start-command.js';

let dir: string;
let logs: Array<Record<string, unknown>>;
let signals: EventEmitter;
let exit: ReturnType<typeof vi.fn<(code: number) => void>>;
let sent: () => Promise<string[]>;
let notifyCommand: [string, string];
let stderr: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-start-'));
  logs = [];
  signals = new EventEmitter();
  exit = vi.fn<(code: number) => void>();
  stderr = [];
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
    stderr: (text) => stderr.push(text),
    terminal: () => ({ attached: false, logs: false }),
    ...extra,
  };
}

async function configFile(extra = ''): Promise<string> {
  const path = join(dir, 'node.yaml');
  await writeFile(path, `node: { id: 2107, role: kit }\ndata_dir: data\n${extra}`);
  return path;
}

const socketOf = () => join(dir, 'data', 'control.sock');

/** Starts the daemon and waits until its control socket answers; `running` settles when it stops. */
async function runUntilUp(
  app: StubNodeApp,
  args: string[],
  socketPath = socketOf(),
  extra: Partial<StartDeps> = {},
) {
  const running = startCommand(args, deps(app, extra));
  await vi.waitFor(async () => expect((await queryStatus(socketPath)).ok).toBe(true), { timeout: 5000 });
  // Wrapped: an async function returning a bare promise would wait for it to settle.
  return { running };
}

describe('fieldnode start', () => {
  it('starts the node, serves status, tells systemd READY, and on SIGTERM stops cleanly with 0', async () => {
    const app = new StubNodeApp();
    const { running } = await runUntilUp(app, ['--config', await configFile()]);
    expect(await queryStatus(socketOf())).toEqual({ ok: true, status: stubStatus() });
    await vi.waitFor(async () =>
      expect(await sent()).toEqual(['READY=1 STATUS=node 2107 (kit) running: no links']),
    );

    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
    expect(app.calls).toEqual(['start', 'stop']);
    expect(await sent()).toEqual(['READY=1 STATUS=node 2107 (kit) running: no links', 'STOPPING=1']);
    await expect(lstat(socketOf())).rejects.toMatchObject({ code: 'ENOENT' });
    expect(exit).not.toHaveBeenCalled();
    expect(logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'stub node created',
        'fieldnode running: no links configured',
        'stopping',
        'stopped',
      ]),
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

  it('a failing start says what is wrong on standard error, logs its code without a stack, and exits 1', async () => {
    const app = new StubNodeApp({
      startError: new KitError('KEYS_INSECURE', 'kit.key has mode 0644. Run: chmod 600 kit.key'),
    });
    expect(await startCommand(['--config', await configFile()], deps(app))).toBe(1);
    expect(app.calls).toEqual(['start', 'stop']);
    expect(stderr).toEqual(['fieldnode: cannot start: kit.key has mode 0644. Run: chmod 600 kit.key\n']);
    const failure = logs.find((l) => l.msg === 'start failed');
    expect(failure).toMatchObject({
      level: 50,
      code: 'KEYS_INSECURE',
      problem: 'kit.key has mode 0644. Run: chmod 600 kit.key',
    });
    expect(failure).not.toHaveProperty('err');
    // The stack is logged at debug only, and the log level here is info.
    expect(JSON.stringify(logs)).not.toContain('stack');
    expect(await sent()).toEqual([]);
  });

  it('at log level debug, a failing start logs the error in full', async () => {
    const app = new StubNodeApp({ startError: new KitError('KEYS_INSECURE', 'insecure') });
    expect(await startCommand(['--config', await configFile('log: { level: debug }\n')], deps(app))).toBe(1);
    const full = logs.find((l) => l.msg === 'start failed: the error in full');
    expect(full).toMatchObject({ level: 20, err: { message: 'insecure' } });
    expect(JSON.stringify(full)).toContain('stack');
  });

  it('logs the running line: links up of those configured, degraded naming those down', async () => {
    // The stub's links: udp0 up, sat0 down (no-service, CSQ 0).
    const links =
      'links:\n' +
      '  - { id: udp0, type: udp, bind: { host: 127.0.0.1, port: 0 } }\n' +
      '  - { id: sat0, type: udp, bind: { host: 127.0.0.1, port: 0 } }\n';
    const app = new StubNodeApp();
    const running = startCommand(['--config', await configFile(links)], deps(app));
    await vi.waitFor(() =>
      expect(logs.some((l) => String(l.msg).startsWith('fieldnode running'))).toBe(true),
    );
    expect(logs.find((l) => String(l.msg).startsWith('fieldnode running'))).toMatchObject({
      level: 40,
      msg: 'fieldnode running, degraded: 1 of 2 links up; down: sat0 (no-service: CSQ 0)',
      links: { configured: 2, up: 1, down: [{ id: 'sat0', reason: 'no-service', detail: 'CSQ 0' }] },
    });
    await vi.waitFor(async () =>
      expect(await sent()).toEqual([
        'READY=1 STATUS=node 2107 (kit) running, degraded: 1 of 2 links up; down: sat0 (no-service)',
      ]),
    );
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
  });

  it('a bad configuration fails before anything starts', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, 'node: { id: 0, role: kit }\n');
    const app = new StubNodeApp();
    const err = await startCommand(['--config', path], deps(app)).catch((e: unknown) => e);
    expect(isKitError(err, 'CONFIG_INVALID')).toBe(true);
    expect(app.calls).toEqual([]);
  });

  it('--data-dir overrides data_dir and FIELDNODE_DATA_DIR, and the control socket follows it', async () => {
    const app = new StubNodeApp();
    let seen: string | undefined;
    const createNode: CreateNode = async (config) => {
      seen = config.dataDir;
      return app;
    };
    const running = startCommand(['--config', await configFile(), '--data-dir', 'elsewhere'], {
      ...deps(app),
      createNode,
      config: { env: { FIELDNODE_DATA_DIR: join(dir, 'from-env') }, cwd: dir },
    });
    await vi.waitFor(async () =>
      expect((await queryStatus(join(dir, 'elsewhere', 'control.sock'))).ok).toBe(true),
    );
    expect(seen).toBe(join(dir, 'elsewhere'));
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
  });

  it('--adopt reaches the node; without --config it is a usage error', async () => {
    const app = new StubNodeApp();
    let adopt: boolean | undefined;
    const createNode: CreateNode = async (_config, d) => {
      adopt = d.adopt;
      return app;
    };
    const running = startCommand(['--config', await configFile(), '--adopt'], { ...deps(app), createNode });
    await vi.waitFor(() => expect(adopt).toBe(true));
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
    const err = await startCommand(['--adopt'], deps(new StubNodeApp())).catch((e: unknown) => e);
    expect(isKitError(err, 'CLI_USAGE')).toBe(true);
    expect((err as Error).message).toMatch(/^--adopt needs --config/);
  });
});

describe('SIGHUP', () => {
  it('off a terminal, reloads: applies the log level and names what takes a restart, and keeps running', async () => {
    const app = new StubNodeApp();
    const path = await configFile();
    // The node's logger, a child made at the start: a reload must reach it.
    let nodeLog: Logger | undefined;
    const createNode: CreateNode = async (_config, d) => {
      nodeLog = d.log.child({ mod: 'node' });
      return app;
    };
    const { running } = await runUntilUp(app, ['--config', path], socketOf(), { createNode });
    nodeLog?.debug('before the reload');
    await writeFile(
      path,
      'node: { id: 2107, role: kit }\ndata_dir: data\nlog: { level: debug }\nrouting: { beacon_interval_s: 60 }\n',
    );
    signals.emit('SIGHUP', 'SIGHUP');
    await vi.waitFor(() =>
      expect(logs.some((l) => String(l.msg).startsWith('SIGHUP: configuration reloaded'))).toBe(true),
    );
    expect(logs.find((l) => String(l.msg).startsWith('SIGHUP: configuration reloaded'))).toMatchObject({
      level: 40,
      msg: 'SIGHUP: configuration reloaded; these changes take effect at the next restart: routing',
      applied: ['log.level'],
      needsRestart: ['routing'],
    });
    nodeLog?.debug('after the reload');
    expect(logs.filter((l) => l.level === 20).map((l) => l.msg)).toEqual(['after the reload']);
    expect((await queryStatus(socketOf())).ok).toBe(true);
    expect(app.calls).toEqual(['start']);
    await writeFile(path, 'node: { id: 0 }\n');
    signals.emit('SIGHUP', 'SIGHUP');
    await vi.waitFor(() =>
      expect(logs.some((l) => String(l.msg).startsWith('SIGHUP: the configuration was not reloaded'))).toBe(
        true,
      ),
    );
    expect(
      logs.find((l) => String(l.msg).startsWith('SIGHUP: the configuration was not reloaded')),
    ).toMatchObject({
      level: 50,
      code: 'CONFIG_INVALID',
    });
    expect((await queryStatus(socketOf())).ok).toBe(true);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
    expect(exit).not.toHaveBeenCalled();
  });

  it('on a terminal, the terminal hung up: stops cleanly with 0, writes no more log there, and a repeated hang-up is not a second signal', async () => {
    const app = new StubNodeApp();
    const { running } = await runUntilUp(app, ['--config', await configFile()], socketOf(), {
      terminal: () => ({ attached: true, logs: true }),
    });
    const before = logs.length;
    signals.emit('SIGHUP', 'SIGHUP');
    signals.emit('SIGHUP', 'SIGHUP');
    expect(await running).toBe(0);
    expect(app.calls).toEqual(['start', 'stop']);
    expect(exit).not.toHaveBeenCalled();
    expect(logs.slice(before)).toEqual([]);
    await expect(lstat(socketOf())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('on a terminal that is not where the log goes, the stop is logged', async () => {
    const app = new StubNodeApp();
    const { running } = await runUntilUp(app, ['--config', await configFile()], socketOf(), {
      terminal: () => ({ attached: true, logs: false }),
    });
    signals.emit('SIGHUP', 'SIGHUP');
    expect(await running).toBe(0);
    expect(logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'the terminal hung up: stopping (under systemd or nohup, SIGHUP reloads instead)',
        'stopped',
      ]),
    );
  });
});
