/**
 * The shared link contract (node/src/link/contract.ts) for the centre's DirectIP link over real
 * TCP on 127.0.0.1, then what is particular to it (docs/iridium.md §3, §7.5; docs/links.md §The
 * centre's satellite ingress).
 *
 * The world of the test: the simulated Iridium network with the simulated DirectIP gateway on it
 * (sim/directip/directip-gateway.ts), which delivers MO messages to the link's MO server (with MO
 * confirmation provisioned) and takes the link's MT messages on its MT server. The peer is the
 * simulated kit NetworkKitLink (sim/iridium/network-kit-link.ts), as in the RockBLOCK link's
 * contract test. The link hands on every payload, so the contract's arbitrary bytes are frames.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runLinkContract } from '../../../node/src/link/contract.js';
import { DirectIpGatewaySim } from '../../sim/directip/directip-gateway.js';
import { NetworkKitLink } from '../../sim/iridium/network-kit-link.js';
import { SimulatedIridiumNetwork } from '../../sim/iridium/simulated-network.js';
import { freePort, nextFrame } from '../../test/support/link-helpers.js';
import { DirectIpMoServer } from '../directip/mo-server.js';
import { DirectIpMtClient } from '../directip/mt-client.js';
import { DirectIpLink } from './directip-link.js';

const HOST = '127.0.0.1';
const KIT = '300434060000010';
const OTHER_KIT = '300434060000020';

async function world() {
  const network = new SimulatedIridiumNetwork();
  const moPort = await freePort();
  const gateway = new DirectIpGatewaySim({
    network,
    imeis: [KIT, OTHER_KIT],
    moTarget: { host: HOST, port: moPort },
    moConfirmation: true,
    moRetryDelaysMs: [50],
  });
  const { port: mtPort } = await gateway.listenMt(0, HOST);
  const link = new DirectIpLink({
    id: 'directip0',
    server: new DirectIpMoServer({ confirm: true }),
    listen: { host: HOST, port: moPort },
    mt: new DirectIpMtClient({ host: HOST, port: mtPort, timeoutMs: 1000 }),
    defaultImeis: [KIT],
  });
  const peer = new NetworkKitLink({ id: 'kit-sbd', imei: KIT, network });
  await peer.start();
  return {
    network,
    gateway,
    mtPort,
    link,
    peer,
    async teardown() {
      await Promise.all([link.stop(), peer.stop()]);
      await gateway.close();
      network.close();
    },
  };
}

runLinkContract('directip over 127.0.0.1, simulated gateway and kit', async () => {
  const w = await world();
  return { link: w.link, peer: w.peer, teardown: () => w.teardown() };
});

describe('DirectIpLink', () => {
  const worlds: Awaited<ReturnType<typeof world>>[] = [];
  afterEach(async () => {
    await Promise.all(worlds.splice(0).map((w) => w.teardown()));
  });

  it('names the kit by IMEI, sends to `to`, and maps refusals of the gateway', async () => {
    const w = await world();
    worlds.push(w);
    await w.link.start();
    const other = new NetworkKitLink({ id: 'kit-2', imei: OTHER_KIT, network: w.network, momsn: 77 });
    await other.start();
    try {
      const atLink = nextFrame(w.link);
      await other.send(Uint8Array.of(0x51));
      const { meta } = await atLink;
      expect(meta).toEqual({
        from: OTHER_KIT,
        source: {
          carrier: 'directip',
          cdrReference: expect.any(Number),
          sessionStatus: 0,
          momsn: 77,
          mtmsn: expect.any(Number),
          sessionTime: expect.any(Number),
          remote: '127.0.0.1',
          ...(meta?.source?.location === undefined
            ? {}
            : {
                location: expect.any(Object),
                latitude: expect.any(Number),
                longitude: expect.any(Number),
                cepKm: expect.any(Number),
              }),
        },
      });
      expect(JSON.parse(JSON.stringify(meta?.source))).toEqual(meta?.source); // JSON-safe
      const atOther = nextFrame(other);
      expect(await w.link.send(Uint8Array.of(0x52), { to: OTHER_KIT, priority: 0 })).toMatchObject({
        ok: true,
      });
      expect((await atOther).bytes).toEqual(Uint8Array.of(0x52));
      // Not provisioned at the gateway: status −2, never to be retried.
      expect(await w.link.send(Uint8Array.of(1), { to: '300434069999999' })).toMatchObject({
        ok: false,
        retry: 'never',
        code: 'NACK',
        detail: expect.stringMatching(/status -2/),
      });
    } finally {
      await other.stop();
    }
  });

  it('keeps the gateway waiting while down: MO messages arrive once it is up', async () => {
    const w = await world();
    worlds.push(w);
    expect(await w.peer.send(Uint8Array.of(0x53))).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(w.gateway.counters().moFailedAttempts).toBeGreaterThan(0);
    const atLink = nextFrame(w.link);
    await w.link.start();
    expect((await atLink).bytes).toEqual(Uint8Array.of(0x53));
  });

  it('reports a gateway that cannot be reached as DEVICE_ERROR, to retry later', async () => {
    const w = await world();
    worlds.push(w);
    const link = new DirectIpLink({
      id: 'directip-x',
      server: new DirectIpMoServer(),
      listen: { host: HOST, port: 0 },
      mt: new DirectIpMtClient({ host: HOST, port: await freePort(), timeoutMs: 500 }),
      defaultImeis: [KIT],
    });
    try {
      await link.start();
      expect(await link.send(Uint8Array.of(1))).toMatchObject({
        ok: false,
        retry: 'later',
        code: 'DEVICE_ERROR',
      });
      expect(link.counters().errors).toBe(1);
    } finally {
      await link.stop();
    }
  });

  it('hands on a payload that is not a fieldnode frame, and counts one error per failed send', async () => {
    const w = await world();
    worlds.push(w);
    await w.link.start();
    const atLink = nextFrame(w.link);
    const text = new TextEncoder().encode('hello from another application');
    expect(await w.peer.send(text)).toMatchObject({ ok: true });
    expect((await atLink).bytes).toEqual(text);
    expect(w.link.counters().rxFrames).toBe(1);
    // Two IMEIs, both refused by the gateway: one failed send, one error.
    const before = w.link.counters().errors;
    const twice = new DirectIpLink({
      id: 'directip-2',
      server: new DirectIpMoServer(),
      listen: { host: HOST, port: 0 },
      mt: new DirectIpMtClient({ host: HOST, port: w.mtPort, timeoutMs: 1000 }),
      defaultImeis: ['300434069999998', '300434069999999'],
    });
    try {
      await twice.start();
      expect(await twice.send(Uint8Array.of(1))).toMatchObject({ ok: false, code: 'NACK' });
      expect(twice.counters()).toMatchObject({ txFrames: 0, errors: 1 });
      await expect(twice.send(new Uint8Array(0))).rejects.toBeInstanceOf(RangeError);
    } finally {
      await twice.stop();
    }
    expect(w.link.counters().errors).toBe(before);
  });
});
