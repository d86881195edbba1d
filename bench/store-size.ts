/**
 * How big a relay's store grows (docs/store-and-forward.md §Pruning, §Measured): the store of a
 * gateway that passes `n` kit reports to the centre, on a simulated clock at 10,000 a day, with
 * the default lifetimes and retention, measured after compaction.
 *
 * A million messages through the whole core would take the better part of an hour here, so this
 * drives the relay's store itself, with the calls the core makes and the records it makes them
 * with (newMeta, addEvent, the real Expiry for lifetimes and pruning): per report, its admission
 * as a hop-tagged kit frame, its send (`sent`) and the centre's word (`received`); every ten
 * reports, one custody receipt of the relay's own to the kits (stored, sent, done) and one
 * `delivered` receipt from the centre (stored, for the relay); one report in a hundred never
 * confirmed, so it expires. Writes are unsynced (the sync makes nothing bigger) and pruning runs
 * every simulated hour.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../node/src/base/logger.js';
import { DEFAULT_RETENTION_MS, Expiry } from '../node/src/core/expiry.js';
import { newMeta } from '../node/src/core/new-meta.js';
import { macAuthenticator, signatureAuthenticator } from '../node/src/crypto/authenticate.js';
import { generateSigningKeyPair } from '../node/src/crypto/ed25519.js';
import { MessageStore } from '../node/src/store/message-store.js';
import { addEvent, type MessageMeta } from '../node/src/store/records.js';
import { unwrapHopTagged } from '../node/src/wire/hop-tagged.js';
import { rangesFromIds } from '../node/src/wire/kinds/receipt.js';
import { KINDS } from '../node/src/wire/kinds.js';
import { decodeFrame, encodeMessage, type Message } from '../node/src/wire/message.js';
import { CENTRE, keys, kitFrame } from './store-nodes.js';

const RELAY = 3001;
const KITS = Array.from({ length: 18 }, (_, i) => 2101 + i);
const PER_DAY = 10_000;
const STEP_MS = 86_400_000 / PER_DAY;
/** A report's lifetime (the benchmark's reports: two hours); receipts live an hour (receipt-frames.ts). */
const REPORT_LIFETIME_MIN = 120;
const RECEIPT_LIFETIME_MIN = 60;
/** The relay's custodian's answer, and the centre's, come this long after a send. */
const ANSWER_MS = 2000;

export interface StoreSize {
  messages: number;
  mb: number;
  /** Records and tombstones pruned on the way. */
  pruned: { messages: number; tombstones: number };
  seconds: number;
}

/**
 * The store of a relay after each of `checkpoints` (ascending) reports passed through it, compacted
 * there: one run, measured on its way.
 */
export async function relayStoreSizes(checkpoints: readonly number[]): Promise<StoreSize[]> {
  const sizes: StoreSize[] = [];
  const n = Math.max(...checkpoints);
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-size-'));
  const store = await MessageStore.open(dir);
  let now = Date.UTC(2027, 0, 1);
  const expiry = new Expiry({
    store,
    now: () => now,
    scanMs: 60_000,
    retentionMs: DEFAULT_RETENTION_MS,
    log: silentLogger,
    onExpired: () => {},
  });
  const identity = generateSigningKeyPair();
  const seqs = new Map<number, number>();
  let ownSeq = 0;
  let centreSeq = 0;
  /** Reports sent and not yet answered, oldest first. */
  const open: MessageMeta[] = [];
  let nextPrune = now + 3_600_000;
  const save = (meta: MessageMeta, before: MessageMeta) => store.save(meta, before, { sync: false });

  for (let i = 0; i < n; i++) {
    now += STEP_MS;
    const kit = KITS[i % KITS.length] as number;
    const seq = (seqs.get(kit) ?? 0) + 1;
    seqs.set(kit, seq);
    // The kit's frame as it arrives: its hop tag is kept with the record, the frame as made.
    const { tag, frame } = unwrapHopTagged(kitFrame(kit, seq, now));
    const meta = relayed(frame, now);
    meta.hopTag = tag;
    meta.prevHop = { link: 'mesh', from: `K${kit}`, node: kit };
    meta.out = { ip: now };
    meta.nextHop = { ip: 'C' };
    addEvent(meta, { at: now, state: 'queued', link: 'mesh', node: kit });
    void store.admit(meta, frame, { sync: false });
    const sent = transition(meta, now + 50, (m) => {
      m.state = 'sent';
      m.attempts = { ip: 1 };
      m.txBytes = frame.length + tag.length + 1;
      m.out = { ip: now + 50 + 600_000 };
      addEvent(m, { at: now + 50, state: 'sent', link: 'ip' });
    });
    void save(sent, meta);
    if (i % 100 !== 99) open.push(sent); // one in a hundred is never answered: it expires

    if (i % 10 === 9) {
      // The centre's word on the last ten, stored here, and what it ends.
      const answered = open.splice(0);
      const at = now + ANSWER_MS;
      void store.admit(...centreReceipt(++centreSeq, answered, at));
      for (const before of answered)
        void save(
          transition(before, at, (m) => {
            m.state = 'received';
            m.done = true;
            m.out = {};
            addEvent(m, { at, state: 'received', node: CENTRE });
          }),
          before,
        );
      // The relay's custody signal to the kits for them: made, sent, done.
      const [own, ownFrame] = custodyReceipt(++ownSeq, answered, now, identity.privateKey);
      void store.admit(own, ownFrame, { sync: false, kv: { seq: ownSeq } });
      void save(
        transition(own, now + 10, (m) => {
          m.state = 'sent';
          m.attempts = { mesh: 1 };
          m.out = {};
          m.done = true;
          addEvent(m, { at: now + 10, state: 'sent', link: 'mesh' });
        }),
        own,
      );
    }
    if (i % 500 === 499) await store.settled();
    if (checkpoints.includes(i + 1)) {
      await store.settled();
      await store.compact();
      sizes.push({
        messages: i + 1,
        mb: Number(((await store.sizeOnDisk()) / 2 ** 20).toFixed(2)),
        pruned: store.pruned,
        seconds: Math.round((Date.now() - started) / 1000),
      });
    }
    if (now >= nextPrune) {
      nextPrune = now + 3_600_000;
      await store.settled();
      for (const id of await store.expiredBy(Math.floor(now / 1000), 100_000)) await expiry.expire(id);
      await expiry.prune();
    }
  }
  await store.close();
  await rm(dir, { recursive: true, force: true });
  return sizes;
}

