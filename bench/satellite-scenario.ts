/**
 * The seeded day of the satellite benchmark (docs/store-and-forward.md §Satellite): what a township gateway sends up and
 * what the county centre sends down during one flood incident, as real wire frames (the codec and
 * fixture keys of node/src/wire/, the reference messages R1–R5 varied), so that frame sizes and
 * therefore credits are what fieldnode would really pay.
 *
 * Up (the gateway relays from the villages and teams, to the centre):
 * - 30 villages each file a 初报 (P1) in the first 6 h, and two 续报 (P1) 1–3 h and 4–8 h later;
 * - after each of the 3 warnings reaches the gateway, 20 villages answer it (叫应, P0) within
 *   2–30 min (answers are made when the warning arrives, see `answersFor`);
 * - 3 rescue teams report their position (P2, flagged noReceipt: routine, superseded by the next)
 *   every 20 min from hour 1.
 * Down (MT): the 3 warnings (P0, signed by the county issuer) at hours 3, 9 and 15, and the
 * centre's confirmations (`CentreConfirmations`): as the centre's core answers a relay, 'delivered'
 * receipts to the gateway covering every message it relayed, whatever its origin, held up to the
 * satellite receipt hold; the gateway vouches for them to the villages over the mesh.
 */

import { silentLogger } from '../node/src/base/logger.js';
import { confirmationsFor } from '../node/src/core/confirmations.js';
import { newMeta } from '../node/src/core/new-meta.js';
import { ReceiptBatcher } from '../node/src/core/receipt-batcher.js';
import { macAuthenticator, signatureAuthenticator } from '../node/src/crypto/authenticate.js';
import { seededRandom } from '../node/src/link/seeded-random.js';
import { parseMessageId } from '../node/src/store/records.js';
import { packBatches, unpackBatch } from '../node/src/wire/batch.js';
import { FIXTURE_ISSUER_KEY, fixtureMacKey } from '../node/src/wire/fixtures/fixture-keys.js';
import {
  CENTRE_NODE,
  GATEWAY_NODE,
  R1,
  R2,
  R3,
  R4,
  REFERENCE_TIME,
} from '../node/src/wire/fixtures/reference-messages.js';
import { rangesFromIds } from '../node/src/wire/kinds/receipt.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../node/src/wire/message.js';
import { SATELLITE_RECEIPT_HOLD_MS } from '../satellite/src/satellite-confirmations.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const VILLAGES = Array.from({ length: 30 }, (_, i) => 2101 + i);
const TEAMS = [5001, 5002, 5003];
/** Every kit whose messages the gateway relays: its mesh neighbours. */
export const KIT_NODES: readonly number[] = [...VILLAGES, ...TEAMS];
/** The largest MT message (§1.4). */
export const MT_MAX = 270;

export type Priority = 0 | 1 | 2 | 3;

/** One frame the gateway is to send, at clock ms `at`. */
export interface Uplink {
  at: number;
  frame: Uint8Array;
  priority: Priority;
  label: 'report' | 'answer' | 'position';
}

/** One MT message the centre queues, at clock ms `at`. */
export interface Downlink {
  at: number;
  payload: Uint8Array;
  label: 'warning';
}

export interface Day {
  /** Up traffic that does not depend on what comes down. */
  uplinks: Uplink[];
  warnings: Downlink[];
}

/** Per-origin sequence numbers, so that every message id is new. */
class Sequences {
  readonly #next = new Map<number, number>();
  take(origin: number): number {
    const n = (this.#next.get(origin) ?? 100) + 1;
    this.#next.set(origin, n);
    return n;
  }
}

const kitFrame = (m: MessageOf<'report' | 'ack' | 'position'>) =>
  encodeMessage(m, macAuthenticator(fixtureMacKey(m.origin)));
const secondsAt = (at: number) => REFERENCE_TIME + Math.floor(at / 1000);

export class DayBuilder {
  readonly #random: () => number;
  readonly #seq = new Sequences();

  constructor(seed: number) {
    this.#random = seededRandom(seed);
  }

  #between(lo: number, hi: number): number {
    return lo + Math.floor(this.#random() * (hi - lo));
  }

