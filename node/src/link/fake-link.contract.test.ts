/**
 * Tests for fake-link.ts: the shared link contract (contract.ts) over a fake pair and over two
 * links on a fake medium, then each fault knob (docs/conventions.md §Simulators and fakes, "Link layer").
 *
 * "Nothing more arrived" is shown without sleeping: fake links with equal delays deliver in send
 * order, so once a marker frame sent last has arrived, everything sent before it has had its chance.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runLinkContract } from './contract.js';
import {
  createFakeLinkPair,
  createFakeMedium,
  type FakeLink,
  type FakeLinkPairOptions,
} from './fake-link.js';
import type { InboundFrame, LinkState } from './link.js';

runLinkContract('fake pair', async () => {
  const [link, peer] = createFakeLinkPair();
  await peer.start();
  return { link, peer, teardown: async () => void (await Promise.all([link.stop(), peer.stop()])) };
});

runLinkContract('fake medium', async () => {
  const medium = createFakeMedium({ seed: 7 });
  const link = medium.attach({ id: 'm0', mtu: 64 });
  const peer = medium.attach({ id: 'm1', from: 'node-1', mtu: 64 });
  await peer.start();
  return { link, peer, teardown: async () => void (await Promise.all([link.stop(), peer.stop()])) };
});

const MARKER = 0xff;
const frame = (n: number, size = 4): Uint8Array => new Uint8Array(size).fill(n);

/** Everything `link` has received, with a way to wait for the marker frame. */
function inbox(link: FakeLink): { frames: InboundFrame[]; marker(): Promise<void>; values(): number[] } {
  const frames: InboundFrame[] = [];
  const waiters: (() => void)[] = [];
  link.on('frame', (f) => {
    if (f.bytes[0] === MARKER) for (const w of waiters.splice(0)) w();
    else frames.push(f);
  });
  return {
    frames,
    values: () => frames.map((f) => f.bytes[0] ?? -1),
    marker: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('marker frame did not arrive')), 2000);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

/** Sends the marker with every fault off and waits for it: all earlier frames have been handled. */
async function settle(from: FakeLink, at: ReturnType<typeof inbox>): Promise<void> {
  from.setFaults({ loss: 0, duplicate: 0, reorder: 0, delayMs: { min: 0, max: 0 } });
  const arrived = at.marker();
  expect(await from.send(frame(MARKER, 1))).toEqual({ ok: true });
  await arrived;
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
});

async function pair(opts: FakeLinkPairOptions = {}): Promise<[FakeLink, FakeLink]> {
  const links = createFakeLinkPair(opts);
  for (const l of links) stops.push(() => l.stop());
  await Promise.all(links.map((l) => l.start()));
  return links;
}

