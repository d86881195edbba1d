/**
 * The closed-loop record as CSV (call-record-csv.ts; docs/warnings.md §The record): every state's
 * time on the county's clock, counts, escalation steps, and text made safe for a spreadsheet.
 */
import { expect, it } from 'vitest';
import { countyTime } from '../county-time.js';
import { UTF8_BOM } from '../reports/csv.js';
import { CallBoard } from './call-board.js';
import { callRecordCsv } from './call-record-csv.js';
import { PEOPLE, VILLAGE_A1, VILLAGE_A2 } from './warnings-fixtures.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 6, 13, 19, 0); // 03:00 on 14 July in Beijing

it('writes one row per call with Beijing times, counts, the escalation and a neutralised note', () => {
  const board = new CallBoard();
  board.open({ id: '1/500', sentAt: T0, expiresAt: T0 + 60 * MIN }, [
    { person: 11, area: VILLAGE_A1, kit: 2101, named: false },
    { person: 13, area: VILLAGE_A2, kit: 2102, named: true },
  ]);
  board.delivered('1/500', 2101, T0 + MIN);
  board.record({ kind: 'realarm', warning: '1/500', kit: 2101, persons: [11] }, T0 + 6 * MIN);
  board.answered(
    '1/500',
    2101,
    { person: 11, state: 'acted', evacuated: 23, note: '=转移至小学' },
    VILLAGE_A1,
    T0 + 7 * MIN,
  );
  const csv = callRecordCsv(
    board.calls('1/500'),
    { person: (id) => PEOPLE.find((p) => p.id === id)?.name, area: (code) => `村 ${code}` },
    countyTime('Asia/Shanghai'),
  );
  expect(csv.startsWith(UTF8_BOM)).toBe(true);
  const rows = csv.slice(1).split('\r\n');
  expect(rows[1]).toBe(
    ',1/500,甲一村责任人,村 430121100201,2101,已行动,2026-07-14 03:00:00,2026-07-14 03:01:00,' +
      "2026-07-14 03:07:00,2026-07-14 03:07:00,23,,再次告警 2026-07-14 03:06:00,'=转移至小学",
  );
  expect(rows[2]).toBe(',1/500,甲二村责任人,村 430121100202,2102,已下发,2026-07-14 03:00:00,,,,,,,');
  expect(rows).toHaveLength(4); // header, two calls, and the empty string after the last CRLF
  // A drill's record says so on every row.
  const drill = callRecordCsv(
    board.calls('1/500'),
    { person: () => undefined, area: String },
    countyTime('Asia/Shanghai'),
    (w) => w === '1/500',
  );
  expect(
    drill
      .slice(1)
      .split('\r\n')
      .slice(1, 3)
      .map((r) => r.split(',')[0]),
  ).toEqual(['演练', '演练']);
});
