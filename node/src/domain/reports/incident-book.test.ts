import { mkdtempSync, rmSync } from 'node:fs';
import { type FileHandle, open as openFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kitFailure } from '../../../test/kit-errors.js';
import { recordingLogger } from '../../../test/recording-logger.js';
import { encodeReference } from '../../wire/fixtures/reference-frames.js';
import { R1 } from '../../wire/fixtures/reference-messages.js';
import type { ReportBody } from '../../wire/kinds/report.js';
import { decodeFrame, type MessageOf } from '../../wire/message.js';
import { CountyTime } from '../county-time.js';
import { IncidentBook } from './incident-book.js';
import { FileIncidentLedger as FileLedger } from './incident-file.js';
import { R1_ID, reportMessage, VILLAGE_AREA } from './incident-fixtures.js';
import { MemoryIncidentLedger } from './incident-ledger.js';

const china = new CountyTime();
const cst = (text: string) => china.parse(text);

/** The message as the centre decodes it from the bytes the kit sent. */
function overTheAir(message: MessageOf<'report'>): MessageOf<'report'> {
  const decoded = decodeFrame(encodeReference(message)).message;
  if (decoded?.kind !== 'report') throw new Error('not a report');
  return decoded;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'book-'));
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

describe('the first slice: a 初报 filed at a village kit reaches the centre', () => {
  it('times the 初报 at the kit, files it, and the centre sees it with its deadlines', async () => {
    let now = cst('2026-07-14 02:10');
    const kitLog = recordingLogger();
    const kit = new IncidentBook({ ledger: new MemoryIncidentLedger(), log: kitLog.log, now: () => now });

    // The 灾害信息员 opens the incident: the flood began at 02:00.
    const opened = await kit.open({
      node: 2107,
      type: 'natural',
      hazard: 0x12,
      startedAt: cst('2026-07-14 02:00'),
    });
    expect(opened.id).toBe('open/2107/1');
    expect(await kit.calendar()).toMatchObject([
      { duty: 'initial', due: cst('2026-07-14 04:00'), status: 'pending' },
    ]);
    now = cst('2026-07-14 03:31');
    expect((await kit.remindersDue(cst('2026-07-14 03:00'))).map((r) => r.zh)).toEqual([
      '灾害过程open/2107/1（洪涝/山洪）：初报应于7月14日 04:00前报送，还有30分钟',
    ]);

    // The 初报 is checked, sent (R1), and recorded under its message id.
    const { stage: _, ...fields } = R1.body;
    const prepared = await kit.prepare(opened.id, { ...fields, stage: 'initial' });
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    const sent: MessageOf<'report'> = { ...R1, body: prepared.body };
    const filed = await kit.record(sent, { opened: opened.id });
    expect(filed).toMatchObject({ added: true, version: 1, unexplained: [] });
    expect(filed.incident).toMatchObject({ id: R1_ID, startedAt: cst('2026-07-14 02:00') });
    expect((await kit.list()).map((i) => i.id)).toEqual([R1_ID]);
    expect((await kit.calendar())[0]).toMatchObject({ duty: 'initial', status: 'met', metBy: R1_ID });
    expect(kitLog.lines.map((l) => l.msg)).toEqual(['incident opened', 'report recorded']);

    // The centre records what arrives; the kit's area comes from the roster.
    const centreLog = recordingLogger();
    const centre = new IncidentBook({
      ledger: new FileIncidentLedger(join(dir, 'incidents.jsonl')),
      log: centreLog.log,
      kitArea: (node) => (node === 2107 ? VILLAGE_AREA : undefined),
      now: () => cst('2026-07-14 03:40'),
    });
    const got = await centre.record(overTheAir(sent));
    expect(got.incident.versions[0]?.area).toBe(VILLAGE_AREA);
    expect((await centre.record(overTheAir(sent))).added).toBe(false);
    expect(centreLog.lines.filter((l) => l.level === 'info')).toEqual([
      {
        level: 'info',
        obj: { incident: R1_ID, report: R1_ID, stage: 'initial', version: 1 },
        msg: 'report recorded',
      },
    ]);

    // The 初报 carried when the flood began (incident-facts.ts): the centre judges it on time.
    expect(sent.body.began).toBe(cst('2026-07-14 02:00') / 1000);
    expect(got.incident.startedAt).toBe(cst('2026-07-14 02:00'));
    expect((await centre.calendar())[0]).toMatchObject({ duty: 'initial', status: 'met', metBy: R1_ID });
    expect(await centre.overdue(cst('2026-07-15 09:01'))).toMatchObject([
      { incidentId: R1_ID, duty: 'update', since: cst('2026-07-15 09:00'), missed: 1, node: 2107 },
    ]);
    expect((await centre.totals('township'))[0]).toMatchObject({ area: 430121101, incidents: 1 });
    expect((await centre.csv()).split('\r\n')).toHaveLength(3);
    expect((await centre.geoJson()).features).toHaveLength(1);
  });
});

