/**
 * The satellite benchmark's township gateway as a real node (docs/store-and-forward.md §Satellite
 * benchmark): a NodeCore with its LevelDB store in a temp dir, its real dispatcher (holds, shared
 * frames, budget), confirmations and receipt handling, sending over the day's SBD link. The
 * villages' and teams' frames reach it over a mesh link, hop-tagged as a kit tags them
 * (docs/wire-format.md §6.4); what it sends back on the mesh (custody, vouched receipts, the
 * warnings) is counted and dropped. Its timers run on the benchmark's virtual clock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../node/src/base/logger.js';
import { BillingBudget } from '../node/src/core/billing-budget.js';
import { NodeCore } from '../node/src/core/node-core.js';
import { RoutingTable } from '../node/src/core/routing-table.js';
import { DEFAULT_SHARED_HOLD_MS } from '../node/src/core/shared-message-plan.js';
import { generateSigningKeyPair } from '../node/src/crypto/ed25519.js';
import { hopTag } from '../node/src/crypto/hop-tag.js';
import type { Clock } from '../node/src/link/clock.js';
import type { Link, SendOptions, SendOutcome } from '../node/src/link/link.js';
import { LinkBase } from '../node/src/link/link-base.js';
import { MessageStore } from '../node/src/store/message-store.js';
import { fixtureMacKey, fixtureRelayKey } from '../node/src/wire/fixtures/fixture-keys.js';
import { CENTRE_NODE, GATEWAY_NODE } from '../node/src/wire/fixtures/reference-messages.js';
import { wrapHopTagged } from '../node/src/wire/hop-tagged.js';
import { decodeFrame } from '../node/src/wire/message.js';
import { benchKeys, counted, quiet } from './satellite-centre-node.js';

/** The gateway's mesh: frames from the villages in, what the gateway sends there counted. */
class VillageMesh extends LinkBase {
  readonly kind = 'fake' as const;
  sent = 0;

  constructor(now: () => number) {
    super({ id: 'mesh0', mtu: 200, name: 'village-mesh', now });
  }

  /** A kit's frame, hop-tagged with its relay key, heard from that kit. */
  hear(frame: Uint8Array): void {
    const origin = decodeFrame(frame).envelope.origin;
    this.received(wrapHopTagged(hopTag(fixtureRelayKey(origin), frame), frame), { from: String(origin) });
  }

  protected async open(): Promise<void> {
    this.goUp();
  }

  protected async close(): Promise<void> {}

  protected async transmit(_frame: Uint8Array, _opts: SendOptions): Promise<SendOutcome> {
    this.sent++;
    return { ok: true };
  }
}

export interface GatewayNode {
  core: NodeCore;
  mesh: VillageMesh;
  budget: BillingBudget;
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The gateway, started, sending up over `sbd` (already up), on `clock` from `epochMs`. */
export async function gatewayNode(
  sbd: Link,
  clock: Clock,
  epochMs: number,
  centrePublic: Uint8Array,
  neighbours: readonly number[],
): Promise<GatewayNode> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-sat-gateway-'));
  const opened = await MessageStore.open(dir);
  const { store, busy } = counted(opened);
  const now = () => epochMs + clock.now();
  const mesh = new VillageMesh(now);
  const budget = new BillingBudget();
  const core = new NodeCore({
    nodeId: GATEWAY_NODE,
    store,
    links: [
      {
        link: sbd,
        costClass: 'satellite',
        neighbours: { gateway: CENTRE_NODE },
        sharing: { holdMs: DEFAULT_SHARED_HOLD_MS, budget, sharedFields: true },
      },
      {
        link: mesh,
        costClass: 'mesh',
        neighbours: Object.fromEntries(neighbours.map((n) => [String(n), n])),
      },
    ],
    routes: new RoutingTable([
      { target: { to: 'centre' }, link: sbd.id, cost: 0, source: 'config' },
      { target: { to: 'default' }, link: 'mesh0', cost: 0, source: 'config' },
    ]),
    keys: benchKeys(centrePublic),
    identity: generateSigningKeyPair().privateKey,
    macKey: fixtureMacKey(GATEWAY_NODE),
    clock: { now, trusted: () => true },
    // A failed send goes again a minute later at first, as the model did.
    retry: { initialMs: 60_000, maxMs: 600_000, jitter: 0.1 },
    latencyBoundMs: [300_000, 1_800_000, 7_200_000, 86_400_000],
    log: silentLogger,
    beaconIntervalMs: 0,
  });
  await mesh.start();
  await core.start();
  return {
    core,
    mesh,
    budget,
    idle: () => quiet(busy),
    close: async () => {
      await core.stop();
      await mesh.stop();
      await opened.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
