/**
 * Tests for simulated-network.ts and mt-queue.ts (docs/iridium.md §1.3, §1.4, §2.4, §7.4) on
 * a virtual clock: sessions, the MT queue (FIFO, ≤ 50, ≤ 270 B, flush, MTMSN), ring alerts and
 * the second one 20 s later, credits, injected gateway failures.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { MtQueues } from './mt-queue.js';
import { type MoDelivery, SimulatedIridiumNetwork } from './simulated-network.js';

const IMEI = '300434060000010';
const AT = Date.UTC(2026, 6, 13, 19, 20, 0);

function setup(opts: ConstructorParameters<typeof SimulatedIridiumNetwork>[0] = {}) {
  const clock = new VirtualClock();
  const network = new SimulatedIridiumNetwork({ clock, ...opts });
  const rings: number[] = [];
  network.attachRing(IMEI, () => rings.push(clock.now()));
  const mos: MoDelivery[] = [];
  network.on('mo', (mo) => mos.push(mo));
  return { clock, network, rings, mos };
}

describe('SimulatedIridiumNetwork sessions', () => {
  it('delivers the MO message and hands back the oldest MT with its MTMSN and what is left', () => {
    const { network, mos } = setup();
    expect(network.queueMt(IMEI, Uint8Array.of(1))).toEqual({ ok: true, mtmsn: 1, position: 1 });
    expect(network.queueMt(IMEI, Uint8Array.of(2))).toEqual({ ok: true, mtmsn: 2, position: 2 });
    const r = network.session({ imei: IMEI, momsn: 75, mo: Uint8Array.of(0xaa, 0xbb), at: AT });
    expect(r).toEqual({ moStatus: 0, mt: { mtmsn: 1, payload: Uint8Array.of(1) }, mtQueued: 1 });
    expect(mos).toEqual([
      expect.objectContaining({
        imei: IMEI,
        momsn: 75,
        mtmsn: 1,
        at: AT,
        payload: Uint8Array.of(0xaa, 0xbb),
        sessionStatus: 0,
      }),
    ]);
    const check = network.session({ imei: IMEI, momsn: 76, mo: undefined, at: AT + 1000 });
    expect(check).toEqual({ moStatus: 0, mt: { mtmsn: 2, payload: Uint8Array.of(2) }, mtQueued: 0 });
    expect(mos[1]).toMatchObject({ momsn: 76, payload: undefined });
    expect(mos[1]?.cdr).not.toBe(mos[0]?.cdr);
    expect(network.session({ imei: IMEI, momsn: 77, mo: undefined, at: AT })).toEqual({
      moStatus: 0,
      mtQueued: 0,
    });
  });

  it('copies what it is given: changing the arrays afterwards changes nothing delivered', () => {
    const { network, mos } = setup();
    const mt = Uint8Array.of(5, 5);
    network.queueMt(IMEI, mt);
    mt.fill(0);
    const mo = Uint8Array.of(7);
    const r = network.session({ imei: IMEI, momsn: 1, mo, at: AT });
    mo.fill(0);
    expect(r.mt?.payload).toEqual(Uint8Array.of(5, 5));
    expect(mos[0]?.payload).toEqual(Uint8Array.of(7));
  });

  it('bills credits per message: ⌈bytes/50⌉ at least 1 each way, a mailbox check 1', () => {
    const { network } = setup();
    network.queueMt(IMEI, new Uint8Array(120));
    network.session({ imei: IMEI, momsn: 1, mo: new Uint8Array(54), at: AT }); // 2 + 3
    network.session({ imei: IMEI, momsn: 2, mo: undefined, at: AT }); // 1
    network.session({ imei: IMEI, momsn: 3, mo: new Uint8Array(50), at: AT }); // 1
    expect(network.account(IMEI)).toMatchObject({
      sessions: 3,
      moMessages: 2,
      mailboxChecks: 1,
      moBytes: 104,
      mtBytes: 120,
      moCredits: 4,
      mtCredits: 3,
      lastMomsn: 3,
    });
  });

  it('an injected gateway failure records, bills and dequeues nothing', () => {
    let status: number | undefined = 35;
    const { network, mos } = setup({ gatewayStatus: () => status });
    network.queueMt(IMEI, Uint8Array.of(1));
    expect(network.session({ imei: IMEI, momsn: 9, mo: Uint8Array.of(1), at: AT })).toEqual({
      moStatus: 35,
      mtQueued: 1,
    });
    expect(mos).toEqual([]);
    expect(network.account(IMEI)).toMatchObject({
      sessions: 0,
      failedSessions: 1,
      moCredits: 0,
      lastMomsn: undefined,
    });
    status = 2; // success with a location update refused
    expect(network.session({ imei: IMEI, momsn: 9, mo: Uint8Array.of(1), at: AT })).toMatchObject({
      moStatus: 2,
      mtQueued: 0,
    });
    expect(mos).toHaveLength(1);
  });

  it('refuses an MO message outside 1..340 bytes as a programmer error', () => {
    const { network } = setup();
    expect(() => network.session({ imei: IMEI, momsn: 0, mo: new Uint8Array(341), at: AT })).toThrow(
      RangeError,
    );
    expect(() => network.session({ imei: IMEI, momsn: 0, mo: new Uint8Array(0), at: AT })).toThrow(
      RangeError,
    );
  });
});

describe('the MT queue', () => {
  it('holds 50 per IMEI, FIFO, each at most 270 bytes; flush empties it', () => {
    const { network } = setup();
    for (let i = 0; i < 50; i++)
      expect(network.queueMt(IMEI, Uint8Array.of(i))).toMatchObject({ ok: true, position: i + 1 });
    expect(network.queueMt(IMEI, Uint8Array.of(99))).toEqual({ ok: false, reason: 'queue-full' });
    expect(network.queueMt('300434060000011', Uint8Array.of(1))).toMatchObject({ ok: true, position: 1 });
    expect(network.queueMt('300434060000011', new Uint8Array(271))).toEqual({
      ok: false,
      reason: 'too-large',
    });
    expect(network.queueMt('300434060000011', new Uint8Array(270))).toMatchObject({ ok: true });
    const order: number[] = [];
    for (let i = 0; i < 3; i++)
      order.push(network.session({ imei: IMEI, momsn: i, mo: undefined, at: AT }).mt?.payload[0] ?? -1);
    expect(order).toEqual([0, 1, 2]);
    expect(network.queueMt(IMEI, Uint8Array.of(7), { flush: true })).toMatchObject({ ok: true, position: 1 });
    expect(network.queued(IMEI)).toBe(1);
  });

  it('assigns MTMSNs 1…65535 and wraps to 1, or takes the client one', () => {
    const q = new MtQueues({ maxQueued: 70_000 });
    let last = 0;
    for (let i = 0; i < 65_536; i++) {
      const r = q.enqueue(IMEI, Uint8Array.of(1));
      if (r.ok) last = r.mtmsn;
      q.dequeue(IMEI);
    }
    expect(last).toBe(1);
    expect(q.enqueue(IMEI, Uint8Array.of(1), 4242)).toMatchObject({ ok: true, mtmsn: 4242 });
    expect(q.enqueue(IMEI, Uint8Array.of(1), 0)).toEqual({ ok: false, reason: 'mtmsn-range' });
    expect(q.enqueue(IMEI, new Uint8Array())).toEqual({ ok: false, reason: 'empty' });
  });
});

describe('ring alerts', () => {
  it('rings when an MT is queued and again 20 s later if nobody came for it', () => {
    const { clock, network, rings } = setup();
    network.queueMt(IMEI, Uint8Array.of(1));
    clock.advance(0);
    expect(rings).toEqual([0]);
    clock.advance(19_999);
    expect(rings).toEqual([0]);
    clock.advance(1);
    expect(rings).toEqual([0, 20_000]);
    clock.advance(600_000);
    expect(rings).toHaveLength(2); // none after that until a new MT is queued
    expect(network.account(IMEI).ringAlerts).toBe(2);
  });

  it('does not ring a second time once a session has fetched the message', () => {
    const { clock, network, rings } = setup();
    network.queueMt(IMEI, Uint8Array.of(1));
    clock.advance(5_000);
    network.session({ imei: IMEI, momsn: 0, mo: undefined, at: AT });
    clock.advance(60_000);
    expect(rings).toEqual([0]);
  });

  it('does not ring again for an MT queued within 10 s of the first; rings anew after a session', () => {
    const { clock, network, rings } = setup();
    network.queueMt(IMEI, Uint8Array.of(1));
    clock.advance(4_000);
    network.queueMt(IMEI, Uint8Array.of(2));
    clock.advance(4_000);
    expect(rings).toEqual([0]);
    network.session({ imei: IMEI, momsn: 0, mo: undefined, at: AT });
    network.queueMt(IMEI, Uint8Array.of(3));
    clock.advance(0);
    expect(rings).toEqual([0, 8_000]);
  });

  it('reaches every modem attached for the IMEI, and none after detaching or close()', () => {
    const { clock, network, rings } = setup();
    const other: number[] = [];
    const detach = network.attachRing(IMEI, () => other.push(clock.now()));
    network.queueMt(IMEI, Uint8Array.of(1));
    clock.advance(0);
    expect([rings.length, other.length]).toEqual([1, 1]);
    detach();
    network.close();
    clock.advance(30_000);
    expect([rings.length, other.length]).toEqual([1, 1]);
    network.queueMt(IMEI, Uint8Array.of(2));
    clock.runUntilIdle();
    expect(rings).toHaveLength(1);
  });
});
