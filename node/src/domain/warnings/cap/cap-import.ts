/**
 * Import: CAP 1.2 bytes → a warning draft to forward, or every reason it is refused (docs/cap.md §6
 * Import). Never throws for any input: what the bytes are is a value. The stages, each stopping
 * the import with its reasons: read the XML safely (cap-xml-reader.ts), check it against the CAP
 * 1.2 schema (cap-schema.ts), then the rules the schema cannot express (cap-rules.ts), then map it
 * to the wire (cap-to-warning.ts).
 */
import { KitError } from '../../../base/errors.js';
import type { CapAlert } from './cap-model.js';
import { type CapProblem, problemOf } from './cap-problem.js';
import { checkCapRules } from './cap-rules.js';
import { alertFromXml } from './cap-schema.js';
import { type CapMappingOptions, warningFromCap } from './cap-to-warning.js';
import type { CapWarningDraft } from './cap-warning-draft.js';
import { readCapXml } from './cap-xml-reader.js';

export type CapImportOptions = CapMappingOptions;

export type CapReading = { ok: true; alert: CapAlert } | { ok: false; reasons: CapProblem[] };
export type CapImportResult = { ok: true; draft: CapWarningDraft } | { ok: false; reasons: CapProblem[] };

/** The valid CAP 1.2 alert `bytes` hold, or why they hold none. */
export function readCap(bytes: Uint8Array): CapReading {
  let root: ReturnType<typeof readCapXml>;
  try {
    root = readCapXml(bytes);
  } catch (err) {
    const problem = err instanceof KitError ? problemOf(err) : undefined;
    if (problem === undefined) throw err;
    return { ok: false, reasons: [problem] };
  }
  const read = alertFromXml(root);
  if (!read.ok) return { ok: false, reasons: read.problems };
  const broken = checkCapRules(read.alert);
  return broken.length > 0 ? { ok: false, reasons: broken } : read;
}

/** The warning draft `bytes` carry, or every reason they are refused. */
export function importCap(bytes: Uint8Array, options: CapImportOptions = {}): CapImportResult {
  const read = readCap(bytes);
  if (!read.ok) return read;
  const mapped = warningFromCap(read.alert, options);
  return mapped.ok ? mapped : { ok: false, reasons: mapped.problems };
}
