/**
 * The people-facing side of a node (docs/api.md; docs/domain-model.md; docs/reports.md): its audit
 * log, its roster, its book of incidents and the HTTP API with the web UI, wired to the core.
 *
 * Built only when the configuration has an `http:` section: a relay with no one to serve, a test
 * rig or a benchmark runs without it. It is built, and listens, while the node is built, so that a
 * port already taken fails the start before anything else is made, and health answers "starting"
 * while the store recovers; every route but health opens once the node is ready.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeStatus } from '../app-contract.js';
import type { Logger } from '../base/logger.js';
import { packageVersion } from '../cli/package-info.js';
import { countyReportRules } from '../config/county-section.js';
import type { Config } from '../config/schema.js';
import type { NodeCore } from '../core/node-core.js';
import { AUDIT_FILE_NAME, AuditLog } from '../domain/audit/audit-log.js';
import { incidentArea } from '../domain/reports/incident.js';
import { IncidentBook } from '../domain/reports/incident-book.js';
import { FileIncidentLedger } from '../domain/reports/incident-file.js';
import { incidentsGeoJson } from '../domain/reports/incidents-geojson.js';
import { Roster } from '../domain/roster/roster.js';
import { ROSTER_FILE_NAME } from '../domain/roster/roster-file.js';
import { type ApiServer, createApiServer } from '../http/api-server.js';
import { COOKIE_KEY_FILE } from '../http/cookie-key.js';
import { EventFeed } from '../http/event-hub.js';
import { IDEMPOTENCY_FILE } from '../http/idempotency-journal.js';
import type { KitsService } from '../http/kits-service.js';
import { type MapService, openMapService } from '../http/map-service.js';
import { withinScope } from '../http/people-directory.js';
import { ReportsAdapter } from '../http/reports-adapter.js';
import { rosterPeople } from '../http/roster-people.js';
import type { PowerStatus } from '../http/status-view.js';
import type { MessageStore } from '../store/message-store.js';
import type { Authenticator } from '../wire/message.js';
import { type NodeHazards, openNodeHazards } from './node-hazards.js';
import { type NodeKits, openNodeKits } from './node-kits.js';
import { type NodeRequests, openNodeRequests } from './node-requests.js';
import { type NodeShelters, openNodeShelters } from './node-shelters.js';
import { type NodeTeams, openNodeTeams } from './node-teams.js';
import { type NodeWarnings, openNodeWarnings } from './node-warnings.js';

export const INCIDENTS_FILE_NAME = 'incidents.jsonl';

export interface NodeWebOptions {
  config: Config;
  core: NodeCore;
  store: MessageStore;
  status: () => NodeStatus;
  /** The node's clock, unix ms: deadlines and the overdue list run on it. Default Date.now. */
  now?: () => number;
  /** Whether that clock is trusted now (what clears the envelope's C flag). Default: trusted. */
  clockTrusted?: () => boolean;
  log: Logger;
  /** Told of each file this start makes, so that a failed start removes it again. */
  made: (path: string) => void;
  /** The issuer this node signs warnings as (keys.issuer_key_file); absent: it issues none. */
  issuer?: { id: number; name?: string; sign: Authenticator };
  /** The kit's power supply, from its power reader; absent: not measured (docs/api.md §Status). */
  power?: () => PowerStatus | undefined;
}

export interface NodeWeb {
  readonly api: ApiServer;
  /** The centre's kit board and lost-kit workflow (docs/kits.md); none at a kit. */
  readonly kits?: KitsService;
  /** The node has recovered and started: every route opens. */
  markReady(): void;
  /** Stops the API first, then closes the incident book and the audit log. */
  stop(): Promise<void>;
}

