import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { ScriptedNetwork } from './scripted-network.js';

const IMEI = '300534060000001';
const req = (momsn: number, mo?: string) => ({
  imei: IMEI,
  momsn,
  mo: mo === undefined ? undefined : Buffer.from(mo),
  at: 0,
});

describe('ScriptedNetwork', () => {
  it('queues MT messages FIFO with MTMSNs from 1, at most 50', () => {
    const net = new ScriptedNetwork({ clock: new VirtualClock() });
    for (let i = 0; i < 50; i++) expect(net.queueMt(IMEI, Buffer.from([i]))).toBe(i + 1);
    expect(net.queueMt(IMEI, Buffer.from([99]))).toBeUndefined();
    const first = net.session(req(0));
    expect(first.mt?.mtmsn).toBe(1);
    expect(first.mtQueued).toBe(49);
    expect(net.session(req(1)).mt?.payload).toEqual(Uint8Array.from([1]));
  });

  it('records MO messages, not mailbox checks, and fails sessions on request', () => {
    const net = new ScriptedNetwork({ clock: new VirtualClock() });
    net.failNextSessions(35);
    expect(net.session(req(0, 'a')).moStatus).toBe(35);
    expect(net.session(req(0, 'a')).moStatus).toBe(0);
    expect(net.session(req(1)).moStatus).toBe(0);
    expect(net.delivered.map((d) => d.momsn)).toEqual([0]);
    expect(net.sessions).toHaveLength(3);
  });

  it('rings at once and 20 s later while the MT is queued; no new ring within 10 s', () => {
    const clock = new VirtualClock();
    const net = new ScriptedNetwork({ clock });
    const rings: number[] = [];
    const detach = net.attachRing(IMEI, () => rings.push(clock.now()));
    net.queueMt(IMEI, Buffer.from('a'));
    clock.advance(5_000);
    net.queueMt(IMEI, Buffer.from('b'));
    clock.advance(60_000);
    expect(rings).toEqual([0, 20_000]);
    detach();
    net.queueMt(IMEI, Buffer.from('c'));
    expect(rings).toHaveLength(2);
  });

  it('loopback: an MO comes back as the next MT', () => {
    const net = new ScriptedNetwork({ clock: new VirtualClock(), loopback: true });
    expect(net.session(req(0, 'ping')).mt).toBeUndefined();
    expect(Buffer.from(net.session(req(1)).mt?.payload ?? []).toString()).toBe('ping');
  });
});
