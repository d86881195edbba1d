/**
 * Tests for the DirectIP MO server's limits over real TCP on loopback (mo-server.ts;
 * docs/centre-doors.md §DirectIP): connections over the cap are closed and the server still takes
 * messages afterwards; a slow-loris connection and an idle one are closed at the read timeout; a
 * peer that keeps its end open after the answer is closed after the linger time; 1,000 bad
 * connections are refused in full but logged in a bounded number of lines; and an IPv4 gateway
 * seen through a dual-stack socket (::ffff:127.0.0.1) is the 127.0.0.1 that allowed_sources names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedLine } from '../../sim/recording-logger.js';
import {
  closeAll,
  destroyRawConnections,
  floodPastCap,
  rawConnection,
  within,
} from '../../test/support/door-limits.js';
import { closeMoServers, moServer, referenceMo } from '../../test/support/mo-server-rig.js';
import type { DirectIpMoServerOptions } from './mo-server.js';

const CONFIRMED = Uint8Array.of(0x01, 0x00, 0x04, 0x05, 0x00, 0x01, 0x01);

afterEach(async () => {
  destroyRawConnections();
  await closeMoServers();
});

/** A confirming server, on `host`. */
const server = (opts: DirectIpMoServerOptions = {}, host = '127.0.0.1') =>
  moServer({ confirm: true, ...opts }, host);

const mo = (momsn = 12) => referenceMo({ momsn });

/** Delivers one message on a fresh connection; resolves with the answer. */
async function deliver(port: number, bytes: Uint8Array, host = '127.0.0.1'): Promise<Uint8Array> {
  const c = rawConnection(port, host);
  await c.connected;
  c.socket.write(bytes);
  return (await within(c.closed, 2000, 'the answer')).got;
}

const refusedLines = (lines: RecordedLine[]) => lines.filter((l) => l.msg.startsWith('directip MO refused'));

describe('DirectIpMoServer limits', () => {
  it('closes connections beyond maxConnections on arrival, and takes messages again once there is room', async () => {
    const t = await server({ maxConnections: 3 });
    // All at once: whichever three the server takes, the other twenty are closed on arrival.
    const { connections, answers } = await floodPastCap(t.port, 23, 3);
    expect(answers.every((a) => a.length === 0)).toBe(true); // closed unanswered
    expect(answers).toHaveLength(20); // and the three taken are still open
    expect(t.s.counters().dropped).toBe(20);
    await closeAll(connections);
    expect(await deliver(t.port, mo())).toEqual(CONFIRMED);
    await t.s.close();
    // 20 drops and the three held connections, which ended without a message: 5 lines in full
    // (the first drops) and one summary, not 23.
    expect(refusedLines(t.log.lines)).toHaveLength(6);
    expect(JSON.parse(t.log.lines.at(-1)?.text ?? '{}')).toMatchObject({
      suppressed: 18,
      byReason: { busy: 15, malformed: 3 },
    });
  });

  it('closes a slow-loris connection and an idle one at the read timeout, taking nothing', async () => {
    const t = await server({ readTimeoutMs: 300 });
    const bytes = mo();
    const loris = rawConnection(t.port);
    const idle = rawConnection(t.port);
    await Promise.all([loris.connected, idle.connected]);
    let i = 0;
    const drip = setInterval(() => {
      if (loris.socket.writable && i < bytes.length - 1) loris.socket.write(bytes.subarray(i, ++i));
    }, 40);
    try {
      const [l, d] = await within(
        Promise.all([loris.closed, idle.closed]),
        2000,
        'the slow connections closed',
      );
      expect(l.ms).toBeGreaterThanOrEqual(250);
      expect(d.ms).toBeGreaterThanOrEqual(250);
      expect(l.got).toEqual(new Uint8Array()); // reset, not confirmed: the gateway will retry
    } finally {
      clearInterval(drip);
    }
    expect(t.mos).toEqual([]);
    expect(t.s.counters().rejected).toBe(2);
  });

  it('destroys the connection of a peer that does not close its end after the answer', async () => {
    const t = await server({ lingerMs: 300 });
    const c = rawConnection(t.port, '127.0.0.1', true); // half-open allowed: the server's FIN does not close our end
    await c.connected;
    c.socket.write(mo());
    const ended = new Promise<number>((resolve) => c.socket.once('end', () => resolve(Date.now())));
    // Our end stays open; once the server has destroyed its socket, the next byte we send is
    // answered with a reset. While it has not, the bytes are read and ignored.
    const poke = setInterval(() => c.socket.writable && c.socket.write(Uint8Array.of(0)), 50);
    try {
      const { got } = await within(c.closed, 2000, 'the lingering connection closed');
      const closedAt = Date.now();
      expect(got).toEqual(CONFIRMED);
      expect(closedAt - (await ended)).toBeGreaterThanOrEqual(250); // closed by the server, after lingerMs
    } finally {
      clearInterval(poke);
    }
    expect(t.mos).toHaveLength(1);
  });

  it('refuses 1,000 bad connections, every one counted, in a bounded number of log lines', async () => {
    const t = await server({ allowedSources: ['127.0.0.1'] });
    for (let batch = 0; batch < 40; batch++) {
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          deliver(
            t.port,
            i % 2 ? Uint8Array.of(0x31, 0x00, 0x04, 0, 0, 0, 0) : Uint8Array.of(1, 0, 5, 2, 0, 2, 9, 9),
          ),
        ),
      );
    }
    expect(t.s.counters().rejected).toBe(1000);
    expect(await deliver(t.port, mo())).toEqual(CONFIRMED); // still serving
    await t.s.close();
    const lines = refusedLines(t.log.lines);
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines.at(-1)?.text ?? '{}')).toMatchObject({
      suppressed: 995,
      byReason: { malformed: 995 },
    });
    expect(t.log.lines.length).toBeLessThan(10);
  });

  it('takes an IPv4 gateway seen on a dual-stack socket as the address allowed_sources names', async () => {
    const t = await server({ allowedSources: ['127.0.0.1'] }, '::ffff:127.0.0.1');
    expect(await deliver(t.port, mo(), '127.0.0.1')).toEqual(CONFIRMED);
    await within(
      new Promise<void>((resolve) => (t.mos.length ? resolve() : t.s.once('mo', () => resolve()))),
      1000,
      'the message',
    );
    expect(t.mos[0]?.remote).toBe('127.0.0.1');
  });
});
