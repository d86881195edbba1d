/**
 * Per-origin sliding replay window over message sequence numbers (docs/design.md §Security: "per-origin
 * sequence window plus lifetime"; docs/wire-format.md §Authentication).
 *
 * Store-and-forward delivers very out of order: a report may reach the centre days late by
 * satellite while newer ones came over the mesh. So the window is wide (1024 by default) and is a
 * bitmap, as in IPsec anti-replay (RFC 4303 §3.4.3), so memory per origin stays at size/8 bytes.
 * Anything older than the window is refused as 'too-old'; the message lifetime check catches the
 * rest. Call {@link ReplayWindow.accept} only after the tag or signature has verified, or a forger
 * could move the window forward and make real messages look old.
 *
 * Sequences are uint32 and do not wrap: an origin that would pass 2^32 − 1 must be re-enrolled.
 */

/** Default window: how many sequences below the highest one are still accepted. */
export const DEFAULT_REPLAY_WINDOW_SIZE = 1024;
const MAX_SEQ = 0xffff_ffff;

/** What a sequence number is, relative to the window of its origin. */
export type ReplayVerdict = 'new' | 'duplicate' | 'too-old';

/** Options for {@link ReplayWindow}. */
export interface ReplayWindowOptions {
  /** Sequences remembered below the highest seen, a positive multiple of 32. Default 1024. */
  size?: number;
}

/** The persisted form of a {@link ReplayWindow}; plain JSON. */
export interface ReplayWindowJSON {
  version: 1;
  size: number;
  /** One entry per origin; `bits` are the bitmap's uint32 words, least significant bit first. */
  origins: { origin: number; top: number; bits: number[] }[];
}

interface OriginState {
  /** Highest sequence accepted. */
  top: number;
  /** Bit i (word i >>> 5, bit i & 31) set means sequence top − 1 − i was accepted. */
  bits: Uint32Array;
}

/**
 * Remembers, for each origin node, which recent sequence numbers have been accepted. Owns only
 * in-memory state; persisting it (via {@link ReplayWindow.toJSON}) is the store's job.
 */
export class ReplayWindow {
  /** Sequences remembered below the highest seen. */
  readonly size: number;
  readonly #origins = new Map<number, OriginState>();

  constructor(options: ReplayWindowOptions = {}) {
    const size = options.size ?? DEFAULT_REPLAY_WINDOW_SIZE;
    if (!Number.isSafeInteger(size) || size <= 0 || size % 32 !== 0) {
      throw new RangeError(`replay window size must be a positive multiple of 32, got ${size}`);
    }
    this.size = size;
  }

  /** Classifies `seq` from `origin` without recording it. */
  check(origin: number, seq: number): ReplayVerdict {
    assertArgs(origin, seq);
    const state = this.#origins.get(origin);
    if (state === undefined || seq > state.top) return 'new';
    if (seq === state.top) return 'duplicate';
    const i = state.top - 1 - seq;
    if (i >= this.size) return 'too-old';
    return isSet(state.bits, i) ? 'duplicate' : 'new';
  }

  /** Classifies `seq` from `origin` and, when it is 'new', records it. */
  accept(origin: number, seq: number): ReplayVerdict {
    const verdict = this.check(origin, seq);
    if (verdict !== 'new') return verdict;
    const state = this.#origins.get(origin);
    if (state === undefined) {
      this.#origins.set(origin, { top: seq, bits: new Uint32Array(this.size / 32) });
    } else if (seq > state.top) {
      advance(state, seq - state.top, this.size);
      state.top = seq;
    } else {
      const i = state.top - 1 - seq;
      state.bits[i >>> 5] = (state.bits[i >>> 5] as number) | (1 << (i & 31));
    }
    return 'new';
  }

  /** A JSON-able snapshot; {@link ReplayWindow.fromJSON} restores the same behaviour. */
  toJSON(): ReplayWindowJSON {
    const origins = [...this.#origins].map(([origin, s]) => ({ origin, top: s.top, bits: [...s.bits] }));
    return { version: 1, size: this.size, origins };
  }

  /**
   * Restores a window saved by {@link ReplayWindow.toJSON}.
   * @throws TypeError if `data` is not a well-formed snapshot.
   */
  static fromJSON(data: unknown): ReplayWindow {
    if (!isRecord(data) || data.version !== 1) throw new TypeError('replay window: not a version 1 snapshot');
    const { size, origins } = data;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0 || size % 32 !== 0) {
      throw new TypeError('replay window: size must be a positive multiple of 32');
    }
    if (!Array.isArray(origins)) throw new TypeError('replay window: origins must be an array');
    const window = new ReplayWindow({ size });
    for (const entry of origins as unknown[]) {
      if (!isRecord(entry)) throw new TypeError('replay window: origin entry must be an object');
      const { origin, top, bits } = entry;
      if (!isUint(origin, Number.MAX_SAFE_INTEGER) || window.#origins.has(origin)) {
        throw new TypeError('replay window: origin must be a unique non-negative integer');
      }
      if (!isUint(top, MAX_SEQ)) throw new TypeError('replay window: top must be a uint32');
      if (!Array.isArray(bits) || bits.length !== size / 32 || !bits.every((w) => isUint(w, MAX_SEQ))) {
        throw new TypeError(`replay window: bits must be ${size / 32} uint32 words`);
      }
      window.#origins.set(origin, { top, bits: Uint32Array.from(bits as number[]) });
    }
    return window;
  }
}

/** Shifts the bitmap toward older positions by `d` and marks the old top, now at index d − 1. */
function advance(state: OriginState, d: number, size: number): void {
  const { bits } = state;
  if (d > size) {
    // The old top and everything below it fall outside the new window.
    bits.fill(0);
    return;
  }
  const wordShift = d >>> 5;
  const bitShift = d & 31;
  for (let k = bits.length - 1; k >= 0; k--) {
    const hi = k - wordShift >= 0 ? (bits[k - wordShift] as number) : 0;
    const lo = k - wordShift - 1 >= 0 ? (bits[k - wordShift - 1] as number) : 0;
    bits[k] = bitShift === 0 ? hi : (hi << bitShift) | (lo >>> (32 - bitShift));
  }
  const i = d - 1;
  bits[i >>> 5] = (bits[i >>> 5] as number) | (1 << (i & 31));
}

function isSet(bits: Uint32Array, i: number): boolean {
  return (((bits[i >>> 5] as number) >>> (i & 31)) & 1) === 1;
}

function assertArgs(origin: number, seq: number): void {
  if (!isUint(origin, Number.MAX_SAFE_INTEGER)) throw new RangeError(`origin must be a non-negative integer`);
  if (!isUint(seq, MAX_SEQ)) throw new RangeError(`sequence must be a uint32, got ${seq}`);
}

function isUint(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
