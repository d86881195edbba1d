/**
 * The shared base of coded errors (docs/conventions.md §Errors), which every area of the code and
 * every adapter builds on; it imports nothing of ours.
 *
 * Codes are stable API: tests, logs and the UI match on them. Messages are for people and may
 * change. Anything that wraps another error passes it as `cause`. Programmer errors (bad arguments,
 * impossible states) are plain TypeError/RangeError and are not caught.
 */

/**
 * Every stable error code, registered by the module that raises it: each area declares its codes
 * beside its own code by augmenting this interface (TypeScript declaration merging), e.g.
 * node/src/wire/wire-errors.ts, radio/src/meshtastic/mesh-errors.ts. The base knows no area; a
 * code nobody registered does not compile.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the areas' declaration merging.
export interface KitErrorCodes {}

export type KitErrorCode = keyof KitErrorCodes & string;

export class KitError extends Error {
  readonly code: KitErrorCode;

  constructor(code: KitErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KitError';
    this.code = code;
  }
}

export function isKitError(err: unknown, code?: KitErrorCode): err is KitError {
  return err instanceof KitError && (code === undefined || err.code === code);
}

/**
 * A short, safe rendering of an untrusted value for an error message: never throws (unlike a
 * template literal on an object without toString, or JSON.stringify on a bigint) and never long.
 */
export function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? typeof value);
  } catch {
    text = typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
