/**
 * Runs the real `fieldnode` command in a child process, as an operator's shell would, for the tests
 * of what a user reads: exact text, exit code, and what is left on disk (docs/operating.md).
 *
 * The binary is the build in dist/ (`npm test` builds it before vitest runs). FIELDNODE_BIN names
 * another build: engineers working side by side build to their own dist-NAME/ so that one build
 * does not pull the files from under another's running test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The built entry point: FIELDNODE_BIN, or dist/node/src/cli/bin.js of this repository. */
export function fieldnodeBinary(): string {
  const bin = resolve(REPO, process.env.FIELDNODE_BIN ?? 'dist/node/src/cli/bin.js');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does)`);
  return bin;
}

export interface RunOptions {
  /** Working directory. Default: the repository. */
  cwd?: string;
  /** Added to a clean environment: PATH and HOME only, so the caller's FIELDNODE_* never leak in. */
  env?: Record<string, string>;
  /** Written to standard input, which is then closed. */
  input?: string;
  /** Killed with SIGKILL after this long, ms. Default 30 s. */
  timeoutMs?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `fieldnode`, for commands that do not end by themselves (the daemon). */
export interface RunningFieldnode {
  child: ChildProcess;
  /** Everything written so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when `pattern` has appeared in standard output or standard error; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the result once the process has ended. */
  readonly exited: Promise<RunResult>;
  /** Sends a signal (default SIGTERM) and waits for the end. */
  stop(signal?: NodeJS.Signals): Promise<RunResult>;
}

function baseEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    ...extra,
  };
}

/** Starts `fieldnode ARGS` and returns at once. */
export function startFieldnode(args: readonly string[], options: RunOptions = {}): RunningFieldnode {
  const child = spawn(process.execPath, [fieldnodeBinary(), ...args], {
    cwd: options.cwd ?? REPO,
    env: baseEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    changed();
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    changed();
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  else child.stdin?.end();
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const exited = new Promise<RunResult>((resolveExit) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      changed();
      resolveExit({ code, signal, stdout, stderr });
    });
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      const seen = () =>
        typeof pattern === 'string'
          ? stdout.includes(pattern) || stderr.includes(pattern)
          : pattern.test(stdout) || pattern.test(stderr);
      return new Promise<void>((resolveWait, reject) => {
        const done = (err?: Error) => {
          listeners.delete(check);
          clearTimeout(timer);
          if (err) reject(err);
          else resolveWait();
        };
        const check = () => {
          if (seen()) done();
          else if (ended)
            done(new Error(`fieldnode ended before printing ${pattern}:\n${stdout}\n${stderr}`));
        };
        const timer = setTimeout(
          () => done(new Error(`no ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`)),
          timeoutMs,
        );
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (!ended) child.kill(signal);
      return exited;
    },
  };
}

/** Runs `fieldnode ARGS` to its end. */
export function runFieldnode(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return startFieldnode(args, options).exited;
}

/** A path inside the repository, for configurations and fixtures. */
export function repoPath(...parts: string[]): string {
  return join(REPO, ...parts);
}
