/**
 * The life of a session with the simulated device (docs/meshtastic.md §1.2, §1.3, §1.5,
 * §1.6): serial text mode until the first frame, debug text and log records, the faults of
 * firmware#10975, the 15-minute idle timeouts, heartbeat replies per release, disconnect, and
 * reboots on each kind of port.
 */
import { describe, expect, it } from 'vitest';
import { HEADER_LEN } from '../../src/meshtastic/constants.js';
import { frameOf, settle } from './host-probe.js';
import { makeFixture } from './sim-device-fixture.js';

const MIN = 60_000;
/** `LEVEL | ??:??:?? uptime [Thread] message\r`, with the ANSI colour codes of hardware. */
const ESC = String.fromCharCode(27);
const LOG_LINE = new RegExp(
  `^(${ESC}\\[3\\dm)?(DEBUG|INFO |WARN |ERROR) (${ESC}\\[0m)?\\| \\?\\?:\\?\\?:\\?\\? \\d+ \\[\\w+\\] .*\r$`,
);

describe('serial text mode and debug text (§1.3, SerialConsole)', () => {
  it('SerialConsole: before the first frame the port carries boot text, the rebooted frame and plain log lines, nothing else framed', async () => {
    const f = await makeFixture({ device: { bootText: true, debugText: { periodicMs: 1000 } } });
    f.mesh.inject({
      from: 0x11223344,
      payloadVariant: { case: 'decoded', value: { portnum: 256, payload: Uint8Array.of(1) } },
    });
    await f.advance(3000);
    const { frames, text } = f.host.parsed();
    expect(frames.map((m) => m.payloadVariant.case)).toEqual(['rebooted']);
    expect(text.startsWith('ESP-ROM:')).toBe(true);
    const lines = text.split('\n').filter((l) => l.includes('| '));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const l of lines) expect(l).toMatch(LOG_LINE);
    expect(text).toContain('[Power] Battery:');
    // The rebooted frame sits between the ROM text and the firmware's first lines.
    const bytes = Buffer.from(f.host.bytes());
    const at = bytes.indexOf(Buffer.from('94c300024001', 'hex'));
    expect(bytes.subarray(0, at).toString()).toMatch(/^ESP-ROM:/);
    expect(bytes.subarray(at).toString()).toContain('Booted, wake cause');
  });

  it('SerialConsole::handleToRadio: any complete frame switches to protobufs, even one that does not decode; text goes on between frames', async () => {
    const f = await makeFixture({ device: { debugText: true } });
    f.host.clear();
    f.host.write(Uint8Array.of(0x94, 0xc3, 0x00, 0x02, 0xff, 0xff));
    await settle();
    expect(f.host.parsed().text).toContain('Error: ignore malformed toradio');
    f.mesh.inject({
      from: 0x11223344,
      payloadVariant: { case: 'decoded', value: { portnum: 256, payload: Uint8Array.of(1) } },
    });
    await settle();
    // canWrite is now true, but the session (STATE_SEND_NOTHING) has nothing to send yet.
    expect(f.host.frames()).toEqual([]);
    await f.host.handshake();
    const { frames, text } = f.host.parsed();
    expect(frames.at(-1)?.payloadVariant.case).toBe('packet');
    expect(text).toContain('Client wants config, nonce=');
    expect(text).toContain('Config Send Complete');
  });

  it('SerialConsole::log_to_serial: with debug_log_api_enabled, logs become framed log_record once protobufs are on', async () => {
    const f = await makeFixture({ device: { debugText: true, settings: { debugLogApiEnabled: true } } });
    f.device.log('INFO', 'Test', 'before');
    await settle();
    expect(f.host.parsed().text).toContain('[Test] before');
    await f.host.handshake();
    f.host.clear();
    f.device.log('WARN', 'Test', 'after');
    await settle();
    const { frames, text } = f.host.parsed();
    expect(text).toBe('');
    expect(frames.map((m) => m.payloadVariant)).toEqual([
      expect.objectContaining({
        case: 'logRecord',
        value: expect.objectContaining({ message: 'after', source: 'Test', level: 30 }),
      }),
    ]);
  });

  it('SerialConsole::handleToRadio: with serial_enabled false, frames are ignored', async () => {
    const f = await makeFixture({ device: { settings: { serialEnabled: false } } });
    const frames = await f.host.handshake();
    expect(frames).toEqual([]);
  });

  it('TCP carries no text and nothing framed until want_config_id (STATE_SEND_NOTHING)', async () => {
    const f = await makeFixture({
      profile: { transport: 'tcp' },
      device: { debugText: true, bootText: true },
    });
    f.mesh.inject({
      from: 0x11223344,
      payloadVariant: { case: 'decoded', value: { portnum: 256, payload: Uint8Array.of(1) } },
    });
    f.host.send({ case: 'heartbeat', value: {} });
    await settle();
    expect(f.host.bytes()).toEqual(new Uint8Array());
  });
});

