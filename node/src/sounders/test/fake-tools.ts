/**
 * Stand-ins for the sounders' programs in tests (docs/warnings.md §The alarm at the kit,
 * "Testing"): small shell scripts put in a temporary directory that the sounder is given as its
 * PATH. They are real processes, started, fed and killed as aplay, espeak-ng and gpioset would be;
 * each appends its pid and arguments to `<name>.calls` and keeps its standard input in
 * `<name>.<pid>.in`, so a test can read what was asked of it and check the process is gone.
 */
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../base/logger.js';

export interface FakeTools {
  /** The directory: the sounder's PATH. */
  dir: string;
  /** Writes the program `name` running `body` (where `$IN` names its input's file) after logging its call. */
  add(name: string, body: string): Promise<void>;
  /** Each call of `name`: its pid and arguments, in order. */
  calls(name: string): Promise<Array<{ pid: number; args: string[] }>>;
  /** What call `pid` of `name` read on its standard input. */
  input(name: string, pid: number): Promise<Buffer>;
  /** Stops every stand-in still running (a test that failed half-way), by pid, and deletes the directory. */
  remove(): Promise<void>;
}

export async function fakeTools(): Promise<FakeTools> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-sounder-'));
  return {
    dir,
    async add(name, body) {
      const path = join(dir, name);
      const script = [
        '#!/bin/sh',
        `echo "$$ $*" >> '${dir}/${name}.calls'`,
        // Replaced by functions: in a replacement string "$$" would mean "$".
        body.replaceAll('$IN', () => `'${dir}/${name}.'$$'.in'`),
        '',
      ].join('\n');
      await writeFile(path, script);
      await chmod(path, 0o755);
    },
    async calls(name) {
      const text = await readFile(join(dir, `${name}.calls`), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const [pid, ...args] = l.split(' ');
          return { pid: Number(pid), args };
        });
    },
    input: (name, pid) => readFile(join(dir, `${name}.${pid}.in`)),
    async remove() {
      const names = (await readdir(dir)).filter((f) => f.endsWith('.calls'));
      for (const file of names)
        for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
          const pid = Number(line.split(' ')[0]);
          // Ours only: a stand-in shows as its script or as the sleep it became, never a reused pid.
          const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
          if (pid > 0 && (cmd.includes(dir) || cmd.startsWith('sleep\0'))) process.kill(pid, 'SIGKILL');
        }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Whether our child `pid` still runs (signal 0 tests, it sends nothing). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` every 10 ms until it holds, failing after `ms`. */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not so within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A logger that keeps its lines, for "reported once". */
export function keptLog(): {
  log: Logger;
  lines: Array<{ level: string; msg: string; obj: Record<string, unknown> }>;
} {
  const lines: Array<{ level: string; msg: string; obj: Record<string, unknown> }> = [];
  const at = (level: string) => (obj: object | string, msg?: string) =>
    lines.push(
      typeof obj === 'string'
        ? { level, msg: obj, obj: {} }
        : { level, msg: msg ?? '', obj: obj as Record<string, unknown> },
    );
  const log: Logger = {
    child: () => log,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { log, lines };
}
