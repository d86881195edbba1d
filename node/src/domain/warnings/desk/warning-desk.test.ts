import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { silentLogger } from '../../../base/logger.js';
import { decodeFrame, type MessageOf } from '../../../wire/message.js';
import { KITS, PEOPLE, VILLAGE_A1, VILLAGE_A2 } from '../warnings-fixtures.js';
import { DESK_CENTRE as CENTRE, deskSign, RecordingCore } from './desk-fixtures.js';
import type { WarningDraft } from './warning-compose.js';
import { WarningDesk, type WarningDeskOptions } from './warning-desk.js';

const MIN = 60_000;
const sign = deskSign;

let dir: string;
let now: number;
let core: RecordingCore;
let timers: Array<() => void>;
const desks: WarningDesk[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fn-desk-'));
  now = Date.UTC(2026, 6, 15, 1, 0, 0);
  core = new RecordingCore(() => now);
  timers = [];
});
afterEach(async () => {
  for (const d of desks.splice(0)) await d.close();
  await rm(dir, { recursive: true, force: true });
});

async function openDesk(
  more: Partial<Omit<WarningDeskOptions, 'issuer'>> & { noIssuer?: true } = {},
): Promise<WarningDesk> {
  const { noIssuer, ...rest } = more;
  const desk = await WarningDesk.open({
    nodeId: CENTRE,
    file: join(dir, 'warning-desk.jsonl'),
    core,
    frame: async (id) => core.frames.get(id),
    ...(noIssuer ? {} : { issuer: { id: 3, sign } }),
    people: () => PEOPLE,
    kits: KITS,
    latencyMs: () => 2 * MIN,
    now: () => now,
    drill: false,
    setTimer: (fn) => {
      timers.push(fn);
      return fn;
    },
    clearTimer: (t) => {
      timers = timers.filter((f) => f !== t);
    },
    log: silentLogger,
    ...rest,
  });
  desks.push(desk);
  return desk;
}

/**
 * Lets the desk's escalation run at the current time, as its timer would, and waits until it has
 * run: a tick ends by arming the desk's timer again (its journal's synced appends take what they
 * take on a busy machine; a fixed wait was once too short in CI).
 */
async function tick(desk: WarningDesk): Promise<void> {
  const due = timers.splice(0);
  for (const fn of due) fn();
  for (let i = 0; i < 1000 && due.length > 0 && timers.length === 0; i++)
    await new Promise((r) => setTimeout(r, 5));
  void desk;
}

const RED: WarningDraft = {
  action: 'issue',
  event: '11B03',
  level: 1,
  colour: 'red',
  areas: [VILLAGE_A1, VILLAGE_A2],
  roles: ['flood-responsible'],
  expires: Date.UTC(2026, 6, 15, 7) / 1000,
  instruction: '立即转移低洼地区群众',
  senderName: '长沙县气象台',
};

async function issue(desk: WarningDesk, draft: WarningDraft = RED) {
  const composed = desk.compose(draft);
  if (!composed.ok) throw new Error(JSON.stringify(composed.problems));
  return desk.send(composed, { by: 30 });
}

it('signs and sends a warning to its areas at P0 and calls each responsible person through their kit', async () => {
  const desk = await openDesk();
  const w = await issue(desk);
  const sent = core.submitted[0] as MessageOf<'warning'>;
  expect(sent.kind).toBe('warning');
  expect(sent.priority).toBe(0);
  expect(sent.dest).toEqual({ to: 'all' });
  expect(sent.body.issuer).toBe(3);
  expect(sent.body.roles).toHaveLength(1);
  expect(w.id).toBe('1/101');
  expect(desk.status(w.id)).toBe('active');
  const calls = desk.calls(w.id).map((c) => [c.person, c.area, c.kit, c.state]);
  expect(calls).toEqual([
    [11, VILLAGE_A1, 2101, 'sent'],
    [13, VILLAGE_A2, 2102, 'sent'],
  ]);
  expect((await stat(join(dir, 'warning-desk.jsonl'))).mode & 0o777).toBe(0o600);
});

