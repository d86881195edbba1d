/**
 * The composition root (docs/conventions.md §Layout and dependencies, §Lifecycle and shutdown): from a configuration, builds the store, the keys,
 * the links and the store-and-forward core of one node, and starts and stops them in order.
 *
 * A start checks everything before it makes anything, and a start that fails removes what it made
 * (docs/operating.md §When a start fails): the key files, whom the data directory belongs to
 * (§The data directory belongs to one node) and whether it can be written are checked first; then
 * the directories, the store (whose lock keeps a second daemon out) and a new identity are made;
 * the owner and the pid file are written last, once the node is built.
 */
import { join } from 'node:path';
import type { CreateNode, NodeApp, NodePower, NodeStatus } from './app-contract.js';
import { isKitError } from './base/errors.js';
import type { Logger } from './base/logger.js';
import { packageVersion } from './cli/package-info.js';
import type { MtStatus } from './composition/built-link.js';
import { configuredLink } from './composition/configured-link.js';
import { controlCommands } from './composition/control-commands.js';
import { KeptPayloads, keptStatus } from './composition/kept-payloads.js';
import { type NodeKeyFiles, nodeKeysFrom, readNodeKeyFiles } from './composition/node-keys.js';
import { type NodeWeb, openNodeWeb } from './composition/node-web.js';
import { securePrivateDirs } from './composition/private-dirs.js';
import { SatelliteWatch } from './composition/satellite-status.js';
import type { Config, IridiumSbdLinkConfig } from './config/schema.js';
import { openLinkBudget } from './core/budget-file.js';
import { type CoreLink, NodeCore } from './core/node-core.js';
import { type Route, RoutingTable } from './core/routing-table.js';
import { sequenceEpoch } from './core/sequence-epoch.js';
import { DEFAULT_SHARED_HOLD_MS } from './core/shared-message-plan.js';
import type { SharingOptions } from './core/shared-sender.js';
import { TimePoller } from './core/time-poller.js';
import { TrustedClock } from './core/trusted-clock.js';
import {
  createIdentity,
  IDENTITY_FILE,
  type NodeIdentity,
  readIdentity,
  recordIdentityOwner,
} from './crypto/identity.js';
import { CreatedPaths } from './daemon/created-paths.js';
import { checkNotInUse, checkOwner, checkWritable, nodeName } from './daemon/data-dir-check.js';
import { LinkSupervisor } from './daemon/link-supervisor.js';
import { pidFilePath, readPidFile, removePidFile, writePidFile } from './daemon/pid-file.js';
import { HealthReporter } from './domain/kits/health-reporter.js';
import { areaContains } from './domain/roster/area-code.js';
import { DeliveriesJournal } from './store/deliveries-journal.js';
import type { ForeignPayloadRecord } from './store/foreign-payload-file.js';
import { MessageStore } from './store/message-store.js';
import type { Destination } from './wire/envelope.js';

export const createNode: CreateNode = async (
  config: Config,
  { log, adopt = false, satelliteReceiptHoldMs, power },
) => {
  // Every key file is read and checked (readable, mode 0600, this node's, checks passing) before
  // anything is made on disk, so a start that fails on a key leaves nothing behind.
  const keyFiles = await readNodeKeyFiles(config);
  const data = await openDataDir(config, log, adopt);
  try {
    const app = await buildNode(config, log, keyFiles, data, satelliteReceiptHoldMs, power);
    await data.commit();
    return app;
  } catch (err) {
    await data.abandon();
    throw err;
  }
};

/** The data directory of a node being built: its identity and its store, under the store's lock. */
interface OpenDataDir {
  identity: NodeIdentity;
  store: MessageStore;
  /** The last step of a start: writes the pid file, and the owner when it changes. */
  commit(): Promise<void>;
  /** For a start that failed: closes the store and removes what this start made. */
  abandon(): Promise<void>;
  /** The first step of a clean stop, while the store's lock is still held: removes the pid file. */
  release(): Promise<void>;
  /** A file this start made (if it did not exist), removed again if the start fails. */
  track(path: string): void;
}

/**
 * Checks the data directory (owner, writable), then makes what is missing: the directories, the
 * store (taking its lock) and, for a new node, the identity. Undoes what it made if a step fails.
 */
