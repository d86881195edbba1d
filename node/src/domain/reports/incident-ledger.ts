/**
 * Where incidents are kept: the small interface the reports domain writes through
 * (docs/reports.md §Storage), and an in-memory ledger for tests and for a node without a data
 * directory. The file ledger is incident-file.ts; one over the node's key-value store can follow.
 */
import type { Incident, IncidentId } from './incident.js';

/** One change, written whole or not at all. */
export interface LedgerChange {
  readonly put?: readonly Incident[];
  readonly remove?: readonly IncidentId[];
}

export interface IncidentLedger {
  /** Every incident, in no particular order, every change applied so far made. */
  all(): Promise<readonly Incident[]>;
  get(id: IncidentId): Promise<Incident | undefined>;
  /**
   * Adds or replaces the incidents of `put` (by id) and removes those of `remove`, as one change.
   * all() and get() see it from the moment apply() is called; it resolves once the change is kept
   * (on disk, for a durable ledger), so that changes made one after another can share a write. If
   * it cannot be kept it rejects and is undone, and so is every change applied after it that was
   * not yet kept, since they may build on it: each of those rejects too.
   */
  apply(change: LedgerChange): Promise<void>;
  /** Settles every change made so far and lets go of what the ledger holds open, if anything. */
  close?(): Promise<void>;
}

/** A ledger in memory: copies in and out, so a caller's objects never alias what is kept. */
export class MemoryIncidentLedger implements IncidentLedger {
  readonly #incidents = new Map<IncidentId, Incident>();

  async all(): Promise<readonly Incident[]> {
    return [...this.#incidents.values()].map((i) => structuredClone(i));
  }

  async get(id: IncidentId): Promise<Incident | undefined> {
    const i = this.#incidents.get(id);
    return i === undefined ? undefined : structuredClone(i);
  }

  async apply(change: LedgerChange): Promise<void> {
    for (const id of change.remove ?? []) this.#incidents.delete(id);
    for (const i of change.put ?? []) this.#incidents.set(i.id, structuredClone(i));
  }
}
