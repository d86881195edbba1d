/**
 * The line grammar every key file shares (docs/keys.md §Key files): a first line naming the format
 * and its version, then one `name value` per line, blank lines and `#` comments ignored, and every
 * problem naming the file, the line and the fix. key-file-formats.ts and issuer-key-file.ts read
 * their files with it.
 */
import { KitError } from '../base/errors.js';

/** The version of every key file format this fieldnode writes and reads. */
export const VERSION = '1';
export const U32_MAX = 0xffff_ffff;
export interface Line {
  /** 1-based line number in the file. */
  n: number;
  text: string;
}

/** The lines that say something: trimmed, without blanks and `#` comments, numbered from 1. */
export function meaningfulLines(text: string): Line[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ n: i + 1, text: line.trim() }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
}

export function checkHeader(lines: readonly Line[], header: string, source: string, what: string): void {
  const first = lines[0];
  const m = first === undefined ? null : /^(\S+)\s+(\S+)$/.exec(first.text);
  if (m?.[1] === header && m[2] === VERSION) return;
  if (m?.[1] === header) {
    throw unreadable(
      source,
      first?.n,
      `${what} version ${show(m[2])}: this fieldnode reads version ${VERSION}; update fieldnode`,
    );
  }
  // A key where the header should be (the wrong file named) is not echoed into a log.
  const found =
    first === undefined
      ? 'nothing'
      : /^[A-Za-z2-7 -]{20,}$/.test(first.text)
        ? 'what looks like a key'
        : show(first.text);
  throw unreadable(
    source,
    first?.n,
    `not ${article(what)} ${what}: its first line should be "${header} ${VERSION}", found ${found}`,
  );
}

/** Runs a key parser and says where in the file its problem is. */
export function located<T>(source: string, n: number, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof KitError)
      throw new KitError(err.code, `${source} line ${n}: ${err.message}`, { cause: err });
    throw err;
  }
}

export function unreadable(source: string, n: number | undefined, message: string): KitError {
  return new KitError('KEYS_UNREADABLE', `${source}${n === undefined ? '' : ` line ${n}`}: ${message}`);
}

/** A whole number from `min` to 2^32−1 written in plain decimal, or undefined. */
export function parseU32(text: string, min: number): number | undefined {
  if (!/^(0|[1-9][0-9]{0,9})$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= U32_MAX ? n : undefined;
}

/**
 * File content quoted for a message: at most 16 characters, since the line may be a key in the
 * wrong place and messages end up in logs (16 base32 characters are 80 of a key's 256 bits).
 */
export function show(text: string | undefined): string {
  const chars = [...(text ?? '')];
  return JSON.stringify(chars.length > 16 ? `${chars.slice(0, 16).join('')}…` : chars.join(''));
}

/**
 * The `name value` lines after the header, each of `names` at most once; any other name, a name
 * without a value or a repeated one is refused with the line. `need(name)` refuses a missing one.
 */
export function namedFields(lines: readonly Line[], names: readonly string[], source: string, what: string) {
  const fields = new Map<string, { value: string; n: number }>();
  for (const { n, text: line } of lines.slice(1)) {
    const m = /^(\S+)\s+(.+)$/.exec(line);
    const name = m?.[1] ?? line;
    if (!names.includes(name))
      throw unreadable(
        source,
        n,
        `${show(name)} is not a line of ${article(what)} ${what} (${names.join(', ')})`,
      );
    if (m === null) throw unreadable(source, n, `${name} has no value`);
    const earlier = fields.get(name);
    if (earlier !== undefined) throw unreadable(source, n, `${name} is already on line ${earlier.n}`);
    fields.set(name, { value: m[2] as string, n });
  }
  const need = (name: string) => {
    const field = fields.get(name);
    if (field === undefined) throw unreadable(source, undefined, `the line "${name} …" is missing`);
    return field;
  };
  return { fields, need };
}

/** "a" or "an" before `word`, by its first letter: "an issuer key file". */
function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
