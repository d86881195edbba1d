/**
 * The config session (config-session.ts; docs/profiles.md §Reading back, §Writing): the whole dump
 * kept, admin messages answered one by one by their QueueStatus, the signs of a reboot; and, for
 * anything the device sends, garbage and torn dumps included, only a snapshot or a KitError.
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { beginEditSettings, commitEditSettings } from './admin-frames.js';
import { create, decodeToRadio, encodeFromRadio, Schemas } from './codec.js';
import { ConfigSession } from './config-session.js';
import { encodeStreamFrame } from './framing.js';

type FromRadioInit = NonNullable<MessageInitShape<typeof Schemas.FromRadio>['payloadVariant']>;

const NONCE = 0x1234_5678;
const NODE = 0x0a0b0c0d;
const frame = (v: FromRadioInit): Uint8Array =>
  encodeStreamFrame(encodeFromRadio(create(Schemas.FromRadio, { payloadVariant: v })));

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A session on one end of a pair; the test plays the radio on the other. */
function rig(opts: { handshakeTimeoutMs?: number; writeTimeoutMs?: number } = {}) {
  const [host, device] = createDuplexPair();
  const written: Buffer[] = [];
  device.on('data', (c: Buffer) => written.push(c));
  // The nonce is the first draw; packet ids the next ones.
  let draws = 0;
  const session = new ConfigSession({
    stream: host,
    wakeDelayMs: 1,
    handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 500,
    writeTimeoutMs: opts.writeTimeoutMs ?? 200,
    randomInt: () => (draws++ === 0 ? NONCE : 1000 + draws),
  });
  cleanups.push(() => session.close());
  return { session, device, written, send: (v: FromRadioInit) => device.write(frame(v)) };
}

const DUMP: FromRadioInit[] = [
  { case: 'myInfo', value: { myNodeNum: NODE, rebootCount: 4 } },
  {
    case: 'channel',
    value: { index: 0, role: 1, settings: { name: 'fieldnode', psk: new Uint8Array(16).fill(9) } },
  },
  { case: 'channel', value: { index: 1, role: 0 } },
  { case: 'config', value: { payloadVariant: { case: 'device', value: { role: 2, rebroadcastMode: 5 } } } },
  {
    case: 'config',
    value: { payloadVariant: { case: 'position', value: { gpsMode: 2, positionBroadcastSecs: 600 } } },
  },
  {
    case: 'config',
    value: { payloadVariant: { case: 'lora', value: { region: 4, hopLimit: 3, txPower: 17 } } },
  },
  { case: 'configCompleteId', value: NONCE },
];

const tick = () => new Promise((r) => setTimeout(r, 5));

/** The packet id of the n-th ToRadio packet the session wrote; failing when there is none. */
function packetId(written: Buffer[], n: number): number {
  const id = packetIds(written)[n];
  if (id === undefined) throw new Error(`no packet ${n} was written`);
  return id;
}

/** The packet ids of the ToRadio frames the session wrote. */
function packetIds(written: Buffer[]): number[] {
  const bytes = Buffer.concat(written);
  const ids: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (bytes[i] !== 0x94 || bytes[i + 1] !== 0xc3) continue;
    const len = bytes.readUInt16BE(i + 2);
    const v = decodeToRadio(bytes.subarray(i + 4, i + 4 + len)).payloadVariant;
    if (v.case === 'packet') ids.push(v.value.id);
    i += 3 + len;
  }
  return ids;
}

