/**
 * The centre's board (docs/ui.md §The board): the kit's overdue list and township totals when it
 * gives them; else the domain's over the incidents rebuilt from the reports, drills left out; on a
 * drill node (docs/ui.md §Drill mode), the drill's reports alone.
 */
import { describe, expect, it } from 'vitest';
import { report } from '../../test/report-fixtures.js';
import { ApiFailure } from './api-client.js';
import type { OverdueReport, TotalsReport } from './api-types.js';
import { boardOf, loadServerBoard, type ServerBoard } from './board-data.js';

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
    expect(boardOf([initial, otherVillage, drill], Date.UTC(2026, 6, 14, 0), ZONE, false)).toEqual(b);
  });

  describe('on a drill node (docs/ui.md §Drill mode)', () => {
    const drillUpdate = report({
      id: '2109/9',
      origin: 2109,
      incidentId: '2109/7',
      stage: 'update',
      version: 2,
      exercise: true,
      createdAt: Date.UTC(2026, 6, 14, 1),
      indicators: { affected: 10_000, dead: 2 },
    });
    const otherDrill = report({
      id: '2110/3',
      origin: 2110,
      area: 430121102201,
      exercise: true,
      indicators: { affected: 5 },
    });

    it('sums the drill’s reports alone, never the real ones', () => {
      const b = boardOf(
        [initial, otherVillage, drill, drillUpdate, otherDrill],
        Date.UTC(2026, 6, 14, 2),
        ZONE,
        true,
      );
      expect(b.townships.map((t) => [t.area, t.incidents, t.figures.affected, t.figures.dead])).toEqual([
        [430121101, 1, 10_000, 2],
        [430121102, 1, 5, undefined],
      ]);
      expect(b.rows.map((r) => [r.area, r.latest.id])).toEqual([
        [430121101201, '2109/9'],
        [430121102201, '2110/3'],
      ]);
    });

    it('owes its drill’s 续报 as a real board owes a real one', () => {
      const b = boardOf([initial, drill], Date.UTC(2026, 6, 15, 1, 30), ZONE, true);
      expect(b.overdue.map((o) => [o.incidentId, o.duty])).toEqual([['2109/7', 'update']]);
    });

    it('is empty when no drill report came, though real ones did', () => {
      const b = boardOf([initial, otherVillage], Date.UTC(2026, 6, 14, 0), ZONE, true);
      expect([b.rows, b.townships, b.overdue]).toEqual([[], [], []]);
    });
  });
});

describe('from the kit (GET /api/reports/overdue and /totals)', () => {
  const initial = report({ id: '2107/301', indicators: { affected: 120, dead: 1 } });
  // A county whose 续报 is due at 08:00: the kit's list says so, the national rules would not yet.
  const at = Date.UTC(2026, 6, 15, 0, 30);
  const overdue: OverdueReport = {
    at,
    timeZone: ZONE,
    items: [
      {
        incidentId: '2107/301',
        duty: 'update',
        due: Date.UTC(2026, 6, 15, 0, 0),
        dueLocal: '2026-07-15T08:00:00+08:00',
        missed: 1,
        overdueMs: 30 * 60_000,
        node: 2107,
        area: 430121101201,
        hazard: 18,
      },
    ],
  };
  const totals: TotalsReport = {
    level: 'township',
    exercise: false,
    items: [{ area: 430121101, incidents: 1, figures: { affected: 120, dead: 1 } }],
  };
  const server: ServerBoard = { overdue, totals, areaNames: new Map(), heardAt: at };

  it('shows the kit’s overdue list, older by the time since it was heard, and its totals', () => {
    expect(boardOf([initial], at, ZONE).overdue).toEqual([]);
    const b = boardOf([initial], at + 5 * 60_000, ZONE, false, server);
    expect(b.fromServer).toBe(true);
    expect(b.overdue.map((o) => [o.incidentId, o.duty, o.since, o.overdueMs])).toEqual([
      ['2107/301', 'update', Date.UTC(2026, 6, 15, 0, 0), 35 * 60_000],
    ]);
    expect(b.rows[0]?.overdue).toHaveLength(1);
    expect(b.townships).toEqual([
      { area: 430121101, level: 'township', incidents: 1, figures: { affected: 120, dead: 1 } },
    ]);
  });

  it('reads both, and gives up on both when either fails, for the board to compute its own', async () => {
    const paths: string[] = [];
    const areas = { items: [{ code: 430121101, name: '青山镇' }] };
    const api = (fail?: string) => ({
      get: async <T>(path: string): Promise<T> => {
        paths.push(path);
        if (path === fail) throw new ApiFailure(404, { code: 'API_NOT_FOUND', message: 'an older kit' });
        if (path === '/api/areas') return areas as T;
        return (path.startsWith('/api/reports/overdue') ? overdue : totals) as T;
      },
    });
    expect(await loadServerBoard(api(), () => at)).toEqual({
      ...server,
      areaNames: new Map([[430121101, '青山镇']]),
    });
    expect(paths).toEqual(['/api/reports/overdue', '/api/reports/totals?level=township', '/api/areas']);
    // A kit without the names' route still gives its board, its areas by code.
    expect((await loadServerBoard(api('/api/areas'), () => at))?.areaNames.size).toBe(0);
    expect(await loadServerBoard(api('/api/reports/totals?level=township'))).toBeUndefined();
    const fallback = boardOf([initial], Date.UTC(2026, 6, 15, 1, 30), ZONE, false, undefined);
    expect(fallback.fromServer).toBe(false);
    expect(fallback.overdue).toHaveLength(1);
  });
});
