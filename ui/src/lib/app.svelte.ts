/**
 * The page's state and the parts that keep it live (docs/ui.md §Live updates, §Nothing typed is
 * lost): who is signed in, the kit's latest status, the event stream and whether it is cut, the
 * outboxes (reports, and answers to warnings), and the delivery states heard. What the stream says
 * of warnings and the kit's alarm goes to warnings.svelte.ts (docs/ui.md §Warnings). Views read these fields, which are reactive; they change
 * them only through the functions here.
 */

import { isTimeZone } from '../../../node/src/domain/county-time.js';
import {
  ANSWER_OUTBOX_KEY,
  type AnswerEntry,
  type AnswerOutbox,
  type AnswerSent,
  answerSent,
} from './answer-outbox.js';
import { ApiClient, ApiFailure } from './api-client.js';
import type {
  AnswerResult,
  AnyStatus,
  DeliveryView,
  ReportSummary,
  SessionReply,
  SignedIn,
  StreamEvent,
} from './api-types.js';
import { DEFAULT_COUNTY_TIME_ZONE } from './county-clock.js';
import { EventStream, type LinkState } from './event-stream.js';
import { Outbox, type OutboxEntry, reportSent, type SentRecord } from './outbox.js';
import { randomKey } from './random-key.js';
import { applyWarningEvent, loadWarnings } from './warnings.svelte.js';

class AppState {
  /** Undefined until the kit said; then signed in or not. */
  session = $state.raw<SessionReply | undefined>(undefined);
  status = $state.raw<AnyStatus | undefined>(undefined);
  link = $state.raw<LinkState>({ connected: false, lastHeardAt: undefined, attempts: 0 });
  outbox = $state.raw<OutboxEntry[]>([]);
  sent = $state.raw<SentRecord[]>([]);
  /** Answers to warnings kept on the phone, and those the kit took. */
  answers = $state.raw<AnswerEntry[]>([]);
  answered = $state.raw<AnswerSent[]>([]);
  /** Keys being sent at this moment. */
  sending = $state.raw<ReadonlySet<string>>(new Set());
  /** Delivery states heard on the stream, by message id. */
  messages = $state.raw<ReadonlyMap<string, DeliveryView>>(new Map());
  /** Counts reports heard on the stream, so lists know to read again. */
  reportsHeard = $state(0);
  /** Counts hazard changes heard on the stream (docs/ui.md §Hazards), so its views read again. */
  hazardsHeard = $state(0);
  /**
   * The latest request the stream says changed (a step made or delivered here, an SOS sounding or
   * acknowledged: docs/requests.md §Live), and a count to wake the request views.
   */
  lastRequest = $state.raw<Extract<StreamEvent, { type: 'request' }>['request'] | undefined>(undefined);
  requestsHeard = $state(0);
  /** Counts shelter counts heard on the stream (docs/shelters.md §The view), so its view reads again. */
  sheltersHeard = $state(0);
  /** The latest kit the centre's stream says changed (docs/ui.md §Kits at the centre), and a count to wake its view. */
  lastKit = $state.raw<Extract<StreamEvent, { type: 'kit' }>['kit'] | undefined>(undefined);
  kitsHeard = $state(0);
  /** The latest task, position or text the stream brought (docs/teams.md §The views), and a count to wake its views. */
  lastTeam = $state.raw<Extract<StreamEvent, { type: 'team' }> | undefined>(undefined);
  teamsHeard = $state(0);
  lastReport = $state.raw<ReportSummary | undefined>(undefined);
  /**
   * The county's zone, as the kit's status says it (`county.time_zone`: docs/ui.md §Language and
   * look); Asia/Shanghai until the status is read, or from a kit too old to say.
   */
  zone = $state(DEFAULT_COUNTY_TIME_ZONE);
}

export const app = new AppState();
export const api = new ApiClient();

export function signedIn(): SignedIn | undefined {
  const s = app.session;
  return s?.signedIn ? s : undefined;
}

/** Takes a status the kit sent, and the county's zone it names. */
function applyStatus(status: AnyStatus): void {
  app.status = status;
  // An older kit says none; a zone this browser does not know would break every time shown.
  const zone: unknown = status.timeZone;
  if (typeof zone === 'string' && zone !== app.zone && isTimeZone(zone)) app.zone = zone;
}

/**
 * Whether the kit is a drill node (docs/ui.md §Drill mode), as its status says (the public one
 * too); false until the status is read. Every report it files is an exercise, whatever the page.
 */
export function isDrill(): boolean {
  return app.status?.node.drill === true;
}

/** Whether this node is the county's centre (it issues warnings and keeps the 叫应 board), as its status says. */
export function isCentre(): boolean {
  return app.status?.node.role === 'centre';
}

/** Whether the person signed in may do `permission` anywhere. */
export function may(permission: string): boolean {
  return signedIn()?.permissions.some((p) => p.permission === permission) ?? false;
}

const storage: Pick<Storage, 'getItem' | 'setItem'> = safeStorage();

export const outbox = new Outbox({
  storage,
  person: () => signedIn()?.person.id,
  send: (entry) => api.write('POST', entry.path, entry.body, entry.key),
  record: reportSent,
  refreshSession: () => loadSession().then(() => undefined),
  onChange: refreshOutbox,
});

