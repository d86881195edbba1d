/**
 * Hazards and their changes kept on the phone until the kit has them (docs/ui.md §Hazards, §Nothing
 * typed is lost): the reports' outbox (outbox.ts) under a storage key of its own, so a hazard
 * reported while the Wi-Fi comes and goes is filed once, with one idempotency key, when it can.
 *
 * Made when a hazard view is first opened (this module is part of those views' code, not of the
 * first view's): a hazard kept on the phone goes when a hazard view is next open and the kit is
 * reached, and each open view tries again every half minute. Its photos are on the kit already
 * (uploaded as they were taken); the kept entry holds only their tokens.
 */
import type { WriteResult } from './api-client.js';
import { api, loadSession, signedIn } from './app.svelte.js';
import type { HazardReplyBody } from './hazard-api.js';
import type { HazardChangeInput, HazardDraftInput } from './hazard-draft.js';
import { Outbox, type OutboxEntry, type SentBase } from './outbox.js';

export const HAZARD_OUTBOX_KEY = 'fieldnode.outbox.hazards.v1';

export type HazardLabel = 'reported' | 'verified' | 'handled' | 'closed';
export type HazardEntry = OutboxEntry<HazardDraftInput | HazardChangeInput, HazardLabel>;

export interface HazardSent extends SentBase {
  label: HazardLabel;
  hazard: string;
  message: string;
  replayed: boolean;
}

class HazardOutboxState {
  entries = $state.raw<HazardEntry[]>([]);
  sent = $state.raw<HazardSent[]>([]);
}

export const hazardOutboxState = new HazardOutboxState();

export const hazardOutbox = new Outbox<
  HazardDraftInput | HazardChangeInput,
  HazardLabel,
  HazardReplyBody,
  HazardSent
>({
  storage: safeStorage(),
  storageKey: HAZARD_OUTBOX_KEY,
  person: () => signedIn()?.person.id,
  send: (entry) => api.write<HazardReplyBody>('POST', entry.path, entry.body, entry.key),
  record: hazardSent,
  refreshSession: () => loadSession().then(() => undefined),
  onChange: () => {
    hazardOutboxState.entries = hazardOutbox.entries();
    hazardOutboxState.sent = hazardOutbox.sent();
  },
});

export function hazardSent(
  entry: HazardEntry,
  result: WriteResult<HazardReplyBody>,
  sentAt: number,
): HazardSent {
  return {
    key: entry.key,
    label: entry.label,
    personId: entry.personId,
    hazard: result.body.hazard.id,
    message: result.body.message.id,
    sentAt,
    replayed: result.replayed,
  };
}

/** Reads the outbox into the views' state and sends what waits. */
export function refreshHazardOutbox(): Promise<void> {
  hazardOutboxState.entries = hazardOutbox.entries();
  hazardOutboxState.sent = hazardOutbox.sent();
  return hazardOutbox.flush(true);
}

function safeStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  try {
    if (typeof localStorage !== 'undefined') return localStorage;
  } catch {
    // Storage refused: kept in memory only.
  }
  const memory = new Map<string, string>();
  return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v) };
}
