import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { lstatSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stubStatus } from '../../test/stub-node.js';
import { isKitError } from '../base/errors.js';
import { createRootLogger } from '../log.js';
import { ControlServer, queryStatus } from './control-socket.js';

let dir: string;
let socketPath: string;
const servers: ControlServer[] = [];
const log = createRootLogger({ level: 'fatal' }, new Writable({ write: (_c, _e, done) => done() }));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-ctl-'));
  socketPath = join(dir, 'data', 'control.sock');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function serve(status = stubStatus): Promise<ControlServer> {
  const server = new ControlServer({ socketPath, status, log });
  servers.push(server);
  await server.start();
  return server;
}

/** Sends raw lines on one connection and collects `count` reply lines. */
async function exchange(lines: string, count: number): Promise<unknown[]> {
  const socket = connect(socketPath);
  socket.setEncoding('utf8');
  let text = '';
  socket.write(lines);
  for await (const chunk of socket) {
    text += chunk;
    if (text.split('\n').length > count) break;
  }
  socket.destroy();
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

async function startError(server: ControlServer): Promise<unknown> {
  return server.start().then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('control socket', () => {
  it('answers status with the NodeStatus JSON, on a 0600 socket in a directory it creates', async () => {
    await serve();
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600);
    expect(await queryStatus(socketPath)).toEqual({ ok: true, status: stubStatus() });
  });

  it('the socket is never reachable at its path with a mode wider than 0600, not even while starting', async () => {
    // Look at the path between every turn of the event loop while start() runs: a socket made
    // with the umask's mode and narrowed afterwards would be seen (and could be connected to).
    const seen = new Set<number>();
    let watching = true;
    const watch = () => {
      try {
        seen.add(lstatSync(socketPath).mode & 0o777);
      } catch {
        // not there yet
      }
      if (watching) setImmediate(watch);
    };
    const previous = process.umask(0o022);
    try {
      watch();
      await serve();
    } finally {
      watching = false;
      process.umask(previous);
    }
    expect([...seen]).toEqual([0o600]);
    // Nothing of the private directory it was made in is left behind.
    expect((await readdir(join(dir, 'data'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('refuses a path whose private staging directory would be too long for a unix socket', async () => {
    const deep = join(dir, 'd'.repeat(100 - dir.length));
    const err = await startError(new ControlServer({ socketPath: join(deep, 'c'), status: stubStatus, log }));
    expect(isKitError(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toContain('control.socket: the socket is made in a private directory');
  });

  it('answers one JSON line per request line, errors included, on one connection', async () => {
    await serve();
    const replies = await exchange('{"cmd":"status"}\nnot json\n{"cmd":"reboot"}\n{"cmd":"status"}\n', 4);
    expect(replies[0]).toEqual(stubStatus());
    expect(replies[1]).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(replies[2]).toMatchObject({ error: { code: 'UNKNOWN_COMMAND' } });
    expect(replies[3]).toEqual(stubStatus());
  });

  it('a failing status() is an error reply, not a dead daemon', async () => {
    await serve(() => {
      throw new Error('store closed');
    });
    expect(await queryStatus(socketPath)).toEqual({
      ok: false,
      reason: 'protocol',
      detail: 'INTERNAL: store closed',
    });
  });

  it('close() removes the socket; then nobody answers', async () => {
    const server = await serve();
    await server.close();
    await server.close();
    await expect(lstat(socketPath)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await queryStatus(socketPath)).toMatchObject({ ok: false, reason: 'no-daemon' });
  });

  it('removes a socket file left by a daemon that crashed', async () => {
    await serve();
    await servers.pop()?.close();
    // A real crash: a process listens on the path and is killed before it can clean up.
    const child = spawn(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    await once(child, 'exit');
    expect((await lstat(socketPath)).isSocket()).toBe(true);
    await serve();
    expect(await queryStatus(socketPath)).toMatchObject({ ok: true });
  });

  it('refuses to start while another daemon answers, and never deletes a file that is not a socket', async () => {
    await serve();
    const second = new ControlServer({ socketPath, status: stubStatus, log });
    const busy = await startError(second);
    expect(isKitError(busy, 'STORE_LOCKED')).toBe(true);
    expect(await queryStatus(socketPath)).toMatchObject({ ok: true });

    const plain = join(dir, 'notes.txt');
    await writeFile(plain, 'keep me');
    const wrong = await startError(new ControlServer({ socketPath: plain, status: stubStatus, log }));
    expect(isKitError(wrong, 'CONFIG_INVALID')).toBe(true);
    expect(await readFile(plain, 'utf8')).toBe('keep me');
  });
});

describe('queryStatus', () => {
  it('gives up on a daemon that does not answer', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(join(dir, 'silent.sock'), resolve));
    try {
      const result = await queryStatus(join(dir, 'silent.sock'), { timeoutMs: 100 });
      expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    } finally {
      silent.close();
    }
  });

  it('rejects a reply that is not a node status', async () => {
    const liar = createServer((s) => s.end('{"hello":1}\n'));
    await new Promise<void>((resolve) => liar.listen(join(dir, 'liar.sock'), resolve));
    try {
      expect(await queryStatus(join(dir, 'liar.sock'))).toMatchObject({ ok: false, reason: 'protocol' });
    } finally {
      liar.close();
    }
  });
});
