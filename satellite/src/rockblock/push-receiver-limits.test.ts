/**
 * Tests for the push receiver's limits over real HTTP on 127.0.0.1 (push-receiver.ts,
 * push-server.ts; docs/centre-doors.md §The push receiver): connections over the cap are closed
 * and the server still takes pushes afterwards; a slow-loris connection, an idle one and a
 * trickled body are closed within their timeouts; a flood of bad requests is refused in full but
 * logged in a bounded number of lines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedLine } from '../../sim/recording-logger.js';
import { pushBody, pushFields } from '../../sim/rockblock/push-request.js';
import {
  closeAll,
  destroyRawConnections,
  floodPastCap,
  rawConnection,
  within,
} from '../../test/support/door-limits.js';
import { closePushReceivers, post, pushInput, pushReceiver } from '../../test/support/push-receiver-rig.js';
import type { RockblockPushReceiverOptions } from './push-receiver.js';

afterEach(async () => {
  destroyRawConnections();
  await closePushReceivers();
});

/** A receiver serving only the doors' path, so that any other is a refusal. */
const receiver = (opts: RockblockPushReceiverOptions = {}) =>
  pushReceiver({ path: '/rockblock/mo', ...opts });

const validPush = (momsn = 12) => pushBody(pushFields(pushInput({ momsn }), 1_784_000_000), 'json');

/** What the server sent on a raw connection, as the text of an HTTP answer. */
const text = (got: Uint8Array) => Buffer.from(got).toString('latin1');

const refusedLines = (lines: RecordedLine[]) =>
  lines.filter((l) => l.msg.startsWith('rockblock push refused'));

describe('RockblockPushReceiver limits', () => {
  it('closes connections beyond maxConnections on arrival, and takes pushes again once there is room', async () => {
    const t = await receiver({ limits: { maxConnections: 4 } });
    // All at once: whichever four the server takes, the other twenty are closed on arrival.
    const { connections, answers } = await floodPastCap(t.port, 24, 4);
    expect(answers.every((a) => a.length === 0)).toBe(true); // closed unanswered
    expect(answers).toHaveLength(20); // and the four taken are still open
    expect(t.r.counters().dropped).toBe(20);
    await closeAll(connections);
    expect(await post(t.url, validPush())).toBe(200);
    await within(
      new Promise<void>((resolve) => (t.pushes.length ? resolve() : t.r.once('push', () => resolve()))),
      1000,
      'the push',
    );
    expect(t.pushes.map((p) => p.momsn)).toEqual([12]);
    await t.r.close();
    // 20 drops: 5 lines in full and one summary, not 20.
    expect(refusedLines(t.log.lines)).toHaveLength(6);
    expect(JSON.parse(t.log.lines.at(-1)?.text ?? '{}')).toMatchObject({
      suppressed: 15,
      byReason: { busy: 15 },
    });
  });

  it('closes a slow-loris connection and an idle one after the headers timeout, with 408', async () => {
    const t = await receiver({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    const loris = rawConnection(t.port);
    const idle = rawConnection(t.port);
    await Promise.all([loris.connected, idle.connected]);
    loris.socket.write('POST /rockblock/mo HTTP/1.1\r\nHost: centre\r\n');
    const drip = setInterval(() => loris.socket.writable && loris.socket.write('X-Slow: 1\r\n'), 50);
    try {
      const [l, i] = await within(
        Promise.all([loris.closed, idle.closed]),
        2500,
        'the slow connections closed',
      );
      expect(text(l.got)).toMatch(/^HTTP\/1\.1 408 /);
      expect(l.ms).toBeGreaterThanOrEqual(250);
      expect(i.ms).toBeGreaterThanOrEqual(250);
    } finally {
      clearInterval(drip);
    }
    expect(t.r.counters().rejected).toBeGreaterThanOrEqual(1);
  });

  it('drops a connection whose body trickles in past the body timeout', async () => {
    const t = await receiver({ bodyTimeoutMs: 200 });
    const slow = rawConnection(t.port);
    await slow.connected;
    slow.socket.write(
      `POST /rockblock/mo HTTP/1.1\r\nHost: centre\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
    );
    const drip = setInterval(() => slow.socket.writable && slow.socket.write('{'), 50);
    try {
      const closed = await within(slow.closed, 2000, 'the trickling connection closed');
      expect(closed.ms).toBeGreaterThanOrEqual(150);
    } finally {
      clearInterval(drip);
    }
  });

  it('answers 431 to an oversized request head', async () => {
    const t = await receiver({ limits: { maxHeaderBytes: 1024 } });
    const c = rawConnection(t.port);
    await c.connected;
    c.socket.write(`POST /rockblock/mo HTTP/1.1\r\nHost: centre\r\nX-Big: ${'a'.repeat(10_000)}\r\n\r\n`);
    const { got } = await within(c.closed, 2000, 'the oversized head refused');
    expect(text(got)).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('refuses 1,000 bad requests, every one answered and counted, in a bounded number of log lines', async () => {
    const t = await receiver();
    const bad: Array<() => Promise<number>> = [
      () => post(t.url, '{"data":"00"}'), // 400 no token
      () => post(t.url.replace('/mo', '/admin'), '{}'), // 404
      () => post(t.url, 'JWT=x', 'text/plain'), // 415
      () => post(t.url, JSON.stringify({ JWT: 'a.b.c' })), // 403
      async () => {
        const r = await fetch(t.url); // 405
        await r.arrayBuffer();
        return r.status;
      },
    ];
    const statuses: number[] = [];
    for (let batch = 0; batch < 40; batch++) {
      statuses.push(
        ...(await Promise.all(
          Array.from({ length: 25 }, (_, i) => (bad[i % bad.length] as () => Promise<number>)()),
        )),
      );
    }
    // Junk that is not HTTP at all: Node's parser refuses it with 400.
    const junk = Array.from({ length: 20 }, () => rawConnection(t.port));
    for (const j of junk) j.socket.write('\x16\x03\x01 not http at all\r\n\r\n');
    const junkAnswers = await within(
      Promise.all(junk.map((j) => j.closed)),
      2000,
      'the junk connections closed',
    );

    expect(statuses).toHaveLength(1000);
    expect(new Set(statuses)).toEqual(new Set([400, 404, 415, 403, 405]));
    expect(junkAnswers.every((a) => text(a.got) === '' || text(a.got).startsWith('HTTP/1.1 400 '))).toBe(
      true,
    );
    expect(t.r.counters().rejected).toBe(1020);
    expect(await post(t.url, validPush(13))).toBe(200); // still serving

    await t.r.close(); // ends the window: its summary is written
    const lines = refusedLines(t.log.lines);
    expect(lines).toHaveLength(6);
    const summary = JSON.parse(lines.at(-1)?.text ?? '{}');
    expect(summary.suppressed).toBe(1015);
    expect(summary.byReason).toMatchObject({ 'bad-http': 20, 'not-found': 200 });
    expect(t.log.lines.length).toBeLessThan(10);
  });
});
