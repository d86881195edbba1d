/**
 * The link contract suite (docs/links.md §The link contract; docs/conventions.md §Simulators and fakes, "One contract suite, many
 * implementations"; §Tests, tier 2): every Link implementation runs these tests from its own
 * `*.contract.test.ts`, as meshtastic's `runTransportContract` and abstract-level's exported suite do.
 *
 * Real timers throughout: a wait ends when the awaited event arrives and fails after a timeout, so
 * no assertion depends on a sleep. "Nothing else arrived" is checked by sending a marker frame
 * afterwards and waiting for it, which is exact for links that keep order (fake links, loopback
 * UDP) and merely lenient for any that do not.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError, KitError } from '../base/errors.js';
import type { InboundFrame, Link, LinkCounters, LinkKind, LinkState } from './link.js';

/** What a contract test runs against. Each test gets a fresh one and tears it down. */
export interface LinkUnderTest {
  /** The link under test, not yet started: the suite starts and stops it. */
  link: Link;
  /**
   * Already up: receives what `link` sends without `to`, and its own sends without `to` reach
   * `link`.
   */
  peer: Link;
  /** Stops both links and releases whatever the factory made; must work whatever state they are in. */
  teardown(): Promise<void>;
}

/** Options for {@link runLinkContract}. */
export interface LinkContractOptions {
  /** How long to wait for an expected frame or state before failing, ms. Default 2000. */
  timeoutMs?: number;
}

const KINDS: readonly LinkKind[] = ['meshtastic', 'iridium-sbd', 'beidou', 'ip', 'fake'];

/** `promise`, or a rejection naming `what` if it has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Records what an emitter gave and lets a test wait for an item it has not seen yet. */
class Recorder<T> {
  readonly items: T[] = [];
  readonly #waiters = new Set<{ accept: (item: T) => boolean; resolve: (item: T) => void }>();

  constructor(readonly timeoutMs: number) {}