describe('fake link faults', () => {
  it('loss 1.0: every send reports ok and nothing arrives', async () => {
    const [a, b] = await pair({ loss: 1 });
    const rx = inbox(b);
    for (let i = 1; i <= 5; i++) expect(await a.send(frame(i))).toEqual({ ok: true });
    await settle(a, rx);
    expect(rx.frames).toEqual([]);
    expect(a.counters().txFrames).toBe(6);
  });

  it('duplicate 1.0: each frame arrives twice, as separate copies', async () => {
    const [a, b] = await pair({ duplicate: 1 });
    const rx = inbox(b);
    for (let i = 1; i <= 3; i++) await a.send(frame(i));
    await settle(a, rx);
    expect(rx.values()).toEqual([1, 1, 2, 2, 3, 3]);
    expect(rx.frames[0]?.bytes).not.toBe(rx.frames[1]?.bytes);
  });

  it('reorder 1.0: each held frame arrives after the next one', async () => {
    const [a, b] = await pair({ reorder: 1 });
    const rx = inbox(b);
    for (let i = 1; i <= 4; i++) await a.send(frame(i));
    await settle(a, rx);
    expect(rx.values()).toEqual([2, 1, 4, 3]);
  });

  it('reorder never loses a frame: a held frame with no successor still arrives', async () => {
    const [a, b] = await pair({ reorder: 1 });
    const got = new Promise<InboundFrame>((resolve) => b.once('frame', resolve));
    await a.send(frame(9));
    expect((await got).bytes).toEqual(frame(9));
  });

  it('delayMs: frames arrive no sooner than the minimum delay', async () => {
    const [a, b] = await pair({ delayMs: { min: 40, max: 60 } });
    const got = new Promise<InboundFrame>((resolve) => b.once('frame', resolve));
    const sentAt = Date.now();
    await a.send(frame(1));
    expect((await got).receivedAt - sentAt).toBeGreaterThanOrEqual(38); // timers may round down 1-2 ms
  });

  it('failNext: the next sends fail with the code, to retry later, and are not delivered', async () => {
    const [a, b] = await pair();
    const rx = inbox(b);
    a.failNext('NO_SERVICE', 2);
    expect(await a.send(frame(1))).toMatchObject({ ok: false, retry: 'later', code: 'NO_SERVICE' });
    expect(await a.send(frame(2))).toMatchObject({ ok: false, retry: 'later', code: 'NO_SERVICE' });
    expect(await a.send(frame(3))).toEqual({ ok: true });
    await settle(a, rx);
    expect(rx.values()).toEqual([3]);
    expect(a.counters()).toMatchObject({ txFrames: 2, errors: 2 });
  });

  it('sendWindow: frames beyond the window resolve BUSY until earlier ones have landed', async () => {
    const [a, b] = await pair({ sendWindow: 2, delayMs: { min: 20, max: 20 } });
    const rx = inbox(b);
    expect(a.sendWindow()).toBe(2);
    const outcomes = await Promise.all([a.send(frame(1)), a.send(frame(2)), a.send(frame(3))]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.code))).toEqual(['ok', 'ok', 'BUSY']);
    expect(a.sendWindow()).toBe(0);
    await new Promise<void>((resolve) => b.on('frame', () => rx.frames.length === 2 && resolve()));
    expect(a.sendWindow()).toBe(2);
    expect(rx.values()).toEqual([1, 2]);
  });

  it('setUp(false): down with no-service, sends resolve LINK_DOWN, nothing is heard; setUp(true) heals', async () => {
    const [a, b] = await pair();
    const states: LinkState[] = [];
    a.on('state', (s) => states.push(s));
    const rx = inbox(a);
    a.setUp(false);
    a.setUp(false); // no change, no event
    expect(await a.send(frame(1))).toMatchObject({ ok: false, retry: 'later', code: 'LINK_DOWN' });
    await b.send(frame(2)); // into the void: a is out of service
    await vi.waitFor(() => expect(b.sendWindow()).toBe(16)); // frame 2 has landed
    a.setUp(true);
    await settle(b, rx);
    expect(rx.values()).toEqual([]);
    expect(states.map((s) => (s.status === 'down' ? s.reason : s.status))).toEqual(['no-service', 'up']);
  });

  it('delivers meta.from as the sender address', async () => {
    const [a, b] = await pair({ from: ['!a1', '!b2'] });
    const got = new Promise<InboundFrame>((resolve) => b.once('frame', resolve));
    await a.send(frame(1));
    expect((await got).meta).toEqual({ from: '!a1' });
  });

  it('the same seed gives the same outcomes; another seed does not', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const [a, b] = await pair({ seed, loss: 0.3, duplicate: 0.3, reorder: 0.3, sendWindow: 64 });
      const rx = inbox(b);
      for (let i = 1; i <= 40; i++) await a.send(frame(i));
      await settle(a, rx);
      return rx.values();
    };
    const first = await run(42);
    expect(first.length).toBeGreaterThan(10);
    expect(await run(42)).toEqual(first);
    expect(await run(43)).not.toEqual(first);
  });
});

describe('fake medium', () => {
  async function three() {
    const medium = createFakeMedium();
    const links = ['n0', 'n1', 'n2'].map((id) => medium.attach({ id }));
    for (const l of links) stops.push(() => l.stop());
    await Promise.all(links.map((l) => l.start()));
    return { medium, links: links as [FakeLink, FakeLink, FakeLink] };
  }

  it('broadcasts to every other link, or only to `to`', async () => {
    const { links } = await three();
    const [a, b, c] = links;
    const [rxA, rxB, rxC] = [inbox(a), inbox(b), inbox(c)];
    await a.send(frame(1));
    await a.send(frame(2), { to: 'n2' });
    await a.send(frame(3), { to: 'nobody' }); // ok: a radio cannot know nobody heard
    await settle(a, rxB);
    await settle(a, rxC);
    expect(rxB.values()).toEqual([1]);
    expect(rxC.values()).toEqual([1, 2]);
    expect(rxA.frames).toEqual([]); // a sender does not hear itself
  });

  it('partitions and heals a pair while the others still hear each other', async () => {
    const { medium, links } = await three();
    const [a, b, c] = links;
    const [rxB, rxC] = [inbox(b), inbox(c)];
    medium.setReachable('n1', 'n0', false);
    await a.send(frame(1));
    await settle(c, rxB); // c still reaches b
    await settle(a, rxC);
    expect(rxB.values()).toEqual([]);
    expect(rxC.values()).toEqual([1]);

    medium.setReachable('n0', 'n1', true);
    await a.send(frame(2));
    await settle(a, rxB);
    expect(rxB.values()).toEqual([2]);
  });

  it('setFaults on the medium reaches every attached link', async () => {
    const { medium, links } = await three();
    const [a, b] = links;
    const rx = inbox(b);
    medium.setFaults({ loss: 1 });
    expect(await a.send(frame(1))).toEqual({ ok: true });
    await settle(a, rx);
    expect(rx.values()).toEqual([]);
  });

  it('refuses a duplicate id and a probability outside 0..1', () => {
    const medium = createFakeMedium();
    medium.attach({ id: 'x' });
    expect(() => medium.attach({ id: 'x' })).toThrow(/already attached/);
    expect(() => createFakeMedium({ loss: 1.5 })).toThrow(RangeError);
  });
});