it("a single area goes as that area's broadcast; a drill desk marks every warning exercise", async () => {
  const desk = await openDesk({ drill: true });
  await issue(desk, { ...RED, areas: [VILLAGE_A1] });
  expect(core.submitted[0]?.dest).toEqual({ to: 'area', area: VILLAGE_A1 });
  expect(core.submitted[0]?.flags).toEqual(['exercise']);
});

it('takes receipts and answers, the bundled ones too, moving each call forward only', async () => {
  const desk = await openDesk();
  const w = await issue(desk);
  await desk.receipts(w.id, [2101]);
  expect(desk.calls(w.id).find((c) => c.person === 11)?.state).toBe('delivered');
  const ack = (body: MessageOf<'ack'>['body']) =>
    ({ kind: 'ack', origin: 2101, seq: 5, body }) as MessageOf<'ack'>;
  await desk.ack(
    ack({
      warning: { origin: 1, seq: 101 },
      state: 'acted',
      person: 11,
      evacuated: 40,
      others: [{ person: 12, state: 'acknowledged' }],
    }),
  );
  await desk.ack(ack({ warning: { origin: 1, seq: 101 }, state: 'acknowledged', person: 11 }));
  const c11 = desk.calls(w.id).find((c) => c.person === 11);
  expect([c11?.state, c11?.evacuated]).toEqual(['acted', 40]);
  // 12 was not called (a grid member, the warning asked for 防汛责任人): an uncalled answer, kept.
  expect(desk.calls(w.id).find((c) => c.person === 12)?.uncalled).toBe(true);
  expect(desk.unanswered().map((c) => c.person)).toEqual([13]);
});

it('escalates by state: resends to a kit that never confirmed, re-alarms one that did, then calls the superiors', async () => {
  const desk = await openDesk();
  const w = await issue(desk);
  await desk.receipts(w.id, [2101]);
  // Nothing is due before the kit's latency has passed.
  now += MIN;
  await tick(desk);
  expect(core.sentToward).toEqual([]);
  now += 1.5 * MIN;
  await tick(desk);
  expect(core.sentToward).toEqual([{ id: w.id, node: 2102 }]);
  now += 3 * MIN; // 5.5 min after the send: 11's kit has had it for 5.5 min unanswered
  await tick(desk);
  const realarm = core.submitted.find((m) => m.kind === 'control') as MessageOf<'control'>;
  expect(realarm.dest).toEqual({ to: 'node', node: 2101 });
  expect(realarm.body.realarm).toEqual({ warning: { origin: 1, seq: 101 }, persons: [11] });
  expect(core.sentToward.filter((s) => s.node === 2102)).toHaveLength(2);
  // Two sends unconfirmed and its latency passed again: 13's superior (甲镇包村, at 3001) is called.
  now += 2.5 * MIN;
  await tick(desk);
  const called = desk.calls(w.id).find((c) => c.person === 2);
  expect(called?.escalatedFrom).toBe(13);
  expect(called?.kit).toBe(3001);
  expect(core.sentToward).toContainEqual({ id: w.id, node: 3001 });
  // 11 was re-alarmed 5 min ago, still silent: the superior is already called, no second call.
  now += 5 * MIN;
  await tick(desk);
  const steps = desk
    .calls(w.id)
    .find((c) => c.person === 11)
    ?.steps.map((s) => s.step);
  expect(steps).toEqual(['realarmed', 'superior']);
  expect(desk.calls(w.id).filter((c) => c.person === 2)).toHaveLength(1);
});

it('sends again toward a kit behind a gateway no sooner than two minutes apart, though its first hop is IP with no wait, and calls no superior within seconds', async () => {
  // The route's first hop is IP (a confirmation wait of nothing); the kit is behind a mesh.
  const desk = await openDesk({ latencyMs: () => 0 });
  const w = await issue(desk);
  await desk.receipts(w.id, [2101]);
  const superiorCalled = () => desk.calls(w.id).some((c) => c.escalatedFrom !== undefined);
  for (let s = 0; s < 30; s++) {
    now += 1000;
    await tick(desk);
  }
  expect(core.sentToward).toEqual([]);
  expect(superiorCalled()).toBe(false);
  now += 1.5 * MIN; // 2 min after the send
  await tick(desk);
  expect(core.sentToward).toEqual([{ id: w.id, node: 2102 }]);
  now += MIN;
  await tick(desk);
  expect(core.sentToward).toHaveLength(1);
  now += MIN; // 4 min: the second send
  await tick(desk);
  expect(core.sentToward).toHaveLength(2);
  expect(superiorCalled()).toBe(false);
  now += 2 * MIN; // 6 min: two sends unconfirmed, the floor passed again
  await tick(desk);
  expect(desk.calls(w.id).find((c) => c.person === 2)?.escalatedFrom).toBe(13);
});

