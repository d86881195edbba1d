/**
 * Runs the demonstration county in this process (docs/demo-county.md): its simulators, then every
 * node built by the composition root from its configuration file (createNode, as `fieldnode start`
 * builds one) with its own data directory, store, keys and control socket; and stops them all.
 *
 * One process, not six: the simulators are in-process objects that the nodes reach through
 * pseudo-terminals or loopback sockets, one Node.js heap is far smaller than six on a laptop, and
 * one Ctrl-C stops everything in order (docs/demo-county.md §One process).
 *
 * Start, in order: the county's state (county-state.ts) → the radios → the satellite path (or the
 * UDP line standing in for it) → the configurations → each node built and started, the centre
 * first, with its control socket → every link up, or the wait's end. Stop: the control sockets,
 * then every node (their links settle what is in flight), then the simulators, then the
 * environment as it was. A start that fails or is aborted stops what it had started.
 */

import { createNode } from '../app.js';
import type { NodeApp } from '../app-contract.js';
import type { Logger } from '../base/logger.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ControlServer } from '../daemon/control-socket.js';
import type { PinHashParams } from '../domain/roster/pin-hash.js';
import { findSystemTool, requireSystemTool, SOCAT } from '../link/system-tool.js';
import {
  type CountyTimings,
  type CountyUplink,
  DEMO_TIMINGS,
  pushUrl,
  writeNodeConfigs,
} from './county-configs.js';
import { type RadioPath, startCountyMesh } from './county-mesh.js';
import { CENTRE, DEMO_NODES, type DemoNodePlan, GATEWAY, GATEWAY_IMEI, personOf } from './county-plan.js';
import { startCountySatellite } from './county-satellite.js';
import { openCountyState } from './county-state.js';
import { chooseWebPorts, type WebPorts } from './county-web.js';
import { DemoPaths } from './demo-paths.js';
import { freeTcpPort, freeUdpPorts } from './free-ports.js';
import { lanAddresses } from './lan-addresses.js';
import { linksDown, untilLinksUp } from './links-up.js';

export interface DemoCountyOptions {
  /** The county's folder. */
  dir: string;
  /** Web ports on every address of the machine instead of loopback only. Default false. */
  lan?: boolean;
  /** How the nodes reach their radios. Default: pty where socat is installed, else tcp. */
  radios?: RadioPath;
  /** Whether the gateway has its satellite modem. Default: where socat is installed. */
  satellite?: boolean;
  /** Default DEMO_TIMINGS. */
  timings?: CountyTimings;
  /** The scrypt parameters of the PINs' hashes. Default the roster's. */
  pinParams?: PinHashParams;
  /** The web ports: 8100 and up ('fixed', a taken one replaced), or any free ones. Default 'fixed'. */
  webPorts?: WebPorts;
  /** With `lan`: the addresses phones reach the machine at. Default: its network interfaces'. */
  lanAddresses?: readonly string[];
  /** How long to wait for every link to come up, ms. Default 60 s. */
  upTimeoutMs?: number;
  /** Where socat is looked for. Default process.env.PATH. */
  path?: string;
  signal?: AbortSignal;
  log: Logger;
}

/** One node of the running county. */
export interface DemoNode {
  plan: DemoNodePlan;
  configFile: string;
  config: Config;
  app: NodeApp;
  /** Its web UI and API: the port it listens on. */
  webPort: number;
  /** The person who signs in there, and their PIN. */
  person: { id: number; name: string; roles: readonly string[]; pin: string };
}

export interface RunningCounty {
  paths: DemoPaths;
  /** This run made the county (a first run, or after --fresh). */
  created: boolean;
  nodes: DemoNode[];
  radios: RadioPath;
  /** The gateway reaches the centre by satellite (else over UDP on 127.0.0.1). */
  satellite: boolean;
  /** The address the web ports listen on: 127.0.0.1, or 0.0.0.0 with --lan. */
  webHost: string;
  /** With --lan: the machine's addresses on its networks. */
  lanAddresses: readonly string[];
  /** Links still down when the wait for them ended, as `node link: reason`. */
  down: string[];
  /** Stops everything; resolves with 0, or 1 when something would not stop (it is logged). */
  stop(): Promise<number>;
}

/** The MT credentials' variables of satellite/src/rockblock/mt-client.ts. */
const MT_ENV = ['FIELDNODE_ROCKBLOCK_USERNAME', 'FIELDNODE_ROCKBLOCK_PASSWORD'] as const;

type Stop = { what: string; stop: () => Promise<unknown> };

