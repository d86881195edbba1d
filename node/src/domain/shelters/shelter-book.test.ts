/**
 * The shelter book (docs/shelters.md §What the centre makes of them): the latest roll-call of a
 * shelter holds whatever order roll-calls arrive in, each person's last movement at each shelter
 * stands, a person in at two shelters is a duplicate, and a restart reads the same book back from
 * its journal (a damaged line skipped). Over a real journal file in a temp directory.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../base/logger.js';
import { S1 } from '../../wire/fixtures/shelter-messages.js';
import { MOVEMENTS } from '../../wire/kinds/rollcall.js';
import type { MessageOf } from '../../wire/message.js';
import type { ShelterSite } from './shelter.js';
import { ShelterBook } from './shelter-book.js';

const SITES: ShelterSite[] = [
  { number: 1, name: '青龙村小学安置点', area: 430121101201, capacity: 120 },
  { number: 2, name: '白石村村委会安置点', area: 430121101202, capacity: 60 },
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-shelter-book-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
const open = (file = join(dir, `shelters-${files++}.jsonl`)) =>
  ShelterBook.open({ file, sites: SITES, log: silentLogger });

function rollcall(
  seq: number,
  at: number,
  shelter: number,
  present: number,
  checkins?: MessageOf<'rollcall'>['body']['checkins'],
): MessageOf<'rollcall'> {
  return {
    ...S1,
    origin: 2100 + shelter,
    seq,
    createdAt: S1.createdAt + at,
    body: { shelter, present, arrived: present + seq, ...(checkins === undefined ? {} : { checkins }) },
  };
}

const snapshot = (book: ShelterBook) => ({ shelters: book.shelters(), duplicates: book.duplicates() });

describe('the shelter book', () => {
  it('holds the latest roll-call of each shelter and each person’s last movement, in any order', async () => {
    const arbitrary = fc
      .array(
        fc.record({
          at: fc.integer({ min: 0, max: 50 }),
          shelter: fc.constantFrom(1, 2),
          present: fc.integer({ min: 0, max: 500 }),
          checkins: fc.option(
            fc.array(
              fc.record({
                registration: fc.integer({ min: 1, max: 4 }),
                movement: fc.constantFrom(...MOVEMENTS),
              }),
              { minLength: 1, maxLength: 3 },
            ),
            { nil: undefined },
          ),
        }),
        { minLength: 1, maxLength: 12 },
      )
      .map((rs) => rs.map((r, i) => rollcall(i + 1, r.at, r.shelter, r.present, r.checkins)));
    await fc.assert(
      fc.asyncProperty(arbitrary, fc.func(fc.integer()), async (messages, key) => {
        const inOrder = await open();
        const shuffled = await open();
        try {
          for (const m of messages) await inOrder.record(m);
          const order = [...messages, ...messages].sort((a, b) => key(a.seq) - key(b.seq));
          for (const m of order) await shuffled.record(m);
          expect(snapshot(shuffled)).toEqual(snapshot(inOrder));
          // The head count is the latest roll-call's.
          for (const n of [1, 2]) {
            const mine = messages.filter((m) => m.body.shelter === n);
            const latest = mine.sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq)[0];
            expect(inOrder.shelter(n)?.present).toBe(latest?.body.present ?? 0);
          }
        } finally {
          await inOrder.close();
          await shuffled.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('shows a person in at two shelters as a duplicate until one checks them out', async () => {
    const book = await open();
    await book.record(rollcall(1, 0, 1, 1, [{ registration: 1201, movement: 'in' }]));
    await book.record(rollcall(2, 10, 2, 1, [{ registration: 1201, movement: 'in', flags: ['elderly'] }]));
    expect(book.duplicates()).toEqual([
      {
        registration: 1201,
        shelters: [
          { number: 1, at: (S1.createdAt + 0) * 1000 },
          { number: 2, at: (S1.createdAt + 10) * 1000 },
        ],
      },
    ]);
    await book.record(rollcall(3, 20, 1, 0, [{ registration: 1201, movement: 'out' }]));
    expect(book.duplicates()).toEqual([]);
    // Checked out again, but once checked in: accounted for.
    expect(book.everCheckedIn({ registration: 1201 })).toBe(true);
    expect(book.everCheckedIn({ registration: 1202 })).toBe(false);
    await book.close();
  });

  it('reads the same book back after a restart, skipping a damaged line', async () => {
    const file = join(dir, 'restart.jsonl');
    const book = await open(file);
    await book.record(S1);
    await book.record(rollcall(5, 600, 2, 9, [{ registration: 7, movement: 'in' }]));
    const before = snapshot(book);
    await book.close();
    await appendFile(file, '{"t":"rollcall","at":1,"frame":"5807zz"}\n{"t":"rollcall",\n');
    const again = await open(file);
    expect(snapshot(again)).toEqual(before);
    expect(again.shelter(1)).toMatchObject({ present: 37, arrived: 41, checkedIn: 1, countedBy: S1.origin });
    await again.close();
  });
});