export async function openNodeWeb(o: NodeWebOptions): Promise<NodeWeb | undefined> {
  const { config, core, store, log } = o;
  const http = config.http;
  if (http === undefined) return undefined;
  const dataDir = config.dataDir;
  const me = config.node.id;
  const tracked = (path: string) => {
    if (!existsSync(path)) o.made(path);
    return path;
  };

  const audit = await AuditLog.open({
    path: tracked(join(dataDir, AUDIT_FILE_NAME)),
    nodeId: me,
    log: log.child({ mod: 'audit' }),
  });
  let book: IncidentBook | undefined;
  let warnings: NodeWarnings | undefined;
  let kits: NodeKits | undefined;
  let hazards: NodeHazards | undefined;
  let shelters: NodeShelters | undefined;
  let requests: NodeRequests | undefined;
  let teams: NodeTeams | undefined;
  let map: MapService | undefined;
  try {
    const roster = await Roster.open({
      config: config.roster,
      file: join(dataDir, ROSTER_FILE_NAME),
      audit,
      log: log.child({ mod: 'roster' }),
    });
    const feed = new EventFeed();
    core.on('state', (meta) => feed.emit({ type: 'message', meta }));
    const now = o.now ?? Date.now;
    const incidents = new IncidentBook({
      ledger: new FileIncidentLedger(tracked(join(dataDir, INCIDENTS_FILE_NAME)), {
        log: log.child({ mod: 'incidents' }),
      }),
      // The county's zone and its own limits (county:), the national rules for the rest.
      rules: countyReportRules(config.county),
      now,
      kitArea: (node) =>
        node === me ? config.node.area : config.keys.nodes.find((k) => k.id === node)?.area,
      log: log.child({ mod: 'reports' }),
    });
    book = incidents;
    const reports = new ReportsAdapter({
      book: incidents,
      core,
      store,
      nodeId: me,
      ...(config.node.area === undefined ? {} : { area: config.node.area }),
      drill: config.node.drill,
      now,
      emit: (event) => feed.emit(event),
      log: log.child({ mod: 'reports' }),
    });
    // A report that reached this node (the centre, or a kit it was addressed to) goes into its book.
    core.on('delivered', (message) => {
      if (message.kind !== 'report') return;
      reports
        .recordDelivered(message)
        .catch((err: unknown) => log.error({ err }, 'recording a delivered report failed'));
    });
    // The centre's kit board, before the warnings: the desk follows a lost kit to its replacement.
    if (config.node.role === 'centre')
      kits = await openNodeKits({
        config,
        core,
        book: incidents,
        people: () => roster.list(),
        areas: roster.areas,
        audit,
        ...(o.issuer === undefined ? {} : { issuer: o.issuer }),
        alarm: () => warnings?.alarm,
        unanswered: async () => (await warnings?.service.unanswered()) ?? [],
        now,
        emit: (event) => feed.emit(event),
        kitsChanged: () => warnings?.kitsChanged?.(),
        // Opened below, after the board: read when a kit is replaced (docs/kits.md §Open items).
        openItems: {
          requests: () => requests?.book,
          tasks: () => teams?.tasks,
          shelters: () => shelters?.book,
          hazards: () => hazards?.book,
        },
        tracked,
        log,
      });
    warnings = await openNodeWarnings({
      config,
      core,
      store,
      people: () => roster.list(),
      areas: roster.areas,
      ...(o.issuer === undefined ? {} : { issuer: o.issuer }),
      ...(kits === undefined ? {} : { succession: kits.board }),
      now,
      ...(o.clockTrusted === undefined ? {} : { clockTrusted: o.clockTrusted }),
      emit: (event) => feed.emit(event),
      tracked,
      log,
    });
    hazards = await openNodeHazards({
      config,
      core,
      store,
      people: () => roster.list(),
      areas: roster.areas,
      ...(kits === undefined ? {} : { succession: kits.board }),
      now,
      emit: (event) => feed.emit(event),
      tracked,
      log,
    });
    requests = await openNodeRequests({
      config,
      core,
      store,
      people: () => roster.list(),
      areas: roster.areas,
      alarm: () => warnings?.alarm,
      ...(kits === undefined ? {} : { succession: kits.board }),
      now,
      emit: (event) => feed.emit(event),
      tracked,
      log,
    });
    shelters = await openNodeShelters({
      config,
      core,
      store,
      areas: roster.areas,
      emit: (event) => feed.emit(event),
      tracked,
      log,
    });
    teams = await openNodeTeams({
      config,
      core,
      store,
      people: () => roster.list(),
      areas: roster.areas,
      audit,
      now,
      emit: (event) => feed.emit(event),
      tracked,
      log,
    });
    map = await openMapService({
      config: config.map,
      areaName: (code) => roster.areas.name(code),
      // The centre's map shows the incidents its reports locate (docs/map.md §What it shows).
      ...(config.node.role === 'centre'
        ? {
            incidents: async (scope) =>
              incidentsGeoJson(
                (await incidents.list()).filter((i) => withinScope(scope, incidentArea(i))),
                incidents.rules,
                { exercise: config.node.drill },
              ),
          }
        : {}),
      log: log.child({ mod: 'map' }),
    });
    const api = createApiServer({
      config: http,
      dataDir,
      node: { id: me, role: config.node.role },
      version: packageVersion(),
      status: o.status,
      message: (id) => store.getMeta(id),
      reports,
      ...(warnings === undefined ? {} : { warnings: warnings.service }),
      ...(kits === undefined ? {} : { kits: kits.service }),
      ...(o.power === undefined ? {} : { power: o.power }),
      hazards: hazards.service,
      shelters: shelters.service,
      requests: requests.service,
      teams: teams.teams,
      texts: teams.texts,
      map,
      people: rosterPeople(roster),
      audit,
      events: feed,
      log,
      ...uiOf(log),
    });
    tracked(join(dataDir, COOKIE_KEY_FILE));
    tracked(join(dataDir, IDEMPOTENCY_FILE));
    await api.start();
    return {
      api,
      ...(kits === undefined ? {} : { kits: kits.service }),
      markReady: () => api.markReady(),
      async stop() {
        await api.stop();
        await hazards?.close();
        await shelters?.close();
        await requests?.close();
        await teams?.close();
        await map?.close();
        await warnings?.close();
        await kits?.close();
        await incidents.close();
        await audit.close();
      },
    };
  } catch (err) {
    await hazards?.close().catch(() => {});
    await shelters?.close().catch(() => {});
    await requests?.close().catch(() => {});
    await teams?.close().catch(() => {});
    await map?.close().catch(() => {});
    await warnings?.close().catch(() => {});
    await kits?.close().catch(() => {});
    await book?.close().catch(() => {});
    await audit.close().catch(() => {});
    throw err;
  }
}

/**
 * The built web UI (`npm run build` puts it in dist/ui of the package), found from this module
 * wherever it runs from; none when it was not built, which the log says once.
 */
function uiOf(log: Logger): { ui: { root: string } } | Record<string, never> {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    if (!existsSync(join(dir, 'package.json'))) continue;
    const root = join(dir, 'dist', 'ui');
    if (existsSync(join(root, 'index.html'))) return { ui: { root } };
    log.info({ looked: root }, 'the web UI is not built (npm run build): serving the API alone');
    return {};
  }
  return {};
}
