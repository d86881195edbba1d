/**
 * The control socket: how `fieldnode status` asks a running daemon about itself, and how
 * `fieldnode foreign release` hands it a kept payload (docs/conventions.md §Lifecycle and shutdown:
 * it is opened after the node has started and closed first on shutdown; docs/centre-doors.md
 * §Releasing a kept frame).
 *
 * A unix stream socket, mode 0600 from the moment it can be reached (docs/keys.md §File modes), in
 * the data directory. The protocol is one JSON request per
 * line, one JSON reply per line: `{"cmd":"status"}` is answered with the NodeStatus JSON;
 * `{"cmd":"release",…}` (release-request.ts), when the daemon offers it, with `{"ok":true}`; anything
 * else with `{"error":{"code","message"}}`. A connection may ask several times, and is answered in
 * order; it is closed after a minute of silence. Local only: nothing here is reachable from the
 * network.
 */
import { chmod, link, lstat, mkdir, mkdtemp, rm, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import type { NodeStatus, ReleaseItem } from '../app-contract.js';
import { isKitError, KitError, show } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { CONTROL_SOCKET_STAGING_BYTES, MAX_UNIX_SOCKET_PATH_BYTES } from '../config/schema.js';
import {
  MAX_RELEASE_LINE_BYTES,
  parseReleaseRequest,
  type ReleaseRequest,
  releaseRequestLine,
} from './release-request.js';

/** Longest request line accepted, bytes: a release carrying the largest frame in hex (about 33 KB). */
const MAX_LINE_BYTES = MAX_RELEASE_LINE_BYTES;
/** A connection that says nothing for this long is closed, ms. */
const IDLE_MS = 60_000;

export interface ControlServerOptions {
  /** Absolute path of the socket (config `control.socket`). */
  socketPath: string;
  /** The node's current status; called once per status request. */
  status: () => NodeStatus;
  /**
   * Takes in a payload the duty officer released (NodeApp.release); called once per valid release
   * request. Without it, `release` is an unknown command, as on a daemon older than it.
   */
  release?: (item: ReleaseItem) => Promise<string[] | undefined>;
  /**
   * Further commands the daemon offers (NodeApp.commands: `backup`, and the centre's `kits`,
   * `revoke`, `replace`: docs/operating.md §Backup and restore, docs/kits.md), each given the
   * request's fields, checked by the command itself, and answering its reply. Default: none.
   */
  commands?: Readonly<Record<string, ControlCommand>>;
  log: Logger;
}

/** A control socket command: the request's fields in, the reply out; a KitError is an error reply with its code. */
export type ControlCommand = (request: Record<string, unknown>) => Promise<unknown>;

/** Owns the listening socket and its open connections, and removes the socket file on close. */
export class ControlServer {
  private readonly connections = new Set<Socket>();
  private server: Server | undefined;

  constructor(private readonly opts: ControlServerOptions) {}

  /**
   * Listens. A socket file left by a daemon that crashed is removed first, after checking that
   * nobody answers on it; a live one means another daemon runs with this data directory.
   * @throws KitError STORE_LOCKED when another daemon answers on the socket; CONFIG_INVALID when
   *   the path is something other than a socket (it is never deleted).
   */
  async start(): Promise<void> {
    const { socketPath } = this.opts;
    const dir = dirname(socketPath);
    if (Buffer.byteLength(dir) + CONTROL_SOCKET_STAGING_BYTES > MAX_UNIX_SOCKET_PATH_BYTES) {
      throw new KitError(
        'CONFIG_INVALID',
        `control.socket: the socket is made in a private directory in ${dir} first, and that path would be ` +
          `over ${MAX_UNIX_SOCKET_PATH_BYTES} bytes: use a shorter directory`,
      );
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await removeStaleSocket(socketPath);
    // The socket must never be reachable with a mode wider than 0600, not even for a moment:
    // listen() makes the file with the umask's mode, and a chmod() after it leaves a window in
    // which another local user can connect (a connection, once made, outlives the chmod). So it
    // is bound inside a fresh private directory (mkdtemp makes it 0700, so nobody else can reach
    // it there), set to 0600, and only then hard-linked to its path; the private directory is
    // removed, and the socket stays bound under its one remaining name. link(), unlike rename(),
    // fails if the path exists, so a daemon that started meanwhile keeps its socket. (A umask()
    // around listen() would be process-wide: it would also narrow files that other parts of the
    // daemon create meanwhile on libuv's threads, and worker threads may not change it.)
    const staging = await mkdtemp(join(dir, '.c'));
    const staged = join(staging, 's');
    const server = createServer((socket) => this.serve(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(staged, () => {
          server.removeAllListeners('error');
          resolve();
        });
      });
      await chmod(staged, 0o600);
      await link(staged, socketPath);
    } catch (err) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // EEXIST: another daemon made its socket after ours was found stale or missing.
      throw hasCode(err, 'EEXIST') || hasCode(err, 'EADDRINUSE') ? anotherDaemon(socketPath) : err;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    server.on('error', (err) => this.opts.log.error({ err }, 'control socket failed'));
    this.server = server;
    this.opts.log.info({ socket: socketPath }, 'control socket listening');
  }

  /** Stops listening, drops open connections and removes the socket file. Idempotent. */
  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await unlink(this.opts.socketPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') this.opts.log.warn({ err }, 'could not remove the control socket file');
    });
  }

  private serve(socket: Socket): void {
    this.connections.add(socket);
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', (err) => this.opts.log.debug({ err }, 'control connection error'));
    let buffered = '';
    // A release is answered when the core has taken the frame in; requests on one connection are
    // answered one after the other, so replies come back in the order they were asked.
    let replies = Promise.resolve();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line !== '') {
          replies = replies
            .then(() => this.answer(line))
            .then((reply) => {
              if (socket.writable) socket.write(`${encodeReply(reply)}\n`);
            });
        }
        newline = buffered.indexOf('\n');
      }
      if (Buffer.byteLength(buffered) > MAX_LINE_BYTES) {
        socket.end(
          `${JSON.stringify(replyError('TOO_LARGE', `a request is at most ${MAX_LINE_BYTES} bytes`))}\n`,
        );
      }
    });
  }

  /** The reply to one request line. Never rejects: whatever goes wrong is an error reply. */
  private async answer(line: string): Promise<unknown> {
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch {
      return replyError('BAD_REQUEST', 'a request is one JSON object per line, e.g. {"cmd":"status"}');
    }
    const cmd = (request as { cmd?: unknown } | null)?.cmd;
    const release = this.opts.release;
    if (cmd === 'release' && release !== undefined)
      return this.release(release, request as Record<string, unknown>);
    const commands = this.opts.commands ?? {};
    if (typeof cmd === 'string' && cmd !== 'status' && Object.hasOwn(commands, cmd))
      return this.command(cmd, commands[cmd] as ControlCommand, request as Record<string, unknown>);
    if (cmd !== 'status') {
      const names = ['status', ...(release === undefined ? [] : ['release']), ...Object.keys(commands)];
      const known = names.join(', ');
      return replyError('UNKNOWN_COMMAND', `unknown cmd ${show(cmd)}; known: ${known}`);
    }
    try {
      return this.opts.status();
    } catch (err) {
      this.opts.log.warn({ err }, 'status failed; the control client gets an error');
      return replyError('INTERNAL', (err as Error).message);
    }
  }

  private async command(
    name: string,
    run: ControlCommand,
    request: Record<string, unknown>,
  ): Promise<unknown> {
    try {
      return await run(request);
    } catch (err) {
      if (!isKitError(err))
        this.opts.log.warn({ err, cmd: name }, 'a control command failed; the client gets an error');
      return replyError(
        isKitError(err) ? err.code : 'INTERNAL',
        err instanceof Error ? err.message : String(err),
      );
    }
  }

  private async release(
    release: (item: ReleaseItem) => Promise<string[] | undefined>,
    request: Record<string, unknown>,
  ): Promise<unknown> {
    const parsed = parseReleaseRequest(request);
    if (!parsed.ok) return replyError('BAD_REQUEST', `release: ${parsed.problems.join('; ')}`);
    const { link, from, bytes } = parsed.item;
    try {
      const outcome = await release(parsed.item);
      return outcome === undefined ? { ok: true } : { ok: true, outcome };
    } catch (err) {
      this.opts.log.warn(
        { err, link, from, bytes: bytes.length },
        'release failed; the control client gets an error',
      );
      return replyError(
        isKitError(err) ? err.code : 'INTERNAL',
        err instanceof Error ? err.message : String(err),
      );
    }
  }
}