  push(item: T): void {
    this.items.push(item);
    for (const w of [...this.#waiters].filter((w) => w.accept(item))) {
      this.#waiters.delete(w);
      w.resolve(item);
    }
  }

  /** Resolves with the first item, past or future, that `accept` takes; rejects after the timeout. */
  waitFor(accept: (item: T) => boolean, what: string): Promise<T> {
    const seen = this.items.find(accept);
    if (seen !== undefined) return Promise.resolve(seen);
    return within(new Promise<T>((resolve) => this.#waiters.add({ accept, resolve })), this.timeoutMs, what);
  }
}

/** `size` bytes starting with `tag`, the rest a pattern, so frames are told apart by their first byte. */
function frameOf(tag: number, size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i === 0 ? tag : (i * 7 + tag) & 0xff));
}

function tagged(tag: number): (f: InboundFrame) => boolean {
  return (f) => f.bytes[0] === tag;
}

const stateKey = (s: LinkState): string => (s.status === 'down' ? `down/${s.reason}` : s.status);

/** Registers the shared contract tests for one link implementation under `describe(name)`. */
export function runLinkContract(
  name: string,
  factory: () => Promise<LinkUnderTest>,
  options: LinkContractOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 2000;

  describe(`link contract: ${name}`, () => {
    let t: LinkUnderTest;
    beforeEach(async () => {
      t = await factory();
    });
    afterEach(async () => {
      await t.teardown();
    });

    const framesOf = (l: Link): Recorder<InboundFrame> => {
      const r = new Recorder<InboundFrame>(timeoutMs);
      l.on('frame', (f) => r.push(f));
      return r;
    };
    /** Sends a marker from `from` and waits for it at `rx`: whatever was sent before has arrived. */
    const settle = async (from: Link, rx: Recorder<InboundFrame>, tag = 0xfe): Promise<void> => {
      expect(await from.send(frameOf(tag, 2))).toMatchObject({ ok: true });
      await rx.waitFor(tagged(tag), 'the marker frame');
    };
    const snapshot = (l: Link): LinkCounters => ({ ...l.counters() });

    it('exposes id, kind and mtu, and is not up before start()', () => {
      expect(t.link.id).toMatch(/\S/);
      expect(t.link.id).not.toBe(t.peer.id);
      expect(KINDS).toContain(t.link.kind);
      expect(Number.isSafeInteger(t.link.mtu) && t.link.mtu > 0).toBe(true);
      expect(t.link.state.status).not.toBe('up');
    });

    it('start() brings it up, emitting each state change once and after updating `state`', async () => {
      const seen: { event: LinkState; current: LinkState }[] = [];
      const initial = stateKey(t.link.state);
      t.link.on('state', (event) => seen.push({ event, current: t.link.state }));
      const before = Date.now();
      await t.link.start();
      const { state } = t.link;
      expect(state.status).toBe('up');
      if (state.status === 'up') expect(state.since).toBeGreaterThanOrEqual(before - 1);
      expect(seen.at(-1)?.event).toEqual(state);
      for (const { event, current } of seen) expect(event).toEqual(current);
      const keys = [initial, ...seen.map(({ event }) => stateKey(event))];
      expect(keys.filter((key, i) => key === keys[i - 1])).toEqual([]); // no event repeats the state before it

      // Traffic is not a state change.
      const count = seen.length;
      await settle(t.link, framesOf(t.peer));
      expect(seen).toHaveLength(count);
    });

    it('delivers a frame of at most mtu bytes whole and once, with the receiver id and time', async () => {
      await t.link.start();
      const rx = framesOf(t.peer);
      for (const [i, size] of [1, t.link.mtu].entries()) {
        const tag = i + 1;
        const sent = frameOf(tag, size);
        const before = Date.now();
        expect(await t.link.send(sent)).toMatchObject({ ok: true });
        const got = await rx.waitFor(tagged(tag), `a ${size}-byte frame at the peer`);
        expect(got.bytes).toBeInstanceOf(Uint8Array);
        expect(new Uint8Array(got.bytes)).toEqual(sent);
        expect(got.link).toBe(t.peer.id);
        expect(got.receivedAt).toBeGreaterThanOrEqual(before - 1);
        expect(got.receivedAt).toBeLessThanOrEqual(Date.now());
        if (got.meta?.from !== undefined) expect(typeof got.meta.from).toBe('string');
      }
      await settle(t.link, rx);
      expect(rx.items.filter(tagged(1))).toHaveLength(1);
      expect(rx.items.filter(tagged(2))).toHaveLength(1);
    });

    it('carries frames both ways at the same time', async () => {
      await t.link.start();
      const atPeer = framesOf(t.peer);
      const atLink = framesOf(t.link);
      const tags = [10, 11, 12, 13, 14];
      const outcomes = await Promise.all([
        ...tags.map((tag) => t.link.send(frameOf(tag, 8 + tag))),
        ...tags.map((tag) => t.peer.send(frameOf(tag + 100, 8 + tag))),
      ]);
      for (const o of outcomes) expect(o.ok).toBe(true);
      for (const tag of tags) {
        const p = await atPeer.waitFor(tagged(tag), `frame ${tag} at the peer`);
        expect(new Uint8Array(p.bytes)).toEqual(frameOf(tag, 8 + tag));
        const l = await atLink.waitFor(tagged(tag + 100), `frame ${tag + 100} at the link`);
        expect(new Uint8Array(l.bytes)).toEqual(frameOf(tag + 100, 8 + tag));
        expect(l.link).toBe(t.link.id);
      }
    });

    it('refuses a frame over the mtu with TOO_LARGE, never to be retried, and does not send it', async () => {
      await t.link.start();
      const rx = framesOf(t.peer);
      const outcome = await t.link.send(frameOf(3, t.link.mtu + 1));
      expect(outcome).toMatchObject({ ok: false, retry: 'never', code: 'TOO_LARGE' });
      await settle(t.link, rx);
      expect(rx.items.filter(tagged(3))).toEqual([]);
    });

    it('rejects an empty frame (RangeError) and a frame that is not bytes (TypeError), sending nothing', async () => {
      await t.link.start();
      const rx = framesOf(t.peer);
      const before = snapshot(t.link);
      await expect(t.link.send(new Uint8Array(0))).rejects.toBeInstanceOf(RangeError);
      await expect(t.link.send([1, 2] as unknown as Uint8Array)).rejects.toBeInstanceOf(TypeError);
      await settle(t.link, rx);
      expect(rx.items.filter((f) => f.bytes.length === 0)).toEqual([]);
      expect(t.link.counters().errors).toBe(before.errors);
    });

    it('start() called twice at once is one start', async () => {
      const seen: string[] = [];
      t.link.on('state', (s) => seen.push(stateKey(s)));
      await Promise.all([t.link.start(), t.link.start()]);
      await t.link.start();
      expect(t.link.state.status).toBe('up');
      expect(seen.filter((k) => k === 'up')).toHaveLength(1);
      expect(seen.filter((k) => k === 'starting').length).toBeLessThanOrEqual(1);
    });

    it('declares capabilities that agree with its mtu', () => {
      const c = t.link.capabilities;
      expect(c.maxSendBytes).toBe(t.link.mtu);
      expect(Number.isSafeInteger(c.maxReceiveBytes) && c.maxReceiveBytes > 0).toBe(true);
      expect(c.minSendIntervalMs).toBeGreaterThanOrEqual(0);
      expect(c.confirmationWaitMs).toBeGreaterThanOrEqual(0);
      expect(typeof c.sharedMedium).toBe('boolean');
      if (c.billing) expect(c.billing.unitBytes > 0 && c.billing.minUnits >= 0).toBe(true);
      if (c.receiptHoldMs) expect(c.receiptHoldMs).toHaveLength(4);
    });

    it('resolves LINK_DOWN, to retry later, for a send while down instead of throwing', async () => {
      expect(t.link.state.status).not.toBe('up');
      const outcome = await t.link.send(frameOf(4, 4));
      expect(outcome).toMatchObject({ ok: false, retry: 'later', code: 'LINK_DOWN' });
    });

    it('stop() is idempotent, emits down/stopped once, and a later send() rejects LINK_CLOSED', async () => {
      await t.link.start();
      const seen: LinkState[] = [];
      t.link.on('state', (s) => seen.push(s));
      await Promise.all([t.link.stop(), t.link.stop()]);
      await t.link.stop();
      expect(seen).toEqual([{ status: 'down', reason: 'stopped', since: expect.any(Number) }]);
      expect(t.link.state).toMatchObject({ status: 'down', reason: 'stopped' });
      const sending = t.link.send(frameOf(5, 5));
      await expect(sending).rejects.toBeInstanceOf(KitError);
      await expect(sending.catch((err: unknown) => isKitError(err, 'LINK_CLOSED'))).resolves.toBe(true);
    });

    it('settles a send in flight when stop() is called: no hanging promise', async () => {
      await t.link.start();
      const sending = t.link.send(frameOf(7, 7));
      await t.link.stop();
      const settled = sending.then(
        (o) => o.ok || o.retry,
        (err: unknown) => (isKitError(err, 'LINK_CLOSED') ? 'LINK_CLOSED' : err),
      );
      expect(['later', 'never', 'LINK_CLOSED', true]).toContain(await within(settled, timeoutMs, 'the send'));
    });

    it('stop() before start() resolves and closes the link', async () => {
      await t.link.stop();
      expect(t.link.state.status).toBe('down');
      await expect(t.link.send(frameOf(6, 6))).rejects.toMatchObject({ code: 'LINK_CLOSED' });
    });

    it('counts frames and bytes sent and received, and not refused frames', async () => {
      await t.link.start();
      const atPeer = framesOf(t.peer);
      const atLink = framesOf(t.link);
      const [link0, peer0] = [snapshot(t.link), snapshot(t.peer)];
      const sizes = [3, 10, t.link.mtu];
      for (const [i, size] of sizes.entries())
        expect((await t.link.send(frameOf(20 + i, size))).ok).toBe(true);
      expect((await t.link.send(frameOf(29, t.link.mtu + 1))).ok).toBe(false);
      expect((await t.peer.send(frameOf(30, 7))).ok).toBe(true);
      for (const i of sizes.keys()) await atPeer.waitFor(tagged(20 + i), `frame ${20 + i} at the peer`);
      await atLink.waitFor(tagged(30), 'frame 30 at the link');

      const total = sizes.reduce((a, b) => a + b, 0);
      const [link1, peer1] = [snapshot(t.link), snapshot(t.peer)];
      expect(link1.txFrames - link0.txFrames).toBe(sizes.length);
      expect(link1.txBytes - link0.txBytes).toBe(total);
      expect(peer1.rxFrames - peer0.rxFrames).toBe(sizes.length);
      expect(peer1.rxBytes - peer0.rxBytes).toBe(total);
      expect(link1.rxFrames - link0.rxFrames).toBe(1);
      expect(link1.rxBytes - link0.rxBytes).toBe(7);
    });

    it('copies: changing the sent array after send() does not change what arrives', async () => {
      await t.link.start();
      const rx = framesOf(t.peer);
      const sent = frameOf(40, 16);
      const original = sent.slice();
      const sending = t.link.send(sent);
      sent.fill(0xee); // before the send has resolved
      expect(await sending).toMatchObject({ ok: true });
      const got = await rx.waitFor((f) => f.bytes.length === 16, 'the 16-byte frame at the peer');
      sent.fill(0xdd); // after delivery
      expect(new Uint8Array(got.bytes)).toEqual(original);
    });
  });
}
