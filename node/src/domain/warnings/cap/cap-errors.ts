/**
 * The CAP codec's error codes (docs/cap.md §6 Import), registered with the shared KitError base
 * (node/src/base/errors.ts). An import that fails says why with these codes, one per reason; an
 * export that cannot make valid CAP throws one of them.
 */

declare module '../../../base/errors.js' {
  interface KitErrorCodes {
    /** Over the size limit (64 KiB) or nested deeper than any CAP message is. */
    CAP_TOO_LARGE: true;
    /** Not UTF-8, or declares another encoding. */
    CAP_ENCODING: true;
    /** Has a document type declaration: refused outright, whatever it declares. */
    CAP_DTD_REFUSED: true;
    /** Not well-formed XML 1.0 (an entity other than the five predefined ones included). */
    CAP_XML_MALFORMED: true;
    /** Well-formed, but its root is not the CAP 1.2 `alert`. */
    CAP_NOT_CAP: true;
    /** Breaks the CAP 1.2 schema: an element missing, unknown, out of order, or a value it refuses. */
    CAP_SCHEMA: true;
    /** Breaks a rule of the CAP 1.2 standard that its schema cannot express. */
    CAP_RULE: true;
    /** Valid CAP, but not a warning to forward: its status, type or scope, or it has expired. */
    CAP_NOT_FORWARDED: true;
    /** Valid CAP that the wire cannot carry: no event code or area it knows, a value it refuses. */
    CAP_UNMAPPABLE: true;
    /** An update or cancel of a warning this centre never forwarded. */
    CAP_REFERENCE_UNKNOWN: true;
    /** A warning that cannot be exported as valid CAP: its fields or the export's context are wrong. */
    CAP_EXPORT_INVALID: true;
  }
}

export {};
