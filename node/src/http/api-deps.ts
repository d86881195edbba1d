/**
 * Everything the API server is built from (docs/api.md §Wiring), handed in by the composition root
 * (node/src/app.ts): no part of the API reaches for a global, a file it was not told of, or the
 * node's configuration as a whole.
 */
import type { NodeStatus } from '../app-contract.js';
import type { Logger } from '../base/logger.js';
import type { AuditSink } from '../domain/audit/audit-entry.js';
import type { MessageMeta } from '../store/records.js';
import type { ApiEventFeed } from './event-hub.js';
import type { HazardsService } from './hazards-service.js';
import type { HttpConfig } from './http-config.js';
import type { IdempotencyJournalOptions } from './idempotency-journal.js';
import type { KitsService } from './kits-service.js';
import type { MapService } from './map-service.js';
import type { PeopleDirectory } from './people-directory.js';
import type { PinDelayOptions } from './pin-delay.js';
import type { ReportsService } from './reports-service.js';
import type { RequestsService } from './request-service.js';
import type { SheltersService } from './shelters-service.js';
import type { PowerStatus } from './status-view.js';
import type { TeamsService } from './team-service.js';
import type { TextsService } from './text-service.js';
import type { UiAssetsOptions } from './ui-assets.js';
import type { WarningsService } from './warnings-service.js';

export interface ApiServerDeps {
  /** The `http:` section (http-config.ts). */
  config: HttpConfig;
  /** The node's data directory: the cookie key and the idempotency journal live there. */
  dataDir: string;
  /** This node, for the health answer. */
  node: { id: number; role: string };
  /** fieldnode's version (package.json). */
  version: string;
  /** The node's status (NodeApp.status()). */
  status: () => NodeStatus;
  /** The power supply, once a kit measures it. Default: none. */
  power?: () => PowerStatus | undefined;
  /** A message's delivery record (MessageStore.getMeta). */
  message: (id: string) => Promise<MessageMeta | undefined>;
  reports: ReportsService;
  /**
   * The warnings workflow (warnings-adapter.ts over the centre's desk or the kit's warning book).
   * Absent: no warning route is registered, and each answers 404 API_NOT_FOUND.
   */
  warnings?: WarningsService;
  /** The hazards workflow (hazards-adapter.ts). Absent: no hazard route is registered. */
  hazards?: HazardsService;
  /** The requests and SOS workflow (request-adapter.ts). Absent: no request route is registered. */
  requests?: RequestsService;
  /** The shelters workflow (shelters-adapter.ts). Absent: no shelter route is registered. */
  shelters?: SheltersService;
  /** The map (map-service.ts). Absent: no map route is registered. */
  map?: MapService;
  /** The centre's kit board and lost-kit workflow (kits-adapter.ts). Absent: no kit route is registered. */
  kits?: KitsService;
  /** The rescue teams: tasks and positions (team-adapter.ts). Absent: no team route is registered. */
  teams?: TeamsService;
  /** Short texts (text-adapter.ts). Absent: no text route is registered. */
  texts?: TextsService;
  people: PeopleDirectory;
  /** Where every domain action through the API is recorded (docs/domain-model.md §The audit log). */
  audit: AuditSink;
  /** Changes to push to the event streams. Default: none but the status, polled. */
  events?: ApiEventFeed;
  log: Logger;
  /** Monotonic ms, for sessions. Default performance.now. */
  monotonic?: () => number;
  /** Wall-clock unix ms, for idempotency records and event times. Default Date.now. */
  now?: () => number;
  /** The PIN delay's clock and timer (tests). */
  pinDelay?: PinDelayOptions;
  /** The built web UI, served at `/` (docs/ui.md). Absent: the API alone. */
  ui?: UiAssetsOptions;
  /**
   * Opens the idempotency journal's files; tests pass a wrapper to watch its writes and syncs.
   * Default node:fs/promises `open`.
   */
  openFile?: IdempotencyJournalOptions['open'];
}