function replyError(code: string, message: string) {
  return { error: { code, message } };
}

/** A reply as its JSON line; one that cannot be encoded is an error reply, never a broken chain of replies. */
function encodeReply(reply: unknown): string {
  try {
    return JSON.stringify(reply);
  } catch (err) {
    return JSON.stringify(
      replyError('INTERNAL', `the reply could not be encoded: ${(err as Error).message}`),
    );
  }
}

async function removeStaleSocket(path: string): Promise<void> {
  const stat = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (stat === undefined) return;
  if (!stat.isSocket()) {
    throw new KitError(
      'CONFIG_INVALID',
      `control.socket: ${path} exists and is not a socket; not touching it`,
    );
  }
  const probe = await probeSocket(path);
  // Only a refused connection proves nobody listens; EAGAIN (backlog full) or EACCES may hide a
  // live daemon, and deleting its socket would make it unreachable.
  if (probe === 'refused') await unlink(path).catch(ignoreMissing);
  else if (probe !== 'gone') throw anotherDaemon(path, probe === 'answers' ? undefined : probe);
}

function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

/**
 * STORE_LOCKED: the socket belongs to another daemon, which then also holds the store of this
 * data directory (errors.ts has no code of the control socket's own).
 */
function anotherDaemon(path: string, cause?: NodeJS.ErrnoException): KitError {
  const what =
    cause === undefined ? 'another fieldnode daemon answers on' : `${cause.code ?? cause.message} on`;
  return new KitError(
    'STORE_LOCKED',
    `${what} ${path}: is a daemon already running with this data directory?`,
    cause === undefined ? undefined : { cause },
  );
}

