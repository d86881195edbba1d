/**
 * What the warning routes need from the warnings workflow (docs/api.md §Warnings; docs/warnings.md):
 * issue, update and cancel a warning with a preview of its bytes and its CAP; list and read the
 * warnings held here; answer one (叫应) at a kit; the centre's 叫应 board, its 未叫应 list and the
 * closed-loop record; CAP 1.2 export and import; and the public list of warnings in force.
 * warnings-adapter.ts implements it over the centre's warning desk and the kit's warning book
 * (node/src/domain/warnings/); the route tests give an in-memory one.
 *
 * Issuing, like filing a report, happens exactly once per idempotency key across restarts: the
 * route saves `issueMark()` with its pending record before it calls `issue()`, and a retry after a
 * restart passes the first attempt's mark as `earlier` (reports-service.ts explains the scheme).
 */
import type { ApiPerson, PermissionScope } from './people-directory.js';
import type { FilingMark, LinkPreviewView } from './reports-service.js';

export type WarningAction = 'issue' | 'update' | 'cancel';
export type WarningColour = 'none' | 'red' | 'orange' | 'yellow' | 'blue';

/** A warning as the centre's form sends it (the body of POST /api/warnings and of its preview). */
export interface WarningDraftInput {
  action: WarningAction;
  /** For an update or a cancel: the id (`origin/seq`) of the warning it updates or cancels. */
  references?: string;
  /** Event code, GB/T 35561 style (`11B03` 暴雨). An update or cancel without one keeps the thread's. */
  event?: string;
  /** 1 = I 特别严重 … 4 = IV 一般; 0 = no level. An update or cancel without one keeps the thread's. */
  level?: number;
  colour?: WarningColour;
  /** Target area codes. An update or cancel without them keeps the thread's. */
  areas?: number[];
  /** Roles that must answer (叫应), by roster role code (`flood-responsible`…). */
  roles?: string[];
  /** Named persons that must answer besides, by roster id. */
  persons?: number[];
  /** A target circle, for hazards that do not follow boundaries. */
  circle?: { lat: number; lon: number; radiusM: number };
  /** Effective from, unix seconds. Default now. */
  onset?: number;
  /** Unix seconds. Required for issue and update; a cancel without one lasts an hour. */
  expires?: number;
  /** What people must do. */
  instruction?: string;
  /** The issuing office as the headline names it (某县气象台). */
  senderName?: string;
  /** A drill (演练): the envelope's exercise flag. A drill node issues every warning as one. */
  exercise?: boolean;
}

export type WarningStatus = 'active' | 'superseded' | 'cancelled' | 'expired' | 'pending';

/** How the calls of one warning stand (the centre). */
export interface CallCounts {
  total: number;
  sent: number;
  delivered: number;
  acknowledged: number;
  acted: number;
  /** Calls not yet acknowledged (sent or delivered): the warning's share of 未叫应. */
  unanswered: number;
  /** Sum of 已转移 N 人 over its calls. */
  evacuated: number;
}

/** One person who must answer a warning at this kit, and how they stand. */
export interface HereAnswerView {
  person: number;
  name?: string;
  state: 'unanswered' | 'acknowledged' | 'acted';
  evacuated?: number;
  notified?: number;
}

/** A warning held here: issued here (the centre) or received (a kit). */
export interface WarningView {
  /** Its message id, `origin/seq`. */
  id: string;
  action: WarningAction;
  /** The warning it updates or cancels. */
  references?: string;
  /** The id of its thread's first warning (docs/control-messages.md §Warning threads). */
  thread: string;
  issuer: number;
  event: string;
  eventName?: { zh: string; en: string };
  level: number;
  colour: WarningColour;
  /** The headline people know, rendered (docs/domain.md §Warnings). */
  headline: { zh: string; en: string };
  areas: number[];
  roles: string[];
  persons?: number[];
  circle?: { lat: number; lon: number; radiusM: number };
  /** Unix seconds. */
  onset: number;
  expires: number;
  instruction: string;
  senderName?: string;
  /** 演练: shown on every screen, sound and export. */
  exercise: boolean;
  /** When it was made, unix ms. */
  createdAt: number;
  /** When this node recorded it, unix ms. */
  recordedAt: number;
  status: WarningStatus;
  /** Imported from CAP: where it came from. */
  imported?: { sender: string; identifier: string };
  /** At the centre: how its calls stand. */
  calls?: CallCounts;
  /** At a kit: who must answer here and how they stand; and the kit's alarm for it. */
  here?: { persons: HereAnswerView[]; alarm?: 'sounding' | 'waiting' | 'answered' | 'chimed' };
}

/** One call of the 叫应 board (docs/warnings.md §States, §Escalation). */
export interface CallView {
  warning: string;
  person: number;
  name?: string;
  area: number;
  areaName?: string;
  /** The kit that serves the person's area; absent when none does. */
  kit?: number;
  /** The warning named the person, not only their role. */
  named: boolean;
  /** Answered though not called (a neighbour's grid member). */
  uncalled?: boolean;
  /** A superior's call: whose silence it escalates. */
  escalatedFrom?: number;
  state: 'sent' | 'delivered' | 'acknowledged' | 'acted';
  /** When each state was reached, unix ms. */
  at: { sent: number; delivered?: number; acknowledged?: number; acted?: number };
  /** Escalation steps taken, in order. */
  steps: Array<{ step: 'resent' | 'realarmed' | 'superior'; at: number }>;
  evacuated?: number;
  notified?: number;
  note?: string;
}

