/**
 * The shapes the UI reads from the API (docs/api.md), taken from the API's own modules as types
 * only, so that a change there fails the UI's type check instead of its users. Nothing of the
 * daemon is bundled: `import type` is erased. The session replies exist there only as schemas
 * (node/src/http/schemas/session-schemas.ts) and are written out here.
 */
import type { ApiErrorBody, ApiProblem } from '../../../node/src/http/api-errors.js';
import type { DeliveryView, StepView } from '../../../node/src/http/delivery-view.js';
import type { ApiEvent } from '../../../node/src/http/event-hub.js';
import type {
  AreaTotalsView,
  FiledReport,
  LinkPreviewView,
  OverdueReport,
  OverdueView,
  ReportChange,
  ReportDraftInput,
  ReportPreview,
  ReportStage,
  ReportSummary,
  TotalsReport,
} from '../../../node/src/http/reports-service.js';
import type {
  CreditsView,
  LinkView,
  PublicStatusView,
  StatusView,
} from '../../../node/src/http/status-view.js';
import type {
  AlarmView,
  AnswerInput,
  AnswerResult,
  CallBoardView,
  CallCounts,
  CallView,
  HereAnswerView,
  PublicWarningView,
  WarningAction,
  WarningColour,
  WarningDraftInput,
  WarningPreview,
  WarningStatus,
  WarningView,
} from '../../../node/src/http/warnings-service.js';

export type {
  AlarmView,
  AnswerInput,
  AnswerResult,
  ApiErrorBody,
  ApiEvent,
  ApiProblem,
  AreaTotalsView,
  CallBoardView,
  CallCounts,
  CallView,
  CreditsView,
  DeliveryView,
  HereAnswerView,
  LinkPreviewView,
  LinkView,
  OverdueReport,
  OverdueView,
  PublicStatusView,
  PublicWarningView,
  ReportChange,
  ReportDraftInput,
  ReportPreview,
  ReportStage,
  ReportSummary,
  StatusView,
  StepView,
  TotalsReport,
  WarningAction,
  WarningColour,
  WarningDraftInput,
  WarningPreview,
  WarningStatus,
  WarningView,
};

export interface SessionPerson {
  id: number;
  name: string;
  roles: string[];
  areas: number[];
}

export interface PermissionGrant {
  permission: string;
  /** Anywhere; else within `areas`. */
  all: boolean;
  areas: number[];
}

export interface SignedIn {
  signedIn: true;
  person: SessionPerson;
  csrfToken: string;
  expiresInMs: number;
  permissions: PermissionGrant[];
}

export type SessionReply = SignedIn | { signedIn: false };

/** POST /api/reports answers this (node/src/http/schemas/report-schemas.ts FiledReply). */
export interface FiledReply extends FiledReport {
  message: { id: string; href: string };
}

export interface ReportPage {
  items: ReportSummary[];
  page: { page: number; perPage: number; total: number };
}

/** What the event stream says of warnings and the kit's alarm (docs/api.md §Events, §Warnings). */
export type WarningEvent = Extract<ApiEvent, { type: 'warning' | 'public-warning' | 'calls' | 'alarm' }>;

/** Everything the event stream may send. */
export type StreamEvent = ApiEvent;

/** GET /api/areas: the roster's names of areas, by code. */
export interface AreasReply {
  items: Array<{ code: number; name: string }>;
}

/** Either status: the full one for people signed in, the public one otherwise. */
export type AnyStatus = StatusView | PublicStatusView;

export function isFullStatus(s: AnyStatus): s is StatusView {
  return 'clock' in s;
}