/** Who is behind a socket file: a listener, nobody (a file left by a crash), or something unclear. */
function probeSocket(path: string): Promise<'answers' | 'refused' | 'gone' | Error> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve('answers');
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ECONNREFUSED' ? 'refused' : err.code === 'ENOENT' ? 'gone' : err),
    );
  });
}

/** Why a request got no usable answer. */
export interface Unanswered {
  ok: false;
  /**
   * no-daemon: nothing listens on the socket; denied: the socket is not ours to use;
   * timeout: it did not answer; protocol: it answered nonsense or an error.
   */
  reason: 'no-daemon' | 'denied' | 'timeout' | 'protocol';
  detail: string;
}

export type StatusQuery = { ok: true; status: NodeStatus } | Unanswered;

export type ReleaseQuery =
  /** `outcome`: what became of it, in words, when the daemon says. */
  | { ok: true; outcome?: string[] }
  | Unanswered
  | {
      ok: false;
      /** The daemon refused the release with an error reply: `code` is its code (UNKNOWN_COMMAND…). */
      reason: 'refused';
      code: string;
      detail: string;
    };

export interface QueryOptions {
  /** Give up after this long, ms. Default 3000 for status, 10,000 for a release. */
  timeoutMs?: number;
}

/** Asks the daemon on `socketPath` for its status. Resolves to a value; never rejects. */
export function queryStatus(socketPath: string, opts: QueryOptions = {}): Promise<StatusQuery> {
  return ask(socketPath, '{"cmd":"status"}', opts.timeoutMs ?? 3000, (reply): StatusQuery => {
    const error = (reply as { error?: { code?: unknown; message?: unknown } }).error;
    if (error !== undefined)
      return { ok: false, reason: 'protocol', detail: `${error.code}: ${error.message}` };
    if (!Array.isArray((reply as NodeStatus).links)) {
      return { ok: false, reason: 'protocol', detail: 'the reply is not a node status' };
    }
    return { ok: true, status: reply as NodeStatus };
  });
}

