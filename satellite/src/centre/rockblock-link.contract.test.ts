/**
 * The shared link contract (node/src/link/contract.ts) for the centre's RockBLOCK link, over real
 * HTTP on 127.0.0.1, then what is particular to it (docs/iridium.md §2, §7.5; docs/links.md §The
 * centre's satellite ingress).
 *
 * The world of the test: the simulated Iridium network (sim/iridium/simulated-network.ts) with the
 * simulated RockBLOCK cloud on it (sim/rockblock/rockblock-cloud.ts), which pushes signed webhooks
 * to the link's push receiver and serves the MT API its MT client calls. The peer is a simulated
 * kit, NetworkKitLink (sim/iridium/network-kit-link.ts): a link that opens sessions on the
 * network's session() as a modem does after SBDIX, answering ring alerts with mailbox checks, so
 * its MO frames travel gateway → cloud → webhook → receiver → link, and the link's MT frames MT
 * API → gateway queue → ring alert → mailbox check → peer.
 *
 * The contract's frames are arbitrary bytes, not fieldnode frames: the link hands on every payload
 * with what the push said of it, and the core tells fieldnode frames from the rest
 * (node/test/integration/foreign-payloads.test.ts).
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runLinkContract } from '../../../node/src/link/contract.js';
import type { InboundFrame } from '../../../node/src/link/link.js';
import { NetworkKitLink } from '../../sim/iridium/network-kit-link.js';
import { SimulatedIridiumNetwork } from '../../sim/iridium/simulated-network.js';
import { recordingLogger } from '../../sim/recording-logger.js';
import type { RockblockCloudSim } from '../../sim/rockblock/rockblock-cloud.js';
import { TEST_ROCK7_PUBLIC_KEY_PEM } from '../../sim/rockblock/test-key.js';
import { freePort, nextFrame } from '../../test/support/link-helpers.js';
import {
  CENTRE_HOST as HOST,
  CENTRE_PASSWORD as PASSWORD,
  rockblockCentre,
  CENTRE_USER as USER,
} from '../../test/support/rockblock-centre.js';
import { RockblockMtClient } from '../rockblock/mt-client.js';
import { RockblockPushReceiver } from '../rockblock/push-receiver.js';
import { RockblockLink } from './rockblock-link.js';

const KIT = '300434060000010';
const OTHER_KIT = '300434060000020';

interface World {
  network: SimulatedIridiumNetwork;
  cloud: RockblockCloudSim;
  link: RockblockLink;
  peer: NetworkKitLink;
  receiver: RockblockPushReceiver;
  log: ReturnType<typeof recordingLogger>;
  teardown(): Promise<void>;
}

async function world(opts: { password?: string } = {}): Promise<World> {
  const log = recordingLogger();
  const network = new SimulatedIridiumNetwork({ log });
  const { cloud, receiver, link } = await rockblockCentre({
    network,
    imeis: [KIT, OTHER_KIT],
    ...(opts.password ? { password: opts.password } : {}),
    mtAttempts: 2,
    pushRetryDelaysMs: [50],
    log,
  });
  const peer = new NetworkKitLink({ id: 'kit-sbd', imei: KIT, network });
  await peer.start();
  return {
    network,
    cloud,
    link,
    peer,
    receiver,
    log,
    async teardown() {
      await Promise.all([link.stop(), peer.stop()]);
      await cloud.close();
      network.close();
    },
  };
}

runLinkContract('rockblock web services over 127.0.0.1, simulated cloud and kit', async () => {
  const w = await world();
  return { link: w.link, peer: w.peer, teardown: () => w.teardown() };
});

describe('RockblockLink', () => {
  const worlds: World[] = [];
  afterEach(async () => {
    await Promise.all(worlds.splice(0).map((w) => w.teardown()));
  });
  const make = async (...args: Parameters<typeof world>) => {
    const w = await world(...args);
    worlds.push(w);
    return w;
  };

  it('names the sending kit by IMEI and sends to the IMEI in `to`', async () => {
    const w = await make();
    await w.link.start();
    const other = new NetworkKitLink({ id: 'kit-2', imei: OTHER_KIT, network: w.network, momsn: 500 });
    await other.start();
    try {
      const atLink = nextFrame(w.link);
      expect(await other.send(Uint8Array.of(0x41, 1))).toEqual({ ok: true, ref: '500' });
      const { meta } = await atLink;
      expect(meta).toEqual({
        from: OTHER_KIT,
        source: expect.objectContaining({
          carrier: 'rockblock',
          momsn: 500,
          sessionTime: expect.any(Number),
          transmitTimeText: expect.stringMatching(/^\d\d-\d\d-\d\d \d\d:\d\d:\d\d$/),
          latitude: expect.any(Number),
          longitude: expect.any(Number),
          cepKm: expect.any(Number),
        }),
      });
      expect(JSON.parse(JSON.stringify(meta?.source))).toEqual(meta?.source); // JSON-safe

      const atOther = nextFrame(other);
      const seenByKit: InboundFrame[] = [];
      w.peer.on('frame', (f) => seenByKit.push(f));
      const outcome = await w.link.send(Uint8Array.of(0x42, 2), { to: OTHER_KIT });
      expect(outcome).toMatchObject({ ok: true, ref: expect.stringMatching(/^\d+$/) });
      expect((await atOther).bytes).toEqual(Uint8Array.of(0x42, 2));
      expect(seenByKit).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it('answers 503 to pushes while down, and the cloud delivers them once it is up', async () => {
    const w = await make();
    // Not started: the port is closed, so the cloud's first attempts fail and it retries.
    expect(await w.peer.send(Uint8Array.of(0x43, 3))).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(w.cloud.counters().failedAttempts).toBeGreaterThan(0);
    const atLink = nextFrame(w.link);
    await w.link.start();
    expect((await atLink).bytes).toEqual(Uint8Array.of(0x43, 3));
    // The cloud reads its 200 a moment after the link has the frame.
    for (let i = 0; i < 100 && w.cloud.counters().delivered === 0; i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(w.cloud.counters()).toMatchObject({ delivered: 1, pending: 0 });
  });

  it('refuses IMEIs it cannot send to without trying, and maps FAILED codes', async () => {
    const w = await make();
    await w.link.start();
    expect(await w.link.send(Uint8Array.of(1), { to: '12345' })).toMatchObject({
      ok: false,
      retry: 'never',
      code: 'DEVICE_ERROR',
    });
    // On no account: FAILED,11, never to be retried.
    expect(await w.link.send(Uint8Array.of(1), { to: '300434069999999' })).toMatchObject({
      ok: false,
      retry: 'never',
      code: 'NACK',
    });
    expect(w.cloud.counters()).toMatchObject({ mtAccepted: 0, mtRefused: 1 });
  });

  it('maps refused credentials to a later retry and never logs the password', async () => {
    const w = await make({ password: 'a-wrong-password' });
    await w.link.start();
    const outcome = await w.link.send(Uint8Array.of(1));
    expect(outcome).toMatchObject({ ok: false, retry: 'later', code: 'DEVICE_ERROR' });
    expect(outcome.ok || outcome.detail).toMatch(/FAILED 10 Invalid login credentials/);
    expect(w.log.lines.length).toBeGreaterThan(0);
    for (const line of w.log.lines) {
      expect(line.text).not.toContain('a-wrong-password');
      expect(line.text).not.toContain(PASSWORD);
    }
  });

  it('hands on a payload that is not a fieldnode frame as a frame: the core keeps it', async () => {
    const w = await make();
    await w.link.start();
    const text = new TextEncoder().encode('hello from the portal');
    const atLink = nextFrame(w.link);
    expect(await w.peer.send(text)).toMatchObject({ ok: true });
    const got = await atLink;
    expect(got.bytes).toEqual(text);
    expect(got.meta?.from).toBe(KIT);
    expect(w.receiver.counters()).toMatchObject({ accepted: 1, quarantined: 0 });
    expect(w.link.counters().rxFrames).toBe(1);
  });

  it('counts one frame per send to several IMEIs and one error per failed send', async () => {
    const w = await make();
    const both = new RockblockLink({
      id: 'rb-both',
      receiver: new RockblockPushReceiver(),
      mt: new RockblockMtClient({ endpoint: w.cloud.mtUrl(), username: USER, password: PASSWORD }),
      defaultImeis: [KIT, OTHER_KIT],
    });
    try {
      await both.start();
      const sent = await both.send(Uint8Array.of(7, 7));
      expect(sent).toMatchObject({ ok: true, ref: expect.stringMatching(/^\d+,\d+$/) });
      // An IMEI that is not on the account: FAILED, one error for the one send.
      expect(await both.send(Uint8Array.of(8), { to: '300434069999999' })).toMatchObject({ ok: false });
      expect(both.counters()).toMatchObject({ txFrames: 1, txBytes: 2, errors: 1 });
      await expect(both.send(new Uint8Array(0))).rejects.toBeInstanceOf(RangeError);
    } finally {
      await both.stop();
    }
  });

  it('does not count mailbox checks as frames, and the network bills them', async () => {
    const w = await make();
    await w.link.start();
    const atPeer = nextFrame(w.peer);
    expect(await w.link.send(Uint8Array.of(9, 9, 9))).toMatchObject({ ok: true });
    await atPeer; // delivered by a mailbox check after the ring alert
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(w.receiver.counters().mailboxChecks).toBeGreaterThanOrEqual(1);
    expect(w.link.counters().rxFrames).toBe(0);
    expect(w.network.account(KIT)).toMatchObject({
      mailboxChecks: 1,
      mtDelivered: 1,
      moCredits: 1,
      mtCredits: 1,
    });
  });

  it('receives only without an MT client: up, pushes handed on, every send NO_SERVICE with the reason', async () => {
    const w = await make();
    const port = await freePort();
    const receiveOnly = new RockblockLink({
      id: 'rb-rx',
      receiver: new RockblockPushReceiver({ key: TEST_ROCK7_PUBLIC_KEY_PEM, path: '/rockblock/mo' }),
      listen: { host: HOST, port },
      mtOff: 'no RockBLOCK MT credentials',
      defaultImeis: [KIT],
    });
    w.cloud.setPushUrl(`http://${HOST}:${port}/rockblock/mo`);
    try {
      await receiveOnly.start();
      expect(receiveOnly.state.status).toBe('up');
      expect(receiveOnly.mtOff).toBe('no RockBLOCK MT credentials');
      const atLink = nextFrame(receiveOnly);
      expect(await w.peer.send(Uint8Array.of(0x44, 4))).toMatchObject({ ok: true });
      expect((await atLink).bytes).toEqual(Uint8Array.of(0x44, 4));
      expect(await receiveOnly.send(Uint8Array.of(1))).toEqual({
        ok: false,
        retry: 'later',
        code: 'NO_SERVICE',
        detail: `${KIT}: MT is off: no RockBLOCK MT credentials`,
      });
      expect(w.cloud.counters()).toMatchObject({ mtAccepted: 0, mtRefused: 0 });
    } finally {
      await receiveOnly.stop();
    }
  });

  it('goes down with port-error when the push port is taken, and up on a later start()', async () => {
    const w = await make();
    const holder = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, HOST, resolve));
    const link = new RockblockLink({
      id: 'rb-busy',
      receiver: new RockblockPushReceiver(),
      listen: { host: HOST, port },
      mt: new RockblockMtClient({ endpoint: w.cloud.mtUrl(), username: USER, password: PASSWORD }),
    });
    try {
      await link.start();
      expect(link.state).toMatchObject({ status: 'down', reason: 'port-error' });
      expect(await link.send(Uint8Array.of(1), { to: KIT })).toMatchObject({ ok: false, code: 'LINK_DOWN' });
      await new Promise((resolve) => holder.close(resolve));
      await link.start();
      expect(link.state.status).toBe('up');
    } finally {
      await link.stop();
    }
  });
});