async function openDataDir(config: Config, log: Logger, adopt: boolean): Promise<OpenDataDir> {
  const { dataDir } = config;
  const storeDir = join(dataDir, 'store');
  const found = await readIdentity(dataDir);
  const decision = checkOwner({
    dataDir,
    hasIdentity: found !== undefined,
    owner: found?.owner,
    node: config.node,
    adopt,
  });
  await checkNotInUse(dataDir);
  await checkWritable(dataDir, found === undefined ? 'the node identity' : 'the store');

  const made = new CreatedPaths();
  const owner = { nodeId: config.node.id, role: config.node.role };
  let store: MessageStore | undefined;
  const abandon = async () => {
    await store
      ?.close()
      .catch((err: unknown) => log.warn({ err }, 'closing the store of a failed start failed'));
    await made.undo(log);
  };
  try {
    await securePrivateDirs([dataDir, storeDir], log, { made: (d) => made.dir(d) });
    // What is inside a store directory this start made is its own once it held the lock there, or
    // LevelDB failed in it; not when another process holds the lock (two starts racing on a new one).
    try {
      store = await MessageStore.open(storeDir, { log: log.child({ mod: 'store' }) });
    } catch (err) {
      if (!isKitError(err, 'STORE_LOCKED')) made.ownTree(storeDir);
      throw err;
    }
    made.ownTree(storeDir);
    let identity = found?.identity;
    if (identity === undefined) {
      const result = await createIdentity(dataDir, owner);
      identity = result.identity;
      if (result.created) {
        made.file(join(dataDir, IDENTITY_FILE));
        log.info({ fingerprint: identity.fingerprint }, 'created this node identity');
      }
    }
    const opened = store;
    return {
      identity,
      store: opened,
      abandon,
      async commit() {
        const previous = await readPidFile(dataDir);
        if (previous.state === 'running' || previous.state === 'stale')
          log.warn(
            { pid: previous.pid, running: previous.state === 'running' },
            'the pid file was left by a fieldnode that did not stop cleanly: replaced',
          );
        await writePidFile(dataDir);
        if (previous.state === 'none') made.file(pidFilePath(dataDir));
        if (decision === 'record') {
          await recordIdentityOwner(dataDir, owner);
          log.info(
            { owner },
            'recorded this node as the owner of its data directory (identity.json had none)',
          );
        } else if (decision === 'adopt' && found?.owner !== undefined) {
          await recordIdentityOwner(dataDir, owner);
          log.warn(
            { dataDir, from: found.owner, to: owner },
            `data directory adopted (--adopt): it belonged to node ${nodeName(found.owner)}, now to node ${nodeName(owner)}`,
          );
        }
      },
      release: () => removePidFile(dataDir),
      track: (path) => made.file(path),
    };
  } catch (err) {
    await abandon();
    throw err;
  }
}

