/**
 * Receipt: one message that confirms many message ids (docs/design.md §Confirmations, confirmation 2;
 * docs/wire-format.md §receipt). Kind 10, MAC-tagged.
 *
 * Ids are grouped by origin and sent as ranges. Per origin the wire form is one CBOR array
 * `[origin, first, extra₁, gap₂, extra₂, …]`: the first range starts at `first` and covers
 * `extra₁ + 1` sequences; each later range starts `gap + 2` after the previous range's end (ranges
 * never touch, so a gap of 0 means one sequence missing). Origins ascend, and every group after
 * the first gives its origin as the step from the previous one, less one: a county numbers its
 * kits close together, so the step is one CBOR byte where the id itself is three (a receipt that
 * answers 18 villages is 34 bytes shorter, on a 200-byte radio frame). Small numbers, few bytes.
 */

import type { CborValue } from '../cbor.js';
import { U32_MAX } from '../field-codecs.js';
import { type Codec, encodeInvalid, enumOf, invalid, optional, type RecordOf, required } from '../schema.js';

/** An inclusive range of sequence numbers from one origin. */
export interface SeqRange {
  origin: number;
  from: number;
  to: number;
}

const MAX_GROUPS = 64;
const MAX_RANGES_PER_GROUP = 64;

/** Sorts by origin and sequence and merges touching or overlapping ranges: the canonical form. */
export function normaliseRanges(ranges: readonly SeqRange[]): SeqRange[] {
  const sorted = [...ranges].sort((a, b) => a.origin - b.origin || a.from - b.from);
  const out: SeqRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.origin === r.origin && r.from <= last.to + 1) {
      last.to = Math.max(last.to, r.to);
    } else {
      out.push({ ...r });
    }
  }
  return out;
}

/** Ranges covering the given message ids. */
export function rangesFromIds(ids: ReadonlyArray<{ origin: number; seq: number }>): SeqRange[] {
  return normaliseRanges(ids.map(({ origin, seq }) => ({ origin, from: seq, to: seq })));
}

const isU32 = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= U32_MAX;

export const seqRanges: Codec<SeqRange[]> = {
  spec: { type: 'custom', name: 'seq-ranges' },
  encode(value, path) {
    if (!Array.isArray(value) || value.length === 0)
      throw encodeInvalid(path, 'a receipt confirms at least one id');
    for (const r of value) {
      if (
        typeof r !== 'object' ||
        r === null ||
        !isU32(r.origin) ||
        !isU32(r.from) ||
        !isU32(r.to) ||
        r.to < r.from
      ) {
        throw encodeInvalid(path, `bad range ${JSON.stringify(r)}`);
      }
    }
    const groups: CborValue[][] = [];
    let prev: SeqRange | undefined;
    for (const r of normaliseRanges(value)) {
      if (prev?.origin === r.origin) {
        (groups[groups.length - 1] as CborValue[]).push(r.from - prev.to - 2, r.to - r.from);
      } else {
        const origin = prev === undefined ? r.origin : r.origin - prev.origin - 1;
        groups.push([origin, r.from, r.to - r.from]);
      }
      prev = r;
    }
    if (groups.length > MAX_GROUPS || groups.some((g) => g.length > 1 + 2 * MAX_RANGES_PER_GROUP)) {
      throw encodeInvalid(path, 'too many ranges for one receipt');
    }
    return groups;
  },
  decode(raw, path) {
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_GROUPS)
      throw invalid(path, 'expected 1..64 groups');
    const out: SeqRange[] = [];
    let lastOrigin = -1;
    for (const [g, group] of raw.entries()) {
      const where = `${path}[${g}]`;
      if (!Array.isArray(group) || group.length < 3 || group.length % 2 === 0)
        throw invalid(where, 'bad group shape');
      if (group.length > 1 + 2 * MAX_RANGES_PER_GROUP) throw invalid(where, 'too many ranges');
      if (!group.every(isU32)) throw invalid(where, 'numbers must be u32');
      const [step, first] = group as number[];
      // The first group names its origin; each later one the step from the previous origin, less one.
      const origin = g === 0 ? (step as number) : lastOrigin + 1 + (step as number);
      if (origin > U32_MAX) throw invalid(where, 'origin past u32');
      lastOrigin = origin;
      let from = first as number;
      for (let i = 2; i < group.length; i += 2) {
        const to = from + (group[i] as number);
        if (to > U32_MAX) throw invalid(where, 'range runs past u32');
        out.push({ origin, from, to });
        if (i + 1 < group.length) from = to + (group[i + 1] as number) + 2;
      }
    }
    return out;
  },
};

export const RECEIPT_SCOPES = ['delivered', 'custody', 'vouched'] as const;

export const receiptFields = {
  ranges: required(seqRanges),
  /**
   * 'delivered': the destination has stored them (end to end); 'custody': this hop took custody;
   * 'vouched': this hop, which took custody of them, has the destination's 'delivered' for them.
   * Custody and vouched receipts go one hop and are never forwarded (docs/store-and-forward.md).
   */
  scope: optional(enumOf(RECEIPT_SCOPES)),
  /** With scope 'custody': ids this hop also vouches for, in the same frame (one signature). */
  vouched: optional(seqRanges),
};

export type ReceiptBody = RecordOf<typeof receiptFields>;