describe('the incident book', () => {
  it('makes the zero report of an incident and records it', async () => {
    const now = cst('2026-07-15 08:00');
    const book = new IncidentBook({
      ledger: new MemoryIncidentLedger(),
      log: recordingLogger().log,
      now: () => now,
    });
    await book.record(R1);
    const zero = await book.prepareZero(R1_ID, 1);
    if (!zero.ok) throw new Error('refused');
    await book.record(reportMessage(306, now, zero.body));
    expect(await book.overdue(cst('2026-07-15 10:00'))).toEqual([]);
  });

  it('records a received jump without a reason, and says so', async () => {
    const { log, lines } = recordingLogger();
    const book = new IncidentBook({ ledger: new MemoryIncidentLedger(), log });
    await book.record(R1);
    const jump: Partial<ReportBody> = { indicators: { affected: 5000, dead: 2 } };
    const got = await book.record(reportMessage(310, R1.createdAt * 1000 + 3_600_000, jump));
    expect(got).toMatchObject({ added: true, version: 2 });
    expect(got.unexplained.map((c) => c.name)).toEqual(['affected']);
    expect(lines.at(-1)?.obj).toMatchObject({ version: 2, unexplained: ['affected'] });
  });

  it('declares stability and says when an incident closes', async () => {
    const { log, lines } = recordingLogger();
    const book = new IncidentBook({
      ledger: new MemoryIncidentLedger(),
      log,
      now: () => cst('2026-07-16 15:00'),
    });
    await book.record(R1);
    await book.markStabilised(R1_ID);
    expect((await book.calendar(cst('2026-07-17 00:00'))).at(-1)).toMatchObject({
      duty: 'final',
      due: cst('2026-07-19 00:00'),
      status: 'pending',
    });
    await book.record(reportMessage(320, cst('2026-07-17 10:00'), { stage: 'final' }));
    expect(lines.map((l) => l.msg)).toEqual([
      'report recorded',
      'incident stabilised',
      'report recorded; incident closed',
    ]);
    const prepared = await book.prepare(R1_ID, { stage: 'update', indicators: {} });
    expect(prepared).toMatchObject({ ok: false, problems: [{ code: 'REPORT_INCIDENT_CLOSED' }] });
  });

  it('refuses an unknown incident with REPORT_INCIDENT_UNKNOWN', async () => {
    const book = new IncidentBook({ ledger: new MemoryIncidentLedger(), log: recordingLogger().log });
    expect((await kitFailure(book.markStabilised('9/9'))).code).toBe('REPORT_INCIDENT_UNKNOWN');
    expect((await kitFailure(book.prepareZero('9/9'))).code).toBe('REPORT_INCIDENT_UNKNOWN');
  });

  it('numbers incidents opened at one kit', async () => {
    const book = new IncidentBook({ ledger: new MemoryIncidentLedger(), log: recordingLogger().log });
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await book.open({ node: 2107, type: 'workplace', startedAt: i })).id);
    ids.push((await book.open({ node: 21, type: 'natural', startedAt: 0 })).id);
    expect(ids).toEqual(['open/2107/1', 'open/2107/2', 'open/2107/3', 'open/21/1']);
  });
});

/**
 * Opens files as the incident file would, recording each append (the reports in it, by message id)
 * and each sync of the file; `failAppend` fails an append.
 */
