/**
 * Error codes of the roster, its PINs and its file (docs/domain-model.md §The roster, §PINs),
 * registered with the shared KitError base (node/src/base/errors.ts). The roster file's mode is
 * checked by node/src/crypto/private-file.ts, whose KEYS_INSECURE and KEYS_UNREADABLE it keeps.
 */

declare module '../../base/errors.js' {
  interface KitErrorCodes {
    /**
     * A roster (the configuration's section, the roster file, or a change asked for) breaks the
     * rules; the message lists every problem with its path.
     */
    ROSTER_INVALID: true;
    /** A change names a person who is not on the roster. */
    ROSTER_UNKNOWN_PERSON: true;
    /** A PIN offered to be set is not 6 digits. */
    ROSTER_PIN_INVALID: true;
    /** A stored PIN hash cannot be read: not the format this version writes, or out of its bounds. */
    ROSTER_PIN_HASH_INVALID: true;
    /** The roster file cannot be written; the change was not made. */
    ROSTER_UNWRITABLE: true;
  }
}

export {};
