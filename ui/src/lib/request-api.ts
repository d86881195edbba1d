/**
 * The request API's shapes (docs/api.md §Routes), as types from the daemon's own modules (erased:
 * nothing of the daemon is bundled), and the reads and writes the request and SOS views make.
 */

import type { RequestApiView, RequestBoardRow } from '../../../node/src/http/request-service.js';
import { SUPPLY_ITEMS } from '../../../node/src/wire/codes/supply-items.js';
import { REQUEST_TYPES, REQUEST_URGENCIES } from '../../../node/src/wire/kinds/request.js';
import type { ApiClient } from './api-client.js';
import { randomKey } from './random-key.js';

export type { RequestApiView, RequestBoardRow };
export { REQUEST_TYPES, REQUEST_URGENCIES, SUPPLY_ITEMS };

export interface RequestMadeBody {
  request: RequestApiView;
  message: { id: string; href: string };
}

/** The lines a form holds, quantities as typed; those without an item or a quantity are left out. */
export function linesOf(rows: ReadonlyArray<{ item: number | undefined; quantity: number | undefined }>) {
  return rows.flatMap((r) =>
    r.item === undefined || r.quantity === undefined || !(r.quantity > 0)
      ? []
      : [{ item: r.item, quantity: r.quantity }],
  );
}

/** The board at the centre; the requests of the person's areas, latest first, at a kit. */
export async function loadRequests(api: ApiClient, centre: boolean): Promise<RequestBoardRow[]> {
  if (centre) return (await api.get<{ items: RequestBoardRow[] }>('/api/requests/board')).items;
  const now = Date.now();
  const { items } = await api.get<{ items: RequestApiView[] }>('/api/requests');
  return items.map((request) => ({ request, ageMs: Math.max(0, now - request.requestedAt), overdue: false }));
}

/** Sends a step of a request under a fresh key. */
export function sendStep(
  api: ApiClient,
  id: string,
  step: { status: string; items?: Array<{ item: number; quantity: number }>; eta?: number; note?: string },
) {
  return api.write<RequestMadeBody>('POST', `/api/requests/${id}/replies`, step, randomKey());
}

export function acknowledgeSos(api: ApiClient, id: string) {
  return api.write<{ request: RequestApiView; wasSounding: boolean }>(
    'POST',
    `/api/requests/${id}/acknowledge`,
    {},
    randomKey(),
  );
}
