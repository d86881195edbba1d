/**
 * What the page knows of warnings, kept live (docs/ui.md §Warnings): the kit's alarm (GET /api/alarm
 * and the `alarm` events: what sounds and which red and orange warnings nobody here has answered),
 * the warnings in force as anyone may read them (GET /api/public/warnings and the `public-warning`
 * events), and counters the views watch to read again when the stream says a warning or its calls
 * moved. It is part of the first view: the alarm must show on the kit's page for anyone, signed in
 * or not, at once. The views themselves are loaded when opened.
 */
import { type ApiClient, ApiFailure } from './api-client.js';
import type { AlarmView, CallView, PublicWarningView, WarningEvent, WarningView } from './api-types.js';
import { inForceWith, inForceWithView } from './warning-view.js';

class WarningsState {
  /** The kit's alarm; undefined at the centre (or before it is read). */
  alarm = $state.raw<AlarmView | undefined>(undefined);
  /** Warnings in force here, as anyone may read them. */
  inForce = $state.raw<PublicWarningView[]>([]);
  /** The latest view of each warning heard on the stream, by id. */
  heard = $state.raw<ReadonlyMap<string, WarningView>>(new Map());
  /** Counts warnings heard on the stream, so that lists know to read again. */
  warningsHeard = $state(0);
  /** The calls that moved, per warning, as the last `calls` event said. */
  lastCalls = $state.raw<{ warning: string; calls: CallView[] } | undefined>(undefined);
  /** Counts `calls` events, so that boards know to merge and the 未叫应 list to read again. */
  callsHeard = $state(0);
}

export const warnings = new WarningsState();

/** Reads the kit's alarm: none at the centre (404), or from a kit too old to have one. */
export async function loadAlarm(api: Pick<ApiClient, 'get'>): Promise<void> {
  try {
    warnings.alarm = await api.get<AlarmView>('/api/alarm');
  } catch (err) {
    if (err instanceof ApiFailure && (err.status === 404 || err.status === 405)) warnings.alarm = undefined;
    // No answer: what the page had stays, as the rest of it does (docs/ui.md §Live updates).
  }
}

/** Reads the warnings in force, for anyone. */
export async function loadInForce(api: Pick<ApiClient, 'get'>): Promise<void> {
  try {
    warnings.inForce = await api.get<PublicWarningView[]>('/api/public/warnings');
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 404) warnings.inForce = [];
  }
}

/** Reads both; on start and whenever the stream says hello again. */
export async function loadWarnings(api: Pick<ApiClient, 'get'>): Promise<void> {
  await Promise.all([loadAlarm(api), loadInForce(api)]);
}

/** Takes a warning event of the stream. */
export function applyWarningEvent(e: WarningEvent, api: Pick<ApiClient, 'get'>): void {
  switch (e.type) {
    case 'alarm':
      warnings.alarm = e.alarm;
      break;
    case 'public-warning':
      // Shown at once (the alarm needs its headline); then the kit's own list, read again.
      warnings.inForce = inForceWith(warnings.inForce, e.warning, e.inForce);
      void loadInForce(api);
      break;
    case 'warning': {
      // A person signed in who may read it hears the full view instead of the public one.
      const next = new Map(warnings.heard);
      next.set(e.warning.id, e.warning);
      warnings.heard = next;
      warnings.warningsHeard++;
      warnings.inForce = inForceWithView(warnings.inForce, e.warning);
      void loadInForce(api);
      break;
    }
    case 'calls':
      warnings.lastCalls = { warning: e.warning, calls: e.calls };
      warnings.callsHeard++;
      break;
  }
}

/** The public view of a warning in force, by id. */
export function inForceById(id: string): PublicWarningView | undefined {
  return warnings.inForce.find((w) => w.id === id);
}
