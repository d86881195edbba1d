/**
 * A lost kit's open incidents handed to the kit that replaces it (IncidentBook.handOver; docs/kits.md
 * §Open items): the overdue list then names the new kit, a 续报 from the new kit continues the same
 * chain, a closed incident stays as it was, another kit's are untouched, and the change is kept on
 * disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../base/logger.js';
import { R1 } from '../../wire/fixtures/reference-messages.js';
import { IncidentBook } from './incident-book.js';
import { FileIncidentLedger } from './incident-file.js';
import { R1_AT, R1_ID, reportMessage } from './incident-fixtures.js';

const LOST = 2107;
const NEW = 2111;
const OTHER = 2108;
const HOUR = 3600_000;

let dir: string;
const ledgers: FileIncidentLedger[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'handover-'));
});
afterEach(async () => {
  for (const l of ledgers.splice(0)) await l.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

function book(now: () => number): IncidentBook {
  const ledger = new FileIncidentLedger(join(dir, 'incidents.jsonl'));
  ledgers.push(ledger);
  return new IncidentBook({ ledger, log: silentLogger, now });
}

describe('handing a lost kit’s incidents over', () => {
  it('names the new kit where the lost one owed a report, keeps it across a restart, and takes its 续报 into the chain', async () => {
    let now = R1_AT + 30 * 60_000;
    const centre = book(() => now);
    await centre.record(R1);
    // Another kit's incident, and one of the lost kit's already closed by its 核报.
    await centre.record(reportMessage(40, R1_AT, { stage: 'initial' }, { origin: OTHER }));
    const closedAt = R1_AT + HOUR;
    await centre.record(reportMessage(400, closedAt, { stage: 'initial' }));
    await centre.record(
      reportMessage(401, closedAt + 60_000, { stage: 'final', incident: { origin: LOST, seq: 400 } }),
    );

    now = R1_AT + 2 * 86_400_000; // two days on: the daily 续报 of R1 is overdue
    const before = await centre.overdue();
    expect(before.filter((o) => o.incidentId === R1_ID).map((o) => o.node)).toEqual([LOST]);

    const moved = await centre.handOver(LOST, NEW);
    expect(moved.map((i) => i.id)).toEqual([R1_ID]);
    const after = await centre.overdue();
    expect(after.filter((o) => o.incidentId === R1_ID).map((o) => o.node)).toEqual([NEW]);
    expect(after.filter((o) => o.incidentId === `${OTHER}/40`).map((o) => o.node)).toEqual([OTHER]);
    expect((await centre.get(`${LOST}/400`)).node).toBeUndefined();
    await centre.close();

    // Kept on disk: the centre restarted still names the new kit.
    const again = book(() => now);
    expect((await again.get(R1_ID)).node).toBe(NEW);
    // The new kit's 续报 joins R1's chain, and it stays the kit that reports it.
    const update = reportMessage(
      12,
      now - HOUR,
      { stage: 'update', indicators: { affected: 1300 } },
      { origin: NEW },
    );
    const recorded = await again.record(update);
    expect(recorded.incident.id).toBe(R1_ID);
    expect(recorded.version).toBe(2);
    expect(recorded.incident.node).toBe(NEW);
    // Nothing left to move from the lost kit.
    expect(await again.handOver(LOST, NEW)).toEqual([]);
    await again.close();
    expect(R1.origin).toBe(LOST);
  });
});
