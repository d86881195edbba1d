/**
 * The areas a roster names (docs/domain-model.md §Areas): each code with the name people call it
 * by, from the configuration's `roster.areas`, and the tree they form.
 *
 * The tree is what the codes say (area-code.ts), so an area's children are the named areas whose
 * parent it is, and one whose parent is not named simply has none known.
 */
import { type AreaCode, areaContains, isChildArea } from './area-code.js';

export interface NamedArea {
  code: AreaCode;
  /** As people call it, e.g. 长沙县. */
  name: string;
}

/** Owns the names of the roster's areas, by code. */
export class AreaDirectory {
  readonly #names: ReadonlyMap<AreaCode, string>;

  constructor(areas: readonly NamedArea[]) {
    this.#names = new Map(areas.map((a) => [a.code, a.name]));
  }

  has(code: AreaCode): boolean {
    return this.#names.has(code);
  }

  name(code: AreaCode): string | undefined {
    return this.#names.get(code);
  }

  /** "长沙县 (430121)", or the code alone when it has no name here. */
  label(code: AreaCode): string {
    const name = this.#names.get(code);
    return name === undefined ? String(code) : `${name} (${code})`;
  }

  /** Every named area, by code. */
  list(): NamedArea[] {
    return [...this.#names].map(([code, name]) => ({ code, name })).sort((a, b) => a.code - b.code);
  }

  /** The named areas directly below `code`. */
  children(code: AreaCode): NamedArea[] {
    return this.list().filter((a) => isChildArea(a.code, code));
  }

  /** The named areas within `code`, itself included if named. */
  within(code: AreaCode): NamedArea[] {
    return this.list().filter((a) => areaContains(code, a.code));
  }
}
