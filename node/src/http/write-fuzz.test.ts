/**
 * No input earns a 5xx (docs/api.md §Errors): random JSON, and random bytes under random content
 * types, posted to every write route by a signed-in page with a valid token and key, are answered
 * 2xx or 4xx, and every 4xx is the API's JSON error.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ApiClient, startTestApi, type TestApi } from './api-fixtures.js';

let dir: string;
let api: TestApi;
let client: ApiClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-api-fuzz-'));
  api = await startTestApi(dir);
  api.server.markReady();
});

afterAll(async () => {
  await api.server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Signs in again when a fuzzed DELETE signed the page out. */
async function signedIn(): Promise<ApiClient> {
  if (client === undefined || (await client.request('GET', '/api/session')).json.signedIn !== true) {
    client = api.client();
    await client.signIn(3);
  }
  return client;
}

const WRITES: Array<[string, string]> = [
  ['POST', '/api/reports'],
  ['POST', '/api/reports/preview'],
  ['POST', '/api/session'],
  ['DELETE', '/api/session'],
];

/** Drafts near the real shape, so that the fuzz reaches past the schema into the handlers. */
const draftish = fc.record(
  {
    stage: fc.constantFrom('initial', 'update', 'final', 'other'),
    incident: fc.oneof(fc.constant('2107/1'), fc.constant('open/2107/1'), fc.string()),
    hazard: fc.oneof(fc.integer(), fc.double()),
    indicators: fc.dictionary(
      fc.constantFrom('affected', 'dead', 'cropsLostHa', 'x'),
      fc.oneof(fc.double(), fc.integer()),
    ),
    note: fc.string({ maxLength: 400 }),
    area: fc.oneof(fc.integer(), fc.constant(430121101201)),
    point: fc.record({ lat: fc.double(), lon: fc.double() }),
    cuts: fc.array(fc.constantFrom('road', 'power', 'x')),
  },
  { requiredKeys: [] },
);

function check(status: number, text: string): void {
  expect(status).toBeLessThan(500);
  if (status >= 400)
    expect(JSON.parse(text)).toMatchObject({ code: expect.any(String), message: expect.any(String) });
}

it('answers random JSON bodies to every write route with 2xx or 4xx', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...WRITES),
      fc.oneof(fc.jsonValue(), draftish),
      async ([method, path], body) => {
        const c = await signedIn();
        const res = await c.request(method, path, {
          raw: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
        check(res.status, res.text);
      },
    ),
    { numRuns: 300 },
  );
});

it('answers random bytes under random content types with 2xx or 4xx', async () => {
  const contentType = fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
    ),
    fc.string({ maxLength: 40 }).filter((s) => /^[\x21-\x7e ]*$/.test(s)),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...WRITES),
      fc.uint8Array({ maxLength: 2048 }),
      contentType,
      async ([method, path], bytes, type) => {
        const c = await signedIn();
        const res = await c.request(method, path, {
          raw: Buffer.from(bytes),
          headers: { 'content-type': type },
        });
        check(res.status, res.text);
      },
    ),
    { numRuns: 300 },
  );
});
