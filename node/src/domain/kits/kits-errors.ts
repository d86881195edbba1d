/**
 * The error codes of kit health and lost kits (docs/kits.md; docs/api.md §Kits), registered with the
 * shared KitError base (node/src/base/errors.ts). The API answers each with the status
 * api-errors.ts gives it.
 */

declare module '../../base/errors.js' {
  interface KitErrorCodes {
    /** No enrolled kit has this id (keys.nodes of the centre's configuration). */
    KIT_UNKNOWN: true;
    /** The kit is revoked already: revocation is for good, and a revoked kit replaces nothing. */
    KIT_REVOKED: true;
    /** A kit is replaced only once it is revoked: revoke it first. */
    KIT_NOT_REVOKED: true;
    /** This centre holds no issuer key with the `control` power: it cannot sign a revocation. */
    KIT_NO_ISSUER: true;
    /**
     * The kit named as a replacement cannot be one (another area, a centre, replaced already…), or
     * its area's roster is larger than one control message carries.
     */
    KIT_REPLACEMENT_INVALID: true;
    /** A handover file cannot be read, or is not for this kit. */
    KIT_HANDOVER_INVALID: true;
  }
}

export {};
