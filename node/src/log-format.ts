/**
 * Which format the daemon's log lines take (docs/operating.md §Logs; docs/conventions.md
 * §Logging): `log.format` of the configuration, or FIELDNODE_LOG_FORMAT (config/log-section.ts),
 * and for `auto` what standard output is.
 *
 * - Under systemd, standard output goes to the journal: JSON, one object per line. systemd says so
 *   in JOURNAL_STREAM ("device:inode" of the stream it connected, systemd.exec(5)); the variable is
 *   believed only when it names standard output itself, since a shell started from a service
 *   inherits it while writing to a terminal.
 * - On a terminal (someone ran `fieldnode start` at the kit): pretty lines.
 * - Anything else (a pipe, a file, a test's stream): JSON.
 */
import { fstatSync } from 'node:fs';
import type { LogFormat } from './config/schema.js';

/** What `auto` looks at; each defaults to the real process. */
export interface LogSurroundings {
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Standard output is a terminal. Default `process.stdout.isTTY`. */
  isTTY?: boolean;
  /** Standard output's "device:inode", as JOURNAL_STREAM spells it. Default: fstat of fd 1. */
  stdoutId?: () => string | undefined;
}

/** `pretty` or `json` for a logger writing to standard output. */
export function chooseLogFormat(format: LogFormat, s: LogSurroundings = {}): 'pretty' | 'json' {
  if (format !== 'auto') return format;
  const env = s.env ?? process.env;
  if (toJournal(env.JOURNAL_STREAM, s.stdoutId ?? stdoutId)) return 'json';
  return (s.isTTY ?? process.stdout.isTTY === true) ? 'pretty' : 'json';
}

/** Colours on a terminal, unless NO_COLOR is set (no-color.org). */
export function useColour(s: LogSurroundings = {}): boolean {
  const env = s.env ?? process.env;
  return (s.isTTY ?? process.stdout.isTTY === true) && !env.NO_COLOR;
}

function toJournal(journalStream: string | undefined, id: () => string | undefined): boolean {
  if (!journalStream) return false;
  const mine = id();
  // Standard output cannot be looked at: believe the variable.
  return mine === undefined || mine === journalStream.trim();
}

function stdoutId(): string | undefined {
  try {
    const st = fstatSync(1);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}
