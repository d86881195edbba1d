/**
 * A small problem-collecting reader for hand validation of the configuration file (docs/conventions.md §Errors
 * "Validation returns all problems"; §Configuration).
 *
 * Every read either returns a typed value or records a problem under its path in the file
 * (`12:5 links[1].port: required for type meshtastic`) and returns undefined, so one pass over the
 * file finds every mistake. Paths use the file's own snake_case keys: they are for the person
 * editing it; the line and column, when the file's text is known, say where to look. Unknown keys
 * are problems too: a typo must not silently fall back to a default, and the hint names the key
 * valid at that place it most likely meant (did-you-mean.ts).
 */
import { didYouMean } from './did-you-mean.js';

/** Where a key path stands in the file's text (source-positions.ts). */
export interface Locator {
  /** `line:column`, or undefined where the path is not in the file (the environment, a default). */
  at(path: string): string | undefined;
}

/** Every problem found, each `line:column path: what is wrong` (without the place if unknown). */
export class Problems {
  readonly list: string[] = [];

  /** `locator`: where paths stand in the file. Default: nowhere known, problems name paths only. */
  constructor(private readonly locator?: Locator) {}

  add(path: string, message: string): void {
    const at = this.locator?.at(path);
    this.list.push(`${at === undefined ? '' : `${at} `}${path === '' ? '(top level)' : path}: ${message}`);
  }
}

/** `true` for the plain "required", or the sentence to say instead. */
export type Requirement = true | string;

export const joinPath = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** How a found value is described in a problem: what it is, not all of it. */
export function describe(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  if (typeof value === 'string')
    return `text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}

/**
 * One mapping of the file. A section that is missing or of the wrong type reads as empty and
 * quiet: its own problem is recorded once, and its fields do not add "required" on top of it.
 */
export class Section {
  private constructor(
    private readonly problems: Problems,
    readonly path: string,
    private readonly raw: Readonly<Record<string, unknown>>,
    private readonly quiet: boolean,
  ) {}

  /**
   * Reads `value` as a mapping with only `keys` allowed. `null` counts as absent, so a YAML key
   * left empty (`keys:`) means "defaults". An unknown key's hint is one of `hintKeys`: the keys
   * valid at that place, when `keys` allows more (a link's keys of every type).
   */
  static of(
    problems: Problems,
    value: unknown,
    path: string,
    keys: readonly string[],
    required?: Requirement,
    quiet = false,
    hintKeys: readonly string[] = keys,
  ): Section {
    if (value === undefined || value === null) {
      if (required !== undefined && !quiet) problems.add(path, required === true ? 'required' : required);
      return new Section(problems, path, {}, quiet || required !== undefined);
    }
    if (!isPlainObject(value)) {
      problems.add(path, `expected a mapping, found ${describe(value)}`);
      return new Section(problems, path, {}, true);
    }
    for (const key of Object.keys(value)) {
      if (keys.includes(key)) continue;
      problems.add(joinPath(path, key), `unknown key${didYouMean(key, hintKeys)}`);
    }
    return new Section(problems, path, value, false);
  }

  at(key: string): string {
    return joinPath(this.path, key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** The raw value; null (an empty YAML value) reads as absent. */
  get(key: string): unknown {
    const value = this.raw[key];
    return value === null ? undefined : value;
  }

  problem(key: string, message: string): void {
    this.problems.add(this.at(key), message);
  }

  section(key: string, keys: readonly string[], required?: Requirement): Section {
    return Section.of(this.problems, this.get(key), this.at(key), keys, required, this.quiet);
  }

  /**
   * An item of one of this section's lists or name mappings, read as a mapping with only `keys`;
   * `hintKeys` as in {@link Section.of}.
   */
  item(value: unknown, path: string, keys: readonly string[], hintKeys: readonly string[] = keys): Section {
    return Section.of(this.problems, value, path, keys, 'empty entry', this.quiet, hintKeys);
  }

  /** A whole number in [min, max]. */
  int(key: string, min: number, max: number, required?: Requirement): number | undefined {
    const value = this.present(key, required);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.problem(key, `expected a whole number from ${min} to ${max}, found ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  /** A finite number in [min, max]. */
  num(key: string, min: number, max: number, required?: Requirement): number | undefined {
    const value = this.present(key, required);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      const range = max === Number.POSITIVE_INFINITY ? `at least ${min}` : `from ${min} to ${max}`;
      this.problem(key, `expected a number ${range}, found ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  /** Non-empty text; `check` returns what is wrong with it, if anything. */
  str(key: string, required?: Requirement, check?: (text: string) => string | undefined): string | undefined {
    const value = this.present(key, required);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      this.problem(key, `expected text, found ${describe(value)}`);
      return undefined;
    }
    const wrong = check?.(value);
    if (wrong !== undefined) {
      this.problem(key, wrong);
      return undefined;
    }
    return value;
  }

  bool(key: string): boolean | undefined {
    const value = this.present(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.problem(key, `expected true or false, found ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(key: string, values: readonly T[], required?: Requirement): T | undefined {
    const value = this.present(key, required);
    if (value === undefined) return undefined;
    if (!(values as readonly unknown[]).includes(value)) {
      this.problem(key, `expected one of ${values.join(', ')}, found ${describe(value)}`);
      return undefined;
    }
    return value as T;
  }

  /** The items of a list, each with its path (`links[1]`); [] when absent or not a list. */
  list(key: string, required?: Requirement): Array<{ value: unknown; path: string }> {
    const value = this.present(key, required);
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.problem(key, `expected a list, found ${describe(value)}`);
      return [];
    }
    return value.map((item, i) => ({ value: item, path: `${this.at(key)}[${i}]` }));
  }

  /** The entries of a mapping with free keys (names), each with its path; [] when absent. */
  entries(key: string): Array<{ name: string; value: unknown; path: string }> {
    const value = this.present(key);
    if (value === undefined) return [];
    if (!isPlainObject(value)) {
      this.problem(key, `expected a mapping of names, found ${describe(value)}`);
      return [];
    }
    return Object.entries(value).map(([name, item]) => ({
      name,
      value: item,
      path: `${this.at(key)}.${name}`,
    }));
  }

  private present(key: string, required?: Requirement): unknown {
    const value = this.get(key);
    if (value === undefined && required !== undefined && !this.quiet) {
      this.problem(key, required === true ? 'required' : required);
    }
    return value;
  }
}