it('waits for the answers of a kit whose acks arrive late before re-alarming it, and remembers how late across a restart', async () => {
  let desk = await openDesk();
  const w = await issue(desk);
  await desk.receipts(w.id, [2101, 2102]);
  now += 1 * MIN;
  // 2102's answer, made 2 min ago: its channel is busy. 2101 has said nothing of its own.
  const ack = (origin: number, madeMsAgo: number, person: number): MessageOf<'ack'> => ({
    kind: 'ack',
    origin,
    seq: 5,
    createdAt: Math.floor((now - madeMsAgo) / 1000),
    clockUntrusted: false,
    priority: 0,
    lifetimeMin: 360,
    dest: { to: 'centre' },
    flags: [],
    body: { warning: { origin: 1, seq: 101 }, state: 'acknowledged', person },
  });
  await desk.ack(ack(2102, 2 * MIN, 12));
  await desk.close();
  desk = await openDesk();
  // 13 at 2102 silent: five minutes after delivery and the 2 min its answers take, not sooner.
  now += 5.9 * MIN; // 6.9 min after delivery
  await tick(desk);
  const realarmsTo = (kit: number) =>
    core.submitted.filter((m) => m.kind === 'control' && m.dest.to === 'node' && m.dest.node === kit);
  expect(realarmsTo(2101)).toHaveLength(1);
  expect(realarmsTo(2102)).toEqual([]);
  now += 0.1 * MIN;
  await tick(desk);
  expect(realarmsTo(2102)).toHaveLength(1);
});

it("does not hold a kit's re-alarms in a new warning for the lateness of an old warning's acks", async () => {
  const desk = await openDesk();
  const old = await issue(desk);
  await desk.receipts(old.id, [2102]);
  // 2102 comes back online with an answer to the old warning made two hours ago.
  await desk.ack({
    kind: 'ack',
    origin: 2102,
    seq: 5,
    createdAt: Math.floor((now - 120 * MIN) / 1000),
    clockUntrusted: false,
    priority: 0,
    lifetimeMin: 360,
    dest: { to: 'centre' },
    flags: [],
    body: { warning: { origin: 1, seq: 101 }, state: 'acknowledged', person: 12 },
  });
  now += 10 * MIN;
  const w = await issue(desk);
  await desk.receipts(w.id, [2102]);
  const seq = Number(w.id.split('/')[1]);
  const realarms = () =>
    core.submitted.filter(
      (m) =>
        m.kind === 'control' &&
        m.dest.to === 'node' &&
        m.dest.node === 2102 &&
        (m as MessageOf<'control'>).body.realarm?.warning.seq === seq,
    );
  // 13 at 2102 is silent in the new warning: re-alarmed at five minutes, not held to seven and a half.
  now += 5.1 * MIN;
  await tick(desk);
  expect(realarms()).toHaveLength(1);
});

it('keeps the board across a restart and takes no step twice', async () => {
  const desk = await openDesk();
  const w = await issue(desk);
  await desk.receipts(w.id, [2101]);
  now += 2.5 * MIN;
  await tick(desk);
  expect(core.sentToward).toHaveLength(1);
  const before = desk.calls(w.id);
  await desk.close();
  desks.length = 0;
  const again = await openDesk();
  expect(again.calls(w.id)).toEqual(before);
  await tick(again);
  expect(core.sentToward).toHaveLength(1);
  expect(again.warning(w.id)?.message.body.instruction).toBe(RED.instruction);
});

