/**
 * Error codes of the hazards workflow (docs/hazards.md), registered with the shared KitError base
 * (node/src/base/errors.ts). A draft or a change is checked whole and every problem listed, each
 * with one of the per-field codes, then refused as one HAZARD_REJECTED.
 */

declare module '../../base/errors.js' {
  interface KitErrorCodes {
    /** A hazard draft or change was refused; its problems say which fields and why. */
    HAZARD_REJECTED: true;
    /** A field cannot be sent: a type, sector, severity, area, point or count the wire does not carry. */
    HAZARD_FIELD_INVALID: true;
    /** The description or note is over the 300 bytes the wire carries. */
    HAZARD_TEXT_TOO_LONG: true;
    /** The hazard cannot move to that status from where it stands (it only moves forward). */
    HAZARD_STATUS_INVALID: true;
    /** No hazard has this id here. */
    HAZARD_UNKNOWN: true;
    /** The hazard ledger's journal could not be read or written. */
    HAZARD_JOURNAL_FAILED: true;
    /** An upload is not a JPEG, PNG or WebP image. */
    HAZARD_PHOTO_INVALID: true;
    /** An upload is larger than a photo may be, or a hazard has all the photos it may have. */
    HAZARD_PHOTO_TOO_LARGE: true;
    /** The photos on this kit take all the room they are given. */
    HAZARD_PHOTOS_FULL: true;
    /** A photo named by a draft or a request is not held here (never uploaded, expired, not yours). */
    HAZARD_PHOTO_UNKNOWN: true;
  }
}

export {};
