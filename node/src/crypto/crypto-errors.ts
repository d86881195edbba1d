/**
 * Authentication and key-file error codes (docs/wire-format.md §Authentication; docs/design.md §Security),
 * registered with the shared KitError base (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** A kind that must be signed or tagged arrived without it. */
    AUTH_MISSING: true;
    /** No key is known for the signer or the origin. */
    AUTH_UNKNOWN_KEY: true;
    /** An Ed25519 signature does not verify: forged or altered. */
    AUTH_SIGNATURE_INVALID: true;
    /** A truncated HMAC tag does not verify: wrong key or altered. */
    AUTH_TAG_INVALID: true;
    /** A valid signature by a key that may not issue this kind. */
    AUTH_NOT_AUTHORISED: true;
    /** This (origin, sequence) was seen before or is older than the window. */
    AUTH_REPLAY: true;
    /** The message or warning has outlived its lifetime. */
    AUTH_EXPIRED: true;
    /** The origin, or the kit whose key tags the frame, was revoked by a signed control message. */
    AUTH_REVOKED: true;
    /**
     * A relay-tagged receipt to everyone on a link answers other kits and carries no tag for this
     * node: not refused as a forgery, just not said to it (docs/wire-format.md §6.5).
     */
    AUTH_NO_TAG_HERE: true;
    /** An identity file exists but cannot be read or parsed. */
    KEYS_UNREADABLE: true;
    /** An identity file is readable by others than its owner. */
    KEYS_INSECURE: true;
    /**
     * A key as typed or copied (base32 with its check, docs/keys.md §Typing a key) has a character
     * that is not allowed, the wrong length, or a check that fails.
     */
    KEYS_MISTYPED: true;
    /** A kit key file (or a relay key in a relay keys file) is for another node than this one. */
    KEYS_WRONG_NODE: true;
    /**
     * A key whose private half is published in this repository (a test fixture) was offered
     * outside the test runner (node/src/crypto/repository-test-keys.ts).
     */
    KEYS_TEST_KEY: true;
    /**
     * The issuer key file's issuer is not in this node's keys.issuers with that public key: what it
     * would sign, the county would refuse.
     */
    KEYS_ISSUER_NOT_LISTED: true;
    /** A key file would be overwritten; keys are never replaced silently. */
    KEYS_EXISTS: true;
    /** A new key file cannot be written (its directory is missing or not writable). */
    KEYS_UNWRITABLE: true;
  }
}

export {};
