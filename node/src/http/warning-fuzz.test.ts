/**
 * No input to the warning routes earns a 5xx (docs/api.md §Errors): drafts near the real shape
 * and random JSON to the issue and preview routes, answers to a warning a kit holds, and random
 * bytes, near-CAP XML and mutated CAP alerts to the CAP import (through the domain's own reader),
 * from a signed-in page with a valid token and key, are answered 2xx or 4xx, every 4xx the API's
 * JSON error.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiClient } from './api-fixtures.js';
import { capAlert, startWarningApi, villageDraft, type WarningTestApi } from './warning-test-api.js';

let dirs: string[] = [];
let centre: WarningTestApi;
let kit: WarningTestApi;
let duty: ApiClient;
let grid: ApiClient;

beforeAll(async () => {
  dirs = await Promise.all(
    ['centre', 'kit'].map((n) => mkdtemp(join(tmpdir(), `fieldnode-api-warning-fuzz-${n}-`))),
  );
  centre = await startWarningApi(dirs[0] as string, 'centre');
  kit = await startWarningApi(dirs[1] as string, 'kit');
  duty = await centre.as(3);
  grid = await kit.as(2);
  await duty.request('POST', '/api/warnings', { body: villageDraft() });
  kit.warnings.receive(villageDraft());
});

afterAll(async () => {
  await centre.server.stop();
  await kit.server.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** What each property's requests were answered, by status or error code. */
let seen: Record<string, number> = {};

function check(status: number, text: string): void {
  expect(status, text).toBeLessThan(500);
  const code = status >= 400 ? (JSON.parse(text) as { code: string }).code : String(status);
  if (status >= 400)
    expect(JSON.parse(text)).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  seen[code] = (seen[code] ?? 0) + 1;
}

/** Mostly a value the schema takes, so that the fuzz reaches the workflow; now and then one it refuses. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: good, weight: 19 }, { arbitrary: bad, weight: 1 });

const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(5, -1, 2 ** 32, 1e15));
const nowS = Math.floor(Date.now() / 1000);
const text = (maxLength: number) => fc.string({ maxLength, unit: 'binary' });

const draftish = fc.record(
  {
    action: mostly(fc.constantFrom('issue', 'update', 'cancel'), fc.constant('other')),
    references: mostly(fc.constantFrom('2107/501', '2107/1', '1/501'), fc.string()),
    event: mostly(fc.constantFrom('11B03', '11B99', '99Z99'), fc.string({ maxLength: 8 })),
    level: mostly(fc.integer({ min: 0, max: 4 }), number),
    colour: mostly(fc.constantFrom('red', 'orange', 'yellow', 'blue', 'none'), fc.constant('green')),
    areas: mostly(
      fc.uniqueArray(fc.constantFrom(430121, 430121101, 430121101201, 430121101202), { maxLength: 4 }),
      fc.array(fc.integer(), { maxLength: 70 }),
    ),
    roles: mostly(
      fc.uniqueArray(fc.constantFrom('flood-responsible', 'grid-member', 'admin')),
      fc.array(fc.string()),
    ),
    persons: mostly(fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { maxLength: 4 }), fc.array(number)),
    circle: mostly(
      fc.record({
        lat: fc.double({ min: -90, max: 90, noNaN: true }),
        lon: fc.double({ min: -180, max: 180, noNaN: true }),
        radiusM: fc.integer({ min: 1, max: 1_000_000 }),
      }),
      fc.record({ lat: number, lon: number, radiusM: number }),
    ),
    onset: mostly(fc.integer({ min: nowS - 3600, max: nowS + 3600 }), number),
    expires: mostly(fc.integer({ min: nowS - 3600, max: nowS + 86_400 }), number),
    instruction: mostly(text(100), text(320)),
    senderName: mostly(text(20), text(70)),
    exercise: mostly(fc.boolean(), fc.constant('true')),
  },
  { requiredKeys: ['action'] },
);

const answerish = fc.record(
  {
    state: mostly(fc.constantFrom('acknowledged', 'acted'), fc.constantFrom('delivered', 'sent')),
    evacuated: mostly(fc.integer({ min: 0, max: 1_000_000 }), number),
    notified: mostly(fc.integer({ min: 0, max: 1_000_000 }), number),
    note: mostly(text(60), text(210)),
  },
  { requiredKeys: ['state'] },
);

it('answers random drafts and JSON to the issue and preview routes with 2xx or 4xx', async () => {
  seen = {};
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('/api/warnings', '/api/warnings/preview'),
      fc.oneof({ arbitrary: draftish, weight: 4 }, { arbitrary: fc.jsonValue(), weight: 1 }),
      async (path, body) => {
        const res = await duty.request('POST', path, {
          raw: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
        check(res.status, res.text);
      },
    ),
    { numRuns: 300 },
  );
  // It reached the workflow: warnings issued and previewed, drafts the workflow refused.
  expect(seen).toMatchObject({
    201: expect.any(Number),
    200: expect.any(Number),
    WARNING_REJECTED: expect.any(Number),
  });
});

it('answers random answers, to a warning held and to ids that are not, with 2xx or 4xx', async () => {
  seen = {};
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('1/501', '1/9', '0/0', '4294967295/4294967295', '4294967296/1', 'x/1'),
      fc.oneof({ arbitrary: answerish, weight: 4 }, { arbitrary: fc.jsonValue(), weight: 1 }),
      async (id, body) => {
        const res = await grid.request('POST', `/api/warnings/${id}/answers`, {
          raw: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
        check(res.status, res.text);
      },
    ),
    { numRuns: 300 },
  );
  expect(seen).toMatchObject({ 201: expect.any(Number), WARNING_UNKNOWN: expect.any(Number) });
});

/** A real alert with a slice cut out, or a run of random text let in. */
const mangledCap = fc
  .tuple(fc.nat(), fc.nat({ max: 200 }), fc.string({ maxLength: 40 }))
  .map(([at, cut, insert]) => {
    const xml = capAlert();
    const i = at % xml.length;
    return Buffer.from(xml.slice(0, i) + insert + xml.slice(i + cut));
  });

it('answers random bytes, XML-like text and mangled CAP alerts to the import with 2xx or 4xx', async () => {
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
    fc
      .array(
        fc.constantFrom(
          '<alert>',
          '</alert>',
          '<info>',
          '<?xml version="1.0"?>',
          '&amp;',
          '&x;',
          ']]>',
          '<!DOCTYPE',
          'x',
        ),
      )
      .map((parts) => Buffer.from(parts.join(''))),
    mangledCap,
    // The alert itself, so that some runs import: a mangled one seldom stays valid.
    fc.constant(null).map(() => Buffer.from(capAlert())),
  );
  seen = {};
  await fc.assert(
    fc.asyncProperty(
      body,
      fc.constantFrom('application/xml', 'application/cap+xml; charset=utf-8'),
      async (bytes, type) => {
        const res = await duty.request('POST', '/api/import/cap', {
          raw: bytes,
          headers: { 'content-type': type },
        });
        check(res.status, res.text);
      },
    ),
    { numRuns: 300 },
  );
  expect(seen).toMatchObject({ 201: expect.any(Number), CAP_REJECTED: expect.any(Number) });
});