describe('the config session', () => {
  it('keeps the whole dump: channels with their keys, and each config as sent', async () => {
    const { session, send } = rig();
    const reading = session.read();
    await tick();
    for (const v of DUMP) send(v);
    const { info, settings } = await reading;
    expect([info.nodeNum, info.rebootCount]).toEqual([NODE, 4]);
    expect(settings.channels[0]?.settings?.psk).toEqual(new Uint8Array(16).fill(9));
    expect(settings.channels[1]?.role).toBe(0);
    expect([
      settings.device?.rebroadcastMode,
      settings.position?.positionBroadcastSecs,
      settings.lora?.txPower,
    ]).toEqual([5, 600, 17]);
  });

  it('writes admin messages one at a time, each once the radio answered the one before', async () => {
    const { session, send, written } = rig();
    const reading = session.read();
    await tick();
    for (const v of DUMP) send(v);
    await reading;
    written.length = 0;
    const writing = session.write(NODE, [beginEditSettings(), commitEditSettings()]);
    await tick();
    expect(written).toHaveLength(1); // the second waits for the first's QueueStatus
    send({
      case: 'queueStatus',
      value: { res: 0, free: 16, maxlen: 16, meshPacketId: packetId(written, 0) },
    });
    await tick();
    expect(written).toHaveLength(2);
    send({
      case: 'queueStatus',
      value: { res: 0, free: 16, maxlen: 16, meshPacketId: packetId(written, 1) },
    });
    await writing;
  });

  it('a QueueStatus error refuses the write; no answer times it out', async () => {
    const { session, send, written } = rig();
    const refused = session.write(NODE, [beginEditSettings()]);
    await tick();
    send({
      case: 'queueStatus',
      value: { res: 34, free: 16, maxlen: 16, meshPacketId: packetId(written, 0) },
    });
    await expect(refused).rejects.toMatchObject({ code: 'MESH_ADMIN_REFUSED' });
    await expect(session.write(NODE, [beginEditSettings()])).rejects.toMatchObject({
      code: 'MESH_ADMIN_TIMEOUT',
    });
  });

  it('the signs of a reboot: the `rebooted` frame, or the stream closing, which fails what waits', async () => {
    const a = rig();
    const sign = a.session.rebootSign(1000);
    a.send({ case: 'rebooted', value: true });
    expect(await sign).toBe('rebooted');

    const b = rig();
    const pending = b.session.write(NODE, [beginEditSettings()]);
    await tick();
    b.device.destroy();
    await expect(pending).rejects.toMatchObject({ code: 'MESH_SESSION_CLOSED' });
    expect(await b.session.rebootSign(10)).toBe('closed');
    expect(await rig().session.rebootSign(10)).toBeUndefined();
  });

  it('whatever the device sends, read() gives a snapshot with channels 0–7 only, or a KitError', async () => {
    const config = fc.oneof(
      fc
        .record({ region: fc.nat(40), hopLimit: fc.nat(20) })
        .map((v) => ({ case: 'lora' as const, value: v })),
      fc
        .record({ role: fc.nat(20), rebroadcastMode: fc.nat(10) })
        .map((v) => ({ case: 'device' as const, value: v })),
    );
    const fromRadio: fc.Arbitrary<FromRadioInit> = fc.oneof(
      fc
        .record({ myNodeNum: fc.nat(), rebootCount: fc.nat() })
        .map((value) => ({ case: 'myInfo' as const, value })),
      fc
        .record({
          index: fc.integer({ min: -3, max: 12 }),
          role: fc.nat(4),
          name: fc.string({ maxLength: 12 }),
        })
        .map(({ index, role, name }) => ({
          case: 'channel' as const,
          value: { index, role, settings: { name } },
        })),
      config.map((payloadVariant) => ({ case: 'config' as const, value: { payloadVariant } })),
      fc.constant<FromRadioInit>({ case: 'rebooted', value: true }),
      fc.constantFrom<FromRadioInit>(
        { case: 'configCompleteId', value: NONCE },
        { case: 'configCompleteId', value: 7 },
      ),
    );
    const chunk = fc.oneof(
      fromRadio.map(frame),
      fc.uint8Array({ maxLength: 40 }),
      fromRadio.map(frame).map((f) => f.subarray(0, Math.max(1, f.length - 2))),
    );
    // Mostly a dump's frame: my_info, anything, and the complete with our nonce, so that many runs
    // do end in a snapshot; the anything is frames of every kind, torn frames and garbage.
    const dump = fc.record({
      start: fc.boolean(),
      middle: fc.array(chunk, { maxLength: 25 }),
      end: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(dump, async ({ start, middle, end }) => {
        const { session, device } = rig({ handshakeTimeoutMs: 40 });
        const reading = session.read();
        await tick();
        const chunks = [
          ...(start ? [frame({ case: 'myInfo', value: { myNodeNum: NODE } })] : []),
          ...middle,
          ...(end ? [frame({ case: 'configCompleteId', value: NONCE })] : []),
        ];
        for (const c of chunks) device.write(Buffer.from(c));
        try {
          const { settings } = await reading;
          expect(Object.keys(settings.channels).every((k) => Number(k) >= 0 && Number(k) <= 7)).toBe(true);
        } catch (err) {
          expect(isKitError(err), String(err)).toBe(true);
        }
        session.close();
      }),
      { numRuns: 60 },
    );
  });
});
