/**
 * One daemon of the crash rig as a child process (docs/store-and-forward.md §Crashes and the
 * deliveries journal): spawned again after every kill, read line by line from its JSON log, killed
 * with SIGKILL at any moment or stopped with SIGTERM. It knows when the daemon said "node started"
 * (its start-up is over: store open, outbox looked at, links started), so the rig can tell a kill
 * during start-up from one while it runs, and time a restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { KIT_NODE_FLAGS } from '../node/src/cli/node-flags.js';
import type { CrashNode } from './crash-topology.js';

/** The fields of a daemon's log line that the rig reads. */
export interface DaemonLogEntry {
  msg?: string;
  msgId?: string;
  state?: string;
  tag?: string;
  kind?: string;
  level?: number;
}

/** What the rig's kit (crash-kit-daemon.ts) logs when submit() resolved: the report is on disk. */
export const SUBMITTED = 'crash rig: report stored';
/** What it logs when a report of its own is in custody elsewhere or received at the centre. */
export const CONFIRMED = 'crash rig: report confirmed';

/** The V8 flags the daemon runs with on a kit (node/src/cli/node-flags.ts). */
const DAEMON_FLAGS = KIT_NODE_FLAGS;
/** Log lines kept for a failure message, across restarts. */
const TAIL_LINES = 60;

export interface CrashDaemonOptions {
  node: CrashNode;
  /** The script and its arguments, after `node` and the daemon's V8 flags. */
  argv: () => string[];
  /** Every log line that parses as JSON, as it comes. */
  onEntry?: (entry: DaemonLogEntry) => void;
  /** When a spawned process says "node started": ms since it was spawned. */
  onReady?: (ms: number) => void;
}

/** Owns the node's current child process (at most one) and the tail of its output. */
export class CrashDaemon {
  readonly node: CrashNode;
  readonly #o: CrashDaemonOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #spawnedAt = 0;
  #ready = false;
  #spoke = false;
  /** The rig signalled the current process: its exit is no surprise. */
  #signalled = false;
  readonly #tail: string[] = [];
  /** Exits the rig did not cause (a start that failed), each with the output before it. */
  readonly unexpectedExits: string[] = [];

  constructor(opts: CrashDaemonOptions) {
    this.node = opts.node;
    this.#o = opts;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Whether the current process is gone and all its output read. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** The current process said "node started". */
  get ready(): boolean {
    return this.#ready;
  }

  /** The current process has written a log line: it is past loading its code. */
  get spoke(): boolean {
    return this.#spoke;
  }

  /** The last lines the daemon wrote, newest last, for a failure message. */
  tail(): string {
    return this.#tail.map((l) => `  ${this.node.name}: ${l}`).join('\n');
  }

  spawn(): void {
    if (this.running) throw new Error(`${this.node.name} is already running`);
    const env = { ...process.env };
    // The configuration says where everything is; the environment must not move it.
    delete env.FIELDNODE_DATA_DIR;
    delete env.FIELDNODE_LOG_LEVEL;
    const child = spawn(process.execPath, [...DAEMON_FLAGS, ...this.#o.argv()], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    this.#child = child;
    this.#spawnedAt = performance.now();
    this.#ready = false;
    this.#spoke = false;
    this.#signalled = false;
    // 'close', not 'exit': by then every line the process wrote has been read.
    this.#exited = new Promise((resolve) =>
      child.once('close', (code, signal) => {
        if (!this.#signalled)
          this.unexpectedExits.push(
            `${this.node.name} exited by itself (${signal ?? code}):\n${this.tail()}`,
          );
        resolve();
      }),
    );
    child.stderr?.on('data', (chunk: Buffer) => this.#keep(`stderr: ${chunk.toString().trimEnd()}`));
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        this.#line(child, line);
      }
    });
  }

  /** Waits for "node started" of the current process; fails if it exits first or takes too long. */
  async untilReady(timeoutMs: number): Promise<void> {
    const end = performance.now() + timeoutMs;
    while (!this.#ready) {
      if (!this.running) {
        await this.#exited; // and its last words read
        const { exitCode, signalCode } = this.#child ?? {};
        throw new Error(
          `${this.node.name} exited (${signalCode ?? exitCode}) before it started:\n${this.tail()}`,
        );
      }
      if (performance.now() > end)
        throw new Error(`${this.node.name} did not start within ${timeoutMs} ms:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** SIGKILL now: a power cut. Resolves once the process is gone, with how old it was and whether it had started. */
  async kill(): Promise<{ ageMs: number; ready: boolean }> {
    const ageMs = performance.now() - this.#spawnedAt;
    const ready = this.#ready;
    if (this.running) {
      this.#signalled = true;
      this.#child?.kill('SIGKILL');
    }
    await this.#exited;
    return { ageMs, ready };
  }

  /** SIGTERM, as systemd stops it; SIGKILL if it has not exited after `timeoutMs`. Resolves to its exit code. */
  async stop(timeoutMs = 20_000): Promise<number | string | null> {
    const child = this.#child;
    if (!child) return null;
    if (!this.running) {
      await this.#exited;
      return child.exitCode ?? child.signalCode;
    }
    this.#signalled = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.#keep(`did not stop within ${timeoutMs} ms of SIGTERM: killed`);
      child.kill('SIGKILL');
    }, timeoutMs);
    await this.#exited;
    clearTimeout(timer);
    return child.exitCode ?? child.signalCode;
  }

  #line(child: ChildProcess, line: string): void {
    this.#keep(line);
    let entry: DaemonLogEntry;
    try {
      entry = JSON.parse(line) as DaemonLogEntry;
    } catch {
      return; // not a log line
    }
    if (child === this.#child) this.#spoke = true;
    if (entry.msg === 'node started' && child === this.#child && !this.#ready) {
      this.#ready = true;
      this.#o.onReady?.(performance.now() - this.#spawnedAt);
    }
    this.#o.onEntry?.(entry);
  }

  #keep(line: string): void {
    this.#tail.push(line);
    if (this.#tail.length > TAIL_LINES) this.#tail.shift();
  }
}