describe('serial faults (firmware#10975)', () => {
  it('textInsideFrame: a log line lands inside the declared payload, so the host loses that frame', async () => {
    const f = await makeFixture({ device: { faults: { textInsideFrame: 1 } }, attach: true });
    const bytes = Buffer.from(f.host.bytes());
    // The rebooted frame: 2 bytes declared, text spliced in after the header.
    expect(bytes.subarray(0, HEADER_LEN).toString('hex')).toBe('94c30002');
    expect(bytes.subarray(HEADER_LEN).toString()).toContain('[Power] Battery');
    await f.host.handshake();
    const clean = await makeFixture();
    expect(f.host.frames().length).toBeLessThan((await clean.host.handshake()).length);
  });

  it('tearFrame: frames are cut short, so the next header lands inside the previous payload', async () => {
    const f = await makeFixture({ device: { faults: { tearFrame: 0.5 }, seed: 3 } });
    await f.host.handshake();
    const clean = await makeFixture();
    await clean.host.handshake();
    expect(f.host.bytes().length).toBeLessThan(clean.host.bytes().length);
    expect(f.host.frames().length).toBeLessThan(clean.host.frames().length);
  });
});

describe('idle timeouts (§1.5)', () => {
  it('SerialConsole::checkIsConnected (SERIAL_CONNECTION_TIMEOUT 15 min): the session closes; packets stop, debug text goes on', async () => {
    const f = await makeFixture({ device: { debugText: { periodicMs: 60_000 } } });
    await f.host.handshake();
    await f.advance(15 * MIN - 1);
    expect(f.device.sessionState).toBe('SEND_PACKETS');
    await f.advance(1);
    expect(f.device.sessionState).toBe('SEND_NOTHING');
    f.host.clear();
    f.mesh.inject({
      from: 0x11223344,
      payloadVariant: { case: 'decoded', value: { portnum: 256, payload: Uint8Array.of(1) } },
    });
    await f.advance(2 * MIN);
    const { frames, text } = f.host.parsed();
    expect(frames).toEqual([]);
    expect(text).toContain('[Power] Battery');
  });

  it('PhoneAPI::handleToRadio sets lastContactMsec for any ToRadio: a heartbeat every 14 min keeps the serial session', async () => {
    const f = await makeFixture();
    await f.host.handshake();
    for (let i = 0; i < 4; i++) {
      await f.advance(14 * MIN);
      f.host.send({ case: 'heartbeat', value: {} });
      await settle();
    }
    expect(f.device.sessionState).toBe('SEND_PACKETS');
  });

  it('ServerAPI: no idle timeout on TCP before 2.7.21; TCP_IDLE_TIMEOUT_MS closes the socket from 2.7.21', async () => {
    const old = await makeFixture({ profile: { transport: 'tcp', firmware: '2.7.20.6658ec2' } });
    await old.host.handshake();
    await old.advance(60 * MIN);
    expect(old.host.closed).toBe(false);

    const f = await makeFixture({ profile: { transport: 'tcp', firmware: '2.7.21.1370b23' } });
    const reasons: string[] = [];
    f.device.on('hostClosed', (r) => reasons.push(r));
    await f.host.handshake();
    await f.advance(15 * MIN - 1);
    expect(f.host.closed).toBe(false);
    await f.advance(1);
    expect(f.host.closed).toBe(true);
    expect(reasons).toEqual(['idle-timeout']);
  });

  it('ServerAPI (2.7.21): lastContactMsec starts at the connection, so a client that never speaks is closed too', async () => {
    const f = await makeFixture({ profile: { transport: 'tcp', firmware: '2.7' } });
    await f.advance(15 * MIN);
    expect(f.host.closed).toBe(true);
  });
});

