/**
 * The shapes the store-and-forward core is built from and speaks in (docs/design.md §Architecture,
 * "The link contract", Messages): its links, its options, a message as the rest of the daemon
 * drafts it, and the events it emits. node-core.ts implements them and re-exports them.
 */
import type { KeyObject } from 'node:crypto';
import type { Logger } from '../base/logger.js';
import type { KeyRing } from '../crypto/authenticate.js';
import type { Link } from '../link/link.js';
import type { MessageStore } from '../store/message-store.js';
import type { MessageMeta } from '../store/records.js';
import type { Destination, EnvelopeFlag, Priority } from '../wire/envelope.js';
import type { BodyByKind, KindName } from '../wire/kinds.js';
import type { Message } from '../wire/message.js';
import type { BackoffOptions } from './backoff.js';
import type { BudgetAlarm } from './billing-budget.js';
import type { ForeignPayload } from './foreign-payloads.js';
import type { CostClass, RoutingTable } from './routing-table.js';
import type { SharingOptions } from './shared-sender.js';

export interface CoreLink {
  link: Link;
  costClass: CostClass;
  /** Link address → node id of the neighbours on this link (for custody signals). */
  neighbours: Record<string, number>;
  /**
   * For a link that declares `billing`: how long what is due may wait to share one billed message,
   * per priority, and its budget (docs/store-and-forward.md §Satellite). Default: the default
   * holds and no budget.
   */
  sharing?: SharingOptions;
  /**
   * The link's senders are enrolled devices (the satellite doors: IMEIs in `neighbours`). A frame
   * from any other is taken only when it checks end to end, and flagged; otherwise it is kept as
   * foreign (docs/security.md §The centre's doors).
   */
  sendersEnrolled?: boolean;
}

export interface NodeCoreOptions {
  nodeId: number;
  area?: number;
  store: MessageStore;
  links: CoreLink[];
  routes: RoutingTable;
  keys: KeyRing;
  /**
   * Kits whose relay key this node holds but that run a version older than receipt tags: custody
   * and vouched receipts to them are signed instead (docs/wire-format.md §6.5). Default: none.
   */
  untaggedKits?: ReadonlySet<number>;
  /** This node's identity key (signs what it sends to nodes it shares no MAC key with). */
  identity: KeyObject;
  /** This node's MAC key shared with the centre, when it is a kit. */
  macKey?: Uint8Array;
  /**
   * The node's clock (trusted-clock.ts): `trusted` says whether what it stamps may be trusted;
   * `expiryTrusted`, whether "now is past T" may be (a signed lower bound is enough for that);
   * `observeSignedLowerBound` takes the time a signed control message was made.
   */
  clock: {
    now(): number;
    trusted(): boolean;
    expiryTrusted?(): boolean;
    observeSignedLowerBound?(timeMs: number, detail: string): unknown;
  };
  retry: BackoffOptions;
  latencyBoundMs: readonly [number, number, number, number];
  log: Logger;
  /** How long receipts wait to be batched, ms. Default 2000. */
  receiptDelayMs?: number;
  /**
   * How long a message made here waits for its end-to-end receipt once in custody elsewhere
   * before it is sent again (its custodian answers from what it knows), ms. Default 600,000.
   */
  receiptWaitMs?: number;
  /**
   * The least time between two reopens of a relayed broadcast asked for again from upstream, ms
   * (reopen-downstream.ts). Default REOPEN_FLOOR_MS, 120,000: the desk's own least time between
   * sends; a simulation running faster than wall time scales it as it scales the other timings.
   */
  reopenFloorMs?: number;
  /**
   * How long receipts sent over a link that declares a receipt hold (LinkCapabilities
   * receiptHoldMs: the satellite) are held, per priority of the most urgent message they confirm,
   * ms. Default: what the link declares (tests shorten it).
   */
  satelliteReceiptHoldMs?: readonly [number, number, number, number];
  /** How often this node tells its neighbours what it reaches, ms; 0: never. Default 300,000. */
  beaconIntervalMs?: number;
  /** How often expired messages are looked for, ms. Default 5000. */
  expiryScanMs?: number;
  /**
   * How long a final message (delivered, received, handed on, expired) is kept after it ended
   * before the store prunes it, ms (docs/store-and-forward.md §Pruning). Default a day.
   */
  retentionMs?: number;
  /** Broadcasts are sent this many times in all. Default 3. */
  broadcastRepeats?: number;
  random?: () => number;
  /**
   * The nodes a broadcast made here is for (apply-receipt.ts), when known: it ends early only
   * when every one of them said it has it.
   */
  broadcastTargets?: (dest: Destination) => readonly number[] | undefined;
  /**
   * The lowest sequence number this node may use next, from outside its data directory (the
   * centre's high-water mark in the kit key file): a kit whose store was lost must not reuse ids
   * (docs/security.md §A lost store).
   */
  sequenceFloor?: number;
  /**
   * Where the sequence starts when the store holds none (a new or lost store): an epoch from the
   * time (docs/security.md §A lost store). Default 0.
   */
  freshSequenceStart?: () => number;
}

export interface Draft<K extends KindName = KindName> {
  kind: K;
  body: BodyByKind[K];
  dest: Destination;
  priority: Priority;
  lifetimeMin: number;
  flags?: EnvelopeFlag[];
}

export interface NodeCoreEvents {
  /**
   * A message addressed to this node, verified and stored (once per message). `current` is false
   * for a warning older than one already applied on its thread, and for a control message older
   * than one already applied from its issuer: history, never the current state.
   */
  delivered: [Message, MessageMeta, { current: boolean; reason?: string }];
  /** A delivery state of a message this node holds changed. */
  state: [MessageMeta];
  /** A fieldnode frame was refused: its code says why (forged, replayed, reassembly failed…). */
  rejected: [{ code: string; link: string; detail: string }];
  /**
   * A payload that is not a fieldnode frame was kept (foreign-payloads.ts): once per payload, for
   * the composition root to persist, since the carrier may have been told it arrived.
   */
  foreign: [ForeignPayload];
  /**
   * A billed link's budget passed a threshold (BUDGET_WARNING at 80 %, BUDGET_EXHAUSTED at 100 %)
   * or fell back below it (`active: false`): once per change (billing-budget.ts).
   */
  budget: [BudgetAlarm];
  /**
   * Something an operator should look at, though nothing was lost: a frame from a device not
   * enrolled that verified (UNKNOWN_SENDER); a node reusing a sequence number with a different
   * message, as one does that lost its store (SEQUENCE_RESTARTED).
   */
  flagged: [{ code: 'UNKNOWN_SENDER' | 'SEQUENCE_RESTARTED'; link: string; detail: string }];
  /**
   * A frame this node could not check with any key it holds: not stored, forwarded at most once
   * (unchecked-relay.ts), on the links named.
   */
  unchecked: [{ link: string; reason: string; forwarded: string[] }];
}
