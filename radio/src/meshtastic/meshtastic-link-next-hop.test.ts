/**
 * MeshtasticLink naming the packet a direct message answers (answered-packets.ts; docs/meshtastic.md
 * §5.2 "Learning"; docs/store-and-forward.md §Airtime on the mesh) on the faithful simulator: a
 * frame back to a node names that node's last packet to us in `request_id`, so that 2.6+ radios
 * learn next hops from fieldnode's own answers although no radio ACK is ever asked for.
 *
 * The mesh is a diamond K — R1 — G and K — R2 — G on an idealised air: K and G do not hear each
 * other, and the two relays do not hear each other either. A DM that floods is relayed by both; one
 * that goes by a learnt next hop by one only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chainLinks } from '../../sim/meshtastic/mesh-network.js';
import { AnsweredPackets, LARGEST_NAMING_PAYLOAD, PACKET_HISTORY_MS } from './answered-packets.js';
import { closeMeshes, idealisedMesh, meshWait, until } from './test/idealised-mesh.js';

const K = 0x0a000011;
const R1 = 0x0b000022;
const R2 = 0x0c000033;
const G = 0x0d000044;

afterEach(closeMeshes);

/** The diamond, with links on K and G; every router event recorded. */
async function diamond(answerHeardPackets: boolean) {
  const { linked, events } = await idealisedMesh({
    nodes: [K, R1, R2, G],
    links: [
      { a: K, b: R1 },
      { a: K, b: R2 },
      { a: R1, b: G },
      { a: R2, b: G },
    ],
    linked: [K, G],
    seed: 7,
    link: { answerHeardPackets },
  });
  const [k, g] = linked;
  if (k === undefined || g === undefined) throw new Error('two linked radios expected');
  /** Relays of `from`'s packets by R1 and R2 that went on air. */
  const relaysOf = (from: number) =>
    events.filter((e) => e.type === 'tx' && e.from === from && (e.node === R1 || e.node === R2));
  /** Quiet for long enough that every relay or retransmission waiting has gone. */
  const settle = () => meshWait(40_000);
  return { k: k.radio, g: g.radio, atK: k.frames, atG: g.frames, events, relaysOf, settle };
}

/**
 * K sends a report, G answers it, K sends another (with `reach` for the second): which relays
 * transmitted K's second report, and what K learnt.
 */
async function reportAnswerReport(answerHeardPackets: boolean, reach?: 'heard') {
  const { k, g, atK, atG, relaysOf, settle, events } = await diamond(answerHeardPackets);
  const dm = { linkAck: 'none' } as const;
  expect(await k.link.send(Uint8Array.of(0x01), { to: g.address, ...dm })).toMatchObject({ ok: true });
  await until(() => atG.some((f) => f.bytes[0] === 0x01));
  await settle();
  expect(await g.link.send(Uint8Array.of(0x02), { to: k.address, ...dm })).toMatchObject({ ok: true });
  await until(() => atK.some((f) => f.bytes[0] === 0x02));
  await settle();
  const before = relaysOf(K).length;
  const second = { to: g.address, ...dm, ...(reach !== undefined && { reach }) };
  expect(await k.link.send(Uint8Array.of(0x03), second)).toMatchObject({ ok: true });
  await until(() => atG.some((f) => f.bytes[0] === 0x03));
  await settle();
  const learnt = events.filter((e) => e.type === 'next-hop-learnt' && e.node === K && e.from === G);
  const secondRelays = relaysOf(K)
    .slice(before)
    .map((e) => e.node);
  return { secondRelays, learnt, firstReportRelays: before };
}

describe('a direct message names the packet it answers', () => {
  it('the answer teaches K a next hop to G; K\u2019s next frame, sent as far as G was heard, costs one relay', async () => {
    const { secondRelays, learnt, firstReportRelays } = await reportAnswerReport(true, 'heard');
    // The first report flooded: both relays carried it.
    expect(firstReportRelays).toBe(2);
    expect(learnt.length).toBe(1);
    expect(secondRelays).toEqual([learnt[0]?.nextHop === (R1 & 0xff) ? R1 : R2]);
  });

  it('sent with hops to spare, the chosen relay also floods a fallback copy: G never relays it back', async () => {
    const { secondRelays, learnt } = await reportAnswerReport(true);
    expect(learnt.length).toBe(1);
    // One relay only, twice: its copy to G, then (no implicit ACK from the destination) its
    // retransmission, flooded (docs/meshtastic.md §5.2 "Retransmissions").
    expect(secondRelays.length).toBe(2);
    expect(new Set(secondRelays).size).toBe(1);
  });

  it('without it (answerHeardPackets false), nothing is learnt and every frame floods', async () => {
    const { secondRelays, learnt } = await reportAnswerReport(false, 'heard');
    expect(learnt).toEqual([]);
    expect(new Set(secondRelays)).toEqual(new Set([R1, R2]));
  });
});

