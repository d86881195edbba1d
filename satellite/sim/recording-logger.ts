/**
 * A Logger (node/src/log-types.ts) that keeps every line as text, for tests that assert what was
 * logged, and what was not: a secret must not appear in any line, error messages and causes
 * included. Errors are rendered with their message, code and cause chain, as pino would.
 */
import type { Logger } from '../../node/src/base/logger.js';

export interface RecordedLine {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  /** The bindings and object merged and rendered as JSON, errors expanded. */
  text: string;
}

function expand(value: unknown, depth = 0): unknown {
  if (depth > 6) return '…';
  if (value instanceof Error) {
    return {
      name: value.name,
      message: value.message,
      code: (value as { code?: unknown }).code,
      cause: expand(value.cause, depth + 1),
    };
  }
  if (Array.isArray(value)) return value.map((v) => expand(v, depth + 1));
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, depth + 1)]));
  }
  return typeof value === 'bigint' ? String(value) : value;
}

/** A logger whose lines land in `lines`; children share the array and add their bindings. */
export function recordingLogger(
  lines: RecordedLine[] = [],
  bindings: Record<string, unknown> = {},
): Logger & {
  lines: RecordedLine[];
} {
  const write =
    (level: RecordedLine['level']) =>
    (obj: object | string, msg?: string): void => {
      const fields = typeof obj === 'string' ? {} : obj;
      const text = typeof obj === 'string' ? obj : (msg ?? '');
      lines.push({ level, msg: text, text: JSON.stringify(expand({ ...bindings, ...fields, msg: text })) });
    };
  return {
    lines,
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}
