/**
 * The event stream of GET /api/events (docs/api.md §Events): every change the UI shows, pushed to
 * each open WebSocket as one JSON object per frame.
 *
 * - `message`: a delivery state of a message made here or addressed here changed (its delivery
 *   view, delivery-view.ts); signed-in streams only.
 * - `report`: a report was recorded, filed here or received; to streams whose person may see
 *   reports of its area.
 * - `status`: the status changed (a link went up or down, the clock became trusted, the queue or
 *   the credits moved, the power changed): the full status to signed-in streams, the public subset
 *   to the others. Polled every `statusEveryMs` while any stream is open, sent only on a change.
 * - `warning`: a warning was issued, received, answered or changed state here (warnings-service.ts):
 *   to signed-in streams whose person may read it (warning-access.ts); every other stream hears it
 *   as `public-warning`, the view anyone may read (warning-public-view.ts), with whether it is in
 *   force, so a public page drops a cancelled one.
 * - `calls`: the calls of a warning moved (the centre's 叫应 board); to streams whose person may see
 *   the board.
 * - `kit`: a kit's state at the centre changed (its health, an alert, a revocation); to streams
 *   whose person may see the kit board (`kit.view`).
 * - `team`: a task changed, a team member's position came, or a text was sent or received here
 *   (docs/teams.md, docs/texts.md); to signed-in streams, since they carry names.
 * - `alarm`: the kit's alarm changed; to every stream, since a phone at the kit that is not signed
 *   in must still show it.
 * - `session-ended`: the stream's session ended (signed out, expired, the person removed); the
 *   socket closes after it, and the stream goes on as a public one once the page reconnects.
 *
 * A stream that reads too slowly (more than `maxBufferedBytes` unsent) is closed rather than
 * buffered without bound; the page reconnects and reads the current state with GET. A socket that
 * answers no ping for `pingEveryMs` is dropped.
 */
import type { WebSocket } from 'ws';
import type { NodeStatus } from '../app-contract.js';
import type { Logger } from '../base/logger.js';
import type { PublicShelterView } from '../domain/shelters/shelter.js';
import type { MessageMeta } from '../store/records.js';
import { type DeliveryView, deliveryView } from './delivery-view.js';
import type { HazardApiView, PublicHazardView } from './hazards-service.js';
import type { KitView } from './kits-service.js';
import { type PermissionScope, withinScope } from './people-directory.js';
import type { ReportSummary } from './reports-service.js';
import type { RequestApiView } from './request-service.js';
import {
  type PowerStatus,
  type PublicStatusView,
  publicStatusView,
  type StatusView,
  statusView,
} from './status-view.js';
import type { TeamEvent } from './team-service.js';
import { warningWithinScope } from './warning-access.js';
import { areaNameMap, inForce, publicWarningView } from './warning-public-view.js';
import type { AlarmView, CallView, PublicWarningView, WarningView } from './warnings-service.js';

/**
 * What the node tells the hub: the composition root feeds NodeCore's `state` events, the reports
 * recorded, and the warnings workflow's changes (a warning, the calls of one, the kit's alarm).
 */
export type FeedEvent =
  | { type: 'message'; meta: MessageMeta }
  | { type: 'report'; report: ReportSummary }
  | { type: 'warning'; warning: WarningView }
  | { type: 'calls'; warning: string; calls: CallView[] }
  | { type: 'alarm'; alarm: AlarmView }
  | { type: 'hazard'; hazard: HazardApiView; public?: PublicHazardView }
  | { type: 'kit'; kit: KitView }
  | { type: 'shelter'; shelter: PublicShelterView }
  | { type: 'request'; request: RequestApiView }
  | { type: 'team'; team: TeamEvent };

/** Where the hub hears about changes: subscribe returns the unsubscribe. */
export interface ApiEventFeed {
  subscribe(listener: (event: FeedEvent) => void): () => void;
}