/** GET /api/warnings/{id}/calls. */
export interface CallBoardView {
  warning: WarningView;
  /** 未叫应 first (the longest waiting first), then the answered. */
  calls: CallView[];
  /** When the next escalation step falls due, unix ms; absent when nothing waits. */
  nextStepAt?: number;
}

/** What issuing a draft would put on air, and its CAP, found without issuing it. */
export interface WarningPreview {
  /** The warning as it would be issued. */
  warning: WarningView;
  /** Bytes of its message, signed as this node would sign it. */
  bytes: number;
  links: LinkPreviewView[];
  /** Its CAP 1.2 XML (docs/cap.md). */
  cap: string;
  /** How many persons it would call, by the roster. */
  calls: number;
}

/** A person's answer at a kit (the body of POST /api/warnings/{id}/answers). */
export interface AnswerInput {
  state: 'acknowledged' | 'acted';
  /** 已转移 N 人. */
  evacuated?: number;
  /** People or households told (door to door, gong, loudspeaker). */
  notified?: number;
  note?: string;
}

export interface AnswerResult {
  warning: string;
  person: number;
  state: 'acknowledged' | 'acted';
  /** Sent at once as its own ack, or held to ride with the answers of the next few seconds. */
  sending: 'at-once' | 'bundled';
}

/** A warning in force, as anyone on the kit's Wi-Fi may read it: no person, no name. */
export interface PublicWarningView {
  id: string;
  headline: { zh: string; en: string };
  colour: WarningColour;
  level: number;
  event: string;
  areas: Array<{ code: number; name?: string }>;
  onset: number;
  expires: number;
  instruction: string;
  exercise: boolean;
}

export interface CapImportResultView {
  warning: WarningView;
  /** What of the CAP message the warning does not carry, and why. */
  notes: Array<{ path: string; message: string }>;
}

/** The kit's alarm (GET /api/alarm): what sounds, for the full-screen alarm. */
export interface AlarmView {
  sounding?: { warning: string; colour: WarningColour; exercise: boolean };
  /** Red and orange warnings nobody here has answered: the full-screen alarm shows while any. */
  unanswered: string[];
}

export interface WarningsService {
  /** `centre` issues and keeps the 叫应 board; `kit` receives, sounds and answers. */
  readonly role: 'centre' | 'kit';
  /** Whether this node holds an issuer key (keys.issuer_key_file): it may issue. */
  canIssue(): boolean;
  /** A mark `issue()` can later tell warnings made after it by. */
  issueMark(): Promise<FilingMark>;
  /**
   * Checks the draft, signs and sends the warning and opens its calls.
   * @throws ApiError WARNING_REJECTED with `problems`; KitError WARNING_NO_ISSUER, WARNING_UNKNOWN
   *   (an update or cancel of a warning not held here), STORE_FULL.
   */
  issue(draft: WarningDraftInput, by: ApiPerson, earlier?: FilingMark): Promise<WarningView>;
  /**
   * What issuing would put on air, its CAP and how many it calls; numbers, stores and sends nothing.
   * @throws as issue().
   */
  preview(draft: WarningDraftInput, by: ApiPerson): Promise<WarningPreview>;
  /** Warnings held here, newest first; only those in force with `active`. */
  list(query: { scope: PermissionScope; active: boolean }): Promise<WarningView[]>;
  get(id: string): Promise<WarningView | undefined>;
  /**
   * `by` answers the warning at this kit.
   * @throws KitError WARNING_UNKNOWN, WARNING_CLOSED (cancelled, superseded or expired), WARNING_NOT_HERE (at the centre).
   */
  answer(id: string, by: ApiPerson, input: AnswerInput): Promise<AnswerResult>;
  /** The 叫应 board of one warning (the centre), or undefined. */
  calls(id: string): Promise<CallBoardView | undefined>;
  /** 未叫应: the unanswered calls of open warnings, the longest waiting first. */
  unanswered(): Promise<CallView[]>;
  /** The closed-loop record of one warning as CSV (docs/warnings.md §The record), or undefined. */
  callRecordCsv(id: string): Promise<string | undefined>;
  /** The warning as CAP 1.2 XML (docs/cap.md), or undefined. */
  exportCap(id: string): Promise<string | undefined>;
  /**
   * Imports a CAP 1.2 alert and forwards it as a warning marked with its source (the centre).
   * @throws ApiError CAP_REJECTED with `problems` (every reason); KitError WARNING_NO_ISSUER.
   */
  importCap(xml: Uint8Array, by: ApiPerson): Promise<CapImportResultView>;
  /** Warnings in force here, for anyone. */
  publicActive(): Promise<PublicWarningView[]>;
  /** The kit's alarm; undefined at the centre. */
  alarm(): AlarmView | undefined;
}
