/**
 * Reading the error of a failed start (docs/operating.md §When a start fails), for
 * start-failure.ts: the file system error in its cause chain (errno code, path), whether it is the
 * store's lock held by another process, and the file a LevelDB error names. By codes only; LevelDB
 * gives its file errors as text alone, in its fixed form `IO error: FILE: reason`, read here.
 */
import { isKitError } from '../base/errors.js';
import '../daemon/daemon-errors.js';

export interface SystemErrorLike {
  code: string;
  path?: string;
  syscall?: string;
}

/** The innermost file system error in the cause chain: one with an errno code ('E…'). */
export function systemError(err: unknown): SystemErrorLike | undefined {
  let found: SystemErrorLike | undefined;
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    const { code, path, syscall } = e as { code?: unknown; path?: unknown; syscall?: unknown };
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
      found = {
        code,
        ...(typeof path === 'string' ? { path } : {}),
        ...(typeof syscall === 'string' ? { syscall } : {}),
      };
    e = (e as { cause?: unknown }).cause;
  }
  return found;
}

/**
 * Whether the error is the store's lock held by another process: the start's own check
 * (DATA_DIR_IN_USE), or LevelDB's refusal (STORE_LOCKED caused by LEVEL_LOCKED). The control
 * socket's STORE_LOCKED (another daemon answers on the socket) is not: its message says it all.
 */
export function heldByAnother(err: unknown): boolean {
  if (isKitError(err, 'DATA_DIR_IN_USE')) return true;
  if (!isKitError(err, 'STORE_LOCKED')) return false;
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if ((e as { code?: unknown }).code === 'LEVEL_LOCKED') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The file a LevelDB IO error names (`IO error: FILE: reason`), anywhere in the cause chain. */
export function levelDbFile(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && message.startsWith('IO error: ')) {
      const rest = message.slice('IO error: '.length);
      const end = rest.lastIndexOf(': ');
      if (end > 0 && rest.startsWith('/')) return rest.slice(0, end);
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
