/**
 * MeshtasticLink's airtime options (SendOptions `linkAck` and `reach`; docs/meshtastic.md §8.5;
 * docs/store-and-forward.md §Airtime on the mesh) on the faithful simulator: a DM the core
 * confirms itself goes without want_ack, so no radio ACK is made and relayed back; a frame for the
 * next hop only goes with the hop limit that neighbour's latest packet used up, so a radio beyond
 * it does not relay it.
 *
 * The mesh is a line C — A — B on an idealised air (nothing lost, a carrier sensed at once): C
 * hears A only, B hears A only. Whatever C transmits of A's packet is a relay nobody needed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundFrame } from '../../../node/src/link/link.js';
import { chainLinks } from '../../sim/meshtastic/mesh-network.js';
import { type SimRadio, scaledTimeouts } from '../../sim/meshtastic/sim-radio.js';
import { ModemPreset } from './constants.js';
import type { MeshtasticLinkTimeouts } from './meshtastic-link-options.js';
import { closeMeshes, idealisedMesh, meshWait, SPEEDUP, until } from './test/idealised-mesh.js';

const A = 0x0a000001;
const B = 0x0b000002;
const C = 0x0c000003;

afterEach(closeMeshes);

/** C — A — B, with a link on A and on B; every router event recorded. */
async function line(timeouts?: Partial<MeshtasticLinkTimeouts>) {
  const { linked, events } = await idealisedMesh({
    nodes: [C, A, B],
    links: chainLinks([C, A, B]),
    linked: [A, B],
    seed: 11,
    ...(timeouts && {
      link: { timeouts: { ...scaledTimeouts(SPEEDUP, ModemPreset.LONG_FAST), ...timeouts } },
    }),
  });
  const [a, b] = linked.map((l) => l.radio) as [SimRadio, SimRadio];
  const [atA, atB] = linked.map((l) => l.frames) as [InboundFrame[], InboundFrame[]];
  /** A's own packets that went on air from `node`: its first transmission, or relays. */
  const txOfA = (node: number) => events.filter((e) => e.type === 'tx' && e.node === node && e.from === A);
  return { a, b, atA, atB, events, txOfA };
}

describe('reach: a frame for the next hop only', () => {
  it('a custody signal to a direct neighbour goes with hop limit 0, and the radio beyond does not relay it', async () => {
    const { a, b, atA, atB, txOfA } = await line();
    // B is heard first (a frame straight from it: 0 hops away), as a custody signal answers a frame.
    expect(await b.link.send(Uint8Array.of(0x11))).toMatchObject({ ok: true });
    await until(() => atA.length === 1);
    expect(atA[0]?.meta?.hopsAway).toBe(0);

    // Sent once, confirmed by nothing the radio does: no want_ack (with it the firmware would
    // raise a hop limit of 0 to its configured one, docs/meshtastic.md §8.5).
    const signal = { to: b.address, reach: 'heard', linkAck: 'none' } as const;
    expect(await a.link.send(Uint8Array.of(0x22), signal)).toMatchObject({ ok: true });
    await until(() => atB.some((f) => f.bytes[0] === 0x22));
    const first = txOfA(A);
    expect(first.map((e) => e.hopLimit)).toEqual([0]);
    // Long enough for C to have relayed it (several contention windows on LONG_FAST, in mesh time).
    await meshWait(20_000);
    expect(txOfA(C)).toEqual([]);
  });

  it('with want_ack, a neighbour 0 hops away is sent to with hop limit 1: the firmware would raise a 0', async () => {
    const { a, b, atA, atB, txOfA } = await line();
    expect(await b.link.send(Uint8Array.of(0x12))).toMatchObject({ ok: true });
    await until(() => atA.length === 1);
    expect(await a.link.send(Uint8Array.of(0x23), { to: b.address, reach: 'heard' })).toMatchObject({
      ok: true,
    });
    await until(() => atB.some((f) => f.bytes[0] === 0x23));
    expect(txOfA(A).map((e) => e.hopLimit)).toEqual([1]);
  });

  it('a hop count heard longer ago than the fresh time says nothing: the usual hop limit', async () => {
    // Fresh for 100 ms of wall time, 5 s of mesh time.
    const { a, b, atA, atB, txOfA } = await line({ heardFreshMs: 100 });
    expect(await b.link.send(Uint8Array.of(0x13))).toMatchObject({ ok: true });
    await until(() => atA.length === 1);
    expect(atA[0]?.meta?.hopsAway).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    const signal = { to: b.address, reach: 'heard', linkAck: 'none' } as const;
    expect(await a.link.send(Uint8Array.of(0x24), signal)).toMatchObject({ ok: true });
    await until(() => atB.some((f) => f.bytes[0] === 0x24));
    expect(txOfA(A).map((e) => e.hopLimit)).toEqual([3]);
  });

  it('without reach, or to a node not yet heard, the usual hop limit: the radio beyond relays', async () => {
    const { a, b, atB, txOfA } = await line();
    // Nothing heard from B yet: reach 'heard' has nothing to go by.
    expect(
      await a.link.send(Uint8Array.of(0x33), { to: b.address, reach: 'heard', linkAck: 'none' }),
    ).toMatchObject({
      ok: true,
    });
    await until(() => atB.some((f) => f.bytes[0] === 0x33));
    expect(txOfA(A).map((e) => e.hopLimit)).toEqual([3]);
    await until(() => txOfA(C).length > 0);
  });
});

describe('linkAck none: the core confirms the frame itself', () => {
  it('a DM goes without want_ack: no ACK is made, and the send is ok once the radio took it', async () => {
    const { a, b, atB, events } = await line();
    const outcome = await a.link.send(Uint8Array.of(0x44), { to: b.address, linkAck: 'none' });
    expect(outcome).toMatchObject({ ok: true, ref: expect.stringMatching(/:queued$/) });
    await until(() => atB.some((f) => f.bytes[0] === 0x44));
    // B's radio answers nothing: no packet of B's own goes on air.
    await meshWait(20_000);
    expect(events.filter((e) => e.type === 'tx' && e.from === B)).toEqual([]);
  });

  it('without it, the DM asks for an ACK and B answers', async () => {
    const { a, b, events } = await line();
    expect(await a.link.send(Uint8Array.of(0x55), { to: b.address })).toMatchObject({
      ok: true,
      ref: /:ack$/,
    });
    expect(events.filter((e) => e.type === 'tx' && e.from === B).length).toBeGreaterThan(0);
  });
});