/**
 * Hands a kept payload to the daemon on `socketPath` (release-request.ts). Resolves to a value;
 * never rejects. A timeout does not say the daemon did not take it in: it may still.
 */
export function requestRelease(
  socketPath: string,
  item: ReleaseRequest,
  opts: QueryOptions = {},
): Promise<ReleaseQuery> {
  return ask(socketPath, releaseRequestLine(item), opts.timeoutMs ?? 10_000, (reply): ReleaseQuery => {
    const error = (reply as { error?: { code?: unknown; message?: unknown } }).error;
    if (error !== undefined)
      return { ok: false, reason: 'refused', code: String(error.code), detail: String(error.message) };
    if ((reply as { ok?: unknown }).ok !== true)
      return { ok: false, reason: 'protocol', detail: 'the reply is neither ok nor an error' };
    const outcome = (reply as { outcome?: unknown }).outcome;
    return Array.isArray(outcome) && outcome.every((o) => typeof o === 'string')
      ? { ok: true, outcome: outcome as string[] }
      : { ok: true };
  });
}

export type CommandQuery =
  | { ok: true; reply: object }
  | Unanswered
  /** The daemon answered with an error: its code (UNKNOWN_COMMAND for a daemon without the command, or the command's own). */
  | { ok: false; reason: 'refused'; code: string; detail: string };

/**
 * Sends one of the daemon's further commands (ControlServerOptions.commands) and reads its reply.
 * Resolves to a value; never rejects.
 */
export function requestCommand(
  socketPath: string,
  request: { cmd: string } & Record<string, unknown>,
  opts: QueryOptions = {},
): Promise<CommandQuery> {
  return ask(socketPath, JSON.stringify(request), opts.timeoutMs ?? 10_000, (reply): CommandQuery => {
    const error = (reply as { error?: { code?: unknown; message?: unknown } }).error;
    if (error !== undefined)
      return { ok: false, reason: 'refused', code: String(error.code), detail: String(error.message) };
    return { ok: true, reply };
  });
}

/** Sends one request line and reads the first reply line as a JSON object; never rejects. */
function ask<R>(
  socketPath: string,
  request: string,
  timeoutMs: number,
  read: (reply: object) => R,
): Promise<R | Unanswered> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    let buffered = '';
    let done = false;
    const finish = (result: R | Unanswered) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () =>
      finish({
        ok: false,
        reason: 'timeout',
        detail: `no answer on ${socketPath} within ${timeoutMs} ms`,
      }),
    );
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${request}\n`));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) finish(parseReply(buffered.slice(0, newline), read));
    });
    socket.on('end', () =>
      finish({ ok: false, reason: 'protocol', detail: 'the daemon closed the connection' }),
    );
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const reason =
        err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
          ? 'no-daemon'
          : err.code === 'EACCES' || err.code === 'EPERM'
            ? 'denied'
            : 'protocol';
      finish({ ok: false, reason, detail: `${socketPath}: ${err.code ?? err.message}` });
    });
  });
}

function parseReply<R>(line: string, read: (reply: object) => R): R | Unanswered {
  let reply: unknown;
  try {
    reply = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'protocol', detail: 'the daemon answered something that is not JSON' };
  }
  if (typeof reply !== 'object' || reply === null)
    return { ok: false, reason: 'protocol', detail: 'not an object' };
  return read(reply);
}
