import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kitFailure } from '../../../test/kit-errors.js';
import { openIncident, withStabilisedAt } from './incident-chain.js';
import { FileIncidentLedger } from './incident-file.js';
import { R1_AT, R1_ID, r1Incident, reportMessage } from './incident-fixtures.js';
import { MemoryIncidentLedger } from './incident-ledger.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'incidents-'));
  path = join(dir, 'incidents.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const opened = openIncident({ node: 2110, n: 1, type: 'natural', startedAt: R1_AT });

describe('the incident file', () => {
  it('starts empty without a file, and reads back what was written in a new instance', async () => {
    const ledger = new FileIncidentLedger(path);
    expect(await ledger.all()).toEqual([]);
    await ledger.apply({ put: [r1Incident(), opened] });
    const again = new FileIncidentLedger(path);
    expect(await again.get(R1_ID)).toEqual(r1Incident());
    expect((await again.all()).map((i) => i.id).sort()).toEqual([R1_ID, 'open/2110/1']);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe('{"fieldnode":"incidents","v":1}');
    expect(lines).toHaveLength(4);
  });

  it('replaces and removes in one change, leaving no temporary file, mode 0600', async () => {
    const ledger = new FileIncidentLedger(path);
    await ledger.apply({ put: [r1Incident(), opened] });
    const longer = r1Incident(reportMessage(310, R1_AT + 1000, { indicators: { dead: 3 } }));
    await ledger.apply({ put: [longer], remove: ['open/2110/1'] });
    const again = new FileIncidentLedger(path);
    expect(await again.all()).toEqual([longer]);
    expect(readdirSync(dir)).toEqual(['incidents.jsonl']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('writes concurrent changes one after the other, losing none', async () => {
    const ledger = new FileIncidentLedger(path);
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        ledger.apply({ put: [openIncident({ node: 2110, n, type: 'natural', startedAt: n })] }),
      ),
    );
    expect(await new FileIncidentLedger(path).all()).toHaveLength(20);
  });

  it('refuses a file it cannot read back, naming the line, and writes nothing over it', async () => {
    const good = new FileIncidentLedger(path);
    await good.apply({ put: [r1Incident(), opened] });
    const text = readFileSync(path, 'utf8').replace('"affected":1250', '"affected":"many"');
    writeFileSync(path, text);
    const ledger = new FileIncidentLedger(path);
    const failure = await kitFailure(ledger.apply({ put: [withStabilisedAt(opened, 1)] }));
    expect(failure.code).toBe('REPORT_LEDGER_CORRUPT');
    expect(failure.message).toMatch(
      /incidents\.jsonl:\d: versions\[0\].*affected.*restore the last good copy/,
    );
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect((await kitFailure(ledger.all())).code).toBe('REPORT_LEDGER_CORRUPT');
  });

  it('refuses a file that is not an incident ledger, or holds an incident twice', async () => {
    writeFileSync(path, '{"fieldnode":"something else","v":1}\n');
    expect((await kitFailure(new FileIncidentLedger(path).all())).message).toMatch(
      /:1: not an incident ledger/,
    );
    const line = JSON.stringify(opened);
    writeFileSync(path, `{"fieldnode":"incidents","v":1}\n${line}\n${line}\n`);
    expect((await kitFailure(new FileIncidentLedger(path).all())).message).toMatch(
      /:3: incident open\/2110\/1 twice/,
    );
  });
});

describe('the memory ledger', () => {
  it('copies in and out', async () => {
    const ledger = new MemoryIncidentLedger();
    const incident = r1Incident();
    await ledger.apply({ put: [incident] });
    const got = await ledger.get(R1_ID);
    expect(got).toEqual(incident);
    expect(got).not.toBe(incident);
    await ledger.apply({ remove: [R1_ID] });
    expect(await ledger.all()).toEqual([]);
  });
});