/** The person's answers to warnings (docs/ui.md §Warnings): the same outbox, kept apart. */
export const answers: AnswerOutbox = new Outbox({
  storage,
  storageKey: ANSWER_OUTBOX_KEY,
  person: () => signedIn()?.person.id,
  send: (entry: AnswerEntry) => api.write<AnswerResult>('POST', entry.path, entry.body, entry.key),
  record: answerSent,
  refreshSession: () => loadSession().then(() => undefined),
  onChange: refreshOutbox,
});

function refreshOutbox(): void {
  app.outbox = outbox.entries();
  app.sent = outbox.sent();
  app.answers = answers.entries();
  app.answered = answers.sent();
  app.sending = new Set(
    [...app.outbox, ...app.answers]
      .filter((e) => outbox.sending(e.key) || answers.sending(e.key))
      .map((e) => e.key),
  );
}

/** Sends whatever waits on the phone: reports and answers. */
function flushAll(force: boolean): Promise<unknown> {
  return Promise.all([outbox.flush(force), answers.flush(force)]);
}

let stream: EventStream | undefined;

/** Reads who is signed in (and the CSRF token); a kit that cannot be reached leaves it as it was. */
export async function loadSession(): Promise<SessionReply | undefined> {
  try {
    const s = await api.get<SessionReply>('/api/session');
    applySession(s);
    return s;
  } catch (err) {
    if (err instanceof ApiFailure && err.network) return app.session;
    throw err;
  }
}

function applySession(s: SessionReply): void {
  const before = signedIn()?.person.id;
  app.session = s;
  api.csrfToken = s.signedIn ? s.csrfToken : undefined;
  if (s.signedIn && s.person.id !== before) {
    refreshOutbox();
    void flushAll(true);
  }
}

export async function signIn(person: number, pin: string): Promise<SignedIn> {
  // A cookie of a session the kit no longer has (it restarted) sent with the sign-in comes back
  // cleared in the same answer that sets the new one, after it, and the browser ends signed out
  // (docs/ui.md §What the UI needs from the API). Reading the session first clears it.
  await loadSession().catch(() => undefined);
  const { body } = await api.write<SignedIn>('POST', '/api/session', { person, pin }, randomKey());
  applySession(body);
  // The stream must be opened again to carry the session's cookie.
  stream?.reconnectNow();
  await loadStatus();
  return body;
}

export async function signOut(): Promise<void> {
  try {
    await api.write('DELETE', '/api/session', undefined, randomKey());
  } catch (err) {
    // Already ended is as good as ended; anything else the page shows.
    if (!(err instanceof ApiFailure && err.status === 401)) throw err;
  }
  applySession({ signedIn: false });
  stream?.reconnectNow();
  await loadStatus();
}

/** The full status when signed in, else the public one. */
export async function loadStatus(): Promise<void> {
  try {
    applyStatus(await api.get<AnyStatus>(signedIn() ? '/api/status' : '/api/status/public'));
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 401) {
      applySession({ signedIn: false });
      const status = await api.get<AnyStatus>('/api/status/public').catch(() => undefined);
      if (status !== undefined) applyStatus(status);
    }
  }
}

function onEvent(e: StreamEvent): void {
  switch (e.type) {
    case 'hello':
      // The kit is back (or was never away): what waited goes now, and what changed is read.
      void loadSession().then(() => flushAll(true));
      void loadWarnings(api);
      // What changed while the stream was cut came as no event: the request views read again.
      app.requestsHeard++;
      break;
    case 'status':
      applyStatus(e.status);
      break;
    case 'message': {
      const next = new Map(app.messages);
      next.set(e.message.id, e.message);
      app.messages = next;
      break;
    }
    case 'report':
      app.lastReport = e.report;
      app.reportsHeard++;
      break;
    case 'session-ended':
      applySession({ signedIn: false });
      break;
    case 'hazard':
    case 'public-hazard':
      app.hazardsHeard++;
      break;
    case 'request':
      app.lastRequest = e.request;
      app.requestsHeard++;
      break;
    case 'shelter':
      app.sheltersHeard++;
      break;
    case 'kit':
      app.lastKit = e.kit;
      app.kitsHeard++;
      break;
    case 'team':
      app.lastTeam = e;
      app.teamsHeard++;
      break;
    case 'warning':
    case 'public-warning':
    case 'calls':
    case 'alarm':
      applyWarningEvent(e, api);
      break;
  }
}

/** Starts the page's live parts: the session, the status, the event stream, the outbox. */
export async function startApp(): Promise<void> {
  refreshOutbox();
  if (typeof window !== 'undefined')
    window.addEventListener('storage', (e) => {
      if (e.key === null || e.key.startsWith('fieldnode.outbox')) refreshOutbox();
    });
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  stream = new EventStream({
    url: `${scheme}//${location.host}/api/events`,
    onEvent,
    onState: (s) => {
      app.link = s;
    },
    probe: () =>
      api.get('/api/health').then(
        () => true,
        (err: unknown) => !(err instanceof ApiFailure && err.network),
      ),
  });
  stream.start();
  await loadSession();
  await Promise.all([loadStatus(), loadWarnings(api)]);
}

function safeStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  try {
    if (typeof localStorage !== 'undefined') {
      localStorage.getItem('fieldnode.probe');
      return localStorage;
    }
  } catch {
    // Storage refused (a private window, a captive-portal browser): kept in memory only.
  }
  const memory = new Map<string, string>();
  return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v) };
}
