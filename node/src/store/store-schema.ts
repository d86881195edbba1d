/**
 * The store's layout version, checked at open, and the migration of an older store in place
 * (docs/store-and-forward.md §Upgrades). Version 1 is the layout before indexes and pruning: no
 * version entry, tombstones keyed by id with the first-seen time alone, no `wait`, `done` or
 * `org` sublevel. A store written by a newer fieldnode is refused, never read.
 *
 * The migration writes in chunks and the version last, and every step can be done twice: a
 * migration cut short by a power cut starts again at the next open and finishes.
 */
import { decode as cborDecode, encode as cborEncode } from 'cbor-x';
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { StagedOp } from './group-commit.js';
import { parseMessageId } from './records.js';
import {
  decodeMeta,
  doneKey,
  encodeSeen,
  finalAt,
  parseSeenKey,
  SCHEMA_KV_KEY,
  STORE_SCHEMA_VERSION,
  type Sub,
  type SubName,
  seenKey,
  waitsForRoute,
} from './store-layout.js';

export interface LayoutParts {
  subs: Record<SubName, Sub>;
  write(ops: readonly StagedOp[], sync: boolean): Promise<void>;
  /** Names the store in messages. */
  dir: string;
  log: Logger;
}

/** Writes per batch while migrating. */
const CHUNK = 512;

/**
 * Makes the store's layout this code's: writes the version into a new store, migrates an older
 * one, and refuses a newer one with STORE_SCHEMA_NEWER.
 */
export async function prepareLayout(parts: LayoutParts): Promise<void> {
  const version = await readVersion(parts);
  if (version === STORE_SCHEMA_VERSION) return;
  if (version > STORE_SCHEMA_VERSION) {
    throw new KitError(
      'STORE_SCHEMA_NEWER',
      `the store in ${parts.dir} was written by a newer fieldnode (store layout ${version}; this one reads ` +
        `layouts up to ${STORE_SCHEMA_VERSION}): run that newer fieldnode, or move the store aside to start ` +
        'with an empty one (its messages are then lost to this node)',
    );
  }
  if (await isEmpty(parts.subs)) {
    await parts.write([versionOp()], true);
    return;
  }
  const started = Date.now();
  const counts = await migrateV1(parts);
  await parts.write([versionOp()], true);
  parts.log.info(
    { from: version, to: STORE_SCHEMA_VERSION, ...counts, ms: Date.now() - started },
    'store migrated to the current layout',
  );
}

async function readVersion(parts: LayoutParts): Promise<number> {
  const raw = await parts.subs.kv.get(SCHEMA_KV_KEY);
  if (raw === undefined) return 1;
  let version: unknown;
  try {
    version = cborDecode(raw);
  } catch (cause) {
    throw new KitError('STORE_CORRUPT', `the layout version of the store in ${parts.dir} cannot be read`, {
      cause,
    });
  }
  if (!Number.isInteger(version) || (version as number) < 1)
    throw new KitError('STORE_CORRUPT', `the store in ${parts.dir} gives its layout as ${String(version)}`);
  return version as number;
}

function versionOp(): StagedOp {
  return { sub: 'kv', key: SCHEMA_KV_KEY, value: cborEncode(STORE_SCHEMA_VERSION) };
}

async function isEmpty(subs: Record<SubName, Sub>): Promise<boolean> {
  for (const name of ['meta', 'seen', 'kv'] as const)
    for await (const _ of subs[name].keys({ limit: 1 })) return false;
  return true;
}

/**
 * Version 1 → 2: final messages get their `doneAt` and a `done` entry, those with no route a
 * `wait` entry; tombstones are keyed by origin and sequence and learn until when they dedup (the
 * message's lifetime end here); each origin's highest sequence goes into `org`.
 */
async function migrateV1(parts: LayoutParts) {
  const { subs } = parts;
  const ops: StagedOp[] = [];
  const flush = async (all = false) => {
    if (ops.length >= CHUNK || (all && ops.length > 0)) await parts.write(ops.splice(0), false);
  };
  const now = Date.now();
  let messages = 0;
  let unreadable = 0;
  for await (const [id, raw] of subs.meta.iterator()) {
    let meta: ReturnType<typeof decodeMeta>;
    try {
      meta = decodeMeta(id, raw);
    } catch {
      unreadable++; // left in place, as the store leaves every corrupt record
      continue;
    }
    messages++;
    if (meta.done) {
      if (meta.doneAt === undefined) {
        meta.doneAt = finalAt(meta, now);
        ops.push({ sub: 'meta', key: id, value: cborEncode(meta) });
      }
      ops.push({ sub: 'done', key: doneKey(meta.doneAt, id), value: EMPTY });
    }
    if (waitsForRoute(meta)) ops.push({ sub: 'wait', key: id, value: EMPTY });
    await flush();
  }

  const tops = new Map<number, number>();
  const raise = (origin: number, seq: number) => tops.set(origin, Math.max(tops.get(origin) ?? 0, seq));
  let tombstones = 0;
  for await (const [key, raw] of subs.seen.iterator()) {
    if (!key.includes('/')) {
      // Moved by an earlier run that was cut short.
      const { origin, seq } = parseSeenKey(key);
      raise(origin, seq);
      continue;
    }
    let origin: number;
    let seq: number;
    try {
      ({ origin, seq } = parseMessageId(key));
    } catch {
      unreadable++;
      continue;
    }
    const at = numberOr(raw, now);
    // Dedups at least until the message's lifetime ends here; with no record to say, from now.
    let until = Math.floor(now / 1000);
    try {
      const metaRaw = await subs.meta.get(key);
      if (metaRaw !== undefined) until = decodeMeta(key, metaRaw).expiresAt;
    } catch {
      // an unreadable record: the tombstone keeps the default above
    }
    ops.push({ sub: 'seen', key }, { sub: 'seen', key: seenKey(key), value: encodeSeen(at, until) });
    raise(origin, seq);
    tombstones++;
    await flush();
  }
  for (const [origin, top] of tops)
    ops.push({ sub: 'org', key: String(origin), value: cborEncode({ top, floor: 0 }) });
  await flush(true);
  return { messages, tombstones, unreadable };
}

function numberOr(raw: Uint8Array, fallback: number): number {
  try {
    const n = cborDecode(raw);
    return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
  } catch {
    return fallback;
  }
}

const EMPTY = new Uint8Array(0);
