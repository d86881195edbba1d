/**
 * A logger for tests that keeps every line: its level, its object and its message, so a test can
 * assert what was logged (once per transition, rate limits, redaction) without pino.
 */
import type { Logger } from '../src/base/logger.js';

export interface LoggedLine {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

export function recordingLogger(): { log: Logger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      const isText = typeof obj === 'string';
      lines.push({
        level,
        obj: isText ? {} : (obj as Record<string, unknown>),
        msg: msg ?? (isText ? obj : ''),
      });
    };
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
