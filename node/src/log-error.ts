/**
 * How an error is written in a log line (docs/conventions.md §Logging, §Errors; docs/operating.md
 * §Logs): pino's own serializer (type, stack with its causes, code and the error's other fields),
 * with a message that says each cause once.
 *
 * pino appends every cause's message to the error's message. Our errors mostly say their cause
 * already (`cannot connect to tcp 127.0.0.1:1: connect ECONNREFUSED …`, wrapping with `{ cause }`
 * as docs/conventions.md §Errors asks), so the line read "…: connect ECONNREFUSED 127.0.0.1:1:
 * connect ECONNREFUSED 127.0.0.1:1". A cause whose message the text so far already holds is not
 * added again; the stack still has every cause.
 */
import { pino } from 'pino';

/** At most this many causes are followed (a cause chain may be circular). */
const MAX_CAUSES = 8;

/** The error's message and those of its causes, each once, joined by ": ". */
export function messageWithCauses(err: Error): string {
  let text = err.message;
  const seen = new Set<unknown>([err]);
  let cause: unknown = err.cause;
  for (let n = 0; n < MAX_CAUSES && isErrorLike(cause) && !seen.has(cause); n++) {
    seen.add(cause);
    const message = cause.message;
    if (message !== '' && !text.includes(message)) text = text === '' ? message : `${text}: ${message}`;
    cause = cause.cause;
  }
  return text;
}

/** pino's `err` serializer with {@link messageWithCauses} as the message. */
export function serializeError(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown;
  if (isErrorLike(err) && typeof out === 'object' && out !== null)
    (out as { message: string }).message = messageWithCauses(err as Error);
  return out;
}

function isErrorLike(value: unknown): value is { message: string; cause?: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
