/**
 * The want_config handshake of the simulated device against `PhoneAPI::getFromRadio` (firmware
 * v2.6.11 src/mesh/PhoneAPI.cpp; docs/meshtastic.md §1.4, §1.11): golden frames, the dump's
 * order and counts per release, the special nonces, and a restart.
 */
import { describe, expect, it } from 'vitest';
import type { FromRadio } from '../../src/meshtastic/codec.js';
import { ChannelRole, ModemPreset, RegionCode } from '../../src/meshtastic/constants.js';
import { settle } from './host-probe.js';
import { makeFixture, NODE } from './sim-device-fixture.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const PEERS = [{ num: 0x11223344 }, { num: 0x55667788, hopsAway: 2 }];

/** The dump's frame kinds, with configs and module configs by their variant. */
function shape(frames: FromRadio[]): string[] {
  return frames.map((f) => {
    const v = f.payloadVariant;
    if (v.case === 'config' || v.case === 'moduleConfig')
      return `${v.case}:${String(v.value.payloadVariant.case)}`;
    return String(v.case);
  });
}

const CONFIGS = [
  'device',
  'position',
  'power',
  'network',
  'display',
  'lora',
  'bluetooth',
  'security',
  'sessionkey',
  'deviceUi',
].map((c) => `config:${c}`);
const MODULES_2_6 = [
  'mqtt',
  'serial',
  'externalNotification',
  'storeForward',
  'rangeTest',
  'telemetry',
  'cannedMessage',
  'audio',
  'remoteHardware',
  'neighborInfo',
  'ambientLighting',
  'detectionSensor',
  'paxcounter',
].map((c) => `moduleConfig:${c}`);
const CHANNELS = Array<string>(8).fill('channel');
const FILES = Array<string>(4).fill('fileInfo');

describe('§1.11 golden frames, byte for byte', () => {
  it('SerialConsole::SerialConsole → emitRebooted: a UART device says 94 c3 00 02 40 01 at boot', async () => {
    const f = await makeFixture();
    expect(hex(f.host.bytes())).toBe('94c300024001');
  });

  it('PhoneAPI::sendConfigComplete: config_complete_id=0x12345678 is 94 c3 00 06 38 f8 ac d1 91 01', async () => {
    const f = await makeFixture();
    await f.host.handshake(0x12345678);
    const raw = f.host.parsed().raw;
    expect(hex(raw[raw.length - 1] ?? new Uint8Array())).toBe('94c3000638f8acd19101');
  });

  it('MeshService::sendToMesh → sendQueueStatusToPhone: {res 0, free 15, maxlen 16, id 0xdeadbeef} is the golden frame', async () => {
    const f = await makeFixture();
    await f.host.handshake();
    f.host.clear();
    f.host.send({
      case: 'packet',
      value: {
        to: 0x11223344,
        id: 0xdeadbeef,
        wantAck: true,
        hopLimit: 3,
        payloadVariant: { case: 'decoded', value: { portnum: 256, payload: Uint8Array.of(0xa1, 1, 2) } },
      },
    });
    await settle();
    expect(f.host.parsed().raw.map(hex)).toEqual(['94c3000c5a0a100f181020effdb6f50d']);
  });
});