describe('heartbeat replies (§1.5)', () => {
  const hb = { case: 'heartbeat', value: {} } as const;

  it('PhoneAPI::handleToRadio (2.6): "Got client heartbeat", no reply', async () => {
    const f = await makeFixture();
    await f.host.handshake();
    f.host.clear();
    f.host.send(hb);
    await settle();
    expect(f.host.frames()).toEqual([]);
  });

  it('PhoneAPI::getFromRadio (2.7.6+): heartbeatReceived → QueueStatus with mesh_packet_id 0, even before want_config', async () => {
    const f = await makeFixture({ profile: { firmware: '2.7' } });
    f.host.clear();
    f.host.send(hb);
    await settle();
    expect(f.host.frames().map((m) => m.payloadVariant)).toEqual([
      {
        case: 'queueStatus',
        value: expect.objectContaining({ res: 0, free: 16, maxlen: 16, meshPacketId: 0 }),
      },
    ]);
    await f.host.handshake();
    f.host.clear();
    f.host.send(hb);
    await settle();
    expect(f.host.cases()).toEqual(['queueStatus']);
  });

  it('PhoneAPI::getFromRadio (2.7.4–2.7.5): the heartbeat check sits after available(), so an idle session answers only when something else is pending', async () => {
    const f = await makeFixture({ profile: { firmware: '2.7.4.c1f4f79' } });
    await f.host.handshake();
    f.host.clear();
    f.host.send(hb);
    await settle();
    expect(f.host.frames()).toEqual([]);
    f.mesh.inject({
      from: 0x11223344,
      payloadVariant: { case: 'decoded', value: { portnum: 256, payload: Uint8Array.of(1) } },
    });
    await settle();
    expect(f.host.cases()).toEqual(['queueStatus', 'packet']);
  });

  it('PhoneAPI::handleToRadio (2.7.23+): heartbeat nonce 1 broadcasts our NodeInfo instead of a plain reply', async () => {
    const f = await makeFixture({ profile: { firmware: '2.7' } });
    await f.host.handshake();
    f.host.clear();
    f.host.send({ case: 'heartbeat', value: { nonce: 1 } });
    await settle();
    expect(
      f.mesh.sent.map((p) => (p.payloadVariant.case === 'decoded' ? p.payloadVariant.value.portnum : -1)),
    ).toEqual([4]);
    expect(f.host.frames().map((m) => m.payloadVariant.case)).toEqual(['queueStatus']);
    expect(f.host.frames()[0]?.payloadVariant.value).toMatchObject({ meshPacketId: f.mesh.sent[0]?.id });
  });
});

describe('ToRadio.disconnect (PhoneAPI::close, ServerAPI::close)', () => {
  it('PhoneAPI::close on serial: back to SEND_NOTHING, the port stays open', async () => {
    const f = await makeFixture();
    await f.host.handshake();
    f.host.send({ case: 'disconnect', value: true });
    await settle();
    expect(f.device.sessionState).toBe('SEND_NOTHING');
    expect(f.host.closed).toBe(false);
  });

  it('ServerAPI::close on TCP: client.stop() closes the socket', async () => {
    const f = await makeFixture({ profile: { transport: 'tcp' } });
    await f.host.handshake();
    f.host.send({ case: 'disconnect', value: true });
    await settle();
    expect(f.host.closed).toBe(true);
  });
});

describe('reboot (§1.6)', () => {
  it('UART: the port stays; after the reboot delay the device says rebooted again, reboot_count is one more, queues are lost', async () => {
    const f = await makeFixture();
    await f.host.handshake();
    f.device.detach();
    f.mesh.inject({
      from: 0x11223344,
      payloadVariant: { case: 'decoded', value: { portnum: 256, payload: Uint8Array.of(1) } },
    });
    const host = f.newHost();
    f.device.reboot();
    expect(f.mesh.resets).toBe(1);
    await f.advance(2999);
    expect(host.frames()).toEqual([]);
    host.write(frameOf({ case: 'wantConfigId', value: 1 }));
    await f.advance(1);
    expect(host.cases()).toEqual(['rebooted']);
    const dump = await host.handshake();
    expect(dump[0]?.payloadVariant).toMatchObject({ case: 'myInfo', value: { rebootCount: 2 } });
    expect(dump.some((m) => m.payloadVariant.case === 'packet')).toBe(false);
  });

  it('native USB: the port vanishes at reboot (the host stream ends) and returns after the delay', async () => {
    const f = await makeFixture({ profile: { transport: 'native-usb' } });
    const events: string[] = [];
    f.device.on('portVanished', () => events.push('vanished'));
    f.device.on('portReturned', () => events.push('returned'));
    await f.host.handshake();
    f.device.reboot();
    await settle();
    expect(f.host.closed).toBe(true);
    expect(events).toEqual(['vanished']);
    await f.advance(3000);
    expect(events).toEqual(['vanished', 'returned']);
    const host = f.newHost();
    const dump = await host.handshake();
    expect(dump[0]?.payloadVariant).toMatchObject({ case: 'myInfo', value: { rebootCount: 2 } });
  });

  it('TCP: the socket closes at reboot, connections are refused while down, no rebooted frame afterwards', async () => {
    const f = await makeFixture({ profile: { transport: 'tcp' } });
    await f.host.handshake();
    f.device.reboot();
    await settle();
    expect(f.host.closed).toBe(true);
    const early = f.newHost();
    await settle();
    expect(early.closed).toBe(true);
    await f.advance(3000);
    const host = f.newHost();
    const dump = await host.handshake();
    expect(dump[0]?.payloadVariant).toMatchObject({ case: 'myInfo', value: { rebootCount: 2 } });
    expect(dump.some((m) => m.payloadVariant.case === 'rebooted')).toBe(false);
  });
});
