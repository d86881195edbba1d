/**
 * The device session (docs/meshtastic.md §1.2, §1.4–§1.6, §8.4) against a scripted device over
 * an in-process stream pair: opening, the config dump, heartbeat, reboots and loss. Sending and
 * receiving are in device-session-traffic.test.ts.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { NONCE_ONLY_CONFIG, NONCE_ONLY_NODES } from './constants.js';
import { hex } from './test/frames.js';
import { closeSessions, req, setup, sleep, until } from './test/session-setup.js';

afterEach(closeSessions);

describe('opening: wake bytes, want_config_id, the config dump', () => {
  it('writes 32 × 0xC3, waits, asks with a random nonce and collects the dump', async () => {
    const { device, session } = setup(
      { otherNodes: [0x1111, 0x2222], chatty: true, hopLimit: 5, modemPreset: 1 },
      { wakeDelayMs: 60 },
    );
    const logs: string[] = [];
    session.on('log', (l) => logs.push(l.text));
    const started = Date.now();
    const info = await session.start();
    expect(hex(Uint8Array.from(device.rawReceived.slice(0, 32)))).toBe('c3'.repeat(32));
    const ask = device.received[0];
    expect(ask?.payloadVariant.case).toBe('wantConfigId');
    const nonce = ask?.payloadVariant.value as number;
    expect(nonce).not.toBe(0);
    expect([NONCE_ONLY_CONFIG, NONCE_ONLY_NODES]).not.toContain(nonce);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(info).toMatchObject({
      nonce,
      nodeNum: 0x0a0b0c0d,
      nodeId: '!0a0b0c0d',
      rebootCount: 3,
      firmwareVersion: '2.6.11.60ec05e',
      longName: 'Kit 🛰 one',
      lora: { region: 3, modemPreset: 1, hopLimit: 5, usePreset: true, txEnabled: true },
      device: { role: 0, rebroadcastMode: 0 },
      security: { serialEnabled: true },
      moduleConfigs: ['mqtt', 'serial'],
    });
    expect(info.channels.map((c) => [c.index, c.role])).toEqual([
      [0, 1],
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
      [6, 0],
      [7, 0],
    ]);
    expect(info.nodes.map((n) => n.id)).toEqual(['!00001111', '!00002222']);
    expect(session.state).toBe('ready');
    expect(logs).toContain('DEBUG | 00:00:01 1 [PhoneAPI] sent my_info — état ok');
  });

  it('never picks 0, 69420 or 69421 as the nonce', async () => {
    const draws = [0, NONCE_ONLY_CONFIG, NONCE_ONLY_NODES, 77];
    const { device, session } = setup({}, { randomInt: () => draws.shift() ?? 99 });
    const info = await session.start();
    expect(info.nonce).toBe(77);
    expect(device.received[0]?.payloadVariant.value).toBe(77);
  });

  it('ignores a config_complete_id with another nonce', async () => {
    const { device, session } = setup({ mute: true });
    const starting = session.start();
    const ask = await device.waitFor((m) => m.payloadVariant.case === 'wantConfigId');
    const nonce = ask.payloadVariant.value as number;
    device.frame({ payloadVariant: { case: 'configCompleteId', value: (nonce + 1) >>> 0 } });
    await sleep(30);
    expect(session.state).toBe('handshaking');
    device.dump(nonce);
    await expect(starting).resolves.toMatchObject({ nonce });
  });

  it('times out with MESH_HANDSHAKE and closes when the dump never completes', async () => {
    const { session } = setup({ mute: true }, { handshakeTimeoutMs: 80 });
    const closed = once(session, 'closed');
    const err = await session.start().catch((e: unknown) => e);
    expect(isKitError(err, 'MESH_HANDSHAKE')).toBe(true);
    expect((await closed)[0]).toMatchObject({ reason: 'handshake-failed' });
    expect(session.state).toBe('closed');
  });

  it('fails with MESH_SESSION_CLOSED when the stream ends during the handshake', async () => {
    const { device, session } = setup({ mute: true });
    const starting = session.start();
    await device.waitFor((m) => m.payloadVariant.case === 'wantConfigId');
    device.unplug();
    await expect(starting).rejects.toMatchObject({ code: 'MESH_SESSION_CLOSED' });
  });

  it('a rebooted frame during the dump restarts the handshake with a new nonce', async () => {
    const { device, session } = setup({ mute: true });
    const starting = session.start();
    const first = (await device.waitFor((m) => m.payloadVariant.case === 'wantConfigId')).payloadVariant
      .value;
    device.rebooted();
    const second = await device.waitFor(
      (m) => m.payloadVariant.case === 'wantConfigId' && m.payloadVariant.value !== first,
    );
    device.dump(second.payloadVariant.value as number);
    await expect(starting).resolves.toMatchObject({ nonce: second.payloadVariant.value, rebootCount: 4 });
  });
});

describe('heartbeat, reboot and loss', () => {
  it('sends ToRadio heartbeat{} (94 c3 00 02 3a 00) every interval', async () => {
    const { device, session } = setup({}, { heartbeatIntervalMs: 40 });
    await session.start();
    await until(() => device.received.filter((m) => m.payloadVariant.case === 'heartbeat').length >= 3);
    expect(hex(Uint8Array.from(device.rawReceived))).toContain('94c300023a00');
  });

  it('rebooted: reports lost, settles waiting sends, handshakes again on the same stream', async () => {
    const { device, session } = setup({ onPacket: () => {} }, { queueTimeoutMs: 5000 });
    await session.start();
    const sending = session.send(req());
    await device.nthPacket(0);
    const lost = once(session, 'lost');
    const ready = once(session, 'ready');
    device.rebooted();
    expect((await lost)[0]).toMatchObject({ reason: 'rebooted' });
    expect(await sending).toMatchObject({ kind: 'lost' });
    expect((await ready)[0]).toMatchObject({ rebootCount: 4 });
    expect(device.connections).toBe(1);
  });

  it('the stream closing ends the session (port-closed) and settles sends', async () => {
    const { device, session } = setup({ onPacket: () => {} }, { queueTimeoutMs: 5000 });
    await session.start();
    const sending = session.send(req());
    await device.nthPacket(0);
    const closed = once(session, 'closed');
    device.unplug();
    expect((await closed)[0]).toMatchObject({ reason: 'port-closed' });
    expect(await sending).toMatchObject({ kind: 'lost' });
    expect(await session.send(req())).toMatchObject({ kind: 'refused', reason: 'not-ready' });
  });

  it('a stream error ends the session (read-error)', async () => {
    const { stream, session } = setup();
    await session.start();
    const closed = once(session, 'closed');
    stream.destroy(new Error('EIO: the port went away'));
    expect((await closed)[0]).toMatchObject({ reason: 'read-error', detail: 'EIO: the port went away' });
  });

  it('silence from firmware that answers heartbeats: lost, then a handshake that fails closes it', async () => {
    const { device, session } = setup(
      { answerHeartbeat: true },
      { heartbeatIntervalMs: 30, silenceTimeoutMs: 120, handshakeTimeoutMs: 100 },
    );
    await session.start();
    await until(() => device.received.some((m) => m.payloadVariant.case === 'heartbeat'));
    const lost = once(session, 'lost');
    const closed = once(session, 'closed');
    device.opts.answerHeartbeat = false;
    device.opts.mute = true;
    expect((await lost)[0]).toMatchObject({ reason: 'silence' });
    expect((await closed)[0]).toMatchObject({ reason: 'handshake-failed' });
  });

  it('silence from old firmware that answers no heartbeat: a probe handshake, staying ready', async () => {
    const { device, session } = setup({}, { heartbeatIntervalMs: 30, silenceTimeoutMs: 100 });
    await session.start();
    const losses: unknown[] = [];
    session.on('lost', (l) => losses.push(l));
    const ready = once(session, 'ready');
    await ready;
    expect(device.received.filter((m) => m.payloadVariant.case === 'wantConfigId')).toHaveLength(2);
    expect(losses).toEqual([]);
    expect(session.state).toBe('ready');
  });

  it('a probe that finds another reboot_count reports lost (reboot-count), then ready', async () => {
    const { device, session } = setup({}, { heartbeatIntervalMs: 30, silenceTimeoutMs: 100 });
    await session.start();
    device.rebootCount = 9; // rebooted without a rebooted frame (or it was lost in the noise)
    const [loss] = await once(session, 'lost');
    expect(loss).toMatchObject({ reason: 'reboot-count', detail: 'reboot_count 3 → 9' });
    const [info] = await once(session, 'ready');
    expect(info).toMatchObject({ rebootCount: 9 });
  });

  it('close() tells the device (ToRadio.disconnect) and is idempotent', async () => {
    const { device, session } = setup();
    await session.start();
    const closed: unknown[] = [];
    session.on('closed', (c) => closed.push(c));
    session.close();
    session.close();
    await device.waitFor((m) => m.payloadVariant.case === 'disconnect');
    expect(closed).toEqual([{ reason: 'closed', detail: 'closed by its owner' }]);
  });
});
