/**
 * The durable store's error codes (docs/store-and-forward.md), registered with the shared KitError
 * base (node/src/base/errors.ts), and how LevelDB's failures map to them.
 */
import { KitError } from '../base/errors.js';

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** Another process holds the store. */
    STORE_LOCKED: true;
    /** A record cannot be decoded; it is left in place and reported. */
    STORE_CORRUPT: true;
    /** The disk is full: nothing new is accepted, nothing stored is lost. */
    STORE_FULL: true;
    /** Any other storage failure. */
    STORE_IO: true;
    /** The store was used after close(). */
    STORE_CLOSED: true;
    /** The store was written by a newer fieldnode, in a layout this one cannot read. */
    STORE_SCHEMA_NEWER: true;
  }
}

/** Maps LevelDB and file-system failures to the store's codes, keeping the cause. */
export function storeError(err: unknown, message: string): KitError {
  if (err instanceof KitError) return err;
  const codes = [(err as { code?: string })?.code, (err as { cause?: { code?: string } })?.cause?.code];
  const text =
    String((err as Error)?.message ?? '') + String((err as { cause?: Error })?.cause?.message ?? '');
  if (codes.includes('LEVEL_LOCKED'))
    return new KitError('STORE_LOCKED', `${message}: another process holds it`, { cause: err });
  if (codes.includes('LEVEL_DATABASE_NOT_OPEN') && /closed|not open/i.test(text) && !/lock/i.test(text)) {
    return new KitError('STORE_CLOSED', `${message}: the store is closed`, { cause: err });
  }
  if (/ENOSPC|No space left/i.test(text))
    return new KitError('STORE_FULL', `${message}: the disk is full`, { cause: err });
  return new KitError('STORE_IO', message, { cause: err });
}
