/**
 * Properties of the incident file's journal (docs/reports.md §Storage): any sequence of changes,
 * made one by one or together, with compactions between, reads back as the memory ledger holds
 * it; and a crash that cuts the file at any byte loses at most the change being appended, never
 * one whose apply() had resolved.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Incident } from './incident.js';
import { openIncident, withStabilisedAt, withStartedAt } from './incident-chain.js';
import { FileIncidentLedger } from './incident-file.js';
import { R1_AT, r1Incident, reportMessage } from './incident-fixtures.js';
import { type LedgerChange, MemoryIncidentLedger } from './incident-ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'incident-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let runs = 0;
const freshPath = () => join(dir, `incidents-${++runs}.jsonl`);

/** Incidents to put, several per id, so that puts replace as well as add. */
const pool: Incident[] = [
  r1Incident(),
  r1Incident(reportMessage(310, R1_AT + 1000, { indicators: { dead: 3 } })),
  withStabilisedAt(r1Incident(), R1_AT + 5000),
  ...[1, 2, 3, 4].flatMap((n) => {
    const o = openIncident({ node: 2110, n, type: n % 2 === 0 ? 'natural' : 'workplace', startedAt: R1_AT });
    return [o, withStartedAt(o, R1_AT + n), withStabilisedAt(o, R1_AT + 9 * n)];
  }),
];
const ids = [...new Set(pool.map((i) => i.id))];

const change: fc.Arbitrary<LedgerChange> = fc.record({
  put: fc.array(fc.constantFrom(...pool), { maxLength: 3 }),
  remove: fc.array(fc.constantFrom(...ids), { maxLength: 2 }),
});
/** Changes in groups: those of a group are made together, without waiting. */
const groups = fc.array(fc.array(change, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 });

const byId = (incidents: readonly Incident[]) => [...incidents].sort((a, b) => (a.id < b.id ? -1 : 1));

describe('the incident journal', () => {
  it('reads back as the memory ledger holds the same changes, through group commits and compactions', async () => {
    await fc.assert(
      fc.asyncProperty(groups, fc.constantFrom(1, 512, 1 << 20), async (gs, minCompactBytes) => {
        const path = freshPath();
        const file = new FileIncidentLedger(path, { minCompactBytes });
        const memory = new MemoryIncidentLedger();
        for (const g of gs) {
          await Promise.all(g.map((c) => file.apply(c)));
          for (const c of g) await memory.apply(c);
          expect(byId(await file.all())).toEqual(byId(await memory.all()));
        }
        await file.close();
        expect(byId(await new FileIncidentLedger(path).all())).toEqual(byId(await memory.all()));
      }),
      { numRuns: 60 },
    );
  });

  it('cut at any byte after the snapshot, keeps every change synced before the cut and drops only a torn line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(change, { minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom(...pool), { maxLength: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (changes, before, where) => {
          const path = freshPath();
          // A snapshot first (the file is made by a rewrite), then the journal.
          const file = new FileIncidentLedger(path, { minCompactBytes: 1 << 20 });
          const memory = new MemoryIncidentLedger();
          await file.apply({ put: before });
          await memory.apply({ put: before });
          const states = [byId(await memory.all())];
          // synced[k]: the file's size once the k-th change after the first had resolved.
          const synced = [statSync(path).size];
          for (const c of changes) {
            await file.apply(c);
            await memory.apply(c);
            states.push(byId(await memory.all()));
            synced.push(statSync(path).size);
          }
          await file.close();
          const whole = readFileSync(path);
          const start = synced[0] as number;
          const cut = start + Math.floor(where * (whole.length - start));
          const crashed = freshPath();
          writeFileSync(crashed, whole.subarray(0, cut));
          const again = new FileIncidentLedger(crashed);
          const kept = synced.filter((s) => s <= cut).length - 1;
          expect(byId(await again.all())).toEqual(states[kept]);
          const boundary = synced.includes(cut);
          expect(again.torn).toEqual(
            boundary ? undefined : { bytes: cut - (synced[kept] as number), at: synced[kept] },
          );
          expect(statSync(crashed).size).toBe(synced[kept]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
