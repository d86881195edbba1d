/**
 * Answers sent at least once (kit-answer-sender.ts; docs/warnings.md §The kit's warning book): an
 * ack the core took hands over every answer it carries, a person's answers merged into one; an
 * answer whose ack the core refused stays pending until an ack that says at least as much is
 * taken; and the ack's lifetime and priority.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../base/logger.js';
import { SteppingClock, type Timer } from '../../../link/clock.js';
import type { AckBody } from '../../../wire/kinds/ack.js';
import { ackSendingFor, KitAnswerSender } from './kit-answer-sender.js';
import type { HeldAnswer } from './kit-warning-status.js';
import { T0, warning } from './kit-warnings-fixtures.js';

function senderRig(refuse: (n: number) => boolean = () => false) {
  const clock = new SteppingClock(T0);
  const taken: AckBody[] = [];
  const handed: number[][] = [];
  let calls = 0;
  const sender = new KitAnswerSender({
    send: async (body) => {
      if (refuse(++calls)) throw new Error('the core is stopped');
      taken.push(body);
    },
    handedOver: async (n) => {
      handed.push(n);
    },
    windowMs: 10_000,
    setTimer: (fn, ms) => clock.after(ms, fn) as unknown as ReturnType<typeof setTimeout>,
    clearTimer: (t) => (t as unknown as Timer).cancel(),
    log: silentLogger,
  });
  let n = 0;
  const answer = (
    person: number,
    state: HeldAnswer['state'],
    more: Partial<HeldAnswer> = {},
  ): HeldAnswer => ({
    n: ++n,
    warning: '1/10',
    person,
    state,
    at: clock.now(),
    ...more,
  });
  return { clock, sender, taken, handed, answer };
}

describe('KitAnswerSender', () => {
  it("hands over every answer an ack carries, a person's answers of one window merged", async () => {
    const { clock, sender, taken, handed, answer } = senderRig();
    expect(sender.add(answer(11, 'acknowledged')).sending).toBe('at-once');
    expect(sender.add(answer(12, 'acknowledged')).sending).toBe('bundled');
    expect(sender.add(answer(12, 'acted', { evacuated: 5 })).sending).toBe('bundled');
    expect(sender.add(answer(13, 'acknowledged', { note: '桥断了' })).sending).toBe('bundled');
    await clock.run(10_000);
    expect(taken.map((b) => [b.person, b.state, b.evacuated, b.note])).toEqual([
      [11, 'acknowledged', undefined, undefined],
      [13, 'acknowledged', undefined, '桥断了'],
      [12, 'acted', 5, undefined],
    ]);
    expect(handed).toEqual([[1], [4], [2, 3]]);
    expect(sender.pending).toEqual(new Set());
  });

  it('an answer whose ack was refused stays pending until an ack that says as much is taken', async () => {
    const { clock, sender, taken, handed, answer } = senderRig((call) => call === 1);
    sender.add(answer(11, 'acted', { evacuated: 10 })); // refused
    await clock.run(0);
    expect(taken).toEqual([]);
    sender.add(answer(11, 'acknowledged')); // says less: does not cover the first
    await clock.run(10_000);
    expect(taken.map((b) => [b.person, b.state])).toEqual([[11, 'acknowledged']]);
    expect(handed).toEqual([[2]]);
    expect(sender.pending).toEqual(new Set([1]));

    sender.add(answer(11, 'acted', { evacuated: 12 })); // says more: covers it
    await clock.run(10_000);
    expect(handed).toEqual([[2], [1, 3]]);
    expect(sender.pending).toEqual(new Set());
  });
});

describe('ackSendingFor', () => {
  it('P0, the drill flag, and a lifetime past the expiry: at least 6 h, at most 3 days', () => {
    const w = warning(10); // expires at T0 + 6 h
    expect(ackSendingFor(w, T0)).toEqual({ exercise: false, priority: 0, lifetimeMin: 12 * 60 });
    expect(ackSendingFor(w, T0 + 7 * 3600_000)).toMatchObject({ lifetimeMin: 6 * 60 });
    const long = warning(11, { drill: true, body: { expires: T0 / 1000 + 10 * 86_400 } });
    expect(ackSendingFor(long, T0)).toEqual({ exercise: true, priority: 0, lifetimeMin: 3 * 24 * 60 });
  });
});
