/**
 * The hazards the map reads (hazard-api.ts loadMapHazards; docs/hazards.md §The map's hazards), over
 * the real API on 127.0.0.1 at a centre wired by node/src/composition/node-hazards.ts: every hazard
 * still open however many the ledger holds, and the latest closed ones; never only the newest page.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PIN } from '../../../node/src/http/api-fixtures.js';
import { Z1, Z2 } from '../../../node/src/wire/fixtures/hazard-messages.js';
import type { MessageOf } from '../../../node/src/wire/message.js';
import { type HazardNetwork, startHazardNetwork } from '../../../node/test/hazard-network.js';
import { ApiClient } from './api-client.js';
import { isFull, loadMapHazards } from './hazard-api.js';

const OPEN = 700;
let h: HazardNetwork;
beforeEach(async () => {
  h = await startHazardNetwork();
});
afterEach(async () => {
  await h.stop();
});

/** The UI's client, signed in at the centre as `person`. */
async function signedIn(person: number): Promise<ApiClient> {
  const test = h.centre.api.client();
  expect((await test.signIn(person, PIN)).status).toBe(200);
  return new ApiClient({
    base: `http://127.0.0.1:${test.port}`,
    fetch: (input, init) =>
      globalThis.fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), cookie: test.cookie ?? '' },
      }),
  });
}

describe('the map’s hazards', () => {
  it('are every open hazard past the first page, and the latest closed', async () => {
    // The kit's reports, oldest first; the oldest closed at the centre.
    for (let i = 0; i <= OPEN; i++) {
      const m: MessageOf<'hazard'> = { ...Z1, seq: 1000 + i, createdAt: Z1.createdAt + i };
      await h.centre.book.record(m, { local: false });
    }
    const close: MessageOf<'hazard'> = {
      ...Z2,
      seq: 5000,
      createdAt: Z1.createdAt + OPEN + 60,
      body: { ...Z2.body, status: 'resolved', previous: { origin: Z1.origin, seq: 1000 } },
    };
    await h.centre.book.record(close, { local: false });

    const shown = await loadMapHazards(await signedIn(3), true);
    const ids = new Set(shown.map((x) => x.id));
    expect(shown.every(isFull)).toBe(true);
    expect(ids.size).toBe(shown.length);
    const open = Array.from({ length: OPEN }, (_, i) => `${Z1.origin}/${1001 + i}`);
    expect(open.filter((id) => !ids.has(id))).toEqual([]);
    expect(shown.find((x) => x.id === `${Z1.origin}/1000`)?.status).toBe('closed');
  });
});
