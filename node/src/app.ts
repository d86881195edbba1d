/**
 * The composition root (docs/conventions.md §Layout and dependencies, §Lifecycle and shutdown): from a configuration, builds the store, the keys,
 * the links and the store-and-forward core of one node, and starts and stops them in order.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateNode, NodeApp, NodeStatus } from './app-contract.js';
import { isKitError, KitError } from './base/errors.js';
import type { Logger } from './base/logger.js';
import { createLink } from './composition/link-factory.js';
import type { Config, IridiumSbdLinkConfig } from './config/schema.js';
import { openLinkBudget } from './core/budget-file.js';
import { type CoreLink, NodeCore } from './core/node-core.js';
import { type Route, RoutingTable } from './core/routing-table.js';
import { DEFAULT_SHARED_HOLD_MS } from './core/shared-message-plan.js';
import type { SharingOptions } from './core/shared-sender.js';
import type { IssuerKey, KeyRing } from './crypto/authenticate.js';
import { publicKeyFromRaw } from './crypto/ed25519.js';
import { loadOrCreateIdentity } from './crypto/identity.js';
import { deriveNodeMacKey, parseEnrolmentSecret } from './crypto/mac.js';
import { LinkSupervisor } from './daemon/link-supervisor.js';
import { ForeignPayloadFile } from './store/foreign-payload-file.js';
import { MessageStore } from './store/message-store.js';

export const createNode: CreateNode = async (config: Config, { log }) => {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const { identity, created } = await loadOrCreateIdentity(config.dataDir);
  if (created) log.info({ fingerprint: identity.fingerprint }, 'created this node identity');
  const me = config.node.id;
  const isCentre = (node: number) => config.centreNodes.includes(node);
  const secret = config.keys.enrolmentSecretFile
    ? await readSecret(config.keys.enrolmentSecretFile)
    : undefined;
  const issuers = new Map<number, IssuerKey>(
    config.keys.issuers.map((i) => [
      i.id,
      {
        publicKey: publicKeyFromRaw(i.publicKey),
        powers: i.powers,
        ...(i.validUntil !== undefined ? { validUntil: i.validUntil } : {}),
      },
    ]),
  );
  const nodeKeys = new Map(config.keys.nodes.map((n) => [n.id, publicKeyFromRaw(n.publicKey)]));
  nodeKeys.set(me, publicKeyFromRaw(identity.publicKey));
  const keys: KeyRing = {
    // The centre derives every kit's key; a kit knows only its own.
    macKey: (node) => (secret && (isCentre(me) || node === me) ? deriveNodeMacKey(secret, node) : undefined),
    issuerKey: (id) => issuers.get(id),
    nodeKey: (node) => nodeKeys.get(node),
    relayKey: () => undefined,
    isCentre,
    revoked: () => false,
    issuerFloor: () => 0,
  };

  const links: CoreLink[] = [];
  for (const lc of config.links.filter((l) => l.enabled)) {
    try {
      const built = await createLink(lc, log, { centreNodes: config.centreNodes });
      links.push({
        link: built.link,
        costClass: lc.cost,
        neighbours: built.neighbours,
        ...(lc.type === 'iridium-sbd' ? { sharing: sharingOf(lc, config.dataDir, log) } : {}),
      });
    } catch (err) {
      if (!isKitError(err)) throw err;
      log.error({ code: err.code, link: lc.id }, err.message);
    }
  }
  const routes: Route[] = config.routes.map((r) => ({
    target: r.dest,
    link: r.via,
    ...(r.nextHop ? { nextHop: r.nextHop } : {}),
    cost: r.cost ?? 0,
    ...(r.priorities ? { priorities: r.priorities } : {}),
    source: 'config' as const,
  }));

  const store = await MessageStore.open(join(config.dataDir, 'store'));
  const clockTrusted = isCentre(me); // kits have no RTC: untrusted until GPS or the centre sets it
  const bounds = config.routing.latencyBoundMs;
  const core = new NodeCore({
    nodeId: me,
    ...(config.node.area !== undefined ? { area: config.node.area } : {}),
    store,
    links,
    routes: new RoutingTable(routes),
    keys,
    identity: identity.privateKey,
    ...(secret && !isCentre(me) ? { macKey: deriveNodeMacKey(secret, me) } : {}),
    clock: { now: () => Date.now(), trusted: () => clockTrusted },
    retry: config.retry,
    latencyBoundMs: [bounds.p0, bounds.p1, bounds.p2, bounds.p3],
    beaconIntervalMs: config.routing.beaconIntervalMs,
    receiptWaitMs: config.routing.receiptWaitMs,
    log: log.child({ mod: 'core' }),
  });
  core.on('delivered', (m) => log.info({ msgId: `${m.origin}/${m.seq}`, kind: m.kind }, 'message delivered'));
  core.on('rejected', (r) => log.debug(r, 'frame rejected'));
  core.on('budget', (alarm) =>
    log[alarm.active ? 'warn' : 'info']({ alarm }, alarm.active ? 'budget alarm' : 'budget alarm cleared'),
  );
  // Someone else's data that a carrier delivered (and was told had arrived): kept on disk.
  const foreign = new ForeignPayloadFile({
    path: join(config.dataDir, 'foreign-payloads.jsonl'),
    log: log.child({ mod: 'foreign' }),
  });
  core.on('foreign', (p) => {
    const { bytes, ...rest } = p;
    void foreign.append({ ...rest, hex: Buffer.from(bytes).toString('hex') });
  });

  const supervisor = new LinkSupervisor(
    links.map((l) => l.link),
    log.child({ mod: 'links' }),
  );
  const startedAt = Date.now();
  let queue: Record<string, number> = {};
  let queueTimer: NodeJS.Timeout | undefined;
  const refreshQueue = async () => {
    queue = await store.outboxCounts().catch(() => queue);
  };

  const app: NodeApp & { core: NodeCore } = {
    core,
    async start() {
      // The core listens before any link is up: a RockBLOCK push answered 200, a confirmed DirectIP
      // MO or an MT read in the first session must find someone to take it.
      await core.start();
      await supervisor.start();
      await refreshQueue();
      queueTimer = setInterval(() => void refreshQueue(), 2000);
      queueTimer.unref();
      log.info({ node: me, role: config.node.role, links: links.map((l) => l.link.id) }, 'node started');
    },
    async stop() {
      clearInterval(queueTimer);
      // Sending stops first; then the links, which settles sends still waiting for a radio ACK
      // (up to minutes on LONG_SLOW) or a satellite session; then their outcomes are recorded.
      const coreStopped = core.stop();
      await supervisor.stop();
      await coreStopped;
      await foreign.close();
      await store.close();
      log.info({ node: me }, 'node stopped');
    },
    status(): NodeStatus {
      return {
        node: { id: me, role: config.node.role, ...(config.node.name ? { name: config.node.name } : {}) },
        startedAt,
        clock: {
          now: Date.now(),
          trusted: clockTrusted,
          source: clockTrusted ? 'system' : 'system (untrusted)',
        },
        links: links.map(({ link }) => ({
          id: link.id,
          kind: link.kind,
          state: link.state,
          counters: link.counters(),
        })),
        queue,
      };
    },
  };
  return app;
};

async function readSecret(file: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new KitError('KEYS_UNREADABLE', `cannot read the enrolment secret ${file}`, { cause });
  }
  return parseEnrolmentSecret(text);
}

/**
 * An Iridium SBD link's holds and credit budget, for the core (docs/store-and-forward.md
 * §Satellite): its `hold_s` (P0 never waits; default 5 min, 30 min, 2 h) and `budget`, the budget
 * kept in <data_dir>/sbd-budget-<id>.json across restarts.
 */
function sharingOf(lc: IridiumSbdLinkConfig, dataDir: string, log: Logger): SharingOptions {
  const linkLog = log.child({ mod: 'link', link: lc.id });
  return {
    holdMs: lc.holdMs === undefined ? DEFAULT_SHARED_HOLD_MS : [0, ...lc.holdMs],
    budget: openLinkBudget(lc.id, lc.budget, dataDir, linkLog),
  };
}
