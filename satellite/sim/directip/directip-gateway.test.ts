/**
 * Tests for the simulated DirectIP gateway's MO side (directip-gateway.ts; docs/iridium.md §3.1,
 * §7.4) against the centre's MO server on 127.0.0.1: one message per connection with the
 * session's header and location, the confirmation awaited, and FIFO retries on a virtual clock
 * while the vendor is unreachable. The MT side is tested through the MT client
 * (src/directip/mt-client.test.ts).
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../node/src/link/clock.js';
import { locationDegrees } from '../../src/directip/mo.js';
import { DirectIpMoServer, type ReceivedMo } from '../../src/directip/mo-server.js';
import { freePort } from '../../test/support/link-helpers.js';
import { SimulatedIridiumNetwork } from '../iridium/simulated-network.js';
import { DirectIpGatewaySim } from './directip-gateway.js';

const IMEI = '300434060000010';
const AT = Date.UTC(2026, 6, 13, 19, 20, 5);
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

async function setup(opts: { confirm: boolean; listen: boolean }) {
  const clock = new VirtualClock();
  const network = new SimulatedIridiumNetwork({ clock });
  const port = await freePort();
  const gateway = new DirectIpGatewaySim({
    network,
    imeis: [IMEI],
    moTarget: { host: '127.0.0.1', port },
    moConfirmation: opts.confirm,
    moRetryDelaysMs: [1_000, 5_000],
    location: () => ({ latitude: 28.5, longitude: -112.25, cepKm: 4 }),
  });
  const server = new DirectIpMoServer({ confirm: opts.confirm });
  const mos: ReceivedMo[] = [];
  server.on('mo', (m) => mos.push(m));
  if (opts.listen) await server.listen(port);
  cleanup.push(
    () => network.close(),
    () => gateway.close(),
    () => server.close(),
  );
  return { clock, network, gateway, server, mos, port };
}

describe('DirectIpGatewaySim MO delivery', () => {
  it('sends each session as one MO message with header, location and payload, awaiting the confirmation', async () => {
    const t = await setup({ confirm: true, listen: true });
    t.network.queueMt(IMEI, Uint8Array.of(9));
    t.network.session({ imei: IMEI, momsn: 75, mo: Uint8Array.of(1, 2), at: AT });
    t.network.session({ imei: IMEI, momsn: 76, mo: undefined, at: AT + 2000 });
    await until(() => t.mos.length === 2 && t.gateway.counters().moDelivered === 2, 'two MO messages');
    expect(t.mos[0]?.message.header).toMatchObject({
      imei: IMEI,
      momsn: 75,
      mtmsn: 1,
      sessionStatus: 0,
      sessionTime: AT / 1000,
    });
    expect(t.mos[0]?.message.payload).toEqual(Uint8Array.of(1, 2));
    const loc = locationDegrees(t.mos[0]?.message.location ?? ({} as never));
    expect(loc.latitude).toBeCloseTo(28.5, 4);
    expect(loc.longitude).toBeCloseTo(-112.25, 4);
    expect(t.mos[1]?.message).toMatchObject({ header: { momsn: 76, mtmsn: 0 } });
    expect(t.mos[1]?.message.payload).toBeUndefined();
    expect(t.gateway.counters()).toMatchObject({ moDelivered: 2, moAttempts: 2, moPending: 0 });
  });

  it('ignores sessions of IMEIs not provisioned for DirectIP', async () => {
    const t = await setup({ confirm: false, listen: true });
    t.network.session({ imei: '300434069999999', momsn: 1, mo: Uint8Array.of(1), at: AT });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(t.gateway.counters().moAttempts).toBe(0);
  });

  it('retries while the vendor is unreachable, in order, on the simulated clock', async () => {
    const t = await setup({ confirm: false, listen: false });
    t.network.session({ imei: IMEI, momsn: 1, mo: Uint8Array.of(1), at: AT });
    t.network.session({ imei: IMEI, momsn: 2, mo: Uint8Array.of(2), at: AT });
    await until(() => t.gateway.counters().moFailedAttempts === 1, 'the first failure');
    expect(t.gateway.counters()).toMatchObject({ moAttempts: 1, moPending: 2 }); // the second waits behind
    t.clock.advance(1_000);
    await until(() => t.gateway.counters().moFailedAttempts === 2, 'the second failure');
    await t.server.listen(t.port);
    t.clock.advance(4_999);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(t.mos).toEqual([]);
    t.clock.advance(1);
    await until(() => t.mos.length === 2 && t.gateway.counters().moDelivered === 2, 'both messages');
    expect(t.mos.map((m) => m.message.header.momsn)).toEqual([1, 2]);
    expect(t.gateway.counters()).toMatchObject({ moDelivered: 2, moFailedAttempts: 2, moPending: 0 });
  });

  it('treats a failure confirmation as undelivered', async () => {
    const t = await setup({ confirm: true, listen: false });
    // A vendor that confirms failure to everything.
    const vendor = createServer((socket) =>
      socket.on('data', () => socket.end(Uint8Array.of(1, 0, 4, 5, 0, 1, 0))),
    );
    await new Promise<void>((resolve) => vendor.listen(t.port, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => vendor.close(resolve)));
    t.network.session({ imei: IMEI, momsn: 1, mo: Uint8Array.of(1), at: AT });
    await until(() => t.gateway.counters().moFailedAttempts === 1, 'the refused delivery');
    expect(t.gateway.counters()).toMatchObject({ moDelivered: 0, moPending: 1 });
  });
});