  build(): Day {
    const uplinks: Uplink[] = [];
    for (const village of VILLAGES) {
      const first = this.#between(0, 6 * HOUR);
      const initial = this.#report(village, first, undefined);
      uplinks.push(initial.uplink);
      for (const [lo, hi] of [
        [1 * HOUR, 3 * HOUR],
        [4 * HOUR, 8 * HOUR],
      ] as const) {
        uplinks.push(this.#report(village, first + this.#between(lo, hi), initial.seq).uplink);
      }
    }
    for (const team of TEAMS) {
      const offset = this.#between(0, 20 * MIN);
      for (let at = HOUR + offset; at < 24 * HOUR; at += 20 * MIN) uplinks.push(this.#position(team, at));
    }
    const warnings = [3, 9, 15].map((h, i) => this.#warning(h * HOUR + this.#between(0, 30 * MIN), i));
    uplinks.sort((a, b) => a.at - b.at);
    return { uplinks, warnings };
  }

  /**
   * A quiet day at the same gateway (the warnings-down runs): nothing to send but the answers,
   * and `count` warnings queued at the centre at seeded times through the day, so that a warning
   * whose ring alert is lost finds a kit with no session of its own coming.
   */
  buildQuiet(count = 6): Day {
    const times = Array.from({ length: count }, () => this.#between(0, 24 * HOUR)).sort((a, b) => a - b);
    return { uplinks: [], warnings: times.map((at, i) => this.#warning(at, i)) };
  }

  /** The 20 answers to a warning that reached the gateway at `arrivedAt`. */
  answersFor(warning: Uint8Array, arrivedAt: number): Uplink[] {
    const decoded = decodeFrame(warning).envelope;
    const answering = [...VILLAGES].sort(() => this.#random() - 0.5).slice(0, 20);
    return answering.map((village) => {
      const at = arrivedAt + this.#between(2 * MIN, 30 * MIN);
      const evacuated = this.#between(0, 400);
      const m: MessageOf<'ack'> = {
        ...R3,
        origin: village,
        seq: this.#seq.take(village),
        createdAt: secondsAt(at),
        body: {
          warning: { origin: decoded.origin, seq: decoded.seq },
          state: evacuated > 0 ? 'acted' : 'acknowledged',
          person: this.#between(1, 12),
          ...(evacuated > 0 ? { evacuated } : {}),
        },
      };
      return { at, frame: kitFrame(m), priority: 0 as const, label: 'answer' as const };
    });
  }

  #report(village: number, at: number, initialSeq: number | undefined): { uplink: Uplink; seq: number } {
    const seq = this.#seq.take(village);
    const n = (lo: number, hi: number) => this.#between(lo, hi);
    const m: MessageOf<'report'> = {
      ...R1,
      origin: village,
      seq,
      createdAt: secondsAt(at),
      body: {
        ...R1.body,
        stage: initialSeq === undefined ? 'initial' : 'update',
        indicators: {
          affected: n(50, 3000),
          dead: n(0, 3),
          missing: n(0, 5),
          injured: n(0, 20),
          relocatedCumulative: n(0, 800),
          relocatedCurrent: n(0, 800),
          collapsedRooms: n(0, 30),
        },
        point: { lat: 28.1 + this.#random() * 0.3, lon: 112.8 + this.#random() * 0.3 },
        ...(initialSeq !== undefined ? { incident: { origin: village, seq: initialSeq } } : {}),
      },
    };
    return { uplink: { at, frame: kitFrame(m), priority: 1, label: 'report' }, seq };
  }

  #position(team: number, at: number): Uplink {
    const m: MessageOf<'position'> = {
      ...R4,
      origin: team,
      seq: this.#seq.take(team),
      createdAt: secondsAt(at),
      flags: ['noReceipt'],
      body: {
        point: { lat: 28.15 + this.#random() * 0.1, lon: 112.9 + this.#random() * 0.1 },
        speedMps: Math.round(this.#random() * 30) / 10,
        headingDeg: this.#between(0, 360),
        person: this.#between(1, 8),
      },
    };
    return { at, frame: kitFrame(m), priority: 2, label: 'position' };
  }

  #warning(at: number, i: number): Downlink {
    const m: MessageOf<'warning'> = {
      ...R2,
      seq: R2.seq + i,
      createdAt: secondsAt(at),
      body: { ...R2.body, onset: secondsAt(at), expires: secondsAt(at) + 6 * 3600 },
    };
    return { at, payload: encodeMessage(m, signatureAuthenticator(FIXTURE_ISSUER_KEY)), label: 'warning' };
  }
}

/**
 * The centre's answers to the gateway's MO messages, made by the centre core's own rules: what a
 * message relayed by the gateway earns (node/src/core/confirmations.ts: one 'delivered' receipt
 * to the gateway for every origin it relayed), batched and held as the core holds receipts that
 * go back by satellite (node/src/core/receipt-batcher.ts with SATELLITE_RECEIPT_HOLD_MS), each
 * receipt tagged with the gateway's key and handed to `queueMt` as one MT message.
 */
export class CentreConfirmations {
  readonly #batcher: ReceiptBatcher;
  #seq = 1000;

  constructor(
    clock: { now(): number; after(ms: number, fn: () => void): { cancel(): void } },
    queueMt: (payload: Uint8Array) => void,
  ) {
    this.#batcher = new ReceiptBatcher({
      delayMs: 2000, // the core's default receipt delay
      holdMs: (r) => SATELLITE_RECEIPT_HOLD_MS[r.priority],
      now: () => clock.now(),
      after: (ms, fn) => clock.after(ms, fn),
      log: silentLogger,
      send: async (r) => {
        const m: MessageOf<'receipt'> = {
          kind: 'receipt',
          origin: CENTRE_NODE,
          seq: this.#seq++,
          createdAt: secondsAt(clock.now()),
          clockUntrusted: false,
          priority: r.priority,
          lifetimeMin: 60,
          dest: r.node === undefined ? { to: 'all' } : { to: 'node', node: r.node },
          flags: ['noReceipt'],
          body: { ranges: rangesFromIds(r.ids.map(parseMessageId)), scope: r.scope },
        };
        queueMt(encodeMessage(m, macAuthenticator(fixtureMacKey(r.node ?? GATEWAY_NODE))));
      },
    });
  }

  /** The centre stored every message of this MO, relayed by the gateway over `imei`. */
  onMo(mo: Uint8Array, imei: string): void {
    for (const entry of unpackBatch(mo)) {
      const env = decodeFrame(entry).envelope;
      const meta = newMeta(
        { ...env, kindCode: env.kindCode },
        { local: false, forMe: true, receipt: false, broadcastRepeats: 1 },
      );
      for (const c of confirmationsFor(
        meta,
        { link: 'rockblock0', from: imei, node: GATEWAY_NODE },
        { satellite: true },
      ))
        this.#batcher.queue(c.scope, c.node, meta.id, meta.priority, c.via);
    }
  }

  /** Ids whose receipt the centre still holds. */
  get held(): number {
    return this.#batcher.pendingIds;
  }
}

/**
 * The naive centre's answer to one MO message under fieldnode's receipt rules (the like-for-like
 * reference): at once, one receipt MT message per message that wants one ('delivered', to its
 * origin through the gateway), none for a message flagged noReceipt (docs/store-and-forward.md
 * §Satellite: Iridium stored it, so it is done for its sender).
 */
export function naiveConfirmationsFor(mo: Uint8Array, centreSeq: () => number, at: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const entry of unpackBatch(mo)) {
    const env = decodeFrame(entry).envelope;
    if (env.flags.includes('noReceipt')) continue;
    const id = { origin: env.origin, seq: env.seq, priority: env.priority as Priority };
    out.push(naiveReceipt(env.origin, [id], 'delivered', centreSeq(), at).frame);
  }
  return out;
}

function naiveReceipt(
  node: number,
  ids: Array<{ origin: number; seq: number; priority: Priority }>,
  scope: 'delivered' | 'custody',
  seq: number,
  at: number,
): { frame: Uint8Array; priority: Priority } {
  const priority = Math.min(...ids.map((i) => i.priority)) as Priority;
  const m: MessageOf<'receipt'> = {
    kind: 'receipt',
    origin: CENTRE_NODE,
    seq,
    createdAt: secondsAt(at),
    clockUntrusted: false,
    priority,
    lifetimeMin: 60,
    dest: { to: 'node', node },
    flags: ['noReceipt'],
    body: { ranges: rangesFromIds(ids), scope },
  };
  return { frame: encodeMessage(m, macAuthenticator(fixtureMacKey(node))), priority };
}

/**
 * The naive centre's answer by the older receipt rule (kept as `naiveOldRuleCredits`): at once, a
 * receipt to each origin whose messages want one (through the gateway) and a custody receipt to
 * the gateway for the others (the positions flagged noReceipt too), as separate messages packed
 * into MT containers of at most 270 bytes.
 */
export function naiveOldRuleConfirmationsFor(
  mo: Uint8Array,
  centreSeq: () => number,
  at: number,
): Uint8Array[] {
  const byOrigin = new Map<number, Array<{ origin: number; seq: number; priority: Priority }>>();
  const custody: Array<{ origin: number; seq: number; priority: Priority }> = [];
  for (const entry of unpackBatch(mo)) {
    const env = decodeFrame(entry).envelope;
    const id = { origin: env.origin, seq: env.seq, priority: env.priority as Priority };
    if (env.flags.includes('noReceipt')) custody.push(id);
    else byOrigin.set(env.origin, [...(byOrigin.get(env.origin) ?? []), id]);
  }
  const items = [...byOrigin].map(([origin, ids]) => naiveReceipt(origin, ids, 'delivered', centreSeq(), at));
  if (custody.length > 0) items.push(naiveReceipt(GATEWAY_NODE, custody, 'custody', centreSeq(), at));
  return packBatches(items, MT_MAX).containers;
}
