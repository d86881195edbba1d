/**
 * At a kit on a busy channel, the answers behind an unconfirmed ack go together when the time to
 * answer ends, or as soon as nobody called here is left to answer (docs/warnings.md §Answers travel
 * together), in the real book with its journal in a temporary directory and its timers on a
 * stepping clock. Before, they went every 90 s (the hold), one ack each time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FLOOD, GRID, VILLAGE_A2 } from '../warnings-fixtures.js';
import { current, type KitRig, kitRigs, MIN, S, T0, warning } from './kit-warnings-fixtures.js';

const rigs = kitRigs();
const rig = rigs.make;
afterEach(rigs.closeAll);

const persons = (r: KitRig) =>
  r.acks.map((a) => [a.body.person, ...(a.body.others ?? []).map((o) => o.person)]);

describe('answers behind an unconfirmed ack', () => {
  it('go together when the five minutes to answer end, not every 90 s', async () => {
    const r = await rig({ ackIds: true });
    // A warning for 防汛责任人 and 网格员: persons 11 and 12 are called here; 1 and 2 answer uncalled.
    await r.book.delivered(warning(10, { body: { roles: [FLOOD, GRID] } }), current, T0);
    await r.clock.run(30 * S);
    await r.book.answer('1/10', 1, { state: 'acknowledged' });
    await r.clock.run(30 * S);
    await r.book.answer('1/10', 2, { state: 'acknowledged' });
    await r.clock.run(30 * S);
    await r.book.answer('1/10', 11, { state: 'acknowledged' });
    await r.clock.run(5 * MIN - 90 * S - 1);
    expect(persons(r)).toEqual([[1]]);
    await r.clock.run(1);
    expect(persons(r)).toEqual([[1], [2, 11]]);
  });

  it('go a minute before the end at a kit whose clock is untrusted', async () => {
    const r = await rig({ ackIds: true, clockTrusted: () => false });
    await r.book.delivered(warning(10, { body: { roles: [FLOOD, GRID] } }), current, T0);
    await r.book.answer('1/10', 1, { state: 'acknowledged' });
    await r.clock.run(30 * S);
    await r.book.answer('1/10', 2, { state: 'acknowledged' });
    // The centre cannot measure how late this kit's answers arrive: they leave so as to reach it
    // before it re-alarms (HELD_ANSWERS_LEAD_MS).
    await r.clock.run(4 * MIN - 30 * S - 1);
    expect(persons(r)).toEqual([[1]]);
    await r.clock.run(1);
    expect(persons(r)).toEqual([[1], [2]]);
  });

  it('go a quarter of the time to answer before it ends, where that is shorter than a minute', async () => {
    const r = await rig({ ackIds: true, answerWithinMs: 3 * MIN, clockTrusted: () => false });
    await r.book.delivered(warning(10, { body: { roles: [FLOOD, GRID] } }), current, T0);
    await r.book.answer('1/10', 1, { state: 'acknowledged' });
    await r.clock.run(20 * S);
    await r.book.answer('1/10', 2, { state: 'acknowledged' });
    // Past its own 90 s hold (from 30 s), it waits on until 45 s before the three minutes end.
    await r.clock.run(3 * MIN - 45 * S - 20 * S - 1);
    expect(persons(r)).toEqual([[1]]);
    await r.clock.run(1);
    expect(persons(r)).toEqual([[1], [2]]);
  });

  it('go as soon as everyone called here has answered', async () => {
    const r = await rig({ ackIds: true });
    await r.book.delivered(warning(10, { body: { roles: [FLOOD, GRID] } }), current, T0);
    await r.clock.run(30 * S);
    await r.book.answer('1/10', 11, { state: 'acknowledged' });
    await r.clock.run(30 * S);
    await r.book.answer('1/10', 1, { state: 'acknowledged' });
    await r.clock.run(30 * S);
    await r.book.answer('1/10', 12, { state: 'acted', evacuated: 5 });
    expect(persons(r)).toEqual([[11], [1, 12]]);
    expect(r.acks[1]?.body).toMatchObject({
      person: 1,
      others: [{ person: 12, state: 'acted', evacuated: 5 }],
    });
    await r.clock.run(10 * MIN);
    expect(persons(r)).toHaveLength(2);
  });

  it('wait out the hold when the warning calls nobody here, however many answer uncalled', async () => {
    const r = await rig({ ackIds: true });
    // Calls the 防汛责任人 of another village: nobody at this kit.
    await r.book.delivered(warning(10, { body: { areas: [VILLAGE_A2] } }), current, T0);
    await r.clock.run(30 * S);
    await r.book.answer('1/10', 2, { state: 'acknowledged' });
    await r.clock.run(30 * S);
    await r.book.answer('1/10', 1, { state: 'acknowledged' });
    await r.clock.run(60 * S);
    expect(persons(r)).toEqual([[2]]);
  });

  it('wait no more than the time to answer when the clock that stamped the warning was hours ahead, then set back', async () => {
    const r = await rig({ ackIds: true });
    // The kit's clock read three hours ahead when the warning came, and was corrected back to T0.
    await r.book.delivered(warning(10, { body: { roles: [FLOOD, GRID] } }), current, T0 + 3 * 60 * MIN);
    await r.book.answer('1/10', 11, { state: 'acknowledged' });
    await r.clock.run(30 * S);
    // Uncalled: person 12 is still silent, so nothing releases the hold early.
    await r.book.answer('1/10', 1, { state: 'acknowledged' });
    // The hold is at most the five minutes to answer from when the answer came to wait, not 3 h.
    await r.clock.run(5 * MIN - 1);
    expect(persons(r)).toEqual([[11]]);
    await r.clock.run(1);
    expect(persons(r)).toEqual([[11], [1]]);
  });
});