export async function startDemoCounty(o: DemoCountyOptions): Promise<RunningCounty> {
  const { log } = o;
  const paths = new DemoPaths(o.dir);
  // The simulators and the environment, stopped last and in reverse; the nodes, stopped together.
  const sims: Stop[] = [];
  const started: Array<{ id: number; app: NodeApp; control?: ControlServer }> = [];
  const stopAll = async (): Promise<number> => {
    let code = 0;
    const attempt = async (what: string, stop: () => Promise<unknown>) => {
      try {
        await stop();
      } catch (err) {
        log.error({ err }, `stopping ${what} failed`);
        code = 1;
      }
    };
    const nodes = started.splice(0);
    await Promise.all(
      nodes.map((n) => attempt(`the control socket of node ${n.id}`, async () => n.control?.close())),
    );
    // Each node's links settle what they still have in flight on their own: no need to wait in turn.
    await Promise.all(nodes.map((n) => attempt(`node ${n.id}`, () => n.app.stop())));
    for (const s of sims.splice(0).reverse()) await attempt(s.what, s.stop);
    return code;
  };
  try {
    const state = await openCountyState(paths, log, o.pinParams);
    o.signal?.throwIfAborted();
    const socat = findSystemTool(SOCAT, o.path);
    const radios = o.radios ?? (socat === undefined ? 'tcp' : 'pty');
    const satellite = o.satellite ?? socat !== undefined;
    // Asked for explicitly without socat: say so now, with the command that installs it.
    if (radios === 'pty' || satellite) requireSystemTool(SOCAT, o.path);
    const timings = o.timings ?? DEMO_TIMINGS;

    const mesh = await startCountyMesh({ paths, via: radios, log: log.child({ mod: 'sim.mesh' }) });
    sims.push({ what: 'the radios', stop: () => mesh.close() });
    o.signal?.throwIfAborted();
    const uplink = await startUplink(paths, satellite, timings, log, sims);
    o.signal?.throwIfAborted();

    const webHost = o.lan === true ? '0.0.0.0' : '127.0.0.1';
    const web = {
      host: webHost,
      ports: await chooseWebPorts(webHost, o.webPorts ?? 'fixed', log),
      lanAddresses: o.lan === true ? (o.lanAddresses ?? lanAddresses()) : [],
    };
    const files = await writeNodeConfigs({
      paths,
      web,
      identities: state.identities,
      issuerPublicKey: state.issuerPublicKey,
      mesh,
      uplink,
      timings,
    });
    // A deployment knob of one node would send all six to one data directory: not here.
    const { FIELDNODE_DATA_DIR: _ignored, ...env } = process.env;
    const nodes: DemoNode[] = [];
    for (const plan of DEMO_NODES) {
      const configFile = files.get(plan.id) as string;
      const config = await loadConfig(configFile, { env });
      const nodeLog = log.child({ site: plan.slug });
      const app = await createNode(config, {
        log: nodeLog,
        ...(plan.id === CENTRE && satellite ? { satelliteReceiptHoldMs: timings.receiptHoldMs } : {}),
      });
      const entry: (typeof started)[number] = { id: plan.id, app };
      started.push(entry);
      await app.start(o.signal);
      // Every route of its API opens now, as `fieldnode start` opens them with READY=1.
      app.markReady?.();
      const control = new ControlServer({
        socketPath: config.control.socket,
        status: () => app.status(),
        release: (item) => app.release(item),
        log: nodeLog.child({ mod: 'control' }),
      });
      await control.start();
      entry.control = control;
      const person = personOf(plan.person);
      nodes.push({
        plan,
        configFile,
        config,
        app,
        webPort: web.ports.get(plan.id) as number,
        person: {
          id: person.id,
          name: person.name,
          roles: person.roles,
          pin: state.pins.get(person.id) ?? '',
        },
      });
      o.signal?.throwIfAborted();
    }

    await untilLinksUp(
      nodes.map((n) => n.app),
      o.upTimeoutMs ?? 60_000,
      o.signal,
    );
    const down = linksDown(nodes);
    log.info(
      { dir: paths.dir, radios, satellite, down: down.length },
      down.length === 0
        ? 'the demonstration county is up'
        : 'the demonstration county is up, with links down',
    );
    return {
      paths,
      created: state.created,
      nodes,
      radios,
      satellite,
      webHost,
      lanAddresses: web.lanAddresses,
      down,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * The gateway's way to the centre: the satellite path, with this run's MT credentials in the
 * environment for the centre's RockBLOCK link, or the UDP line.
 */
async function startUplink(
  paths: DemoPaths,
  satellite: boolean,
  timings: CountyTimings,
  log: Logger,
  sims: Stop[],
): Promise<CountyUplink> {
  if (!satellite) {
    const [centrePort, gatewayPort] = (await freeUdpPorts(2)) as [number, number];
    return { kind: 'udp', centrePort, gatewayPort };
  }
  const pushPort = await freeTcpPort();
  const sat = await startCountySatellite({
    paths,
    imei: GATEWAY_IMEI,
    radioDir: paths.radio(DEMO_NODES.find((n) => n.id === GATEWAY)?.slug ?? 'gateway'),
    pushUrl: pushUrl(pushPort),
    ...(timings.sessionMs === undefined ? {} : { sessionMs: timings.sessionMs }),
    log: log.child({ mod: 'sim.iridium' }),
  });
  sims.push({ what: 'the satellite simulators', stop: () => sat.close() });
  const saved = MT_ENV.map((k) => [k, process.env[k]] as const);
  process.env[MT_ENV[0]] = sat.credentials.username;
  process.env[MT_ENV[1]] = sat.credentials.password;
  sims.push({
    what: 'the environment',
    stop: async () => {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  });
  return { kind: 'satellite', satellite: sat, pushPort };
}
