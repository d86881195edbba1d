/**
 * MeshtasticLink (docs/meshtastic.md §2.1, §2.5, §2.7, §8.4–§8.6; docs/links.md §Meshtastic (LoRa
 * mesh)) against scripted radios: what it writes, how it reads the answers, what it delivers, and
 * its states across reboots, vanished ports and restarts. The link never reopens itself: where a
 * test needs it back, it calls start() again, as the supervisor does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { hasSelfAddress, type InboundFrame, type LinkState } from '../../../node/src/link/link.js';
import { PacedClock } from '../../sim/meshtastic/paced-clock.js';
import { type SimRadio, simRadio } from '../../sim/meshtastic/sim-radio.js';
import { twoRadioMesh } from '../../sim/meshtastic/two-radio-mesh.js';
import { StreamTransport } from '../transports/stream-transport.js';
import type { MeshPacket } from './codec.js';
import { BROADCAST_NUM, Priority, RoutingError } from './constants.js';
import { MeshtasticLink, type MeshtasticLinkOptions } from './meshtastic-link.js';
import { ascii } from './test/frames.js';
import { ScriptedDevice, type ScriptedDeviceOptions } from './test/scripted-device.js';

const links: MeshtasticLink[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.stop()));
});

const fast = { wakeDelayMs: 2, handshakeMs: 300, queueStatusMs: 200, ackMs: 200 };

function setup(dev: ScriptedDeviceOptions = {}, opts: Partial<MeshtasticLinkOptions> = {}) {
  const device = new ScriptedDevice(dev);
  const states: LinkState[] = [];
  const frames: InboundFrame[] = [];
  const link = new MeshtasticLink({
    id: 'mesh0',
    transport: new StreamTransport(() => device.connect()),
    ...opts,
    timeouts: { ...fast, ...opts.timeouts },
  });
  link.on('state', (s) => states.push(s));
  link.on('frame', (f) => frames.push(f));
  links.push(link);
  return { device, link, states, frames };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}
const decoded = (p: MeshPacket) => (p.payloadVariant.case === 'decoded' ? p.payloadVariant.value : undefined);
const keys = (states: LinkState[]) =>
  states.map((s) => (s.status === 'down' ? `down/${s.reason}` : s.status));

describe('sending', () => {
  it('a broadcast: to 0xFFFFFFFF, no want_ack, our portnum and channel, the radio\u2019s hop limit', async () => {
    const { device, link } = setup({ hopLimit: 5, channelRoles: [1, 2] }, { portnum: 300, channel: 1 });
    await link.start();
    const outcome = await link.send(Uint8Array.of(1, 2, 3));
    expect(outcome).toMatchObject({ ok: true, ref: expect.stringMatching(/^[0-9a-f]{8}:queued$/) });
    const [p] = device.packets;
    expect(p).toMatchObject({
      to: BROADCAST_NUM,
      wantAck: false,
      hopLimit: 5,
      channel: 1,
      from: 0,
      priority: 0,
    });
    expect(decoded(p as MeshPacket)).toMatchObject({ portnum: 300, wantResponse: false, dest: 0, source: 0 });
    expect(Array.from(decoded(p as MeshPacket)?.payload ?? [])).toEqual([1, 2, 3]);
  });

  it('a DM: "!hex" or decimal node number, want_ack, a real ACK is ok', async () => {
    const { device, link } = setup({}, { hopLimit: 2 });
    await link.start();
    expect(await link.send(Uint8Array.of(9), { to: '!11223344' })).toMatchObject({ ok: true, ref: /:ack$/ });
    expect(await link.send(Uint8Array.of(9), { to: '287454020' })).toMatchObject({ ok: true });
    expect(await link.send(Uint8Array.of(9), { to: '!A0B' })).toMatchObject({ ok: true });
    expect(device.packets.map((p) => [p.to, p.wantAck, p.hopLimit])).toEqual([
      [0x11223344, true, 2],
      [0x11223344, true, 2],
      [0xa0b, true, 2],
    ]);
  });

  it('refuses bad addresses and frames over the mtu without writing anything', async () => {
    const { device, link } = setup();
    await link.start();
    for (const to of ['', 'node-1', '!', '!123456789', '!ffffffff', '0', '-5', '0x10']) {
      expect(await link.send(Uint8Array.of(1), { to })).toMatchObject({
        ok: false,
        retry: 'never',
        code: 'DEVICE_ERROR',
      });
    }
    expect(link.mtu).toBe(200);
    expect(await link.send(new Uint8Array(201))).toMatchObject({
      ok: false,
      retry: 'never',
      code: 'TOO_LARGE',
    });
    expect(await link.send(new Uint8Array(200))).toMatchObject({ ok: true });
    expect(device.packets).toHaveLength(1);
  });

  it('maps the firmware\u2019s answers to outcomes (§2.5)', async () => {
    let script: (p: MeshPacket, d: ScriptedDevice) => void = () => {};
    const { link } = setup({ onPacket: (p, d) => script(p, d) });
    await link.start();
    const own = 0x0a0b0c0d;
    const dm = { to: '!11223344' };
    const cases: [(p: MeshPacket, d: ScriptedDevice) => void, object][] = [
      [(p, d) => d.answerWith(p, RoutingError.NONE, own), { ok: true, ref: /:relayed$/ }],
      [(p, d) => d.answerWith(p, RoutingError.MAX_RETRANSMIT, own), { retry: 'later', code: 'NACK' }],
      [(p, d) => d.answerWith(p, RoutingError.TOO_LARGE, own), { retry: 'never', code: 'TOO_LARGE' }],
      [(p, d) => d.answerWith(p, RoutingError.NO_CHANNEL, own), { retry: 'never', code: 'DEVICE_ERROR' }],
      [(p, d) => d.answerWith(p, RoutingError.NO_CHANNEL, 0x11223344), { retry: 'never', code: 'NACK' }],
      [
        (p, d) => d.answerWith(p, RoutingError.PKI_UNKNOWN_PUBKEY, 0x11223344),
        { retry: 'later', code: 'NACK' },
      ],
      [(p, d) => d.answerWith(p, RoutingError.DUTY_CYCLE_LIMIT, own), { retry: 'later', code: 'BUSY' }],
      [(p, d) => d.queueStatus(p.id, 33), { retry: 'later', code: 'DEVICE_ERROR' }],
      [(p, d) => d.queueStatus(p.id, 34), { retry: 'later', code: 'DEVICE_ERROR' }],
      [(p, d) => d.queueStatus(p.id, RoutingError.NO_CHANNEL), { retry: 'never', code: 'DEVICE_ERROR' }],
      [(p, d) => d.queueStatus(p.id), { retry: 'later', code: 'TIMEOUT' }],
      [() => {}, { retry: 'later', code: 'TIMEOUT' }],
      [(p, d) => d.queueStatus(p.id, 32, 0), { retry: 'later', code: 'BUSY' }],
    ];
    for (const [s, expected] of cases) {
      script = s;
      expect(await link.send(Uint8Array.of(7), dm)).toMatchObject(expected);
    }
    expect(link.counters()).toMatchObject({ txFrames: 1, txBytes: 1 });
  });

  it('sends P0 as ALERT and P1 as HIGH; the option priority otherwise', async () => {
    const { device, link } = setup({}, { priority: Priority.BACKGROUND });
    await link.start();
    await link.send(Uint8Array.of(1), { priority: 0 });
    await link.send(Uint8Array.of(1), { priority: 1 });
    await link.send(Uint8Array.of(1), { priority: 3 });
    await link.send(Uint8Array.of(1));
    expect(device.packets.map((p) => p.priority)).toEqual([110, 100, 10, 10]);
  });

  it('broadcastWantAck: an implicit ACK is the ok, MAX_RETRANSMIT a NACK', async () => {
    let relayed = true;
    const { device, link } = setup(
      { onPacket: (p, d) => d.answerWith(p, relayed ? 0 : 5, d.nodeNum) },
      { broadcastWantAck: true },
    );
    await link.start();
    expect(await link.send(Uint8Array.of(1))).toMatchObject({ ok: true, ref: /:relayed$/ });
    relayed = false;
    expect(await link.send(Uint8Array.of(1))).toMatchObject({ ok: false, code: 'NACK', retry: 'later' });
    expect(device.packets.every((p) => p.wantAck && p.to === BROADCAST_NUM)).toBe(true);
  });

  it('the send window is the radio\u2019s free TX slots, 0 while down', async () => {
    const { link } = setup({ onPacket: (p, d) => d.queueStatus(p.id, 0, 3) });
    expect(link.sendWindow()).toBe(0);
    await link.start();
    expect(link.sendWindow()).toBe(16);
    await link.send(Uint8Array.of(1));
    expect(link.sendWindow()).toBe(3);
    await link.stop();
    expect(link.sendWindow()).toBe(0);
  });
});

describe('receiving', () => {
  const peer = 0x33334444;

  it('delivers packets on our portnum and channel, with node id, SNR, RSSI, hops and radio time', async () => {
    const { device, link, frames } = setup({}, { channel: 0 });
    await link.start();
    device.meshPacket({
      from: peer,
      id: 0x77,
      portnum: 256,
      payload: Uint8Array.of(0xa1, 0x94, 0xc3),
      rxSnr: -3.5,
      rxRssi: -118,
      hopStart: 3,
      hopLimit: 2,
      rxTime: 1_700_000_123,
    });
    await until(() => frames.length === 1);
    expect(frames[0]).toMatchObject({
      link: 'mesh0',
      meta: { from: '!33334444', snr: -3.5, rssi: -118, hopsAway: 1, deviceRxTime: 1_700_000_123_000 },
    });
    expect(Array.from(frames[0]?.bytes ?? [])).toEqual([0xa1, 0x94, 0xc3]);
    expect(link.counters()).toMatchObject({ rxFrames: 1, rxBytes: 3 });
  });

  it('ignores other portnums, other channels, other destinations, our own node and radio duplicates', async () => {
    const { device, link, frames } = setup({ channelRoles: [1, 2] }, { channel: 1 });
    await link.start();
    const own = device.nodeNum;
    const base = { from: peer, portnum: 256, payload: ascii('x'), channel: 1 };
    device.meshPacket({ ...base, id: 1, portnum: 1 });
    device.meshPacket({ ...base, id: 2, channel: 0 });
    device.meshPacket({ ...base, id: 3, to: 0x12345678 });
    device.meshPacket({ ...base, id: 4, from: own });
    device.meshPacket({ ...base, id: 5, payload: new Uint8Array(0) });
    device.meshPacket({ ...base, id: 6, payload: ascii('dup') });
    device.meshPacket({ ...base, id: 6, payload: ascii('dup') });
    // A PKI DM to us arrives on channel 0 whatever our channel.
    device.meshPacket({ ...base, id: 7, to: own, channel: 0, pkiEncrypted: true, payload: ascii('pki') });
    device.meshPacket({ ...base, id: 8, payload: ascii('last') });
    await until(() => frames.length >= 3);
    await sleep(20);
    expect(frames.map((f) => new TextDecoder().decode(f.bytes))).toEqual(['dup', 'pki', 'last']);
  });

  it('refuses a frame longer than the mtu and counts it; one of exactly the mtu is handed on', async () => {
    const { device, link, frames } = setup();
    await link.start();
    expect(link.capabilities.maxReceiveBytes).toBe(200);
    const base = { from: peer, portnum: 256 };
    device.meshPacket({ ...base, id: 1, payload: new Uint8Array(201).fill(1) });
    // The most a channel carries (§2.4), from some client that is not a fieldnode peer.
    device.meshPacket({ ...base, id: 2, payload: new Uint8Array(231).fill(2) });
    // Not ours (another portnum): ignored, not counted.
    device.meshPacket({ ...base, id: 3, portnum: 1, payload: new Uint8Array(220).fill(3) });
    device.meshPacket({ ...base, id: 4, payload: new Uint8Array(200).fill(4) });
    await until(() => frames.length >= 1);
    await sleep(20);
    expect(frames.map((f) => [f.bytes.length, f.bytes[0]])).toEqual([[200, 4]]);
    expect(link.counters()).toMatchObject({ rxFrames: 1, rxBytes: 200, rxOversize: 2 });
  });
});

describe('state, reboots and restarts', () => {
  it('starting → up; a reboot takes it down and up again on the same stream', async () => {
    const { device, link, states } = setup();
    await link.start();
    expect(link.device).toMatchObject({ nodeId: '!0a0b0c0d', rebootCount: 3 });
    device.rebooted();
    await until(() => keys(states).length >= 4);
    expect(keys(states)).toEqual(['starting', 'up', 'down/no-device', 'up']);
    expect(states[2]).toMatchObject({ detail: expect.stringContaining('rebooted') });
    expect(device.connections).toBe(1);
    expect(link.device).toMatchObject({ rebootCount: 4 });
    expect(link.counters()).toMatchObject({ deviceLosses: 1, reconnects: 0 });
  });

  it('a start() while the rebooted radio handshakes again joins that handshake: no new connection', async () => {
    const { device, link, states } = setup({}, { timeouts: { handshakeMs: 2000 } });
    await link.start();
    device.opts.mute = true; // the radio is still booting: the session's new want_config_id waits
    device.rebooted();
    await until(() => link.state.status === 'down');
    const nonce = async () => {
      await until(() => device.received.filter((m) => m.payloadVariant.case === 'wantConfigId').length === 2);
      const last = device.received.filter((m) => m.payloadVariant.case === 'wantConfigId').at(-1);
      return last?.payloadVariant.value as number;
    };
    const starting = link.start();
    expect(link.state.status).toBe('starting');
    device.dump(await nonce());
    await starting;
    expect(link.state.status).toBe('up');
    expect(keys(states)).toEqual(['starting', 'up', 'down/no-device', 'starting', 'up']);
    expect(device.connections).toBe(1);
    expect(link.counters()).toMatchObject({ reconnects: 0 });
  });

  it('a vanished port takes it down (port-closed) and it stays down until started again', async () => {
    const { device, link, states } = setup();
    await link.start();
    device.unplug();
    await until(() => link.state.status === 'down');
    await sleep(50); // the old link reopened after 10 ms by itself; this one must not
    expect(device.connections).toBe(1);
    expect(link.state).toMatchObject({ status: 'down', reason: 'port-closed' });
    expect(await link.send(Uint8Array.of(1), { to: '!11223344' })).toMatchObject({
      ok: false,
      code: 'LINK_DOWN',
      retry: 'later',
    });
    await link.start(); // what the supervisor does after its backoff
    expect(device.connections).toBe(2);
    expect(keys(states)).toEqual(['starting', 'up', 'down/port-closed', 'starting', 'up']);
    expect(link.counters()).toMatchObject({ reconnects: 1 });
    expect(await link.send(Uint8Array.of(1), { to: '!11223344' })).toMatchObject({ ok: true });
  });

  it('a transport that cannot open: down (no-device) after each start(), up once the radio is back', async () => {
    const device = new ScriptedDevice();
    let present = false;
    let opens = 0;
    const transport = new StreamTransport(() => {
      opens++;
      if (!present) throw Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
      return device.connect();
    });
    const link = new MeshtasticLink({ id: 'mesh0', transport, timeouts: fast });
    links.push(link);
    const states: string[] = [];
    link.on('state', (s) => states.push(s.status === 'down' ? `down/${s.reason}` : s.status));
    await link.start(); // resolves with the link down: a failure is a state
    expect(link.state).toMatchObject({ status: 'down', reason: 'no-device' });
    await sleep(30);
    expect(opens).toBe(1); // no retry of its own
    await link.start();
    expect(opens).toBe(2);
    present = true;
    await link.start();
    expect(link.state.status).toBe('up');
    expect(states).toEqual(['starting', 'down/no-device', 'starting', 'down/no-device', 'starting', 'up']);
    // Opens that failed are not reconnects: the first open that worked is the first connection.
    expect(link.counters()).toMatchObject({ reconnects: 0 });
  });

  it('a radio that never completes the handshake: down (no-device), and up on a later start()', async () => {
    const { device, link } = setup({ mute: true }, { timeouts: { handshakeMs: 40 } });
    await link.start();
    expect(link.state).toMatchObject({ status: 'down', reason: 'no-device' });
    await sleep(60);
    expect(device.connections).toBe(1);
    device.opts.mute = false;
    await link.start();
    expect(link.state.status).toBe('up');
    expect(device.connections).toBe(2);
  });

  it('our channel disabled on the radio: down (config-mismatch), start() still resolves', async () => {
    const { device, link, states } = setup({ channelRoles: [1, 0] }, { channel: 1 });
    await link.start();
    expect(link.state).toMatchObject({
      status: 'down',
      reason: 'config-mismatch',
      detail: 'channel 1 is disabled on the radio',
    });
    expect(await link.send(Uint8Array.of(1))).toMatchObject({ ok: false, code: 'LINK_DOWN', retry: 'later' });
    // The session is closed politely and the port let go; a later start() reads the config again.
    await device.waitFor((m) => m.payloadVariant.case === 'disconnect');
    await sleep(30);
    expect(device.connections).toBe(1);
    device.opts.channelRoles = [1, 2];
    await link.start();
    expect(device.connections).toBe(2);
    expect(link.state.status).toBe('up');
    expect(keys(states)).toEqual(['starting', 'down/config-mismatch', 'starting', 'up']);
  });

  it('stop() during a handshake ends it at once, in down/stopped', async () => {
    const { link, states } = setup({ mute: true }, { timeouts: { handshakeMs: 5000 } });
    const starting = link.start();
    await sleep(20);
    const before = Date.now();
    await link.stop();
    await starting;
    expect(Date.now() - before).toBeLessThan(1000);
    expect(keys(states)).toEqual(['starting', 'down/stopped']);
  });

  it('start() after stop() rejects LINK_CLOSED; stop() closes the device session politely', async () => {
    const { device, link } = setup();
    await link.start();
    await link.stop();
    await device.waitFor((m) => m.payloadVariant.case === 'disconnect');
    const err = await link.start().catch((e: unknown) => e);
    expect(isKitError(err, 'LINK_CLOSED')).toBe(true);
  });
});

describe('time source', () => {
  it('offers the radio\u2019s GPS time, not a position set by hand', async () => {
    const gps = { latitudeI: 1, longitudeI: 2, time: 1_750_000_000, locationSource: 2 };
    const a = setup({ position: gps });
    await a.link.start();
    const t = await a.link.networkTime();
    expect(t?.source).toBe('gps');
    expect(t?.time).toBeGreaterThanOrEqual(1_750_000_000_000);
    expect(t?.time).toBeLessThan(1_750_000_000_000 + 5000);
    const b = setup({ position: { ...gps, locationSource: 1 } });
    await b.link.start();
    expect(await b.link.networkTime()).toBeUndefined();
    const c = setup();
    await c.link.start();
    expect(await c.link.networkTime()).toBeUndefined();
  });
});

describe('own address (SelfAddress)', () => {
  it('is undefined before the configuration handshake, then the radio\u2019s node number as !8 hex digits', async () => {
    const { link } = setup({ nodeNum: 0x00000a0b });
    expect(hasSelfAddress(link)).toBe(true);
    expect(link.selfAddress()).toBeUndefined();
    await link.start();
    expect(link.selfAddress()).toBe('!00000a0b');
  });

  it('stays undefined when the radio never completes the handshake', async () => {
    const { link } = setup({ nodeNum: 0xa1b2c3d4, mute: true });
    await link.start();
    expect(link.state).toMatchObject({ status: 'down', reason: 'no-device' });
    expect(link.selfAddress()).toBeUndefined();
  });

  it('is kept once down: the radio\u2019s number does not change with the link\u2019s state', async () => {
    const { link } = setup({ nodeNum: 0xa1b2c3d4 });
    await link.start();
    await link.stop();
    expect(link.state).toMatchObject({ status: 'down', reason: 'stopped' });
    expect(link.selfAddress()).toBe('!a1b2c3d4');
  });

  it('is what the neighbour sees in meta.from, on the faithful simulator', async () => {
    const speedup = 50;
    const clock = new PacedClock(speedup);
    const network = twoRadioMesh(0x0a0b0c0d, 0x00c0ffee, clock);
    const radios: SimRadio[] = [];
    try {
      const a = await simRadio({ network, node: 0x0a0b0c0d, speedup, linkId: 'mesh-a' });
      radios.push(a);
      const b = await simRadio({ network, node: 0x00c0ffee, speedup, linkId: 'mesh-b' });
      radios.push(b);
      const heardByA: InboundFrame[] = [];
      a.link.on('frame', (f) => heardByA.push(f));
      await Promise.all([a.link.start(), b.link.start()]);
      expect(b.link.selfAddress()).toBe('!00c0ffee');
      expect(await b.link.send(Uint8Array.of(0x5a, 1, 2))).toMatchObject({ ok: true });
      await until(() => heardByA.length === 1, 4000);
      expect(heardByA[0]?.meta?.from).toBe(b.link.selfAddress());
      expect(a.link.selfAddress()).toBe(a.address);
    } finally {
      for (const r of radios) await r.close();
      clock.stop();
    }
  });
});
