/**
 * Satellite deliveries that the carrier authenticated but that cannot be handed on as a frame
 * (docs/iridium.md §2.1, §2.2, §7.5; docs/links.md §The centre's satellite ingress): a RockBLOCK
 * push whose token verifies but whose claims are not the documented shape (no IMEI of 15 digits,
 * no MOMSN, data that is not hex…). Whether a payload is a fieldnode frame is not decided here:
 * every payload goes on to the core, which keeps those that are not (node/src/core/
 * foreign-payloads.ts).
 *
 * What is kept here was acknowledged to the carrier, so it must not be lost: each is handed to the
 * `quarantine` listeners at once, for the daemon to persist, and the most recent ones are kept in
 * memory, up to a bound, for the operator's view and for tests.
 */

/** One kept delivery and where it came from. */
export interface QuarantinedPayload {
  /** The carrier: 'rockblock' (a web push). */
  via: 'rockblock';
  /** Why it was kept aside: 'claims' (a signed push in an unexpected shape). */
  reason: 'claims';
  /** Human detail for the log. */
  detail?: string;
  /** Everything the carrier said, as it said it (the verified claims). */
  source: Readonly<Record<string, unknown>>;
  /** Unix ms. */
  receivedAt: number;
}

/** A bounded, oldest-first list of quarantined deliveries. */
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
