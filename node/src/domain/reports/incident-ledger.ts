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
  /** Every incident, in no particular order. */
  all(): Promise<readonly Incident[]>;
  get(id: IncidentId): Promise<Incident | undefined>;
  /** Adds or replaces the incidents of `put` (by id) and removes those of `remove`, as one change. */
  apply(change: LedgerChange): Promise<void>;
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
