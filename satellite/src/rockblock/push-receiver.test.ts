/**
 * Tests for push-receiver.ts over real HTTP on 127.0.0.1 (docs/iridium.md §2.1, §7.5): what is
 * answered 200 and handed on (every verified payload, whatever it holds: the core classifies),
 * deduplicated, quarantined (claims in another shape), and what is refused and logged.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PUSH_CONTENT_TYPE, pushBody, pushFields } from '../../sim/rockblock/push-request.js';
import { signCompact, testRock7PrivateKey } from '../../sim/rockblock/sign-push-token.js';
import { TEST_ROCK7_PUBLIC_KEY_PEM } from '../../sim/rockblock/test-key.js';
import {
  closePushReceivers,
  PUSH_FRAME as FRAME,
  PUSH_IMEI as IMEI,
  pushInput as input,
  post,
  pushReceiver as receiver,
} from '../../test/support/push-receiver-rig.js';
import { GOBY_2023_BODY } from './fixtures/push-captures.js';
import { RockblockPushReceiver } from './push-receiver.js';

afterEach(closePushReceivers);

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('RockblockPushReceiver', () => {
  it('answers 200 to a signed JSON push and hands on the frame from the claims', async () => {
    const t = await receiver();
    const at = Date.UTC(2026, 6, 13, 19, 20, 5);
    expect(await post(t.url, pushBody(pushFields(input(), 1_784_000_000), 'json'))).toBe(200);
    await tick();
    expect(t.pushes).toHaveLength(1);
    expect(t.pushes[0]).toMatchObject({ imei: IMEI, momsn: 12, transmitTime: at, serial: '20001' });
    expect(t.pushes[0]?.data).toEqual(FRAME);
    expect(t.r.counters()).toMatchObject({ accepted: 1, rejected: 0, quarantined: 0 });
  });

  it('takes a form-encoded push alike', async () => {
    const t = await receiver();
    const body = pushBody(pushFields(input({ momsn: 13 }), 1_784_000_000), 'form');
    expect(await post(t.url, body, PUSH_CONTENT_TYPE.form)).toBe(200);
    await tick();
    expect(t.pushes.map((p) => p.momsn)).toEqual([13]);
  });

  it('uses the claims, not the unsigned body fields, and logs the disagreement', async () => {
    const t = await receiver();
    const fields = { ...pushFields(input(), 1_784_000_000), imei: '300434069999999', data: 'ff', momsn: 99 };
    expect(await post(t.url, pushBody(fields, 'json'))).toBe(200);
    await tick();
    expect(t.pushes[0]).toMatchObject({ imei: IMEI, momsn: 12 });
    expect(t.pushes[0]?.data).toEqual(FRAME);
    const line = t.log.lines.find((l) => l.msg.includes('disagree'));
    expect(JSON.parse(line?.text ?? '{}').fields).toEqual(['momsn', 'data', 'imei']);
  });

  it('deduplicates on (imei, momsn, transmit_time), answering 200 each time', async () => {
    const t = await receiver();
    const first = pushBody(pushFields(input(), 1_784_000_000), 'json');
    const resigned = pushBody(pushFields(input(), 1_784_000_060), 'form'); // a retry, signed again later
    const nextSecond = pushBody(pushFields(input({ at: input().at + 1000 }), 1_784_000_000), 'json');
    const otherImei = pushBody(pushFields(input({ imei: '300434060000011' }), 1_784_000_000), 'json');
    expect(await post(t.url, first)).toBe(200);
    expect(await post(t.url, first)).toBe(200);
    expect(await post(t.url, resigned, PUSH_CONTENT_TYPE.form)).toBe(200);
    expect(await post(t.url, nextSecond)).toBe(200); // MOMSN reset or wrapped: a new session
    expect(await post(t.url, otherImei)).toBe(200);
    await tick();
    expect(t.pushes.map((p) => [p.imei, p.transmitTime - input().at])).toEqual([
      [IMEI, 0],
      [IMEI, 1000],
      ['300434060000011', 0],
    ]);
    expect(t.r.counters()).toMatchObject({ accepted: 3, duplicates: 2 });
  });

  it('refuses a push replayed after a restart as a duplicate: the keys outlive the receiver through its store', async () => {
    let saved: readonly (readonly [string, number])[] = [];
    const store = {
      save: async (entries: readonly (readonly [string, number])[]) => {
        saved = entries;
      },
    };
    const genuine = pushBody(pushFields(input(), 1_784_000_000), 'json');
    const first = await receiver({ dedupeStore: { store, initial: saved } });
    expect(await post(first.url, genuine)).toBe(200);
    await tick();
    await first.r.close(); // the daemon stops; what it saw is saved
    expect(saved.map(([key]) => key)).toEqual([`${IMEI}|12|26-07-13 19:20:05`]);

    const again = await receiver({ dedupeStore: { store, initial: saved } });
    expect(await post(again.url, genuine)).toBe(200);
    await tick();
    expect(again.pushes).toEqual([]);
    expect(again.r.counters()).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('forgets a key after dedupeWindowMs', async () => {
    let now = 1_784_000_000_000;
    const t = await receiver({ dedupeWindowMs: 60_000, now: () => now });
    const body = pushBody(pushFields(input(), 1), 'json');
    expect(await post(t.url, body)).toBe(200);
    now += 59_999;
    expect(await post(t.url, body)).toBe(200);
    now += 1;
    expect(await post(t.url, body)).toBe(200);
    await tick();
    expect(t.pushes).toHaveLength(2);
    expect(t.r.counters()).toMatchObject({ accepted: 2, duplicates: 1 });
  });

  it('forgets the oldest keys past dedupeLimit', async () => {
    const t = await receiver({ dedupeLimit: 2 });
    for (const momsn of [1, 2, 3, 1]) {
      expect(await post(t.url, pushBody(pushFields(input({ momsn }), 1), 'json'))).toBe(200);
    }
    await tick();
    expect(t.pushes.map((p) => p.momsn)).toEqual([1, 2, 3, 1]);
  });

  it('accepts a mailbox check (data "") as a push with no bytes', async () => {
    const t = await receiver();
    expect(await post(t.url, pushBody(pushFields(input({ data: new Uint8Array() }), 1), 'json'))).toBe(200);
    await tick();
    expect(t.pushes[0]?.data).toEqual(new Uint8Array());
    expect(t.r.counters()).toMatchObject({ accepted: 1, mailboxChecks: 1, quarantined: 0 });
  });

  it('hands on a verified payload that is not a fieldnode frame all the same: the core classifies', async () => {
    const t = await receiver();
    const texts = ['hello', 'There are 10 types of people who understand binary', '(R) 11:28:34'];
    for (const [i, s] of texts.entries()) {
      const body = pushBody(
        pushFields(input({ momsn: 40 + i, data: new TextEncoder().encode(s) }), 1),
        'json',
      );
      expect(await post(t.url, body)).toBe(200);
    }
    await tick();
    expect(t.pushes.map((p) => Buffer.from(p.data).toString())).toEqual(texts);
    expect(t.pushes[0]).toMatchObject({ imei: IMEI, momsn: 40 });
    expect(t.quarantined).toEqual([]);
    expect(t.r.counters()).toMatchObject({ quarantined: 0, accepted: 3 });
  });

  it('hands on the real 2023 capture under the published key (a text, for the core to keep)', async () => {
    const t = await receiver({ key: undefined });
    expect(await post(t.url, GOBY_2023_BODY)).toBe(200);
    await tick();
    expect(t.quarantined).toEqual([]);
    expect(t.pushes).toHaveLength(1);
    expect(t.pushes[0]).toMatchObject({ imei: '300434062099430', momsn: 66 });
    expect(t.pushes[0]?.transmitTime).toBe(Date.UTC(2023, 8, 5, 4, 33, 24));
    expect(t.pushes[0]?.data.length).toBeGreaterThan(0);
  });

  it('quarantines a signed push whose claims are not the documented shape: handed on as a kept record, its bytes logged as hex', async () => {
    const t = await receiver();
    for (const imei of ['123', '456', '789']) {
      const token = signCompact(
        '{"alg":"RS256"}',
        `{"iss":"Rock 7","imei":"${imei}","momsn":"1","transmit_time":"26-07-13 19:20:05","iridium_latitude":"28.1234","iridium_longitude":"112.9876","iridium_cep":"3.0","data":"68656c6c6f"}`,
        testRock7PrivateKey(),
      );
      expect(await post(t.url, JSON.stringify({ JWT: token }))).toBe(200);
    }
    await tick();
    expect(t.pushes).toEqual([]);
    expect(t.quarantined).toHaveLength(3);
    expect(t.quarantined[0]).toEqual({
      via: 'rockblock',
      reason: 'unexpected-claims',
      detail: expect.stringMatching(/imei/),
      from: '123',
      hex: '68656c6c6f',
      source: {
        carrier: 'rockblock',
        momsn: 1,
        sessionTime: Date.UTC(2026, 6, 13, 19, 20, 5),
        latitude: 28.1234,
        longitude: 112.9876,
        cepKm: 3,
        claims: expect.objectContaining({ iss: 'Rock 7', imei: '123' }),
      },
      receivedAt: expect.any(Number),
    });
    expect(t.r.counters()).toMatchObject({ quarantined: 3, accepted: 0 });
    const lines = t.log.lines.filter((l) => l.msg.includes('quarantined'));
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]?.text ?? '{}')).toMatchObject({ from: '123', bytes: 5, hex: '68656c6c6f' });
  });

  it('keeps a data claim that is not hex whole in the record, and the payload empty', async () => {
    const t = await receiver();
    const token = signCompact(
      '{"alg":"RS256"}',
      `{"iss":"Rock 7","imei":"${IMEI}","momsn":"1","transmit_time":"26-07-13 19:20:05","data":"zz"}`,
      testRock7PrivateKey(),
    );
    expect(await post(t.url, JSON.stringify({ JWT: token }))).toBe(200);
    await tick();
    expect(t.quarantined[0]).toMatchObject({
      from: IMEI,
      hex: '',
      detail: expect.stringMatching(/data/),
      source: { claims: expect.objectContaining({ data: 'zz' }) },
    });
  });

  it('refuses with 403 and logs the reason: another key, alg none, a changed byte', async () => {
    const t = await receiver({ key: undefined }); // the published key: the test key is not trusted
    const simulated = pushBody(pushFields(input(), 1), 'json');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${GOBY_2023_BODY.split('.')[1]}.`;
    const altered = GOBY_2023_BODY.replace('"JWT":"eyJ', '"JWT":"eyK');
    expect(await post(t.url, simulated)).toBe(403);
    expect(await post(t.url, JSON.stringify({ JWT: none }))).toBe(403);
    expect(await post(t.url, altered)).toBe(403);
    await tick();
    expect(t.rejected.map((x) => [x.status, x.reason])).toEqual([
      [403, 'signature'],
      [403, 'algorithm'],
      [403, 'malformed'],
    ]);
    expect(t.pushes).toEqual([]);
    expect(t.quarantined).toEqual([]);
    const warnings = t.log.lines.filter((l) => l.level === 'warn' && l.msg === 'rockblock push refused');
    expect(warnings.map((l) => JSON.parse(l.text).reason)).toEqual(['signature', 'algorithm', 'malformed']);
    expect(warnings[0]?.text).toContain('127.0.0.1');
  });

  it('answers 400, 405, 413, 415 and 404 to requests that are not pushes', async () => {
    const t = await receiver({ maxBodyBytes: 2000, path: '/rockblock/mo' });
    expect(await post(t.url, '{"data":"00"}')).toBe(400); // no token
    expect(await post(t.url, '{"JWT":')).toBe(400);
    expect(await post(t.url, 'JWT=x', 'text/plain')).toBe(415);
    expect(await post(t.url, `{"JWT":"${'a'.repeat(3000)}"}`)).toBe(413);
    expect(await post(t.url.replace('/mo', '/other'), '{}')).toBe(404);
    const get = await fetch(t.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(t.r.counters().rejected).toBe(6);
  });

  it('answers 503 with Retry-After while not accepting, so Rock7 keeps the push', async () => {
    const t = await receiver();
    t.r.accepting = false;
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': PUSH_CONTENT_TYPE.json },
      body: pushBody(pushFields(input(), 1), 'json'),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('60');
    t.r.accepting = true;
    expect(await post(t.url, pushBody(pushFields(input(), 1), 'json'))).toBe(200);
    await tick();
    expect(t.pushes).toHaveLength(1); // not taken as a duplicate of the refused one
  });

  it('answers before it hands the push on, when mounted in another server', async () => {
    const r = new RockblockPushReceiver({ key: TEST_ROCK7_PUBLIC_KEY_PEM });
    let last: ServerResponse | undefined;
    const server = createServer((req, res) => {
      last = res;
      r.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endedAtEvent: boolean[] = [];
    r.on('push', () => endedAtEvent.push(last?.writableEnded === true));
    try {
      const { port } = server.address() as AddressInfo;
      expect(await post(`http://127.0.0.1:${port}/`, pushBody(pushFields(input(), 1), 'json'))).toBe(200);
      await tick();
      expect(endedAtEvent).toEqual([true]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
