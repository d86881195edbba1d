import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kitFailure } from '../../../test/kit-errors.js';
import { recordingLogger } from '../../../test/recording-logger.js';
import { openIncident, withStabilisedAt } from './incident-chain.js';
import { FileIncidentLedger as FileLedger } from './incident-file.js';
import { R1_AT, R1_ID, r1Incident, reportMessage } from './incident-fixtures.js';
import { MemoryIncidentLedger } from './incident-ledger.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'incidents-'));
  path = join(dir, 'incidents.jsonl');
});
/** The file ledger, closed after each test: it keeps its file open between writes. */
const made: FileLedger[] = [];
class FileIncidentLedger extends FileLedger {
  constructor(...args: ConstructorParameters<typeof FileLedger>) {
    super(...args);
    made.push(this);
  }
}
afterEach(async () => {
  for (const ledger of made.splice(0)) await ledger.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

const opened = openIncident({ node: 2110, n: 1, type: 'natural', startedAt: R1_AT });

describe('the incident file', () => {
  it('starts empty without a file, and reads back what was written in a new instance', async () => {
    const ledger = new FileIncidentLedger(path);
    expect(await ledger.all()).toEqual([]);
    await ledger.apply({ put: [r1Incident(), opened] });
    const again = new FileIncidentLedger(path);
    expect(await again.get(R1_ID)).toEqual(r1Incident());
    expect((await again.all()).map((i) => i.id).sort()).toEqual([R1_ID, 'open/2110/1']);
    // An empty snapshot, then the change as one journal line.
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe('{"fieldnode":"incidents","v":2,"incidents":0}');
    expect(JSON.parse(lines[1] as string)).toEqual({ put: [r1Incident(), opened], remove: [] });
    expect(lines).toHaveLength(3);
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
      /incidents\.jsonl:\d:( put\[0\]:)? versions\[0\].*affected.*restore the last good copy/,
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

describe('the journal', () => {
  it('appends one synced line per change, and replays them over the snapshot in a new instance', async () => {
    const ledger = new FileIncidentLedger(path);
    await ledger.apply({ put: [r1Incident(), opened] });
    const size = statSync(path).size;
    const stable = withStabilisedAt(opened, R1_AT + 1);
    await ledger.apply({ put: [stable] });
    await ledger.apply({ remove: [R1_ID] });
    const text = readFileSync(path, 'utf8');
    // The earlier bytes are untouched: nothing is rewritten, each change is one more line.
    expect(text.length).toBeGreaterThan(size);
    expect(
      text
        .split('\n')
        .slice(2, 4)
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { put: [stable], remove: [] },
      { put: [], remove: [R1_ID] },
    ]);
    expect(ledger.writes).toEqual({ appends: 3, compactions: 1 }); // the one compaction made the new file
    expect(await new FileIncidentLedger(path).all()).toEqual([stable]);
  });

  it('writes changes made together in one write and one sync, in the order they were made', async () => {
    const ledger = new FileIncidentLedger(path);
    await ledger.apply({ put: [opened] });
    const syncs: string[] = [];
    const watched = new FileIncidentLedger(path, {
      open: async (p, flags, mode) => {
        const h = await open(p, flags, mode);
        return new Proxy(h, {
          get(target, key) {
            if (key === 'datasync') syncs.push(p);
            const v = Reflect.get(target, key);
            return typeof v === 'function' ? v.bind(target) : v;
          },
        });
      },
    });
    const incidents = Array.from({ length: 20 }, (_, n) =>
      openIncident({ node: 2111, n, type: 'natural', startedAt: n }),
    );
    await Promise.all([
      ...incidents.map((i) => watched.apply({ put: [i] })),
      watched.apply({ remove: ['open/2111/3'] }),
    ]);
    expect(watched.writes.appends).toBe(1);
    expect(syncs).toEqual([path]);
    const ids = (await new FileIncidentLedger(path).all()).map((i) => i.id);
    expect(ids).toHaveLength(20);
    expect(ids).not.toContain('open/2111/3');
  });

  it('compacts the journal into a snapshot once it outgrows it, atomically, mode 0600', async () => {
    const ledger = new FileIncidentLedger(path, { minCompactBytes: 1 });
    await ledger.apply({ put: [r1Incident()] });
    for (let n = 0; n < 30; n++)
      await ledger.apply({ put: [openIncident({ node: 2110, n, type: 'natural', startedAt: n })] });
    await ledger.flush();
    expect(ledger.writes.compactions).toBeGreaterThanOrEqual(2); // the new file, then at least one
    const before = await ledger.all();
    const lines = readFileSync(path, 'utf8').split('\n');
    const header = JSON.parse(lines[0] as string) as { v: number; incidents: number };
    expect(header.v).toBe(2);
    // What is journalled after the last compaction is no bigger than the snapshot.
    const snapshot = lines.slice(0, header.incidents + 1).join('\n').length;
    expect(lines.slice(header.incidents + 1).join('\n').length).toBeLessThanOrEqual(snapshot + 1);
    expect(readdirSync(dir)).toEqual(['incidents.jsonl']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await new FileIncidentLedger(path).all()).toEqual(before);
    expect(before).toHaveLength(31);
  });

  it('goes on appending while a compaction writes its snapshot, and keeps what was appended meanwhile', async () => {
    const before = new FileIncidentLedger(path, { minCompactBytes: 1 << 30 });
    for (let n = 0; n < 30; n++)
      await before.apply({ put: [openIncident({ node: 2110, n, type: 'natural', startedAt: n })] });
    await before.close();
    // The snapshot's sync is held until the test lets it go: a slow disk under another writer.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let begun = () => {};
    const snapshotting = new Promise<void>((r) => (begun = r));
    const ledger = new FileIncidentLedger(path, {
      minCompactBytes: 1,
      open: async (p, flags, mode) => {
        const h = await open(p, flags, mode);
        if (flags !== 'w') return h;
        return new Proxy(h, {
          get(target, key) {
            if (key === 'sync')
              return async () => {
                begun();
                await held;
                return target.sync();
              };
            const v = Reflect.get(target, key);
            return typeof v === 'function' ? v.bind(target) : v;
          },
        });
      },
    });
    // The journal outgrows the snapshot: this change starts a compaction once it is written.
    await ledger.apply({ put: [r1Incident()] });
    await snapshotting;
    const late = openIncident({ node: 2111, n: 1, type: 'natural', startedAt: 1 });
    const written = ledger.apply({ put: [late] }).then(() => 'written');
    const wait = new Promise<string>((r) => setTimeout(() => r('held behind the compaction'), 2000));
    try {
      expect(await Promise.race([written, wait])).toBe('written');
      expect(ledger.writes.compactions).toBe(0);
    } finally {
      release();
    }
    await ledger.flush();
    expect(ledger.writes.compactions).toBe(1);
    const lines = readFileSync(path, 'utf8').split('\n');
    const header = JSON.parse(lines[0] as string) as { incidents: number };
    expect(header.incidents).toBe(31); // the snapshot: all written before the compaction began
    expect(JSON.parse(lines[32] as string)).toEqual({ put: [late], remove: [] }); // then the journal
    expect(readdirSync(dir)).toEqual(['incidents.jsonl']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = await new FileIncidentLedger(path).all();
    expect(again).toHaveLength(32);
    expect(again).toContainEqual(late);
  });

  it('keeps the old file and goes on appending when a compaction cannot write its snapshot', async () => {
    const before = new FileIncidentLedger(path, { minCompactBytes: 1 << 30 });
    for (let n = 0; n < 5; n++)
      await before.apply({ put: [openIncident({ node: 2110, n, type: 'natural', startedAt: n })] });
    await before.close();
    const log = recordingLogger();
    const ledger = new FileIncidentLedger(path, {
      minCompactBytes: 1,
      log: log.log,
      open: async (p, flags, mode) => {
        if (flags === 'w') throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        return open(p, flags, mode);
      },
    });
    await ledger.apply({ put: [r1Incident()] });
    await ledger.flush();
    await ledger.apply({ put: [openIncident({ node: 2111, n: 1, type: 'natural', startedAt: 1 })] });
    await ledger.flush();
    expect(ledger.writes.compactions).toBe(0);
    expect(log.lines.some((l) => l.msg.includes('could not compact'))).toBe(true);
    expect(readdirSync(dir)).toEqual(['incidents.jsonl']);
    expect(await new FileIncidentLedger(path).all()).toHaveLength(7);
  });

  it('cuts off a torn last line, reports it, and keeps every change before it', async () => {
    const ledger = new FileIncidentLedger(path);
    await ledger.apply({ put: [opened] });
    await ledger.apply({ put: [r1Incident()] });
    const whole = readFileSync(path);
    writeFileSync(path, Buffer.concat([whole, Buffer.from('{"put":[{"id":"2107/3')]));
    const { log, lines } = recordingLogger();
    const again = new FileIncidentLedger(path, { log });
    expect((await again.all()).map((i) => i.id).sort()).toEqual([R1_ID, 'open/2110/1']);
    expect(again.torn).toEqual({ bytes: 21, at: whole.length });
    expect(readFileSync(path)).toEqual(whole);
    expect(lines.map((l) => l.level)).toEqual(['warn']);
    await again.apply({ remove: [R1_ID] });
    expect((await new FileIncidentLedger(path).all()).map((i) => i.id)).toEqual(['open/2110/1']);
  });

  it('refuses a last whole line that is not a change, and writes nothing over it', async () => {
    const ledger = new FileIncidentLedger(path);
    await ledger.apply({ put: [opened] });
    const text = `${readFileSync(path, 'utf8')}{"put":[],"remove":["nonsense"]}\n`;
    writeFileSync(path, text);
    const again = new FileIncidentLedger(path);
    const failure = await kitFailure(again.apply({ put: [r1Incident()] }));
    expect(failure.code).toBe('REPORT_LEDGER_CORRUPT');
    expect(failure.message).toMatch(/incidents\.jsonl:3: remove\[0\]: .*nonsense.* is not an incident id/);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('reads a file of the format before the journal, and converts it before appending', async () => {
    const old = `{"fieldnode":"incidents","v":1}\n${JSON.stringify(r1Incident())}\n${JSON.stringify(opened)}\n`;
    writeFileSync(path, old, { mode: 0o600 });
    const ledger = new FileIncidentLedger(path);
    expect(await ledger.get(R1_ID)).toEqual(r1Incident());
    expect(readFileSync(path, 'utf8')).toBe(old); // reading changes nothing
    await ledger.apply({ remove: ['open/2110/1'] });
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe('{"fieldnode":"incidents","v":2,"incidents":2}');
    expect(lines).toHaveLength(5);
    expect(await new FileIncidentLedger(path).all()).toEqual([r1Incident()]);
  });

  it('fails the changes of a write that fails, and rewrites the file before the next', async () => {
    await new FileIncidentLedger(path).apply({ put: [opened] });
    let fail = true;
    const ledger = new FileIncidentLedger(path, {
      open: async (p, flags, mode) => {
        const h = await open(p, flags, mode);
        if (flags !== 'a' || !fail) return h;
        fail = false;
        return new Proxy(h, {
          get(target, key) {
            // A full disk: part of the line is written, then the write fails.
            if (key === 'appendFile')
              return async (data: string) => {
                await target.appendFile(data.slice(0, 12));
                throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
              };
            const v = Reflect.get(target, key);
            return typeof v === 'function' ? v.bind(target) : v;
          },
        });
      },
    });
    const failure = await kitFailure(ledger.apply({ put: [r1Incident()] }));
    expect(failure.code).toBe('REPORT_LEDGER_WRITE_FAILED');
    expect(await ledger.get(R1_ID)).toBeUndefined();
    const stable = withStabilisedAt(opened, 5);
    await ledger.apply({ put: [stable] });
    expect(await new FileIncidentLedger(path).all()).toEqual([stable]);
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
