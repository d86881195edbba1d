/**
 * fast-check generators derived from the same schemas the codec uses (node/src/wire/schema.ts), so
 * a field added to a kind is covered by the round-trip properties without touching the tests.
 */
import fc from 'fast-check';
import { INDICATORS, MAX_INDICATOR_UNITS } from '../src/wire/codes/indicators.js';
import { ENVELOPE_FLAGS, WIRE_EPOCH } from '../src/wire/envelope.js';
import { KINDS, type KindName } from '../src/wire/kinds.js';
import type { Message } from '../src/wire/message.js';
import type { Codec, FieldMap } from '../src/wire/schema.js';

const U32 = 0xffff_ffff;
/** Times that leave room for relative offsets both ways inside the u32 wire range. */
const createdAtArb = fc.integer({ min: WIRE_EPOCH, max: WIRE_EPOCH + 2 ** 31 });

const areaArb = fc.oneof(
  fc.integer({ min: 1e5, max: 1e6 - 1 }),
  fc.integer({ min: 1e8, max: 1e9 - 1 }),
  fc.integer({ min: 1e11, max: 1e12 - 1 }),
);

/** Points on the 24-bit grid, so a decoded point equals the one encoded. */
const pointArb = fc
  .record({ qLat: fc.integer({ min: 0, max: 2 ** 24 - 1 }), qLon: fc.integer({ min: 0, max: 2 ** 24 - 1 }) })
  .map(({ qLat, qLon }) => ({
    lat: Math.round(((qLat / 2 ** 24) * 180 - 90) * 1e6) / 1e6,
    lon: Math.round(((qLon / 2 ** 24) * 360 - 180) * 1e6) / 1e6,
  }));

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

function customArb(name: string, createdAt: number): fc.Arbitrary<unknown> {
  if (name === 'point') return pointArb;
  if (name === 'area') return areaArb;
  if (name === 'relative-time')
    return fc.integer({ min: Math.max(0, createdAt - 2 ** 30), max: Math.min(U32, createdAt + 2 ** 30) });
  if (name === 'event-code') {
    return fc
      .tuple(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 99 }),
      )
      .map(
        ([d, l, n]) =>
          `${String(d).padStart(2, '0')}${String.fromCharCode(65 + l)}${String(n).padStart(2, '0')}`,
      );
  }
  if (name === 'indicators') {
    const entries = INDICATORS.map((def) => [
      def.name,
      fc.integer({ min: 0, max: MAX_INDICATOR_UNITS }).map((u) => u / def.scale),
    ]);
    return fc.record(Object.fromEntries(entries), { requiredKeys: [] });
  }
  if (name === 'seq-ranges') {
    // Already canonical: ascending origins, ranges that do not touch.
    return fc
      .uniqueArray(fc.integer({ min: 0, max: U32 }), { minLength: 1, maxLength: 5 })
      .chain((origins) =>
        fc.tuple(
          ...origins
            .sort((a, b) => a - b)
            .map((origin) =>
              fc
                .array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 50 })), {
                  minLength: 1,
                  maxLength: 6,
                })
                .chain((steps) =>
                  fc.integer({ min: 0, max: 1_000_000 }).map((start) => {
                    const out: { origin: number; from: number; to: number }[] = [];
                    let from = start;
                    for (const [gap, extra] of steps) {
                      out.push({ origin, from, to: from + extra });
                      from = from + extra + gap + 2;
                    }
                    return out;
                  }),
                ),
            ),
        ),
      )
      .map((groups) => groups.flat());
  }
  const scaled = /^scaled:(\d+):(\d+)$/.exec(name);
  if (scaled) {
    const scale = Number(scaled[1]);
    return fc.integer({ min: 0, max: Number(scaled[2]) * scale }).map((u) => u / scale);
  }
  throw new Error(`no generator for custom codec ${name}`);
}

export function codecArb(codec: Codec<unknown>, createdAt: number): fc.Arbitrary<unknown> {
  const spec = codec.spec;
  switch (spec.type) {
    case 'uint':
      return fc.integer({ min: 0, max: spec.max });
    case 'int':
      return fc.integer({ min: spec.min, max: spec.max });
    case 'bool':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...spec.values);
    case 'flags':
      return fc.subarray([...spec.names]);
    case 'text':
      return fc
        .string({ unit: 'grapheme', maxLength: spec.maxBytes })
        .filter((s) => utf8Length(s) <= spec.maxBytes);
    case 'bytes':
      return fc.uint8Array({ minLength: spec.min, maxLength: spec.max });
    case 'array':
      return fc.array(codecArb(spec.item, createdAt), {
        minLength: spec.minItems,
        maxLength: Math.min(spec.maxItems, 8),
      });
    case 'record':
      return fieldsArb(spec.fields, createdAt);
    case 'custom':
      return customArb(spec.name, createdAt);
  }
}

export function fieldsArb(fields: FieldMap, createdAt: number): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, codecArb(f.codec, createdAt)]));
  const requiredKeys = Object.entries(fields)
    .filter(([, f]) => !f.optional)
    .map(([k]) => k);
  return fc.record(model, { requiredKeys }) as fc.Arbitrary<Record<string, unknown>>;
}

const destArb = fc.oneof(
  fc.constant({ to: 'centre' as const }),
  fc.integer({ min: 1, max: U32 }).map((node) => ({ to: 'node' as const, node })),
  areaArb.map((area) => ({ to: 'area' as const, area })),
  fc.integer({ min: 0, max: 0xffff }).map((role) => ({ to: 'role' as const, role })),
  fc.constant({ to: 'all' as const }),
);

/** A valid message of the given kind (bodies that break the kind's cross-field rules are filtered). */
export function messageArb(kind: KindName): fc.Arbitrary<Message> {
  const def = KINDS[kind];
  const check = def.check as ((b: unknown) => string | undefined) | undefined;
  return createdAtArb.chain((createdAt) =>
    fc
      .record({
        origin: fc.integer({ min: 0, max: U32 }),
        seq: fc.integer({ min: 0, max: U32 }),
        priority: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
        clockUntrusted: fc.boolean(),
        flags: fc.subarray([...ENVELOPE_FLAGS]),
        lifetimeMin: fc.integer({ min: 1, max: 2 ** 20 }),
        dest: destArb,
        body: fieldsArb(def.fields, createdAt).filter((b) => check?.(b) === undefined),
      })
      .map((rest) => ({ kind, createdAt, ...rest }) as unknown as Message),
  );
}
