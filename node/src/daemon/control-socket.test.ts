import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { lstatSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubStatus } from '../../test/stub-node.js';
import type { ReleaseItem } from '../app-contract.js';
import { isKitError, KitError } from '../base/errors.js';
import { createRootLogger } from '../log.js';
import { MAX_HOP_TAGGED_BYTES } from '../wire/hop-tagged.js';
import { ControlServer, queryStatus, requestRelease } from './control-socket.js';

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

async function serve(
  status = stubStatus,
  release?: (item: ReleaseItem) => Promise<string[] | undefined>,
): Promise<ControlServer> {
  const server = new ControlServer({ socketPath, status, log, ...(release ? { release } : {}) });
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

describe('control socket: release', () => {
  /** A release callback that records what it was handed. */
  function recorder() {
    const got: ReleaseItem[] = [];
    return {
      got,
      release: async (item: ReleaseItem) => {
        got.push(item);
        return undefined;
      },
    };
  }

  it('hands a valid release to the callback and answers ok', async () => {
    const { got, release } = recorder();
    await serve(stubStatus, release);
    const line = '{"cmd":"release","link":"rockblock0","from":"300434060000001","hex":"50A0ff"}\n';
    expect(await exchange(line, 1)).toEqual([{ ok: true }]);
    expect(got).toEqual([
      { link: 'rockblock0', from: '300434060000001', bytes: Uint8Array.from([0x50, 0xa0, 0xff]) },
    ]);
    // The client, and a payload with no sender address.
    expect(await requestRelease(socketPath, { link: 'directip0', hex: '01' })).toEqual({ ok: true });
    expect(got[1]).toEqual({ link: 'directip0', bytes: Uint8Array.from([1]) });
  });

  it('takes the largest frame, a request far over the old 4 KB line limit', async () => {
    const { got, release } = recorder();
    await serve(stubStatus, release);
    const hex = 'ab'.repeat(MAX_HOP_TAGGED_BYTES);
    const from = '\u0001'.repeat(64); // every character escaped by JSON: the longest line there is
    expect(await requestRelease(socketPath, { link: 'l'.repeat(64), from, hex })).toEqual({ ok: true });
    expect(got[0]?.bytes.length).toBe(MAX_HOP_TAGGED_BYTES);
    expect(got[0]?.from).toBe(from);
  });

  it('refuses an invalid release, listing every problem, and never calls back', async () => {
    const { got, release } = recorder();
    await serve(stubStatus, release);
    const requests = [
      { cmd: 'release', link: 'rockblock0', hex: 'abc' }, // odd length
      { cmd: 'release', link: 'rockblock0', hex: 'zz' },
      { cmd: 'release', link: 'rockblock0', hex: '' },
      { cmd: 'release', link: 'rockblock0', hex: 'ab'.repeat(MAX_HOP_TAGGED_BYTES + 1) },
      { cmd: 'release', hex: 'ab' },
      { cmd: 'release', link: 'x'.repeat(65), hex: 'ab' },
      { cmd: 'release', link: 'rockblock0', from: 300434060000001, hex: 'ab' },
      { cmd: 'release', link: 'rockblock0', hex: 'ab', force: true },
      { cmd: 'release', link: '', from: '', hex: 7 },
    ];
    const replies = await exchange(requests.map((r) => `${JSON.stringify(r)}\n`).join(''), requests.length);
    expect(replies).toHaveLength(requests.length);
    for (const reply of replies) expect(reply).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    const messages = replies.map((r) => (r as { error: { message: string } }).error.message);
    expect(messages[0]).toBe('release: hex: the payload as a non-empty, even number of hex digits');
    expect(messages[3]).toContain(`16390 bytes is over the ${MAX_HOP_TAGGED_BYTES}`);
    expect(messages[4]).toBe('release: link: a link id of 1 to 64 characters');
    expect(messages[6]).toBe('release: from: when given, a sender address of 1 to 64 characters');
    expect(messages[7]).toBe('release: unknown field "force"');
    expect(messages[8]?.split('; ')).toHaveLength(3);
    expect(got).toEqual([]);
    expect(await queryStatus(socketPath)).toMatchObject({ ok: true });
  });

  it('without a release callback, release is an unknown command, as on an older daemon', async () => {
    await serve();
    const result = await requestRelease(socketPath, { link: 'rockblock0', hex: 'ab' });
    expect(result).toEqual({
      ok: false,
      reason: 'refused',
      code: 'UNKNOWN_COMMAND',
      detail: 'unknown cmd "release"; known: status',
    });
    expect(await queryStatus(socketPath)).toEqual({ ok: true, status: stubStatus() });
  });

  it('a failing release is an error reply with its code, not a dead daemon', async () => {
    let calls = 0;
    await serve(stubStatus, async () => {
      calls++;
      if (calls === 1) throw new KitError('STORE_FULL', 'the disk is full');
      throw new Error('store closed');
    });
    const item = { link: 'rockblock0', hex: 'ab' };
    expect(await requestRelease(socketPath, item)).toEqual({
      ok: false,
      reason: 'refused',
      code: 'STORE_FULL',
      detail: 'the disk is full',
    });
    expect(await requestRelease(socketPath, item)).toMatchObject({ reason: 'refused', code: 'INTERNAL' });
    expect(await queryStatus(socketPath)).toMatchObject({ ok: true });
  });

  it('answers in the order asked, a slow release before a status included', async () => {
    let finish: (() => void) | undefined;
    await serve(stubStatus, () => new Promise<undefined>((resolve) => (finish = () => resolve(undefined))));
    const replies = exchange('{"cmd":"release","link":"a","hex":"00"}\n{"cmd":"status"}\n', 2);
    // The release is under way; the status asked after it waits for it.
    await vi.waitFor(() => expect(finish).toBeDefined(), { timeout: 2000 });
    finish?.();
    expect(await replies).toEqual([{ ok: true }, stubStatus()]);
  });
});
