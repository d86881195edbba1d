/**
 * In-memory links for the core's tests (docs/conventions.md §Simulators and fakes, "Link layer"; docs/links.md
 * §The link contract), after dtn7-go's `NewDummyCLAPair`: `createFakeLinkPair()` gives two connected links,
 * `createFakeMedium()` a shared broadcast medium for N nodes with partitions.
 *
 * Faults are set at creation and changed at run time: loss (after send() said ok, like a radio
 * that transmitted into the void), delay, duplication, reordering, going down, failing the next
 * sends, and a send window. Every random choice comes from one seeded PRNG per medium, so the same
 * seed and the same calls give the same outcomes. Delivery is always asynchronous, never inside
 * send(), and each receiver gets its own copy of the bytes.
 */
import type {
  LinkCapabilities,
  LinkFailureCode,
  SelfAddress,
  SendOptions,
  SendOutcome,
  SendWindow,
} from './link.js';
import { failed, LinkBase } from './link-base.js';
import { seededRandom } from './seeded-random.js';

/** Faults applied to the frames a link sends. All off by default. */
export interface FakeFaults {
  /** Probability 0..1 that a receiver misses a frame although send() reported ok. Default 0. */
  loss?: number | undefined;
  /** Time on air per frame, drawn uniformly from [min, max] ms. Default { min: 0, max: 0 }. */
  delayMs?: { min: number; max: number } | undefined;
  /** Probability 0..1 that a receiver gets a frame twice. Default 0. */
  duplicate?: number | undefined;
  /**
   * Probability 0..1 that a frame is held back and delivered right after the sender's next frame
   * (or after {@link REORDER_FLUSH_MS} if none follows, so reordering never loses a frame). Default 0.
   */
  reorder?: number | undefined;
}

/** Options for one link on a {@link FakeMedium}; the fault fields default to the medium's. */
export interface FakeLinkOptions extends FakeFaults {
  /** Link id, unique on the medium. */
  id: string;
  /** This link's address: receivers see it in meta.from and SendOptions.to matches it. Default: the id. */
  from?: string | undefined;
  /** Largest frame, bytes. Default 200 (a LoRa frame, less headers). */
  mtu?: number | undefined;
  /** Frames that may be on air at once; more resolve BUSY (the SendWindow capability). Default 16. */
  sendWindow?: number | undefined;
  /** What the link declares (a stand-in for a mesh, a satellite…); the rest are LinkBase's defaults. */
  capabilities?: Partial<LinkCapabilities> | undefined;
}

/** Options for {@link createFakeMedium}. */
export interface FakeMediumOptions extends FakeFaults {
  /** Seed of the PRNG behind every random fault. Default 1. */
  seed?: number | undefined;
}

/** Options for {@link createFakeLinkPair}: the medium's and the links' (mtu, sendWindow), plus: */
export interface FakeLinkPairOptions
  extends FakeMediumOptions,
    Pick<FakeLinkOptions, 'mtu' | 'sendWindow' | 'capabilities'> {
  /** The two link ids. Default ['fake-a', 'fake-b']. */
  ids?: [string, string] | undefined;
  /** The two addresses delivered in meta.from. Default: the ids. */
  from?: [string, string] | undefined;
}

/** How long a frame held back for reordering waits for a next frame to overtake it, ms. */
export const REORDER_FLUSH_MS = 50;

type Faults = Required<{ [K in keyof FakeFaults]: Exclude<FakeFaults[K], undefined> }>;