async function buildNode(
  config: Config,
  log: Logger,
  keyFiles: NodeKeyFiles,
  data: OpenDataDir,
  satelliteReceiptHoldMs?: readonly [number, number, number, number],
  power?: () => NodePower | undefined,
): Promise<NodeApp & { core: NodeCore }> {
  const { identity, store } = data;
  const me = config.node.id;
  const isCentre = (node: number) => config.centreNodes.includes(node);
  const {
    ring: keys,
    kitKey,
    seqFloor,
    enrolledDay,
    issuer,
  } = nodeKeysFrom(config, keyFiles, identity.publicKey);
  // Trusted time under the rules of docs/time.md: the centre's system clock (it runs NTP); a kit's
  // only once its own GPS, its modem's network time or a signed time from the centre says so.
  const clock = new TrustedClock({ trustSystem: isCentre(me), log: log.child({ mod: 'clock' }) });

  // Someone else's data that a carrier delivered (and was told had arrived), and what a centre door
  // authenticated but could not hand on: kept on disk, counted for the status.
  const kept = new KeptPayloads({
    path: join(config.dataDir, 'foreign-payloads.jsonl'),
    log: log.child({ mod: 'foreign' }),
  });
  const links: CoreLink[] = [];
  const linkMt = new Map<string, () => MtStatus | undefined>();
  const linkContext = {
    centreNodes: config.centreNodes,
    dataDir: config.dataDir,
    keep: (record: ForeignPayloadRecord) => void kept.append(record),
  };
  for (const lc of config.links.filter((l) => l.enabled)) {
    // A link that cannot be built yet stands in, down with the reason, and is built at each start.
    const { coreLink, mt } = await configuredLink(lc, log, linkContext, {
      costClass: lc.cost,
      ...(lc.type === 'iridium-sbd' ? { sharing: sharingOf(lc, config.dataDir, log) } : {}),
    });
    links.push(coreLink);
    linkMt.set(lc.id, mt);
  }
  const routes: Route[] = config.routes.map((r) => ({
    target: r.dest,
    link: r.via,
    ...(r.nextHop ? { nextHop: r.nextHop } : {}),
    cost: r.cost ?? 0,
    ...(r.priorities ? { priorities: r.priorities } : {}),
    source: 'config' as const,
  }));

  const bounds = config.routing.latencyBoundMs;
  const core = new NodeCore({
    nodeId: me,
    ...(config.node.area !== undefined ? { area: config.node.area } : {}),
    store,
    links,
    routes: new RoutingTable(routes),
    keys,
    ...(config.keys.untaggedKits ? { untaggedKits: new Set(config.keys.untaggedKits) } : {}),
    identity: identity.privateKey,
    ...(kitKey ? { macKey: kitKey } : {}),
    clock,
    // A kit whose store was lost must not reuse its ids (docs/security.md §A lost store).
    // The key file holds the centre's high-water mark for this kit: the next number is above it.
    sequenceFloor: seqFloor + 1,
    ...(enrolledDay !== undefined
      ? { freshSequenceStart: () => sequenceEpoch(clock.now(), enrolledDay) }
      : {}),
    broadcastTargets: (dest) => broadcastTargets(config, dest),
    retry: config.retry,
    latencyBoundMs: [bounds.p0, bounds.p1, bounds.p2, bounds.p3],
    beaconIntervalMs: config.routing.beaconIntervalMs,
    receiptWaitMs: config.routing.receiptWaitMs,
    ...(satelliteReceiptHoldMs ? { satelliteReceiptHoldMs } : {}),
    retentionMs: config.store.retentionMs,
    log: log.child({ mod: 'core' }),
  });
  core.on('delivered', (m, _meta, standing) =>
    log.info(
      {
        msgId: `${m.origin}/${m.seq}`,
        kind: m.kind,
        ...(standing.current ? {} : { history: standing.reason }),
      },
      standing.current ? 'message delivered' : 'message delivered as history: a newer one is current',
    ),
  );
  // Every delivery, appended and synced outside the store when configured: the record in which a
  // message delivered twice would show (docs/store-and-forward.md §Crashes and the deliveries journal).
  const journal =
    config.deliveries.journal === undefined
      ? undefined
      : new DeliveriesJournal({ path: config.deliveries.journal, log: log.child({ mod: 'deliveries' }) });
  if (journal)
    core.on('delivered', (m, meta, standing) => {
      void journal.append({
        id: meta.id,
        kind: m.kind,
        at: clock.now(),
        ...(standing.current ? {} : { history: standing.reason ?? 'not current' }),
      });
    });
  core.on('rejected', (r) => log.debug(r, 'frame rejected'));
  core.on('flagged', (f) => log.warn(f, 'for the operator to look at'));
  // Deadlines set by the old clock move with it (a first GPS fix after a power cut).
  clock.on('step', (step) => void core.clockStepped(step.stepMs));
  const timePoller = new TimePoller({
    links: links.map((l) => l.link),
    clock,
    log: log.child({ mod: 'time' }),
  });
  core.on('budget', (alarm) =>
    log[alarm.active ? 'warn' : 'info']({ alarm }, alarm.active ? 'budget alarm' : 'budget alarm cleared'),
  );
  core.on('foreign', (p) => {
    const { bytes, ...rest } = p;
    void kept.append({ ...rest, hex: Buffer.from(bytes).toString('hex') });
  });

  const supervisor = new LinkSupervisor(
    links.map((l) => l.link),
    log.child({ mod: 'links' }),
  );
  const satellite = new SatelliteWatch(links, config.links);
  const startedAt = Date.now();
  let queue: Record<string, number> = {};
  let queueTimer: NodeJS.Timeout | undefined;
  let storeBytes = 0;
  const refreshQueue = async () => {
    queue = await store.outboxCounts().catch(() => queue);
    storeBytes = await store.sizeOnDisk().catch(() => storeBytes);
  };

  let web: NodeWeb | undefined;
  // A kit tells the centre how it is, every kits.health_interval_s (docs/kits.md).
  const health =
    isCentre(me) || config.kits.healthIntervalMs <= 0
      ? undefined
      : new HealthReporter({
          intervalMs: config.kits.healthIntervalMs,
          status: () => app.status(),
          ...(power === undefined ? {} : { power }),
          submit: (draft) => core.submit(draft),
          now: () => clock.now(),
          log: log.child({ mod: 'health' }),
        });
  const app: NodeApp & { core: NodeCore } = {
    core,
    // Every route of the API opens once the node has recovered (docs/api.md §Readiness).
    markReady: () => web?.markReady(),
    async start() {
      // The core listens before any link is up: a RockBLOCK push answered 200, a confirmed DirectIP
      // MO or an MT read in the first session must find someone to take it.
      await kept.load();
      await core.start();
      timePoller.start();
      await supervisor.start();
      health?.start();
      await refreshQueue();
      queueTimer = setInterval(() => void refreshQueue(), 2000);
      queueTimer.unref();
      log.info({ node: me, role: config.node.role, links: links.map((l) => l.link.id) }, 'node started');
    },
    async stop() {
      // No one asks anything of a node that is stopping.
      await web?.stop();
      await health?.stop();
      clearInterval(queueTimer);
      timePoller.stop();
      clock.stop();
      // Sending stops first; then the links, which settles sends still waiting for a radio ACK
      // (up to minutes on LONG_SLOW) or a satellite session; then their outcomes are recorded.
      const coreStopped = core.stop();
      await supervisor.stop();
      await coreStopped;
      await kept.close();
      await journal?.close();
      await data.release();
      await store.close();
      log.info({ node: me }, 'node stopped');
    },
    status(): NodeStatus {
      return {
        node: {
          id: me,
          role: config.node.role,
          ...(config.node.name ? { name: config.node.name } : {}),
          ...(config.node.drill ? { drill: true } : {}),
        },
        timeZone: config.county.timeZone,
        startedAt,
        clock: clock.status(),
        links: links.map(({ link }) => {
          const mt = linkMt.get(link.id)?.();
          return {
            id: link.id,
            kind: link.kind,
            state: link.state,
            counters: link.counters(),
            ...(mt === undefined ? {} : { mt }),
            ...satellite.fields(link.id, clock.now()),
            ...supervisor.fields(link.id),
          };
        }),
        queue,
        kept: keptStatus(kept.summary()),
        store: { bytes: storeBytes, pruned: store.pruned, retentionMs: config.store.retentionMs },
      };
    },
    // The duty officer's release of a payload kept from a device not enrolled (docs/centre-doors.md
    // §Releasing a kept frame): the core checks it again, all but the enrolment.
    release: (item) => core.release(item),
    // backup, and the kit commands at a centre (docs/operating.md §Backup and restore).
    commands: () =>
      controlCommands({
        config,
        store,
        version: packageVersion(),
        kits: () => web?.kits,
        now: () => clock.now(),
        log,
      }),
  };
  // Listening now, before the node is started: a port already taken fails the start before
  // anything else is made, and health says "starting" while the store recovers.
  web = await openNodeWeb({
    config,
    core,
    store,
    status: () => app.status(),
    // Deadlines and the overdue list run on the node's clock, as its messages are stamped.
    now: () => clock.now(),
    clockTrusted: () => clock.trusted(),
    log,
    made: (path) => data.track(path),
    ...(issuer === undefined ? {} : { issuer }),
    ...(power === undefined ? {} : { power }),
  });
  return app;
}

/**
 * The nodes a broadcast is for, from the centre's enrolment records (`keys.nodes` with their
 * areas): everyone, or those whose area lies in the area addressed. Undefined when a role is
 * addressed or no node has an area: then only the repeat limit ends the broadcast.
 */
function broadcastTargets(config: Config, dest: Destination): readonly number[] | undefined {
  const kits = config.keys.nodes.filter((n) => !config.centreNodes.includes(n.id));
  if (dest.to === 'all') return kits.length > 0 ? kits.map((n) => n.id) : undefined;
  if (dest.to !== 'area') return undefined;
  const inArea = kits.filter((n) => n.area !== undefined && areaContains(dest.area, n.area));
  return inArea.length > 0 ? inArea.map((n) => n.id) : undefined;
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
    // The centre reads shared-field batches unless the file says it is older (docs/wire-format.md §8.1).
    sharedFields: lc.timing?.sharedBatches ?? true,
  };
}
