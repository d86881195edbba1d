/**
 * The ledger of a centre receiver that faces the internet, the RockBLOCK push receiver or the
 * DirectIP MO server (docs/centre-doors.md §Duplicates and restarts, §Refusals and the log): the
 * keys of the deliveries it took, so that one delivered again is a duplicate (seen-deliveries.ts),
 * and the path of every refusal: counted for the status page, and logged in full only a few times
 * a minute (rockblock/refusal-log.ts). Both receivers take the same options for it, with the same
 * defaults; each keeps its own answers, its events and its counts of what it took.
 */
import type { Logger } from '../../../node/src/base/logger.js';
import { type Refusal, RefusalLog } from '../rockblock/refusal-log.js';
import { SeenDeliveries, type SeenDeliveriesStore, type SeenEntry } from './seen-deliveries.js';

/** A receiver's options for its ledger. */
export interface ReceiverLedgerOptions {
  /** Recent deliveries remembered for deduplication. Default 10,000. */
  dedupeLimit?: number;
  /**
   * How long a delivery's key is remembered, ms. Default 48 h, well past the 12 h for which
   * carriers of this kind retry (seen-deliveries.ts).
   */
  dedupeWindowMs?: number;
  /** Where the keys are saved, and what an earlier run saved. Default: in memory only. */
  dedupeStore?: { store: SeenDeliveriesStore; initial: readonly SeenEntry[] };
  /** Refusals logged in full per window, and the window in ms (refusal-log.ts). Default 5 a minute. */
  refusalLog?: { perWindow?: number; windowMs?: number };
}

/** The receiver's counters the ledger keeps. */
export interface RefusalCounters {
  /** Refused requests or connections, answered or reset. */
  rejected: number;
  /** Connections closed on arrival, unanswered, because the server had its most open. */
  dropped: number;
}

/** What the ledger needs of its receiver besides the options. */
export interface ReceiverLedgerContext {
  /** The message of each refusal's log line, e.g. "rockblock push refused". */
  msg: string;
  /** Where refusals are counted: the receiver's own counters. */
  counters: RefusalCounters;
  /** Unix ms now. */
  now: () => number;
  log: Logger;
}

/** Owns a receiver's seen deliveries and its refusal log. */
export class ReceiverLedger {
  /** The keys of the deliveries taken. */
  readonly seen: SeenDeliveries;
  readonly #refusals: RefusalLog;
  readonly #counters: RefusalCounters;

  constructor(opts: ReceiverLedgerOptions, context: ReceiverLedgerContext) {
    const { now, log } = context;
    this.seen = new SeenDeliveries({
      now,
      log,
      ...(opts.dedupeLimit === undefined ? {} : { limit: opts.dedupeLimit }),
      ...(opts.dedupeWindowMs === undefined ? {} : { windowMs: opts.dedupeWindowMs }),
      ...(opts.dedupeStore === undefined
        ? {}
        : { store: opts.dedupeStore.store, initial: opts.dedupeStore.initial }),
    });
    this.#refusals = new RefusalLog({ log, msg: context.msg, now, ...opts.refusalLog });
    this.#counters = context.counters;
  }

  /** A request or connection refused: counted as rejected and logged (a few times a minute). */
  refused(refusal: Refusal): void {
    this.#counters.rejected++;
    this.#refusals.refused(refusal);
  }

  /** A connection closed on arrival because the server was full: counted as dropped and logged. */
  dropped(reason: string, remote: string | undefined): void {
    this.#counters.dropped++;
    this.#refusals.refused({ reason, detail: 'connection limit reached', ...(remote ? { remote } : {}) });
  }

  /** Writes the summary of the refusals not logged one by one, if any: at close. */
  flushRefusals(): void {
    this.#refusals.flush();
  }
}