function mergeFaults(base: Faults, change: FakeFaults): Faults {
  const next = { ...base };
  for (const key of ['loss', 'duplicate', 'reorder'] as const) {
    const p = change[key];
    if (p === undefined) continue;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${key} must be a probability in 0..1, got ${p}`);
    next[key] = p;
  }
  const d = change.delayMs;
  if (d !== undefined) {
    if (!(d.min >= 0 && d.max >= d.min)) throw new RangeError(`delayMs needs 0 <= min <= max`);
    next.delayMs = { ...d };
  }
  return next;
}

const NO_FAULTS: Faults = { loss: 0, delayMs: { min: 0, max: 0 }, duplicate: 0, reorder: 0 };

/**
 * A broadcast medium: each attached link's frames reach every other attached link that is up and
 * reachable, or only the one whose address is `to`. Owns the PRNG behind every random fault.
 */
export class FakeMedium {
  /** @internal Draws in [0, 1); links use it so one seed governs the whole medium. */
  readonly random: () => number;
  readonly #links = new Map<string, FakeLink>();
  readonly #cut = new Set<string>();
  #defaults: Faults;

  constructor(opts: FakeMediumOptions = {}) {
    this.random = seededRandom(opts.seed ?? 1);
    this.#defaults = mergeFaults(NO_FAULTS, opts);
  }

  /** A new link on this medium; fault options left out take the medium's. */
  attach(opts: FakeLinkOptions): FakeLink {
    if (this.#links.has(opts.id)) throw new Error(`link id ${opts.id} is already attached`);
    const link = new FakeLink(this, mergeFaults(this.#defaults, opts), opts);
    this.#links.set(opts.id, link);
    return link;
  }

  /** Partitions (false) or heals (true) the path between two link ids, both ways. */
  setReachable(a: string, b: string, reachable: boolean): void {
    const key = [a, b].sort().join('\0');
    if (reachable) this.#cut.delete(key);
    else this.#cut.add(key);
  }

  /** Changes faults on every attached link and the defaults for links attached later. */
  setFaults(faults: FakeFaults): void {
    this.#defaults = mergeFaults(this.#defaults, faults);
    for (const link of this.#links.values()) link.setFaults(faults);
  }

  /** @internal A frame from `sender` leaves the air: each receiver may get it, lose it or get it twice. */
  deliver(sender: FakeLink, faults: Faults, bytes: Uint8Array, to: string | undefined): void {
    for (const link of this.#links.values()) {
      if (link === sender || this.#cut.has([sender.id, link.id].sort().join('\0'))) continue;
      if (to !== undefined && to !== link.address) continue;
      if (this.random() < faults.loss) continue;
      const copies = this.random() < faults.duplicate ? 2 : 1;
      for (let i = 0; i < copies; i++) link.inject(bytes.slice(), sender.address);
    }
  }
}

/**
 * One in-memory link, made by {@link createFakeLinkPair} or {@link FakeMedium.attach}. It is down
 * ('stopped') until start(); stop() is final. Frames from a sender that has stopped after send()
 * said ok are still delivered: they had already left.
 */
export class FakeLink extends LinkBase implements SendWindow, SelfAddress {
  readonly kind = 'fake' as const;
  /** The address receivers see in meta.from. */
  readonly address: string;
  readonly #medium: FakeMedium;
  readonly #capacity: number;
  #capabilities: LinkCapabilities;
  #faults: Faults;
  #started = false;
  #service = true;
  #onAir = 0;
  #failNext: { code: LinkFailureCode; left: number } = { code: 'NO_SERVICE', left: 0 };
  #held: { bytes: Uint8Array; to: string | undefined; timer: NodeJS.Timeout } | undefined;

  /** @internal Use {@link FakeMedium.attach}. */
  constructor(medium: FakeMedium, faults: Faults, opts: FakeLinkOptions) {
    super({ id: opts.id, mtu: opts.mtu ?? 200, name: 'fake' });
    this.address = opts.from ?? opts.id;
    this.#capacity = opts.sendWindow ?? 16;
    if (!(this.#capacity >= 1)) throw new RangeError(`bad sendWindow ${this.#capacity}`);
    this.#medium = medium;
    this.#faults = faults;
    this.#capabilities = { ...super.capabilities, ...opts.capabilities };
  }

  /** As given at creation or by {@link setCapabilities}; the defaults are LinkBase's. */
  override get capabilities(): LinkCapabilities {
    return this.#capabilities;
  }

  /** This link's own address as its peers see it (SelfAddress): what a beacon binds to the node. */
  selfAddress(): string {
    return this.address;
  }

  /** Declares other capabilities from now on (a test's stand-in for another medium). */
  setCapabilities(change: Partial<LinkCapabilities>): void {
    this.#capabilities = { ...this.#capabilities, ...change };
  }

  protected async open(): Promise<void> {
    this.#started = true;
    this.#applyService();
  }

  protected async close(): Promise<void> {}

  protected async transmit(bytes: Uint8Array, opts: SendOptions): Promise<SendOutcome> {
    if (this.#failNext.left > 0) {
      this.#failNext.left--;
      return failed('later', this.#failNext.code, 'injected by failNext()');
    }
    if (this.#onAir >= this.#capacity) return failed('later', 'BUSY', 'send window full');
    const { to } = opts;
    // Faults as they are now: changing them later does not affect frames already on air.
    const faults = this.#faults;
    const { min, max } = faults.delayMs;
    this.#onAir++;
    setTimeout(() => this.#landed(faults, bytes, to), min + this.#medium.random() * (max - min));
    return { ok: true };
  }

  /** Frames that may still be sent before send() resolves BUSY. */
  sendWindow(): number {
    return Math.max(0, this.#capacity - this.#onAir);
  }

  /** Service comes and goes (no satellite, out of mesh range): down with reason 'no-service'. */
  setUp(up: boolean): void {
    this.#service = up;
    if (this.#started && !this.closed) this.#applyService();
  }

  /** The next `count` sends resolve failed with `code`, retry 'later', and are not delivered. */
  failNext(code: Exclude<LinkFailureCode, 'TOO_LARGE'>, count = 1): void {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be >= 0, got ${count}`);
    this.#failNext = { code, left: count };
  }

  /** Changes this link's outbound faults; fields left out keep their value. */
  setFaults(faults: FakeFaults): void {
    this.#faults = mergeFaults(this.#faults, faults);
  }

  /** The frame's time on air is over: it frees its window slot and reaches the receivers. */
  #landed(faults: Faults, bytes: Uint8Array, to: string | undefined): void {
    this.#onAir--;
    if (this.#held === undefined && this.#medium.random() < faults.reorder) {
      const timer = setTimeout(() => this.#release(faults), REORDER_FLUSH_MS);
      this.#held = { bytes, to, timer };
      return;
    }
    this.#medium.deliver(this, faults, bytes, to);
    this.#release(faults);
  }

  #release(faults: Faults): void {
    const held = this.#held;
    this.#held = undefined;
    clearTimeout(held?.timer);
    if (held) this.#medium.deliver(this, faults, held.bytes, held.to);
  }

  /** Hears `bytes` as if `from` had sent them (the medium delivers this way; tests may too). */
  inject(bytes: Uint8Array, from: string): void {
    // A radio that is off or out of service hears nothing.
    if (this.state.status !== 'up') return;
    this.received(bytes, { from }, Date.now());
  }

  #applyService(): void {
    if (this.#service) this.goUp();
    else this.goDown('no-service');
  }
}

/** A fresh broadcast medium for N fake links. */
export function createFakeMedium(opts: FakeMediumOptions = {}): FakeMedium {
  return new FakeMedium(opts);
}

/** Two fake links that hear each other; `opts` faults apply to both directions. */
export function createFakeLinkPair(opts: FakeLinkPairOptions = {}): [FakeLink, FakeLink] {
  const medium = new FakeMedium(opts);
  const [a, b] = opts.ids ?? ['fake-a', 'fake-b'];
  const common = { mtu: opts.mtu, sendWindow: opts.sendWindow, capabilities: opts.capabilities };
  return [
    medium.attach({ ...common, id: a, from: opts.from?.[0] }),
    medium.attach({ ...common, id: b, from: opts.from?.[1] }),
  ];
}
