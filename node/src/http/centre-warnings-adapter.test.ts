/**
 * The centre's WarningsService over a real warning desk and journal (centre-warnings-adapter.ts;
 * docs/api.md §Warnings; docs/cap.md): what a view, a preview, the board and the record say, that
 * every CAP it writes meets the OASIS schema (xmllint) and the standard's rules, that CAP is imported
 * as a warning marked with its source, and that invalid CAP is refused with its reasons.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { AreaDirectory } from '../domain/roster/area-directory.js';
import { expectValidCap } from '../domain/warnings/cap/test/expect-cap.js';
import { DESK_ISSUER, deskSign, RecordingCore } from '../domain/warnings/desk/desk-fixtures.js';
import { WarningDesk } from '../domain/warnings/desk/warning-desk.js';
import {
  COUNTY,
  KITS,
  PEOPLE,
  TOWNSHIP_A,
  VILLAGE_A1,
  VILLAGE_A2,
} from '../domain/warnings/warnings-fixtures.js';
import { ApiError } from './api-errors.js';
import { CentreWarnings } from './centre-warnings-adapter.js';
import type { FeedEvent } from './event-hub.js';
import type { ApiPerson } from './people-directory.js';
import type { WarningDraftInput } from './warnings-service.js';

const FIXTURES = new URL('../domain/warnings/cap/fixtures/', import.meta.url);
const DUTY: ApiPerson = { id: 30, name: '值班员', roles: ['duty-officer'], areas: [COUNTY] };
const AREAS = new AreaDirectory([
  { code: COUNTY, name: '长沙县' },
  { code: TOWNSHIP_A, name: '甲镇' },
  { code: VILLAGE_A1, name: '甲一村' },
  { code: VILLAGE_A2, name: '甲二村' },
]);

let dir: string;
let now: number;
let desk: WarningDesk;
let core: RecordingCore;
let events: FeedEvent[];
let service: CentreWarnings;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fn-centre-warnings-'));
  now = Date.UTC(2025, 6, 15, 4, 0);
  core = new RecordingCore(() => now);
  events = [];
  desk = await WarningDesk.open({
    nodeId: 1,
    file: join(dir, 'warning-desk.jsonl'),
    core,
    frame: async (id) => core.frames.get(id),
    issuer: { id: DESK_ISSUER, sign: deskSign },
    people: () => PEOPLE,
    kits: KITS,
    latencyMs: () => 60_000,
    now: () => now,
    drill: false,
    changed: (id) => service.changed(id),
    log: silentLogger,
  });
  service = new CentreWarnings({
    desk,
    core,
    lastSeq: async () => core.seq,
    nodeId: 1,
    people: () => PEOPLE,
    areas: AREAS,
    cap: { sender: 'qxj.example.gov.cn', issuerName: '长沙县气象台' },
    timeZone: 'Asia/Shanghai',
    now: () => now,
    emit: (e) => events.push(e),
  });
});
afterEach(async () => {
  await desk.close();
  await rm(dir, { recursive: true, force: true });
});

const RED: Omit<WarningDraftInput, 'expires'> = {
  action: 'issue',
  event: '11B03',
  level: 1,
  colour: 'red',
  areas: [VILLAGE_A1, VILLAGE_A2],
  roles: ['flood-responsible'],
  instruction: '立即转移低洼地区群众',
  senderName: '长沙县气象台',
  exercise: true,
};
const red = (): WarningDraftInput => ({ ...RED, expires: Math.floor(now / 1000) + 6 * 3600 });

it('previews the bytes, the calls and a valid CAP without sending; issues it once', async () => {
  const preview = await service.preview(red());
  expect(core.submitted).toEqual([]);
  expect(preview.warning.status).toBe('pending');
  expect(preview.calls).toBe(2);
  expect(preview.bytes).toBeGreaterThan(60);
  const alert = await expectValidCap(preview.cap);
  expect(alert.status).toBe('Exercise');

  const view = await service.issue(red(), DUTY);
  expect(core.submitted).toHaveLength(1);
  expect(view).toMatchObject({
    status: 'active',
    exercise: true,
    colour: 'red',
    roles: ['flood-responsible'],
    calls: { total: 2, sent: 2, unanswered: 2 },
  });
  expect(view.headline.zh).toContain('暴雨红色预警');
  expect(events.map((e) => e.type)).toEqual(['warning', 'calls']);
  // A retry after a restart finds the warning the first attempt sent, and sends none.
  expect((await service.issue(red(), DUTY, core.seq - 1)).id).toBe(view.id);
  expect(core.submitted).toHaveLength(1);

  const exported = await service.exportCap(view.id);
  await expectValidCap(exported as string);
  const cancel = await service.issue({ action: 'cancel', references: view.id }, DUTY);
  const cancelCap = await expectValidCap((await service.exportCap(cancel.id)) as string);
  expect(cancelCap.msgType).toBe('Cancel');
  expect((await service.get(view.id))?.status).toBe('cancelled');
});

it('refuses a bad draft with every problem, as a 400 the form can show', async () => {
  const err = await service.issue({ action: 'issue', event: 'x', colour: 'red' }, DUTY).catch((e) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe('WARNING_REJECTED');
  expect((err as ApiError).problems?.map((p) => p.field)).toEqual([
    'event',
    'level',
    'expires',
    'instruction',
  ]);
});

it('shows the board 未叫应 first, and writes the record with a byte-order mark', async () => {
  const view = await service.issue(red(), DUTY);
  await desk.ack({
    kind: 'ack',
    origin: 2101,
    seq: 1,
    body: { warning: { origin: 1, seq: 101 }, state: 'acted', person: 11, evacuated: 7 },
  } as Parameters<WarningDesk['ack']>[0]);
  const board = await service.calls(view.id);
  expect(board?.calls.map((c) => [c.person, c.state, c.name])).toEqual([
    [13, 'sent', '甲二村责任人'],
    [11, 'acted', '甲一村责任人'],
  ]);
  expect((await service.unanswered()).map((c) => c.person)).toEqual([13]);
  // 13's call waits for its kit's confirmation: its next step is the resend, no sooner than
  // warnings.resend_after_s (2 min) after the send, though its route says a minute.
  expect(board?.nextStepAt).toBe(now + 120_000);
  const csv = (await service.callRecordCsv(view.id)) as string;
  expect(csv.startsWith('\uFEFF')).toBe(true);
  expect(csv).toContain('甲一村责任人');
  // The draft is a drill: every row of its record says so.
  const rows = csv.trim().split('\r\n').slice(1);
  expect(rows.length).toBe(2);
  for (const row of rows) expect(row.startsWith('演练,')).toBe(true);
  expect(await service.get(view.id)).toMatchObject({ calls: { acted: 1, evacuated: 7 } });
  // Once everyone has answered, nothing is due any more.
  await desk.ack({
    kind: 'ack',
    origin: 2102,
    seq: 1,
    body: { warning: { origin: 1, seq: 101 }, state: 'acknowledged', person: 13 },
  } as Parameters<WarningDesk['ack']>[0]);
  expect((await service.calls(view.id))?.nextStepAt).toBeUndefined();
});

it('imports valid CAP as a warning marked with its source, and refuses invalid CAP with its reasons', async () => {
  const xml = await readFile(new URL('valid/cn_cap12_sample.xml', FIXTURES));
  const { warning, notes } = await service.importCap(xml, DUTY);
  expect(warning.imported).toEqual({
    sender: '51342341600000',
    identifier: '51342341600000_20250715183000_0',
  });
  expect([warning.colour, warning.level, warning.exercise]).toEqual(['orange', 2, true]);
  expect(Array.isArray(notes)).toBe(true);
  expect(core.submitted).toHaveLength(1);

  const bad = await readFile(new URL('invalid/severity_color.xml', FIXTURES));
  const err = await service.importCap(bad, DUTY).catch((e) => e);
  expect((err as ApiError).code).toBe('CAP_REJECTED');
  expect((err as ApiError).problems?.length).toBeGreaterThan(0);
  expect(core.submitted).toHaveLength(1);
});
