import { describe, expect, it } from 'vitest';
import { queuedMeta } from '../../test/meta-fixture.js';
import { VOUCHED_DETAIL } from '../core/apply-receipt.js';
import { addEvent, MAX_EVENTS, type MessageMeta } from '../store/records.js';
import { deliveryView } from './delivery-view.js';

const reached = (m: MessageMeta) =>
  Object.fromEntries(deliveryView(m).steps.map((s) => [s.step, s.reached ? (s.at ?? 'no time') : false]));

describe('how far a message got', () => {
  it('is queued only, with where it is due, before any link took it', () => {
    const m = queuedMeta('2107/5', 1, { mesh0: 100 });
    m.events.push({ at: 10, state: 'queued' });
    expect(reached(m)).toEqual({
      queued: 10,
      sent: false,
      custody: false,
      received: false,
      acknowledged: false,
    });
    expect(deliveryView(m)).toMatchObject({
      kind: 'report',
      outcome: 'open',
      due: [{ link: 'mesh0', at: 100, attempts: 0 }],
    });
  });

  it('names each link that took it and the relay that took custody, never skipping custody into received', () => {
    const m = queuedMeta('2107/5', 1, {});
    m.events.push(
      { at: 10, state: 'queued' },
      { at: 20, state: 'sent', link: 'mesh0' },
      { at: 30, state: 'sent', link: 'sbd0' },
    );
    m.events.push({ at: 40, state: 'custody', node: 3001 });
    m.state = 'custody';
    m.custodyBy = 3001;
    m.txBytes = 80;
    m.credits = 2;
    const v = deliveryView(m);
    expect(reached(m)).toEqual({ queued: 10, sent: 20, custody: 40, received: false, acknowledged: false });
    expect(v.steps[1]?.links).toEqual(['mesh0', 'sbd0']);
    expect(v.steps[2]?.node).toBe(3001);
    expect([v.txBytes, v.credits]).toEqual([80, 2]);
  });

  it('shows a step the state proves but whose event was dropped as reached without a time', () => {
    const m = queuedMeta('2107/5', 1, {});
    addEvent(m, { at: 1, state: 'queued' });
    for (let i = 0; i < MAX_EVENTS + 5; i++)
      addEvent(m, { at: 100 + i, state: 'queued', link: 'mesh0', detail: 'BUSY' });
    m.state = 'received';
    m.done = true;
    addEvent(m, { at: 999, state: 'received', node: 1 });
    expect(reached(m)).toEqual({
      queued: 1,
      sent: 'no time',
      custody: false,
      received: 999,
      acknowledged: false,
    });
    expect(deliveryView(m).outcome).toBe('done');
  });

  it('names the custodian that passed on a receipt as such, not as the destination', () => {
    const m = queuedMeta('2107/6', 1, {});
    addEvent(m, { at: 1, state: 'queued' });
    addEvent(m, { at: 2, state: 'sent', link: 'mesh0' });
    addEvent(m, { at: 3, state: 'received', node: 3001, detail: VOUCHED_DETAIL });
    m.state = 'received';
    const received = deliveryView(m).steps.find((s) => s.step === 'received');
    expect(received).toEqual({ step: 'received', reached: true, at: 3, passedOnBy: 3001 });
    m.events[2] = { at: 3, state: 'received', node: 1 };
    expect(deliveryView(m).steps.find((s) => s.step === 'received')).toEqual({
      step: 'received',
      reached: true,
      at: 3,
      node: 1,
    });
  });

  it('says expired and failed as outcomes, not as progress', () => {
    const m = queuedMeta('2107/5', 0, {});
    m.events.push({ at: 1, state: 'queued' }, { at: 9, state: 'expired' });
    m.state = 'expired';
    m.done = true;
    expect(deliveryView(m).outcome).toBe('expired');
    expect(reached(m).sent).toBe(false);
  });
});
