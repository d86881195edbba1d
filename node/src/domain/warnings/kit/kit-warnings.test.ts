/**
 * The kit's warning book (docs/warnings.md §The kit's warning book) with real parts: its journal in
 * a temporary directory, the alarm on a stepping clock driving the recorded sounder, the answer
 * bundler on the same clock. A red warning sounds; an answer silences it and goes at once in one
 * ack; answers of the next window ride together; a cancel ends the alarm with one all-clear; an
 * update supersedes; history never sounds; an expired warning cannot be answered; the centre's
 * re-alarm sounds again, but not a late one.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { kitFailure } from '../../../../test/kit-errors.js';
import { recordingLogger } from '../../../../test/recording-logger.js';
import { VILLAGE_B1 } from '../warnings-fixtures.js';
import {
  CENTRE,
  current,
  type KitRig,
  kitRigs,
  MIN,
  realarm,
  S,
  T0,
  warning,
} from './kit-warnings-fixtures.js';

const rigs = kitRigs();
const rig = rigs.make;
afterEach(rigs.closeAll);

const journal = async (r: KitRig) =>
  (await readFile(r.file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { t: string; [k: string]: unknown });

describe('a red warning', () => {
  it('sounds until person 11 answers; the answer silences it and goes at once, alone, in one ack', async () => {
    const r = await rig();
    await r.book.delivered(warning(10), current, T0);
    await r.clock.run(20 * S);
    expect(r.sirens()).toEqual(['0 red', '12000 red']);
    expect(r.book.get('1/10')).toMatchObject({
      status: 'active',
      alarm: 'sounding',
      persons: [{ person: 11, name: '甲一村责任人', called: true, state: 'unanswered' }],
    });

    expect(await r.book.answer('1/10', 11, { state: 'acknowledged' })).toEqual({ sending: 'at-once' });
    expect(r.acks).toEqual([
      {
        body: { warning: { origin: CENTRE, seq: 10 }, state: 'acknowledged', person: 11 },
        // Until the expiry at T0 + 6 h, and six hours more: 12 h from T0 + 20 s.
        o: { exercise: false, priority: 0, lifetimeMin: 12 * 60 },
      },
    ]);
    await r.clock.run(10 * MIN);
    expect(r.sirens(20 * S)).toEqual([]);
    expect(r.book.get('1/10')).toMatchObject({
      alarm: 'answered',
      persons: [{ person: 11, state: 'acknowledged', answeredAt: T0 + 20 * S }],
    });
    expect(r.book.get('1/10')?.persons[0]?.pending).toBeUndefined();
    // Kept before it was sent, and recorded as handed over once the core took it.
    expect((await journal(r)).map((l) => l.t)).toEqual(['warning', 'answer', 'sent']);
    expect(r.changed).toContain('1/10');
  });

  it('answers within the window ride in one ack: the first as its own, the others in `others`', async () => {
    const r = await rig();
    await r.book.delivered(warning(10, { body: { persons: [{ node: 2101, person: 12 }] } }), current, T0);
    expect(await r.book.answer('1/10', 11, { state: 'acknowledged' })).toEqual({ sending: 'at-once' });
    await r.clock.run(3 * S);
    expect(await r.book.answer('1/10', 12, { state: 'acknowledged' })).toEqual({ sending: 'bundled' });
    expect(await r.book.answer('1/10', 13, { state: 'acted', evacuated: 30 })).toEqual({
      sending: 'bundled',
    });
    expect(await r.book.answer('1/10', 12, { state: 'acted', notified: 8 })).toEqual({ sending: 'bundled' });
    expect(r.acks).toHaveLength(1);
    expect(r.book.get('1/10')?.persons.find((p) => p.person === 12)).toMatchObject({ pending: true });
    await r.clock.run(10 * S);
    expect(r.acks.map((a) => a.body)).toEqual([
      { warning: { origin: CENTRE, seq: 10 }, state: 'acknowledged', person: 11 },
      {
        warning: { origin: CENTRE, seq: 10 },
        state: 'acted',
        person: 12,
        notified: 8,
        others: [{ person: 13, state: 'acted', evacuated: 30 }],
      },
    ]);
    const persons = r.book.get('1/10')?.persons;
    expect(persons?.map((p) => [p.person, p.called, p.state, p.pending])).toEqual([
      [11, true, 'acknowledged', undefined],
      [12, true, 'acted', undefined],
      [13, false, 'acted', undefined],
    ]);
    // Every answer kept is handed over.
    const sent = (await journal(r)).filter((l) => l.t === 'sent').flatMap((l) => l.n as number[]);
    expect(sent.sort()).toEqual([1, 2, 3, 4]);
  });

  it('the kit tells the centre once that it holds a warning calling someone here, or the cancel of one; not history', async () => {
    const r = await rig();
    await r.book.delivered(warning(10), current, T0);
    await r.book.delivered(warning(10), current, T0 + S);
    await r.book.delivered(
      warning(11, { action: 'update', issue: 10 }),
      { current: false, reason: 'older' },
      T0,
    );
    await r.book.delivered(warning(12, { action: 'cancel', issue: 10 }), current, T0 + 2 * S);
    // A warning for another village calls no one here.
    await r.book.delivered(warning(20, { body: { areas: [VILLAGE_B1] } }), current, T0 + 3 * S);
    // The cancel ends a thread this kit held: the centre sends it again until the kit says so.
    expect(r.held).toEqual(['1/10', '1/12']);
  });

  it('a drill is answered with the exercise flag', async () => {
    const r = await rig();
    await r.book.delivered(warning(10, { drill: true }), current, T0);
    await r.book.answer('1/10', 11, { state: 'acknowledged' });
    expect(r.acks[0]?.o.exercise).toBe(true);
    expect(r.book.get('1/10')?.exercise).toBe(true);
  });
});

describe('threads', () => {
  it('a cancel ends the alarm, the all-clear sounds once, and the whole thread is cancelled', async () => {
    const r = await rig();
    await r.book.delivered(warning(10), current, T0);
    await r.clock.run(15 * S);
    await r.book.delivered(warning(12, { action: 'cancel', issue: 10 }), current, T0 + 15 * S);
    await r.clock.run(30 * MIN);
    expect(r.sirens()).toEqual(['0 red', '12000 red', '15000 all-clear']);
    expect(r.book.list().map((w) => [w.id, w.status])).toEqual([
      ['1/12', 'cancelled'],
      ['1/10', 'cancelled'],
    ]);
    expect(await kitFailure(r.book.answer('1/10', 11, { state: 'acknowledged' }))).toMatchObject({
      code: 'WARNING_CLOSED',
    });
    expect(r.acks).toEqual([]);
  });

  it('an update supersedes the warning it updates: the update sounds, the old one is closed', async () => {
    const r = await rig();
    await r.book.delivered(warning(10), current, T0);
    await r.clock.run(5 * S);
    await r.book.delivered(
      warning(11, { action: 'update', issue: 10, body: { colour: 'orange', level: 2 } }),
      current,
      T0 + 5 * S,
    );
    await r.clock.run(20 * S);
    expect(r.sirens()).toEqual(['0 red', '5000 orange', '17000 orange']);
    expect(r.book.list().map((w) => [w.id, w.status, w.thread])).toEqual([
      ['1/11', 'active', '1/10'],
      ['1/10', 'superseded', '1/10'],
    ]);
    expect((await kitFailure(r.book.answer('1/10', 11, { state: 'acted' }))).code).toBe('WARNING_CLOSED');
    expect(await r.book.answer('1/11', 11, { state: 'acted', evacuated: 12 })).toEqual({
      sending: 'at-once',
    });
    await r.clock.run(MIN);
    expect(r.sirens(25 * S)).toEqual([]);
  });

  it('history is kept and shown superseded, never sounded, and a late cancel does not close the thread', async () => {
    const r = await rig();
    await r.book.delivered(warning(10), current, T0);
    await r.book.delivered(warning(12, { action: 'update', issue: 10 }), current, T0);
    await r.book.answer('1/12', 11, { state: 'acknowledged' });
    const late = { current: false, reason: 'warning 1/12 (update) is current on thread 3:1/10' };
    await r.book.delivered(warning(11, { action: 'cancel', issue: 10 }), late, T0 + S);
    // An older warning of a thread never seen here: history too, and silent.
    await r.book.delivered(warning(20, { body: { colour: 'orange', level: 2 } }), late, T0 + S);
    await r.clock.run(10 * MIN);
    expect(r.sirens().filter((s) => !s.startsWith('0 '))).toEqual([]);
    expect(r.recorded.events.filter((e) => e.event === 'siren' && e.pattern !== 'red')).toEqual([]);
    expect(r.book.get('1/11')).toMatchObject({ status: 'superseded', history: late.reason });
    expect(r.book.get('1/20')).toMatchObject({ status: 'superseded', history: late.reason });
    expect(r.book.get('1/12')?.status).toBe('active');
  });

  it('an expired warning stops sounding and cannot be answered; the book says when it expired', async () => {
    const r = await rig();
    await r.book.delivered(warning(10, { body: { expires: (T0 + 30 * S) / 1000 } }), current, T0);
    await r.clock.run(MIN);
    expect(r.sirens()).toEqual(['0 red', '12000 red', '24000 red']);
    expect(r.book.get('1/10')?.status).toBe('expired');
    expect(r.changed.filter((id) => id === '1/10')).toHaveLength(2); // delivered, then expired
    expect(await kitFailure(r.book.answer('1/10', 11, { state: 'acknowledged' }))).toMatchObject({
      code: 'WARNING_CLOSED',
    });
    expect(r.acks).toEqual([]);
    expect(await kitFailure(r.book.answer('1/99', 11, { state: 'acknowledged' }))).toMatchObject({
      code: 'WARNING_UNKNOWN',
    });
  });

  it('the same warning delivered twice is kept once', async () => {
    const r = await rig();
    await r.book.delivered(warning(10), current, T0);
    await r.book.delivered(warning(10), current, T0 + S);
    expect(r.book.list()).toHaveLength(1);
    expect(r.book.get('1/10')?.receivedAt).toBe(T0);
    expect((await journal(r)).filter((l) => l.t === 'warning')).toHaveLength(1);
  });

  it('an answer an ack cannot carry is refused before it is kept or silences anything', async () => {
    const r = await rig();
    await r.book.delivered(warning(10), current, T0);
    const note = '山洪'.repeat(40); // 240 bytes of UTF-8: over the ack's 200
    expect((await kitFailure(r.book.answer('1/10', 11, { state: 'acted', note }))).code).toBe(
      'WIRE_ENCODE_INVALID',
    );
    await r.clock.run(20 * S);
    expect(r.book.get('1/10')).toMatchObject({ alarm: 'sounding', persons: [{ state: 'unanswered' }] });
    expect((await journal(r)).map((l) => l.t)).toEqual(['warning']);
  });
});

describe("the centre's re-alarm", () => {
  it('sounds an answered warning again for a person still silent, with 再次提醒', async () => {
    const { log, lines } = recordingLogger();
    const r = await rig({ log });
    await r.book.delivered(warning(10, { body: { persons: [{ node: 2101, person: 12 }] } }), current, T0);
    await r.book.answer('1/10', 11, { state: 'acknowledged' });
    await r.clock.run(5 * MIN);
    expect(r.sirens()).toEqual(['0 red']);

    r.book.control(realarm(30, 10, [12]), current);
    await r.clock.run(20 * S);
    expect(r.sirens(5 * MIN)).toEqual([`${5 * MIN} red`, `${5 * MIN + 12 * S} red`]);
    expect(r.spoken().at(-1)).toContain('再次提醒');
    expect(r.book.get('1/10')?.realarms).toEqual([
      { at: T0 + 5 * MIN, control: '1/30', persons: [12], outcome: 'realarmed' },
    ]);
    expect(lines.some((l) => l.msg.includes('re-alarm of 1/10 from the centre: realarmed'))).toBe(true);
    await r.book.answer('1/10', 12, { state: 'acknowledged' });
    await r.book.close();
    expect((await journal(r)).map((l) => l.t)).toContain('realarm');
  });

  it('does not sound for persons who all answered here, for a late control message, or for a warning not held here', async () => {
    const r = await rig();
    await r.book.delivered(warning(10), current, T0);
    await r.book.answer('1/10', 11, { state: 'acknowledged' });
    await r.clock.run(MIN);
    const before = r.sirens().length;

    r.book.control(realarm(30, 10, [11]), current);
    // History by the core's word (a newer control message of the issuer was applied first) ...
    r.book.control(realarm(31, 10, [12]), {
      current: false,
      reason: 'control 1/40 of issuer 3 was applied first',
    });
    r.book.control(realarm(33, 10, [12]), current);
    // ... and by the book's own order: one no newer than a re-alarm it acted on.
    r.book.control(realarm(32, 10, [12]), current);
    r.book.control(realarm(34, 99, [12]), current);
    // A control message without a re-alarm is none of the book's business.
    r.book.control({ ...realarm(35, 10, []), body: { issuer: 3, time: T0 / 1000 } }, current);
    expect(r.book.get('1/10')?.realarms.map((x) => [x.control, x.outcome])).toEqual([
      ['1/30', 'answered-here'],
      ['1/31', 'history'],
      ['1/33', 'realarmed'],
      ['1/32', 'history'],
    ]);
    await r.clock.run(5 * S);
    expect(r.sirens().length).toBe(before + 1); // 33 alone
    await r.book.close();
    const kept = (await journal(r)).filter((l) => l.t === 'realarm').map((l) => [l.control, l.outcome]);
    expect(kept).toEqual([
      ['1/30', 'answered-here'],
      ['1/31', 'history'],
      ['1/33', 'realarmed'],
      ['1/32', 'history'],
      ['1/34', 'unknown'],
    ]);
  });
});