function watchedOpen(events: string[], o: { syncMs?: number; failAppend?: () => boolean } = {}) {
  return async (path: string, flags: string, mode?: number): Promise<FileHandle> => {
    const handle = await openFile(path, flags, mode);
    if (flags !== 'a') return handle;
    return new Proxy(handle, {
      get(target, prop) {
        if (prop === 'appendFile')
          return async (data: string, encoding: BufferEncoding) => {
            if (o.failAppend?.()) {
              await new Promise((r) => setTimeout(r, 10)); // a full disk takes its time to say so
              throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
            }
            const ids = data
              .split('\n')
              .filter((l) => l !== '')
              .flatMap(
                (l) =>
                  (JSON.parse(l) as { put: Array<{ versions: Array<{ origin: number; seq: number }> }> }).put,
              )
              .map((i) => i.versions.map((v) => `${v.origin}/${v.seq}`).join('+'));
            events.push(`write ${ids.join(',')}`);
            await target.appendFile(data, encoding);
          };
        if (prop === 'datasync')
          return async () => {
            events.push('sync-start');
            if (o.syncMs) await new Promise((r) => setTimeout(r, o.syncMs));
            await target.datasync();
            events.push('sync-end');
          };
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
}

describe('the incident book over its file', () => {
  /** Forty 初报 of forty incidents, from kits 2101…2140. */
  const initials = Array.from({ length: 40 }, (_, k) =>
    reportMessage(
      1,
      cst('2026-07-14 03:20'),
      { stage: 'initial', indicators: { affected: k } },
      { origin: 2101 + k },
    ),
  );

  it('records reports made together in shared writes, each resolving only once a sync after its write completed', async () => {
    const events: string[] = [];
    const ledger = new FileIncidentLedger(join(dir, 'incidents.jsonl'), {
      open: watchedOpen(events, { syncMs: 5 }),
    });
    const book = new IncidentBook({ ledger, log: recordingLogger().log });
    const recorded: Array<Promise<unknown>> = [];
    for (const [k, m] of initials.entries()) {
      recorded.push(book.record(m).then((r) => events.push(`resolved ${r.incident.id}`)));
      if (k % 10 === 9) await new Promise((r) => setTimeout(r, 3)); // some arrive while a sync runs
    }
    await Promise.all(recorded);
    await book.close();
    // They resolve in the order they were made.
    expect(events.filter((e) => e.startsWith('resolved ')).map((e) => e.slice(9))).toEqual(
      initials.map((m) => `${m.origin}/1`),
    );
    for (const m of initials) {
      const id = `${m.origin}/1`;
      const written = events.findIndex((e) => e.startsWith('write ') && e.slice(6).split(',').includes(id));
      const syncEnd = events.indexOf('sync-end', events.indexOf('sync-start', written));
      expect(written, `${id} written`).toBeGreaterThanOrEqual(0);
      expect(syncEnd, `${id} resolved before a sync after its write completed`).toBeLessThan(
        events.indexOf(`resolved ${id}`),
      );
    }
    // One write and sync per report would be 40; the book waiting for each sync before the next.
    expect(ledger.writes.appends).toBeLessThan(40 / 4);
    expect((await new FileIncidentLedger(join(dir, 'incidents.jsonl')).all()).length).toBe(40);
  });

  it('reads a report recorded while its write is under way, and fails those behind a write that fails', async () => {
    const events: string[] = [];
    let fail = false;
    const path = join(dir, 'incidents.jsonl');
    const ledger = new FileIncidentLedger(path, {
      open: watchedOpen(events, {
        syncMs: 5,
        failAppend: () => {
          // Once: the write after it finds room again.
          const now = fail;
          fail = false;
          return now;
        },
      }),
    });
    const book = new IncidentBook({ ledger, log: recordingLogger().log });
    await book.record(initials[0] as MessageOf<'report'>);
    fail = true;
    // The 初报 and a 续报 of it made together: the 续报 builds on the 初报, which the ledger cannot keep.
    const initial = reportMessage(
      1,
      cst('2026-07-14 03:20'),
      { stage: 'initial', indicators: { affected: 5 } },
      { origin: 2199 },
    );
    const update = reportMessage(
      2,
      cst('2026-07-14 04:20'),
      { stage: 'update', incident: { origin: 2199, seq: 1 }, indicators: { affected: 9 } },
      { origin: 2199 },
    );
    const first = book.record(initial);
    await new Promise((r) => setTimeout(r, 2)); // the 初报's write is under way
    const second = book.record(update);
    const both = [first, second];
    expect((await kitFailure(both[0] as Promise<unknown>)).code).toBe('REPORT_LEDGER_WRITE_FAILED');
    expect((await kitFailure(both[1] as Promise<unknown>)).code).toBe('REPORT_LEDGER_WRITE_FAILED');
    expect(await ledger.get('2199/1')).toBeUndefined();
    // Made again, they are recorded: the 续报 is the second version.
    await book.record(initial);
    expect((await book.record(update)).version).toBe(2);
    await book.close();
    expect((await new FileIncidentLedger(path).get('2199/1'))?.versions).toHaveLength(2);
  });
});