describe('what a frame names', () => {
  it('a frame too long to name a packet within the PKI limit names none, and teaches nothing', async () => {
    // A line K — R1 — G: one path, so that a long frame is not lost to the two relays of the
    // diamond transmitting at once where K hears both.
    const { linked, events } = await idealisedMesh({
      nodes: [K, R1, G],
      links: chainLinks([K, R1, G]),
      linked: [K, G],
      seed: 7,
      link: { mtu: 219, answerHeardPackets: true },
    });
    const [k, g] = linked;
    if (k === undefined || g === undefined) throw new Error('two linked radios expected');
    const dm = { linkAck: 'none' } as const;
    const learnt = () => events.filter((e) => e.type === 'next-hop-learnt' && e.node === K && e.from === G);
    expect(await k.radio.link.send(Uint8Array.of(0x01), { to: g.radio.address, ...dm })).toMatchObject({
      ok: true,
    });
    await until(() => g.frames.some((f) => f.bytes[0] === 0x01));
    await meshWait(40_000);
    const long = new Uint8Array(LARGEST_NAMING_PAYLOAD + 1).fill(0x02);
    expect(await g.radio.link.send(long, { to: k.radio.address, ...dm })).toMatchObject({ ok: true });
    await until(() => k.frames.some((f) => f.bytes[0] === 0x02));
    expect(learnt()).toEqual([]);
    // One byte shorter, it names K's packet: K learns.
    expect(await k.radio.link.send(Uint8Array.of(0x03), { to: g.radio.address, ...dm })).toMatchObject({
      ok: true,
    });
    await until(() => g.frames.some((f) => f.bytes[0] === 0x03));
    await meshWait(40_000);
    const fits = new Uint8Array(LARGEST_NAMING_PAYLOAD).fill(0x04);
    expect(await g.radio.link.send(fits, { to: k.radio.address, ...dm })).toMatchObject({ ok: true });
    await until(() => k.frames.some((f) => f.bytes[0] === 0x04));
    await until(() => learnt().length === 1);
  });
});

describe('AnsweredPackets', () => {
  it('names the latest packet from the destination while the radios still remember it', () => {
    const a = new AnsweredPackets();
    expect(a.answerTo(K, 0)).toBe(0);
    a.heard(K, 0x1234, 1000);
    a.heard(K, 0x5678, 2000);
    a.heard(G, 0x9abc, 2500);
    expect(a.answerTo(K, 3000)).toBe(0x5678);
    expect(a.answerTo(G, 3000)).toBe(0x9abc);
    expect(a.answerTo(K, 2000 + PACKET_HISTORY_MS)).toBe(0x5678);
    // Forgotten by every radio's packet history: naming it would teach nothing.
    expect(a.answerTo(K, 2001 + PACKET_HISTORY_MS)).toBe(0);
    // A clock that went back names nothing rather than a packet of unknown age.
    expect(a.answerTo(K, 1999)).toBe(0);
  });

  it('ignores id 0, and forgets the sender heard longest ago beyond its capacity', () => {
    const a = new AnsweredPackets(PACKET_HISTORY_MS, 2);
    a.heard(K, 0, 10);
    expect(a.answerTo(K, 10)).toBe(0);
    a.heard(K, 1, 10);
    a.heard(G, 2, 11);
    a.heard(K, 3, 12); // K heard again: now the newest
    a.heard(R1, 4, 13);
    expect(a.answerTo(G, 14)).toBe(0);
    expect(a.answerTo(K, 14)).toBe(3);
    expect(a.answerTo(R1, 14)).toBe(4);
    expect(() => new AnsweredPackets(PACKET_HISTORY_MS, 0)).toThrow(RangeError);
    expect(() => new AnsweredPackets(Number.NaN)).toThrow(RangeError);
  });
});
