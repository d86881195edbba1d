/**
 * The reports adapter's list and lookup over its in-memory index (report-index.ts), against the
 * naive list kept here: a summary of every version of every incident in the book, filtered by
 * scope, sorted whole, sliced. Reports of several incidents arrive in any order (late 初报
 * renumber their incidents' versions), at recording times that tie, and the index is built both
 * before they arrive (kept up to date one by one) and after (built at start).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { IncidentBook } from '../domain/reports/incident-book.js';
import { reportMessage } from '../domain/reports/incident-fixtures.js';
import { MemoryIncidentLedger } from '../domain/reports/incident-ledger.js';
import type { MessageOf } from '../wire/message.js';
import { type PermissionScope, withinScope } from './people-directory.js';
import { summariesOf } from './report-summary.js';
import { ReportsAdapter } from './reports-adapter.js';
import type { ReportPage } from './reports-service.js';

const T0 = Date.UTC(2026, 6, 14);
const TOWNSHIPS = [430121101, 430121102];
const AREAS = [430121101201, 430121101202, 430121102201];
const SCOPES: PermissionScope[] = [
  { all: true },
  { all: false, areas: [TOWNSHIPS[0] as number] },
  { all: false, areas: [AREAS[2] as number] },
  { all: false, areas: [] },
];

/** The list as the adapter made it before the index: everything summarised and sorted per page. */
async function naiveList(book: IncidentBook, scope: PermissionScope, offset: number, limit: number) {
  const all = (await book.list())
    .flatMap((i) => summariesOf(i, book.rules))
    .filter((r) => withinScope(scope, r.area));
  all.sort((a, b) => b.recordedAt - a.recordedAt || b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  return { items: all.slice(offset, offset + limit), total: all.length };
}

function adapterOver(book: IncidentBook): ReportsAdapter {
  const unused = () => {
    throw new Error('not used by the list');
  };
  return new ReportsAdapter({
    book,
    core: { submit: unused, preview: unused },
    store: { getKv: unused, getMeta: unused, getFrame: unused },
    nodeId: 1,
    log: silentLogger,
  });
}

interface Arrival {
  readonly message: MessageOf<'report'>;
  /** When it is recorded, minutes after T0: few values, so that recording times tie. */
  readonly at: number;
}

/** Reports of up to four incidents: each a 初报 and up to five 续报 from two kits, in any order. */
const arrivals: fc.Arbitrary<Arrival[]> = fc
  .array(
    fc.record({
      updates: fc.array(
        fc.record({
          origin: fc.constantFrom(2107, 2108),
          created: fc.integer({ min: 1, max: 5 }),
          affected: fc.integer({ min: 0, max: 5000 }),
          area: fc.option(fc.constantFrom(...AREAS), { nil: undefined }),
        }),
        { maxLength: 5 },
      ),
      area: fc.constantFrom(...AREAS),
      created: fc.integer({ min: 0, max: 3 }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .chain((incidents) => {
    let seq = 1000;
    const messages: MessageOf<'report'>[] = [];
    for (const [k, inc] of incidents.entries()) {
      const origin = 2100 + k;
      const first = ++seq;
      messages.push(
        reportMessage(
          first,
          T0 + inc.created * 60_000,
          { stage: 'initial', area: inc.area, indicators: { affected: 100 } },
          { origin },
        ),
      );
      for (const u of inc.updates)
        messages.push(
          reportMessage(
            ++seq,
            T0 + u.created * 60_000,
            {
              stage: 'update',
              incident: { origin, seq: first },
              indicators: { affected: u.affected },
              ...(u.area === undefined ? {} : { area: u.area }),
            },
            { origin: u.origin },
          ),
        );
    }
    return fc
      .shuffledSubarray(messages, { minLength: messages.length, maxLength: messages.length })
      .chain((shuffled) =>
        fc.tuple(...shuffled.map((m) => fc.integer({ min: 0, max: 3 }).map((at) => ({ message: m, at })))),
      );
  });

const queries = fc.array(
  fc.record({
    scope: fc.constantFrom(...SCOPES),
    offset: fc.integer({ min: 0, max: 30 }),
    limit: fc.integer({ min: 1, max: 7 }),
  }),
  { minLength: 1, maxLength: 6 },
);

describe('the report list', () => {
  it('pages as the naive full sort does, kept up to date as reports arrive or built at start', async () => {
    await fc.assert(
      fc.asyncProperty(arrivals, queries, async (reports, qs) => {
        let now = T0;
        const book = new IncidentBook({
          ledger: new MemoryIncidentLedger(),
          log: silentLogger,
          now: () => now,
        });
        const live = adapterOver(book);
        // The index is built before the first report and then kept up to date.
        expect(await live.list({ scope: SCOPES[0] as PermissionScope, offset: 0, limit: 5 })).toEqual({
          items: [],
          total: 0,
        });
        for (const [n, r] of reports.entries()) {
          now = T0 + r.at * 60_000;
          await live.recordDelivered(r.message);
          if (n % 3 === 0) {
            const q = qs[n % qs.length] as (typeof qs)[number];
            expect(await live.list(q)).toEqual(await naiveList(book, q.scope, q.offset, q.limit));
          }
        }
        const started = adapterOver(book);
        for (const q of qs) {
          const want: ReportPage = await naiveList(book, q.scope, q.offset, q.limit);
          expect(await live.list(q)).toEqual(want);
          expect(await started.list(q)).toEqual(want);
        }
        const every = await naiveList(book, SCOPES[0] as PermissionScope, 0, 1000);
        expect(every.total).toBe(reports.length);
        for (const r of every.items) expect(await live.get(r.id)).toEqual(r);
        expect(await live.get('9999/1')).toBeUndefined();
      }),
      { numRuns: 80 },
    );
  });

  it('hands out reports frozen: changing a page is refused and changes nothing kept', async () => {
    const book = new IncidentBook({ ledger: new MemoryIncidentLedger(), log: silentLogger, now: () => T0 });
    const adapter = adapterOver(book);
    await adapter.recordDelivered(reportMessage(1, T0, { stage: 'initial', indicators: { affected: 1 } }));
    const scope = SCOPES[0] as PermissionScope;
    const page = await adapter.list({ scope, offset: 0, limit: 20 });
    expect(() => {
      (page.items[0] as { indicators: Record<string, number> }).indicators.affected = 99;
    }).toThrow(TypeError);
    const got = await adapter.get(page.items[0]?.id as string);
    expect(() => got?.changes?.push({ name: 'dead', after: 1, change: 1 })).toThrow(TypeError);
    expect(() => {
      (got as { version: number }).version = 7;
    }).toThrow(TypeError);
    expect(await adapter.list({ scope, offset: 0, limit: 20 })).toEqual(await naiveList(book, scope, 0, 20));
  });
});
