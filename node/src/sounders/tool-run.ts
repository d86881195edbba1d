/**
 * One run of a sounder's program (aplay, espeak-ng, gpioset; docs/warnings.md §The alarm at the
 * kit, "Sounders"): spawned without a shell (the headline is data, never a command line), fed its
 * standard input, and stopped by its own process id when the alarm stops: SIGTERM, then SIGKILL if
 * it has not gone within a second. Its end is a value, never a rejection: how it exited, whether we
 * stopped it, and the tail of what it wrote to standard error, for the one log line a failure gets.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface ToolEnd {
  code: number | null;
  /** How long it ran, ms. */
  ranMs: number;
  signal: NodeJS.Signals | null;
  /** We stopped it: its end is no failure. */
  stopped: boolean;
  /** It could not be started at all (ENOENT, EACCES). */
  spawnError?: Error;
  /** The last 400 characters of its standard error. */
  stderr: string;
}

export interface ToolRunOptions {
  /** Bytes written to its standard input, which is then closed. */
  input?: Buffer | string;
  /** A stream piped to its standard input (another program's output). */
  from?: Readable;
  /** Keep its standard output as a stream (`stdout`), to pipe on. Default: ignored. */
  pipeOut?: boolean;
}

const STDERR_TAIL = 400;
/** How long a program has to go after SIGTERM before it is killed. */
export const KILL_AFTER_MS = 1000;

export class ToolRun {
  readonly child: ChildProcess;
  /** Settles once, when the program has ended and its streams are closed. */
  readonly ended: Promise<ToolEnd>;
  #stopped = false;
  #stderr = '';
  readonly #startedAt = performance.now();

  constructor(path: string, args: readonly string[], o: ToolRunOptions = {}) {
    const stdin = o.input !== undefined || o.from !== undefined ? 'pipe' : 'ignore';
    this.child = spawn(path, args, { stdio: [stdin, o.pipeOut ? 'pipe' : 'ignore', 'pipe'] });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL);
    });
    // A program that exits before reading all its input (a stop, a bad device) closes the pipe.
    this.child.stdin?.on('error', () => {});
    if (o.from !== undefined && this.child.stdin) o.from.pipe(this.child.stdin);
    else if (o.input !== undefined) this.child.stdin?.end(o.input);
    this.ended = new Promise<ToolEnd>((resolve) => {
      this.child.once('error', (spawnError) => {
        // Only a failed spawn leaves no pid; an error after a start is followed by 'close'.
        if (this.child.pid === undefined)
          resolve({
            code: null,
            ranMs: 0,
            signal: null,
            stopped: this.#stopped,
            spawnError,
            stderr: this.#stderr,
          });
      });
      this.child.once('close', (code, signal) =>
        resolve({
          code,
          ranMs: performance.now() - this.#startedAt,
          signal,
          stopped: this.#stopped,
          stderr: this.#stderr.trim(),
        }),
      );
    });
  }

  get stdout(): Readable | null {
    return this.child.stdout;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Stops it (by its pid) and waits until it is gone. */
  async stop(): Promise<ToolEnd> {
    // Only a program still running is stopped by us; one that had ended ended by itself.
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      this.#stopped = true;
      this.child.kill('SIGTERM');
      const late = setTimeout(() => this.child.kill('SIGKILL'), KILL_AFTER_MS);
      const end = await this.ended;
      clearTimeout(late);
      return end;
    }
    return this.ended;
  }
}

/** "exited with 1: <stderr>", "was killed by SIGSEGV", "could not start: …": for a log line. */
export function describeEnd(end: ToolEnd): string {
  if (end.spawnError !== undefined) return `could not start: ${end.spawnError.message}`;
  const how = end.signal !== null ? `was killed by ${end.signal}` : `exited with ${end.code}`;
  return end.stderr === '' ? how : `${how}: ${end.stderr}`;
}

/** It ended by itself, well. */
export const succeeded = (end: ToolEnd): boolean => end.code === 0 && end.spawnError === undefined;