/** The record a relay makes for a checked kit frame it takes in at `at` (message-intake.ts). */
function relayed(frame: Uint8Array, at: number): MessageMeta {
  const env = decodeFrame(frame).envelope;
  const meta = newMeta(env, { local: false, forMe: false, receipt: false, broadcastRepeats: 3 });
  // Counted from when it came here (docs/time.md).
  meta.expiresAt = Math.floor(at / 1000) + REPORT_LIFETIME_MIN * 60;
  return meta;
}

/** A changed copy of a record (what the core makes with structuredClone, cheaper: a million of them). */
function transition(before: MessageMeta, _at: number, change: (m: MessageMeta) => void): MessageMeta {
  const meta = {
    ...before,
    out: { ...before.out },
    attempts: { ...before.attempts },
    nextHop: { ...before.nextHop },
    events: [...before.events],
  };
  change(meta);
  return meta;
}

/** The centre's `delivered` receipt to the relay for `ids`, as the relay stores it: for it, done. */
function centreReceipt(
  seq: number,
  ids: readonly MessageMeta[],
  at: number,
): [MessageMeta, Uint8Array, { sync: false }] {
  const message = receiptMessage(CENTRE, seq, { to: 'node', node: RELAY }, ids, 'delivered', at);
  const frame = encodeMessage(message, macAuthenticator(keys.macKey(RELAY) as Uint8Array));
  const meta = newMeta(
    { ...message, kindCode: KINDS.receipt.code },
    { local: false, forMe: true, receipt: true, broadcastRepeats: 3 },
  );
  meta.expiresAt = Math.floor(at / 1000) + RECEIPT_LIFETIME_MIN * 60;
  meta.done = true;
  meta.prevHop = { link: 'ip', from: 'C', node: CENTRE };
  addEvent(meta, { at, state: 'delivered', link: 'ip', node: CENTRE });
  return [meta, frame, { sync: false }];
}

/** The relay's custody signal to the kits on its mesh for `ids` (signed: the kits share no key with it). */
function custodyReceipt(
  seq: number,
  ids: readonly MessageMeta[],
  at: number,
  key: ReturnType<typeof generateSigningKeyPair>['privateKey'],
): [MessageMeta, Uint8Array] {
  const message = receiptMessage(RELAY, seq, { to: 'all' }, ids, 'custody', at);
  const frame = encodeMessage(message, signatureAuthenticator(key));
  const meta = newMeta(
    { ...message, kindCode: KINDS.receipt.code },
    { local: true, forMe: false, receipt: true, broadcastRepeats: 3 },
  );
  meta.out = { mesh: at };
  addEvent(meta, { at, state: 'queued' });
  return [meta, frame];
}

function receiptMessage(
  origin: number,
  seq: number,
  dest: Message['dest'],
  ids: readonly MessageMeta[],
  scope: 'delivered' | 'custody',
  at: number,
): Message {
  return {
    kind: 'receipt',
    origin,
    seq,
    createdAt: Math.floor(at / 1000),
    clockUntrusted: false,
    priority: 1,
    lifetimeMin: RECEIPT_LIFETIME_MIN,
    dest,
    flags: ['noReceipt'],
    body: { ranges: rangesFromIds(ids.map((m) => ({ origin: m.origin, seq: m.seq }))), scope },
  } as Message;
}
