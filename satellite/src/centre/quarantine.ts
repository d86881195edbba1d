/**
 * Satellite payloads that arrived authenticated by their carrier (a verified RockBLOCK push, a
 * DirectIP MO message) but are not fieldnode frames (fieldnode-payload.ts). They were acknowledged
 * to the carrier, so they must not be lost (DESIGN.md: nothing acknowledged may be lost): each is
 * handed to the `quarantine` listeners at once, so the daemon can persist it, and the most recent
 * ones are also kept in memory, up to a bound, for the operator's view and for tests.
 */
import type { NotFieldnode } from './fieldnode-payload.js';

/** One kept payload and where it came from. */
export interface QuarantinedPayload {
  /** 'rockblock' (web push) or 'directip' (MO message). */
  via: 'rockblock' | 'directip';
  /**
   * Why it was kept aside: a {@link NotFieldnode} word (not a fieldnode frame), 'claims' (a signed
   * push in an unexpected shape), or a configured classifier's own word.
   */
  reason: NotFieldnode | 'claims' | (string & {});
  /** Human detail for the log. */
  detail?: string;
  imei?: string;
  momsn?: number;
  /** The session time the carrier gave, Unix ms. */
  sessionTime?: number;
  /** The payload bytes, when they could be read. */
  data?: Uint8Array;
  /** Everything the carrier said, as it said it (verified claims, DirectIP header fields). */
  source: Readonly<Record<string, unknown>>;
  /** Unix ms. */
  receivedAt: number;
}

/** A bounded, oldest-first list of quarantined payloads. */
export class QuarantineList {
  readonly #items: QuarantinedPayload[] = [];
  #total = 0;

  /** `limit` is how many the list keeps; older ones are dropped from memory (listeners had them). */
  constructor(readonly limit = 100) {
    if (!Number.isInteger(limit) || limit < 0)
      throw new RangeError(`limit must be an integer ≥ 0, got ${limit}`);
  }

  add(item: QuarantinedPayload): void {
    this.#total++;
    this.#items.push(item);
    if (this.#items.length > this.limit) this.#items.splice(0, this.#items.length - this.limit);
  }

  /** The kept items, oldest first. */
  items(): readonly QuarantinedPayload[] {
    return [...this.#items];
  }

  /** How many were ever added, including those no longer kept in memory. */
  get total(): number {
    return this.#total;
  }
}