it('an update supersedes and a cancel closes the thread: their calls stop escalating', async () => {
  const desk = await openDesk();
  const first = await issue(desk);
  const update = await issue(desk, { action: 'update', references: first.id, colour: 'orange', level: 2 });
  expect((update.message.body.references as { seq: number }).seq).toBe(101);
  expect(update.message.body.areas).toEqual(RED.areas);
  expect([desk.status(first.id), desk.status(update.id)]).toEqual(['superseded', 'active']);
  const cancel = await issue(desk, { action: 'cancel', references: update.id });
  expect(cancel.message.body.references).toEqual({ origin: 1, seq: 101 });
  expect(desk.status(update.id)).toBe('cancelled');
  expect(desk.unanswered()).toEqual([]);
  expect(() => desk.compose({ action: 'update', references: first.id, colour: 'yellow' })).toThrow(
    expect.objectContaining({ code: 'WARNING_CLOSED' }),
  );
});

it('sends a cancel again toward each kit that held its thread until it confirms, every two waits, across a restart', async () => {
  let desk = await openDesk();
  const w = await issue(desk);
  await desk.receipts(w.id, [2101, 2102]);
  const cancel = await issue(desk, { action: 'cancel', references: w.id });
  const seq = Number(cancel.id.split('/')[1]);
  const confirm = (kit: number) =>
    desk.ack({
      kind: 'ack',
      origin: kit,
      seq: 7,
      body: { warning: { origin: CENTRE, seq }, state: 'delivered' },
    } as MessageOf<'ack'>);
  await confirm(2101);
  const sends = () => core.sentToward.filter((s) => s.id === cancel.id).map((s) => s.node);
  now += 1.5 * MIN;
  await tick(desk);
  expect(sends()).toEqual([]);
  now += 0.5 * MIN; // one wait (2 min) after the cancel: toward the kit that has not confirmed it
  await tick(desk);
  expect(sends()).toEqual([2102]);
  now += 2 * MIN;
  await tick(desk);
  expect(sends()).toEqual([2102]);
  // A restart remembers the send: the next is two waits after it, not at once.
  await desk.close();
  desks.length = 0;
  desk = await openDesk();
  await tick(desk);
  expect(sends()).toEqual([2102]);
  now += 2 * MIN;
  await tick(desk);
  expect(sends()).toEqual([2102, 2102]);
  await confirm(2102);
  now += 20 * MIN;
  await tick(desk);
  expect(sends()).toEqual([2102, 2102]);
});

it('finds every problem of a draft at once, and refuses to issue without an issuer key', async () => {
  const desk = await openDesk();
  const bad = desk.compose({
    action: 'issue',
    event: 'rain',
    level: 7,
    colour: 'purple' as 'red',
    areas: [12],
    roles: ['mayor'],
    expires: now / 1000 - 10,
    instruction: ' ',
  });
  expect(bad.ok).toBe(false);
  if (!bad.ok)
    expect(bad.problems.map((p) => p.path)).toEqual([
      'event',
      'level',
      'colour',
      'areas[0]',
      'roles[0]',
      'expires',
      'instruction',
    ]);
  expect(() => desk.compose({ action: 'update', references: '1/999' })).toThrow(
    expect.objectContaining({ code: 'WARNING_UNKNOWN' }),
  );
  const plain = await openDesk({ noIssuer: true, file: join(dir, 'other.jsonl') });
  const composed = plain.compose(RED);
  if (!composed.ok) throw new Error('composes');
  await expect(plain.send(composed)).rejects.toMatchObject({ code: 'WARNING_NO_ISSUER' });
});

it('finds a warning a restart cut short between sending and recording, and records it once', async () => {
  const desk = await openDesk();
  const composed = desk.compose(RED);
  if (!composed.ok) throw new Error('composes');
  const mark = core.seq;
  // Sent, but the desk never recorded it (the node stopped in between).
  const id = await core.submit(desk.draftOf(composed));
  expect(desk.warning(id)).toBeUndefined();
  const found = await desk.findSent(composed, mark, core.seq, { by: 30 });
  expect(found?.id).toBe(id);
  expect(desk.calls(id)).toHaveLength(2);
  expect(await desk.findSent(composed, mark, core.seq)).toBe(desk.warning(id));
  const lines = (await readFile(join(dir, 'warning-desk.jsonl'), 'utf8')).trim().split('\n');
  expect(lines.filter((l) => l.includes('"t":"warning"'))).toHaveLength(1);
  expect(decodeFrame(core.frames.get(id) as Uint8Array).message?.kind).toBe('warning');
});
