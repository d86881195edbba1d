/**
 * Error codes of the shelters workflow (docs/shelters.md), registered with the shared KitError base
 * (node/src/base/errors.ts).
 */

declare module '../../base/errors.js' {
  interface KitErrorCodes {
    /** No shelter has this number in the registry here. */
    SHELTER_UNKNOWN: true;
    /** A head count or check-in cannot be taken: a count below zero, a person already in, or not in. */
    SHELTER_REJECTED: true;
    /** The shelter journal could not be read or written. */
    SHELTER_JOURNAL_FAILED: true;
  }
}

export {};
