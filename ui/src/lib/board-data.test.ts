/**
 * The centre's board (docs/ui.md §The board): the domain's overdue list and township totals over
 * the incidents rebuilt from the reports, drills left out.
 */
import { describe, expect, it } from 'vitest';
import { report } from '../../test/report-fixtures.js';
import { boardOf } from './board-data.js';

const ZONE = 'Asia/Shanghai';

describe('the board', () => {
  // A 初报 at 03:20 on 14 July owes its first 续报 at 09:00 on 15 July.
  const initial = report({ id: '2107/301', indicators: { affected: 120, dead: 1 } });
  const otherVillage = report({
    id: '2108/40',
    origin: 2108,
    area: 430121101202,
    indicators: { affected: 30 },
  });
  const drill = report({ id: '2109/7', origin: 2109, exercise: true, indicators: { affected: 9999 } });

  it('lists a missed 续报 as overdue after 09:00 the next day, and not before', () => {
    const before = boardOf([initial], Date.UTC(2026, 6, 15, 0, 59), ZONE);
    expect(before.overdue).toEqual([]);
    const after = boardOf([initial], Date.UTC(2026, 6, 15, 1, 30), ZONE);
    expect(after.overdue.map((o) => [o.incidentId, o.duty, o.overdueMs])).toEqual([
      ['2107/301', 'update', 30 * 60_000],
    ]);
    expect(after.rows[0]?.overdue).toHaveLength(1);
  });

  it('clears it with a zero report whose figures reach midnight', () => {
    const zero = report({
      id: '2107/320',
      incidentId: '2107/301',
      stage: 'update',
      version: 2,
      createdAt: Date.UTC(2026, 6, 15, 0, 30),
      asOf: Date.UTC(2026, 6, 14, 16) / 1000,
    });
    expect(boardOf([initial, zero], Date.UTC(2026, 6, 15, 1, 30), ZONE).overdue).toEqual([]);
  });

  it('sums each township and each village row, leaving drills out', () => {
    const b = boardOf([initial, otherVillage, drill], Date.UTC(2026, 6, 14, 0), ZONE);
    expect(b.townships.map((t) => [t.area, t.incidents, t.figures.affected])).toEqual([[430121101, 2, 150]]);
    expect(b.rows.map((r) => r.area).sort()).toEqual([430121101201, 430121101202]);
  });
});
