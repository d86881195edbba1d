/**
 * The satellite benchmark's county centre as a real node (docs/store-and-forward.md §Satellite
 * benchmark): a NodeCore with its LevelDB store in a temp dir, its real confirmer and receipt
 * batcher, behind a centre link that takes the simulated network's MO pushes and queues its MT
 * messages there (as the RockBLOCK link does through the MT API, a second later). Its timers run
 * on the benchmark's virtual clock (virtual-timers.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../node/src/base/logger.js';
import { NodeCore } from '../node/src/core/node-core.js';
import { RoutingTable } from '../node/src/core/routing-table.js';
import type { KeyRing } from '../node/src/crypto/authenticate.js';
import { generateSigningKeyPair, publicKeyFromRaw } from '../node/src/crypto/ed25519.js';
import type { Clock } from '../node/src/link/clock.js';
import type { LinkCapabilities, SendOptions, SendOutcome } from '../node/src/link/link.js';
import { LinkBase } from '../node/src/link/link-base.js';
import { MessageStore } from '../node/src/store/message-store.js';
import {
  FIXTURE_ISSUER_ID,
  FIXTURE_ISSUER_PUBLIC,
  fixtureMacKey,
  fixtureRelayKey,
} from '../node/src/wire/fixtures/fixture-keys.js';
import { CENTRE_NODE, GATEWAY_NODE } from '../node/src/wire/fixtures/reference-messages.js';
import type { SimulatedIridiumNetwork } from '../satellite/sim/iridium/simulated-network.js';
import { iridiumCapabilities, MAX_MT_BYTES } from '../satellite/src/iridium-limits.js';
import {
  SATELLITE_CONFIRMATION_WAIT_MS,
  SATELLITE_RECEIPT_HOLD_MS,
} from '../satellite/src/satellite-confirmations.js';

/** The centre's side of the simulated network: MO pushes in, MT messages out. */
class SimCentreLink extends LinkBase {
  readonly kind = 'iridium-sbd' as const;
  readonly #network: SimulatedIridiumNetwork;
  readonly #clock: Clock;
  readonly #imei: string;
  #mtmsn = 0;

  constructor(network: SimulatedIridiumNetwork, clock: Clock, imei: string, now: () => number) {
    super({ id: 'rockblock0', mtu: MAX_MT_BYTES, name: 'sim-centre', now });
    this.#network = network;
    this.#clock = clock;
    this.#imei = imei;
  }

  override get capabilities(): LinkCapabilities {
    return iridiumCapabilities({
      side: 'centre',
      maxSendBytes: this.mtu,
      confirmationWaitMs: SATELLITE_CONFIRMATION_WAIT_MS,
      receiptHoldMs: SATELLITE_RECEIPT_HOLD_MS,
    });
  }

  /** An MO message the network pushed. */
  push(payload: Uint8Array): void {
    this.received(payload, { from: this.#imei });
  }

  protected async open(): Promise<void> {
    this.goUp();
  }

  protected async close(): Promise<void> {}

  protected async transmit(frame: Uint8Array, _opts: SendOptions): Promise<SendOutcome> {
    // The MT API call: a second, then queued at the gateway (again a minute later if refused).
    const queue = () => {
      if (!this.#network.queueMt(this.#imei, frame).ok) this.#clock.after(60_000, queue);
    };
    this.#clock.after(1000, queue);
    return { ok: true, ref: String(++this.#mtmsn) };
  }
}

/** The keys of the benchmark's county: the fixture kit keys and issuer, the centre's identity. */
export function benchKeys(centrePublic: Uint8Array): KeyRing {
  return {
    macKey: (node) => fixtureMacKey(node),
    relayKey: (node) => fixtureRelayKey(node),
    revoked: () => false,
    issuerFloor: () => 0,
    issuerKey: (id) =>
      id === FIXTURE_ISSUER_ID
        ? { publicKey: publicKeyFromRaw(FIXTURE_ISSUER_PUBLIC), powers: ['warning'] }
        : undefined,
    nodeKey: (node) => (node === CENTRE_NODE ? publicKeyFromRaw(centrePublic) : undefined),
    isCentre: (node) => node === CENTRE_NODE,
  };
}

export interface CentreNode {
  core: NodeCore;
  link: SimCentreLink;
  /** The centre's identity, for the other nodes' key rings. */
  publicKey: Uint8Array;
  /**
   * Resolves once no store call of the centre's is under way: the virtual clock must not move on
   * while the core waits for its disk, or it would see a later time than the simulated one.
   */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Resolves once `busy()` has been 0 for a few turns in a row: a call that ends often starts the next. */
export async function quiet(busy: () => number): Promise<void> {
  for (let n = 0; n < 5; ) {
    await turn();
    n = busy() === 0 ? n + 1 : 0;
  }
}

/** The store, counting its calls under way (methods run on the store itself: it has # fields). */
export function counted(store: MessageStore): { store: MessageStore; busy: () => number } {
  let busy = 0;
  const proxy = new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        if (result instanceof Promise) {
          busy++;
          void result.then(
            () => busy--,
            () => busy--,
          );
        }
        return result;
      };
    },
  });
  return { store: proxy, busy: () => busy };
}

/** The centre, started, on `clock` (its `now` plus `epochMs` is the core's unix time). */
export async function centreNode(
  network: SimulatedIridiumNetwork,
  clock: Clock,
  imei: string,
  epochMs: number,
): Promise<CentreNode> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-sat-centre-'));
  const opened = await MessageStore.open(dir);
  const { store, busy } = counted(opened);
  const identity = generateSigningKeyPair();
  const keys = benchKeys(identity.publicKey);
  const link = new SimCentreLink(network, clock, imei, () => epochMs + clock.now());
  const core = new NodeCore({
    nodeId: CENTRE_NODE,
    store,
    links: [{ link, costClass: 'satellite', neighbours: { [imei]: GATEWAY_NODE } }],
    routes: new RoutingTable([{ target: { to: 'default' }, link: 'rockblock0', cost: 0, source: 'config' }]),
    keys,
    identity: identity.privateKey,
    clock: { now: () => epochMs + clock.now(), trusted: () => true },
    retry: { initialMs: 60_000, maxMs: 600_000, jitter: 0.1 },
    latencyBoundMs: [300_000, 1_800_000, 7_200_000, 86_400_000],
    log: silentLogger,
    beaconIntervalMs: 0,
  });
  await link.start();
  await core.start();
  return {
    core,
    link,
    publicKey: identity.publicKey,
    idle: () => quiet(busy),
    close: async () => {
      await core.stop();
      await link.stop();
      await opened.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
