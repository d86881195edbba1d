/**
 * The kit's word that it holds a warning (docs/warnings.md §The kit's word that it holds it), in
 * the real book with its journal in a temporary directory and its timers on a stepping clock: a
 * warning that reaches beyond the kit's area is confirmed after a random part of the spread, not
 * at once, and not at all when an answer goes first; one for the kit's own area at once; a stop
 * sends the word still waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TOWNSHIP_A, VILLAGE_B1 } from '../warnings-fixtures.js';
import { current, kitRigs, S, T0, warning } from './kit-warnings-fixtures.js';

const rigs = kitRigs();
const rig = rigs.make;
afterEach(rigs.closeAll);

/** The township's warning: every village kit of it heard the same broadcast. */
const township = (seq: number) => warning(seq, { body: { areas: [TOWNSHIP_A] } });

describe('the kit says it holds a warning', () => {
  it('after a random part of the spread when the warning reaches beyond its area, not at once', async () => {
    const r = await rig({ random: () => 0.5 });
    await r.book.delivered(township(10), current, T0);
    expect(r.held).toEqual([]);
    await r.clock.run(15 * S - 1);
    expect(r.held).toEqual([]);
    await r.clock.run(1);
    expect(r.held).toEqual(['1/10']);
    await r.clock.run(60 * S);
    expect(r.held).toEqual(['1/10']);
  });

  it('not at all when an answer goes first: the answer tells the centre the kit holds it', async () => {
    const r = await rig({ random: () => 0.9 });
    await r.book.delivered(township(10), current, T0);
    await r.clock.run(5 * S);
    expect(await r.book.answer('1/10', 11, { state: 'acknowledged' })).toEqual({ sending: 'at-once' });
    await r.clock.run(60 * S);
    expect(r.held).toEqual([]);
    expect(r.acks.map((a) => a.body)).toEqual([
      { warning: { origin: 1, seq: 10 }, state: 'acknowledged', person: 11 },
    ]);
  });

  it('at once for a warning of its own area alone, or with no spread', async () => {
    const own = await rig({ random: () => 0.9 });
    await own.book.delivered(warning(10), current, T0);
    expect(own.held).toEqual(['1/10']);
    const none = await rig({ random: () => 0.9, deliveredSpreadMs: 0 });
    await none.book.delivered(township(11), current, T0);
    expect(none.held).toEqual(['1/11']);
  });

  it('within the spread whatever the draw, and a stop sends the word still waiting', async () => {
    const r = await rig({ random: () => 0.999_999 });
    await r.book.delivered(township(10), current, T0);
    await r.clock.run(30 * S);
    expect(r.held).toEqual(['1/10']);
    const stopping = await rig({ random: () => 0.9 });
    await stopping.book.delivered(township(12), current, T0);
    expect(stopping.held).toEqual([]);
    await stopping.book.close();
    expect(stopping.held).toEqual(['1/12']);
  });

  it('for a cancel of a thread it held or that calls someone here, so that the centre stops sending it', async () => {
    // Said at once: the spread is not what this asks about.
    const r = await rig({ deliveredSpreadMs: 0 });
    await r.book.delivered(warning(10, { body: { areas: [VILLAGE_B1] } }), current, T0);
    // Held here, though it calls no one here (another village's): the cancel ends it here.
    await r.book.delivered(
      warning(12, { action: 'cancel', issue: 10, body: { areas: [VILLAGE_B1] } }),
      current,
      T0 + 2 * S,
    );
    expect(r.held).toEqual(['1/12']);
    // Never held here, but its thread calls this village's 防汛责任人: the centre sends it here.
    await r.book.delivered(warning(21, { action: 'cancel', issue: 20 }), current, T0 + 3 * S);
    expect(r.held).toEqual(['1/12', '1/21']);
    // Neither: it ends nothing here, and says nothing.
    await r.book.delivered(
      warning(31, { action: 'cancel', issue: 30, body: { areas: [VILLAGE_B1] } }),
      current,
      T0 + 4 * S,
    );
    await r.clock.run(60 * S);
    expect(r.held).toEqual(['1/12', '1/21']);
  });
});