/** A feed the composition root pushes into. */
export class EventFeed implements ApiEventFeed {
  readonly #listeners = new Set<(event: FeedEvent) => void>();
  subscribe(listener: (event: FeedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  emit(event: FeedEvent): void {
    for (const l of this.#listeners) l(event);
  }
}

/** What a stream receives. */
export type ApiEvent =
  | { type: 'hello'; at: number; signedIn: boolean }
  | { type: 'message'; at: number; message: DeliveryView }
  | { type: 'report'; at: number; report: ReportSummary }
  | { type: 'status'; at: number; status: StatusView | PublicStatusView }
  | { type: 'warning'; at: number; warning: WarningView }
  | { type: 'public-warning'; at: number; warning: PublicWarningView; inForce: boolean }
  | { type: 'calls'; at: number; warning: string; calls: CallView[] }
  | { type: 'alarm'; at: number; alarm: AlarmView }
  | { type: 'hazard'; at: number; hazard: HazardApiView }
  | { type: 'public-hazard'; at: number; id: string; hazard?: PublicHazardView }
  | { type: 'kit'; at: number; kit: KitView }
  | { type: 'shelter'; at: number; shelter: PublicShelterView }
  | { type: 'request'; at: number; request: RequestApiView }
  | ({ type: 'team'; at: number } & TeamEvent)
  | { type: 'session-ended'; at: number; reason: 'signed-out' | 'expired' };

/** Who a stream belongs to, checked again at every event. */
export interface StreamViewer {
  sessionId: string;
  /** Whether the session is still in effect, without renewing it. */
  valid(): boolean;
  /** Where the person may see reports. */
  reportScope(): PermissionScope;
  /** Where the person may read warnings (warning-access.ts). Default: nowhere. */
  warningScope?(): PermissionScope;
  /** Whether the person may see the 叫应 board. Default: no. */
  seesCalls?(): boolean;
  /** Where the person may see hazards (`hazard.view`). Default: nowhere. */
  hazardScope?(): PermissionScope;
  /** Whether the person may see the kit board (kit.view). Default: no. */
  seesKits?(): boolean;
}

export interface EventHubOptions {
  feed?: ApiEventFeed;
  status: () => NodeStatus;
  power?: () => PowerStatus | undefined;
  ready: () => boolean;
  version: string;
  log: Logger;
  /** The roster's area names, for the public view of a warning. Default: none. */
  areaNames?: () => ReadonlyArray<{ code: number; name: string }>;
  /** unix ms for the events' `at`. Default Date.now. */
  now?: () => number;
  /** Default 2000. */
  statusEveryMs?: number;
  /** Default 30,000. */
  pingEveryMs?: number;
  /** Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Default 64. */
  maxStreams?: number;
}

interface Stream {
  socket: WebSocket;
  viewer: StreamViewer | undefined;
  alive: boolean;
}

export class EventHub {
  readonly #o: EventHubOptions;
  readonly #streams = new Set<Stream>();
  #unsubscribe: (() => void) | undefined;
  #statusTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #lastFull = '';
  #lastPublic = '';

  constructor(options: EventHubOptions) {
    this.#o = options;
  }

  get full(): boolean {
    return this.#streams.size >= (this.#o.maxStreams ?? 64);
  }

  get size(): number {
    return this.#streams.size;
  }

  start(): void {
    this.#unsubscribe = this.#o.feed?.subscribe((e) => this.#onFeed(e));
    this.#statusTimer = setInterval(() => this.#pollStatus(), this.#o.statusEveryMs ?? 2000);
    this.#statusTimer.unref();
    this.#pingTimer = setInterval(() => this.#ping(), this.#o.pingEveryMs ?? 30_000);
    this.#pingTimer.unref();
  }

  stop(): void {
    this.#unsubscribe?.();
    clearInterval(this.#statusTimer);
    clearInterval(this.#pingTimer);
    for (const s of this.#streams) s.socket.close(1001, 'the node is stopping');
    this.#streams.clear();
  }

  /** Takes an open socket; `viewer` when the upgrade request was signed in. */
  add(socket: WebSocket, viewer: StreamViewer | undefined): void {
    const stream: Stream = { socket, viewer, alive: true };
    this.#streams.add(stream);
    socket.on('pong', () => {
      stream.alive = true;
    });
    socket.on('close', () => this.#streams.delete(stream));
    socket.on('error', (err) => {
      this.#o.log.debug({ err }, 'event stream failed');
      this.#streams.delete(stream);
    });
    // Nothing a page sends means anything; a page that sends is not ours.
    socket.on('message', () => socket.close(1003, 'this stream takes no messages'));
    this.#send(stream, { type: 'hello', at: this.#now(), signedIn: viewer !== undefined });
    this.#send(stream, { type: 'status', at: this.#now(), status: this.#statusFor(stream) });
  }

  /** Ends the streams of a session that ended (sign-out). */
  sessionEnded(sessionId: string, reason: 'signed-out' | 'expired'): void {
    for (const s of this.#streams) if (s.viewer?.sessionId === sessionId) this.#end(s, reason);
  }

  #onFeed(e: FeedEvent): void {
    // Every message the node stores passes here: with no stream to tell, nothing is made.
    if (this.#streams.size === 0) return;
    const at = this.#now();
    if (e.type === 'message') {
      if (!e.meta.local && !e.meta.forMe) return;
      const streams = this.#signedIn();
      if (streams.length === 0) return;
      const message = deliveryView(e.meta);
      for (const s of streams) this.#send(s, { type: 'message', at, message });
    } else if (e.type === 'report') {
      for (const s of this.#signedIn())
        if (inScope(s.viewer?.reportScope(), e.report.area))
          this.#send(s, { type: 'report', at, report: e.report });
    } else if (e.type === 'warning') {
      this.#onWarning(e.warning, at);
    } else if (e.type === 'hazard') {
      this.#onHazard(e.hazard, e.public, at);
    } else if (e.type === 'request') {
      // request.view is granted as report.view is (permissions.ts): the same scope (docs/requests.md).
      for (const s of this.#signedIn())
        if (inScope(s.viewer?.reportScope(), e.request.area))
          this.#send(s, { type: 'request', at, request: e.request });
    } else if (e.type === 'shelter') {
      // Counts and places only, so every stream hears it (docs/shelters.md §Events).
      for (const s of this.#live()) this.#send(s, { type: 'shelter', at, shelter: e.shelter });
    } else if (e.type === 'team') {
      // Tasks, positions and texts carry names: signed-in streams only (docs/teams.md, docs/texts.md).
      for (const s of this.#signedIn()) this.#send(s, { type: 'team', at, ...e.team });
    } else if (e.type === 'kit') {
      for (const s of this.#signedIn())
        if (s.viewer?.seesKits?.() === true) this.#send(s, { type: 'kit', at, kit: e.kit });
    } else if (e.type === 'calls') {
      for (const s of this.#signedIn())
        if (s.viewer?.seesCalls?.() === true)
          this.#send(s, { type: 'calls', at, warning: e.warning, calls: e.calls });
    } else {
      for (const s of this.#live()) this.#send(s, { type: 'alarm', at, alarm: e.alarm });
    }
  }

  /** The full view where the person may read it, the public view everywhere else. */
  #onWarning(warning: WarningView, at: number): void {
    let pub: ApiEvent | undefined;
    for (const s of this.#live()) {
      const scope = s.viewer?.warningScope?.();
      if (scope !== undefined && warningWithinScope(scope, warning)) {
        this.#send(s, { type: 'warning', at, warning });
        continue;
      }
      pub ??= {
        type: 'public-warning',
        at,
        warning: publicWarningView(warning, areaNameMap(this.#o.areaNames?.() ?? [])),
        inForce: inForce(warning, at),
      };
      this.#send(s, pub);
    }
  }

  /**
   * A hazard changed: its full view where the person may see its area (docs/hazards.md); every
   * other stream hears its public view, or that it left the public map (`hazard` absent).
   */
  #onHazard(hazard: HazardApiView, pub: PublicHazardView | undefined, at: number): void {
    for (const s of this.#live()) {
      const scope = s.viewer?.hazardScope?.();
      if (scope !== undefined && withinScope(scope, hazard.area))
        this.#send(s, { type: 'hazard', at, hazard });
      else
        this.#send(s, {
          type: 'public-hazard',
          at,
          id: hazard.id,
          ...(pub === undefined ? {} : { hazard: pub }),
        });
    }
  }

  /** Every stream still fit to be told: the public ones and the signed-in ones whose session holds. */
  #live(): Stream[] {
    const signedIn = new Set(this.#signedIn());
    return [...this.#streams].filter((s) => s.viewer === undefined || signedIn.has(s));
  }

  /** The signed-in streams whose session still holds; the others are told and closed. */
  #signedIn(): Stream[] {
    const out: Stream[] = [];
    for (const s of this.#streams) {
      if (s.viewer === undefined) continue;
      if (s.viewer.valid()) out.push(s);
      else this.#end(s, 'expired');
    }
    return out;
  }

  #pollStatus(): void {
    if (this.#streams.size === 0) return;
    let node: NodeStatus;
    try {
      node = this.#o.status();
    } catch (err) {
      this.#o.log.warn({ err }, 'status for the event streams failed; will try again');
      return;
    }
    const power = this.#o.power?.();
    const extra = { ready: this.#o.ready(), ...(power ? { power } : {}) };
    const pub = publicStatusView(node, extra);
    const full = statusView(node, { ...extra, version: this.#o.version });
    const pubDigest = JSON.stringify(pub);
    const fullDigest = digest(full);
    const at = this.#now();
    if (fullDigest !== this.#lastFull) {
      this.#lastFull = fullDigest;
      for (const s of this.#signedIn()) this.#send(s, { type: 'status', at, status: full });
    }
    if (pubDigest !== this.#lastPublic) {
      this.#lastPublic = pubDigest;
      for (const s of this.#streams)
        if (s.viewer === undefined) this.#send(s, { type: 'status', at, status: pub });
    }
  }

  #statusFor(stream: Stream): StatusView | PublicStatusView {
    const node = this.#o.status();
    const power = this.#o.power?.();
    const extra = { ready: this.#o.ready(), ...(power ? { power } : {}) };
    return stream.viewer === undefined
      ? publicStatusView(node, extra)
      : statusView(node, { ...extra, version: this.#o.version });
  }

  #ping(): void {
    for (const s of this.#streams) {
      if (!s.alive) {
        s.socket.terminate();
        this.#streams.delete(s);
        continue;
      }
      s.alive = false;
      s.socket.ping();
    }
  }

  #end(s: Stream, reason: 'signed-out' | 'expired'): void {
    this.#send(s, { type: 'session-ended', at: this.#now(), reason });
    s.socket.close(4001, reason);
    this.#streams.delete(s);
  }

  #send(s: Stream, event: ApiEvent): void {
    if (s.socket.readyState !== s.socket.OPEN) return;
    if (s.socket.bufferedAmount > (this.#o.maxBufferedBytes ?? 1024 * 1024)) {
      this.#o.log.info(
        { buffered: s.socket.bufferedAmount },
        'event stream too slow: closed; the page reconnects',
      );
      s.socket.close(1013, 'too slow: reconnect and read the state again');
      this.#streams.delete(s);
      return;
    }
    s.socket.send(JSON.stringify(event));
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }
}

/** What a status change is: everything but the counters and the clock's ticking. */
function digest(s: StatusView): string {
  return JSON.stringify({
    ready: s.ready,
    clock: [s.clock.trusted, s.clock.source, s.clock.expiryTrusted],
    links: s.links.map((l) => [l.id, l.status, l.reason, l.mt?.on]),
    queue: s.queue,
    credits: s.credits,
    power:
      s.power === undefined
        ? undefined
        : [s.power.source, Math.round(s.power.batteryPercent ?? -1), s.power.charging],
  });
}

function inScope(scope: PermissionScope | undefined, area: number | undefined): boolean {
  return scope !== undefined && withinScope(scope, area);
}