describe('PhoneAPI::getFromRadio: the dump of firmware 2.6.11', () => {
  it('my_info, deviceuiConfig, own node, metadata, 8 channels, 10 configs, 13 module configs, other nodes, files, config_complete_id', async () => {
    const f = await makeFixture({ device: { settings: { nodes: PEERS } } });
    const frames = await f.host.handshake(7);
    expect(shape(frames)).toEqual([
      'myInfo',
      'deviceuiConfig',
      'nodeInfo',
      'metadata',
      ...CHANNELS,
      ...CONFIGS,
      ...MODULES_2_6,
      'nodeInfo',
      'nodeInfo',
      ...FILES,
      'configCompleteId',
    ]);
    expect(frames.at(-1)?.payloadVariant).toEqual({ case: 'configCompleteId', value: 7 });
  });

  it('STATE_SEND_MY_INFO carries my_node_num, reboot_count and min_app_version 30200; no nodedb_count before 2.7.4', async () => {
    const f = await makeFixture({ device: { settings: { rebootCount: 8, nodes: PEERS } } });
    const [first] = await f.host.handshake();
    expect(first?.payloadVariant).toMatchObject({
      case: 'myInfo',
      value: { myNodeNum: NODE, rebootCount: 8, minAppVersion: 30200, pioEnv: 'heltec-v3', nodedbCount: 0 },
    });
  });

  it('STATE_SEND_OWN_NODEINFO: is_favorite set, hops_away cleared; other nodes keep theirs', async () => {
    const f = await makeFixture({ device: { settings: { nodes: PEERS } } });
    const nodes = (await f.host.handshake()).flatMap((m) =>
      m.payloadVariant.case === 'nodeInfo' ? [m.payloadVariant.value] : [],
    );
    expect(nodes.map((n) => n.num)).toEqual([NODE, 0x11223344, 0x55667788]);
    expect(nodes[0]).toMatchObject({ isFavorite: true, user: { id: '!0a0b0c0d' } });
    // `has_hops_away = false`: the optional field is absent, not 0.
    expect(nodes[0]?.hopsAway).toBeUndefined();
    expect(nodes[2]).toMatchObject({ isFavorite: false, hopsAway: 2 });
  });

  it('STATE_SEND_METADATA reports the firmware version; STATE_SEND_CHANNELS sends all 8, disabled ones with empty settings', async () => {
    const f = await makeFixture({
      device: { settings: { channels: [{}, { name: 'ops', psk: new Uint8Array(16).fill(9) }] } },
    });
    const frames = await f.host.handshake();
    expect(frames[3]?.payloadVariant).toMatchObject({
      case: 'metadata',
      value: { firmwareVersion: '2.6.11.60ec05e' },
    });
    const channels = frames.flatMap((m) =>
      m.payloadVariant.case === 'channel' ? [m.payloadVariant.value] : [],
    );
    expect(channels.map((c) => [c.index, c.role])).toEqual([
      [0, ChannelRole.PRIMARY],
      [1, ChannelRole.SECONDARY],
      ...[2, 3, 4, 5, 6, 7].map((i) => [i, ChannelRole.DISABLED]),
    ]);
    expect(channels[0]?.settings?.psk).toEqual(Uint8Array.of(1));
    expect(channels[1]?.settings?.name).toBe('ops');
    expect(channels[5]?.settings).toBeDefined();
    expect(channels[5]?.settings?.psk.length).toBe(0);
  });

  it('STATE_SEND_CONFIG: lora carries region, modem preset, hop limit and tx_enabled as configured', async () => {
    const f = await makeFixture({
      device: {
        settings: {
          region: RegionCode.EU_868,
          modemPreset: ModemPreset.LONG_SLOW,
          hopLimit: 5,
          txEnabled: false,
        },
      },
    });
    const lora = (await f.host.handshake()).find(
      (m) => m.payloadVariant.case === 'config' && m.payloadVariant.value.payloadVariant.case === 'lora',
    );
    expect(lora?.payloadVariant.value).toMatchObject({
      payloadVariant: {
        case: 'lora',
        value: {
          region: RegionCode.EU_868,
          modemPreset: ModemPreset.LONG_SLOW,
          hopLimit: 5,
          txEnabled: false,
        },
      },
    });
  });

  it('PhoneAPI::handleStartConfig: a second want_config_id restarts the dump from my_info', async () => {
    const f = await makeFixture({ device: { settings: { nodes: PEERS } } });
    const first = shape(await f.host.handshake(1));
    const second = await f.host.handshake(2);
    expect(shape(second)).toEqual(first);
    expect(second.at(-1)?.payloadVariant).toEqual({ case: 'configCompleteId', value: 2 });
  });

  it('PhoneAPI::handleToRadio reads every frame before writeStream: two want_config in one write give one dump, for the second nonce', async () => {
    const f = await makeFixture();
    f.host.clear();
    const { frameOf } = await import('./host-probe.js');
    f.host.write(
      Buffer.concat([
        frameOf({ case: 'wantConfigId', value: 1 }),
        frameOf({ case: 'wantConfigId', value: 2 }),
      ]),
    );
    await settle();
    const frames = f.host.frames();
    expect(frames.filter((m) => m.payloadVariant.case === 'myInfo')).toHaveLength(1);
    expect(frames.at(-1)?.payloadVariant).toEqual({ case: 'configCompleteId', value: 2 });
  });
});

describe('PhoneAPI special nonces (PhoneAPI.h)', () => {
  it('SPECIAL_NONCE_ONLY_CONFIG 69420: everything but the other nodes', async () => {
    const f = await makeFixture({ device: { settings: { nodes: PEERS } } });
    expect(shape(await f.host.handshake(69420))).toEqual([
      'myInfo',
      'deviceuiConfig',
      'nodeInfo',
      'metadata',
      ...CHANNELS,
      ...CONFIGS,
      ...MODULES_2_6,
      ...FILES,
      'configCompleteId',
    ]);
  });

  it('SPECIAL_NONCE_ONLY_NODES 69421: handleStartConfig starts at STATE_SEND_OWN_NODEINFO; no config, channels, files', async () => {
    const f = await makeFixture({ device: { settings: { nodes: PEERS } } });
    const frames = await f.host.handshake(69421);
    expect(shape(frames)).toEqual(['nodeInfo', 'nodeInfo', 'nodeInfo', 'configCompleteId']);
    expect(frames.at(-1)?.payloadVariant).toEqual({ case: 'configCompleteId', value: 69421 });
  });
});

describe('the dump of 2.7 releases (ModuleConfigType MAX per tag)', () => {
  it('2.7.18: still 13 module configs; my_info gains nodedb_count (2.7.4+)', async () => {
    const f = await makeFixture({
      profile: { firmware: '2.7.18.fb3bf78' },
      device: { settings: { nodes: PEERS } },
    });
    const frames = await f.host.handshake();
    expect(shape(frames).filter((s) => s.startsWith('moduleConfig'))).toEqual(MODULES_2_6);
    expect(frames[0]?.payloadVariant).toMatchObject({ case: 'myInfo', value: { nodedbCount: 3 } });
  });

  it('2.7.19: STATUSMESSAGE_CONFIG makes 14, the last an empty ModuleConfig ("Unknown module config type")', async () => {
    const f = await makeFixture({ profile: { firmware: '2.7.19.bb3d6d5' } });
    const modules = shape(await f.host.handshake()).filter((s) => s.startsWith('moduleConfig'));
    expect(modules).toEqual([...MODULES_2_6, 'moduleConfig:undefined']);
  });

  it('2.7.26 ("2.7"): TAK_CONFIG makes 16, three of them empty; 10 configs and 8 channels as before', async () => {
    const f = await makeFixture({ profile: { firmware: '2.7' } });
    const s = shape(await f.host.handshake());
    expect(s.filter((x) => x.startsWith('moduleConfig'))).toEqual([
      ...MODULES_2_6,
      ...Array(3).fill('moduleConfig:undefined'),
    ]);
    expect(s.filter((x) => x.startsWith('config:'))).toEqual(CONFIGS);
    expect(s.filter((x) => x === 'channel')).toHaveLength(8);
  });
});
