/**
 * What the crash rig checks once every daemon is down (docs/store-and-forward.md §Crashes and the
 * deliveries journal), from the nodes' own stores and deliveries journals: which reports the centre
 * holds, whether the gateway holds what it took custody of, and which deliveries a journal shows
 * twice. The stores are opened only here, after the daemons stopped (LevelDB has one writer).
 */

import { readDeliveriesJournal } from '../node/src/store/deliveries-journal-reader.js';
import { MessageStore } from '../node/src/store/message-store.js';
import { decodeFrame } from '../node/src/wire/message.js';
import { CRASH_NODES, type CrashTopology } from './crash-topology.js';

/** What the kit's log said while the rig ran. */
export interface KitSightings {
  /** Reports whose submit() resolved: id → the tag in its note. */
  stored: ReadonlyMap<string, string>;
  /** Reports the kit saw in custody at the gateway, at some moment. */
  custody: ReadonlySet<string>;
  /** Reports the kit held as confirmed (custody or received) before the last kill. */
  confirmedBeforeKill: ReadonlySet<string>;
}

/**
 * How long after its arrival a delivery may still be missing from the journal because of a kill,
 * ms: the admit's sync, the wait for the core's lock, the journal's own write. Generous: under load
 * on two cores these take up to a few hundred ms.
 */
export const JOURNAL_GAP_WINDOW_MS = 5000;

export interface CrashAudit {
  /** The kit's own reports, in its store at the end. */
  reports: string[];
  /** Confirmed before a kill, and not delivered at the centre in the end. */
  lost: string[];
  /** Any report not delivered at the centre in the end. */
  undelivered: string[];
  /** Reports the kit said were stored that its store does not hold (or holds another under their id). */
  storedThenMissing: string[];
  /** Reports the kit saw in custody at the gateway that the gateway does not hold. */
  custodyNotHeld: string[];
  /** `node:id` for every id a node's journal names more than once. */
  deliveredTwice: string[];
  /** `node:id` for every journal line naming a message that node's store does not hold. */
  journalNotInStore: string[];
  /** Reports delivered at the centre that its journal does not name (a kill came in between). */
  journalGaps: number;
  /** Of those, the ones no kill of the centre followed within JOURNAL_GAP_WINDOW_MS of their arrival. */
  journalGapsWithoutKill: string[];
  /** Journal lines torn by a kill, over all nodes. */
  tornLines: number;
}

/**
 * @param centreKilledAt when the centre was killed, unix ms, to tell a journal line a kill kept out
 *   from one that went missing otherwise.
 */
export async function auditCrashRun(
  topo: CrashTopology,
  kit: KitSightings,
  centreKilledAt: readonly number[],
): Promise<CrashAudit> {
  const stores = {
    kit: await MessageStore.open(topo.kit.store),
    gateway: await MessageStore.open(topo.gateway.store),
    centre: await MessageStore.open(topo.centre.store),
  };
  try {
    const holds = async (store: MessageStore, id: string) =>
      (await store.getMeta(id)) !== undefined || (await store.hasSeen(id));
    const reports: string[] = [];
    for await (const m of stores.kit.metas()) if (m.local && m.kindCode === 1) reports.push(m.id);
    const undelivered: string[] = [];
    for (const id of reports) if ((await stores.centre.getMeta(id))?.forMe !== true) undelivered.push(id);
    const storedThenMissing: string[] = [];
    for (const [id, tag] of kit.stored) {
      const frame = await stores.kit.getFrame(id);
      const message = frame === undefined ? undefined : decodeFrame(frame).message;
      if (message?.kind !== 'report' || message.body.note !== tag) storedThenMissing.push(id);
    }
    const lost: string[] = [];
    for (const id of kit.confirmedBeforeKill)
      if ((await stores.centre.getMeta(id))?.forMe !== true) lost.push(id);
    const custodyNotHeld: string[] = [];
    for (const id of kit.custody) if (!(await holds(stores.gateway, id))) custodyNotHeld.push(id);

    const deliveredTwice: string[] = [];
    const journalNotInStore: string[] = [];
    let tornLines = 0;
    let centreJournal = new Set<string>();
    for (const name of CRASH_NODES) {
      const journal = await readDeliveriesJournal(topo[name].journal);
      tornLines += journal.unreadable.length;
      for (const id of journal.twice.keys()) deliveredTwice.push(`${name}:${id}`);
      for (const r of new Set(journal.records.map((r) => r.id)))
        if (!(await holds(stores[name], r))) journalNotInStore.push(`${name}:${r}`);
      if (name === 'centre') centreJournal = new Set(journal.records.map((r) => r.id));
    }
    const undeliveredSet = new Set(undelivered);
    const gaps = reports.filter((id) => !undeliveredSet.has(id) && !centreJournal.has(id));
    const journalGapsWithoutKill: string[] = [];
    for (const id of gaps) {
      // The centre's first event of a message is its arrival, on the centre's (system) clock.
      const arrived = (await stores.centre.getMeta(id))?.events[0]?.at ?? 0;
      if (!centreKilledAt.some((t) => t >= arrived && t <= arrived + JOURNAL_GAP_WINDOW_MS))
        journalGapsWithoutKill.push(id);
    }
    return {
      reports,
      lost,
      undelivered,
      storedThenMissing,
      custodyNotHeld,
      deliveredTwice,
      journalNotInStore,
      journalGaps: gaps.length,
      journalGapsWithoutKill,
      tornLines,
    };
  } finally {
    for (const s of Object.values(stores)) await s.close();
  }
}
