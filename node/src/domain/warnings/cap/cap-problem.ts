/**
 * What is wrong with a CAP message, one item per problem (docs/cap.md §6 Import): a stable code,
 * the element it is about as a path (`/alert/info[1]/area[2]/polygon[1]`), and a message that says
 * what is wrong and what would be right. Validation collects them all (docs/conventions.md §Errors).
 */
import type { KitError, KitErrorCode } from '../../../base/errors.js';
import './cap-errors.js';

export const CAP_PROBLEM_CODES = [
  'CAP_TOO_LARGE',
  'CAP_ENCODING',
  'CAP_DTD_REFUSED',
  'CAP_XML_MALFORMED',
  'CAP_NOT_CAP',
  'CAP_SCHEMA',
  'CAP_RULE',
  'CAP_NOT_FORWARDED',
  'CAP_UNMAPPABLE',
  'CAP_REFERENCE_UNKNOWN',
  'CAP_EXPORT_INVALID',
] as const satisfies readonly KitErrorCode[];

export type CapProblemCode = (typeof CAP_PROBLEM_CODES)[number];

export function isCapProblemCode(code: string): code is CapProblemCode {
  return (CAP_PROBLEM_CODES as readonly string[]).includes(code);
}

export interface CapProblem {
  code: CapProblemCode;
  /** The element concerned, `/alert` for the message as a whole. */
  path: string;
  message: string;
  /** The line of the element in the XML, when the problem came from reading it. */
  line?: number;
}

/** One line per problem: "CAP_RULE /alert/scope (line 9): …". */
export function problemsText(problems: readonly CapProblem[]): string {
  return problems
    .map((p) => `${p.code} ${p.path}${p.line === undefined ? '' : ` (line ${p.line})`}: ${p.message}`)
    .join('\n');
}

/** A problem from a KitError the codec threw; undefined when the code is not the codec's. */
export function problemOf(err: KitError, path = '/'): CapProblem | undefined {
  return isCapProblemCode(err.code) ? { code: err.code, path, message: err.message } : undefined;
}
