/**
 * The actions the audit log records (docs/domain-model.md §The audit log): one stable code per
 * kind of domain action, `area.what-happened` (`roster.pin-reset`, `report.filed`).
 *
 * Each area registers its actions beside its own code by augmenting {@link AuditActions}
 * (declaration merging, as error codes are registered in node/src/base/errors.ts), so appending an
 * action nobody registered does not compile. Reading a log accepts any well-formed code: an old log
 * may hold actions this version no longer has.
 */

export interface AuditActions {
  /** The log's own: at open, a torn last line (a write cut short) was cut off; details say what it held. */
  'audit.torn-tail-dropped': true;
}

export type AuditAction = keyof AuditActions & string;

/** `area.what`, lower case: letters, digits and `-`, dot-separated, at most 64 characters. */
export const ACTION_FORMAT = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
export const MAX_ACTION_LENGTH = 64;
