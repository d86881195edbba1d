/**
 * Test support: a scripted Meshtastic device for unit tests of the host side. Not the faithful
 * simulator (radio/sim/meshtastic/): it answers `want_config_id` with a short §1.4 dump, answers
 * each packet with a QueueStatus and, by default, the ACK §2.5 describes, and lets a test write
 * any bytes or frames it likes. Everything it writes is real framed protobuf or raw text.
 */
import type { Duplex } from 'node:stream';
import { createDuplexPair } from '../../../../node/src/link/duplex-pair.js';
import { create, decodeToRadio, encodeRouting, type MeshPacket, Schemas, type ToRadio } from '../codec.js';
import { BROADCAST_NUM, PortNum, RoutingError } from '../constants.js';
import { ascii, type FromRadioInit, fromRadioFrame } from './frames.js';

export interface ScriptedDeviceOptions {
  nodeNum?: number;
  rebootCount?: number;
  firmwareVersion?: string;
  /** LoRa config hop_limit. Default 3. */
  hopLimit?: number;
  modemPreset?: number;
  /** Channel roles for indexes 0–7. Default primary on 0, the rest disabled. */
  channelRoles?: number[];
  /** Other nodes in the NodeDB dump. */
  otherNodes?: number[];
  /** Answer heartbeats with a QueueStatus (firmware ≥ 2.7.4). Default false (2.6). */
  answerHeartbeat?: boolean;
  /** `free` in QueueStatus. Default 15. */
  queueFree?: number;
  /** Write debug text between the frames of the dump. Default false. */
  chatty?: boolean;
  /** Do not answer want_config_id at all. Default false. */
  mute?: boolean;
  /** An own position in the dump (1e-7 degrees, GPS time, location source). */
  position?: { latitudeI: number; longitudeI: number; time: number; locationSource: number };
  /**
   * How to answer a packet from the host; default {@link ScriptedDevice.answer}: QueueStatus res
   * 0, then a real ACK for a want_ack DM or an implicit ACK for a want_ack broadcast.
   */
  onPacket?: (packet: MeshPacket, device: ScriptedDevice) => void;
}

export class ScriptedDevice {
  readonly nodeNum: number;
  rebootCount: number;
  readonly opts: ScriptedDeviceOptions;
  /** Every ToRadio the host wrote, decoded, in order. */
  readonly received: ToRadio[] = [];
  /** Raw bytes the host wrote. */
  rawReceived: number[] = [];
  /** Open connections so far. */
  connections = 0;
  #stream: Duplex | undefined;
  #buf: number[] = [];
  readonly #waiters: { accept: (m: ToRadio) => boolean; resolve: (m: ToRadio) => void }[] = [];

  constructor(opts: ScriptedDeviceOptions = {}) {
    this.opts = opts;
    this.nodeNum = opts.nodeNum ?? 0x0a0b0c0d;
    this.rebootCount = opts.rebootCount ?? 3;
  }

  /** A fresh connection: returns the host's end; the device takes the other (dropping any older one). */
  connect(): Duplex {
    const [host, dev] = createDuplexPair();
    this.attach(dev);
    return host;
  }

  /** Serves the host on `stream` (a TCP socket, the device end of a pty), dropping any older one. */
  attach(stream: Duplex): void {
    if (this.#stream !== stream) this.#stream?.destroy();
    this.#stream = stream;
    this.#buf = [];
    this.connections++;
    stream.on('data', (chunk: Buffer) => {
      if (this.#stream === stream) this.#onBytes(chunk);
    });
    stream.on('error', () => {});
  }

  /** The port vanishes (native USB re-enumerating, a socket closed). */
  unplug(): void {
    this.#stream?.destroy();
    this.#stream = undefined;
  }

  get connected(): boolean {
    return this.#stream !== undefined && !this.#stream.destroyed;
  }

  /** Host packets received, in order. */
  get packets(): MeshPacket[] {
    return this.received.flatMap((m) => (m.payloadVariant.case === 'packet' ? [m.payloadVariant.value] : []));
  }

  /** Resolves with the first ToRadio (past or future) `accept` takes. */
  waitFor(accept: (m: ToRadio) => boolean): Promise<ToRadio> {
    const seen = this.received.find(accept);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ accept, resolve }));
  }

  /** Resolves with the next host packet after the `n` already received. */
  nthPacket(n: number): Promise<MeshPacket> {
    let count = 0;
    return this.waitFor((m) => m.payloadVariant.case === 'packet' && count++ === n).then(
      (m) => m.payloadVariant.value as MeshPacket,
    );
  }

  write(bytes: Uint8Array): void {
    if (this.#stream && !this.#stream.destroyed) this.#stream.write(Buffer.from(bytes));
  }

  text(s: string): void {
    this.write(ascii(s));
  }

  frame(init: FromRadioInit): void {
    this.write(fromRadioFrame(init));
  }

  rebooted(): void {
    this.rebootCount++;
    this.text('INFO  | 00:00:00 0 Booting\r\n');
    this.frame({ payloadVariant: { case: 'rebooted', value: true } });
  }

  queueStatus(meshPacketId: number, res = 0, free = this.opts.queueFree ?? 15): void {
    this.frame({ payloadVariant: { case: 'queueStatus', value: { res, free, maxlen: 16, meshPacketId } } });
  }

  /** A Routing answer to `requestId` with `error`, from `from`. */
  routing(requestId: number, error: number, from: number): void {
    const payload = encodeRouting(
      create(Schemas.Routing, { variant: { case: 'errorReason', value: error } }),
    );
    this.meshPacket({
      from,
      to: this.nodeNum,
      portnum: PortNum.ROUTING_APP,
      payload,
      requestId,
      id: 0x7000 + (requestId & 0xfff),
    });
  }

  /** A packet the radio received over the air. */
  meshPacket(p: {
    from: number;
    to?: number;
    id?: number;
    channel?: number;
    portnum: number;
    payload: Uint8Array;
    requestId?: number;
    rxTime?: number;
    rxSnr?: number;
    rxRssi?: number;
    hopStart?: number;
    hopLimit?: number;
    pkiEncrypted?: boolean;
  }): void {
    this.frame({
      payloadVariant: {
        case: 'packet',
        value: {
          from: p.from,
          to: p.to ?? BROADCAST_NUM,
          id: p.id ?? 1,
          channel: p.channel ?? 0,
          payloadVariant: {
            case: 'decoded',
            value: { portnum: p.portnum, payload: p.payload, requestId: p.requestId ?? 0 },
          },
          rxTime: p.rxTime ?? 0,
          rxSnr: p.rxSnr ?? 0,
          rxRssi: p.rxRssi ?? 0,
          hopStart: p.hopStart ?? 0,
          hopLimit: p.hopLimit ?? 0,
          pkiEncrypted: p.pkiEncrypted ?? false,
        },
      },
    });
  }

  /** QueueStatus res 0 for `p`, then a Routing answer with `error` from `from`. */
  answerWith(p: MeshPacket, error: number, from: number): void {
    this.queueStatus(p.id);
    this.routing(p.id, error, from);
  }

  /** The default answer to a host packet (§1.8, §2.5). */
  answer(p: MeshPacket): void {
    this.queueStatus(p.id);
    if (!p.wantAck) return;
    if (p.to === BROADCAST_NUM) this.routing(p.id, RoutingError.NONE, this.nodeNum);
    else this.routing(p.id, RoutingError.NONE, p.to);
  }

  /** The §1.4 dump, shortened: my_info, own node, metadata, 8 channels, 4 configs, 2 modules, nodes, complete. */
  dump(nonce: number): void {
    const o = this.opts;
    const t = (s: string) => o.chatty && this.text(`DEBUG | 00:00:01 1 [PhoneAPI] ${s}\r\n`);
    this.frame({
      payloadVariant: {
        case: 'myInfo',
        value: {
          myNodeNum: this.nodeNum,
          rebootCount: this.rebootCount,
          minAppVersion: 30200,
          pioEnv: 'heltec-v3',
        },
      },
    });
    t('sent my_info — état ok');
    this.frame({ payloadVariant: { case: 'deviceuiConfig', value: {} } });
    this.frame({
      payloadVariant: {
        case: 'nodeInfo',
        value: {
          num: this.nodeNum,
          user: {
            id: `!${this.nodeNum.toString(16).padStart(8, '0')}`,
            longName: 'Kit 🛰 one',
            shortName: 'K1',
          },
          isFavorite: true,
          ...(o.position && { position: o.position }),
        },
      },
    });
    this.frame({
      payloadVariant: { case: 'metadata', value: { firmwareVersion: o.firmwareVersion ?? '2.6.11.60ec05e' } },
    });
    const roles = o.channelRoles ?? [1, 0, 0, 0, 0, 0, 0, 0];
    for (let index = 0; index < 8; index++) {
      this.frame({
        payloadVariant: {
          case: 'channel',
          value: { index, role: roles[index] ?? 0, settings: { name: '' } },
        },
      });
      t(`channel ${index}`);
    }
    const configs: FromRadioInit[] = [
      {
        payloadVariant: {
          case: 'config',
          value: { payloadVariant: { case: 'device', value: { role: 0, rebroadcastMode: 0 } } },
        },
      },
      {
        payloadVariant: {
          case: 'config',
          value: {
            payloadVariant: {
              case: 'lora',
              value: {
                usePreset: true,
                modemPreset: o.modemPreset ?? 0,
                region: 3,
                hopLimit: o.hopLimit ?? 3,
                txEnabled: true,
              },
            },
          },
        },
      },
      {
        payloadVariant: {
          case: 'config',
          value: { payloadVariant: { case: 'security', value: { serialEnabled: true } } },
        },
      },
      { payloadVariant: { case: 'config', value: { payloadVariant: { case: 'sessionkey', value: {} } } } },
      { payloadVariant: { case: 'moduleConfig', value: { payloadVariant: { case: 'mqtt', value: {} } } } },
      { payloadVariant: { case: 'moduleConfig', value: { payloadVariant: { case: 'serial', value: {} } } } },
    ];
    for (const c of configs) this.frame(c);
    for (const num of o.otherNodes ?? []) {
      this.frame({
        payloadVariant: { case: 'nodeInfo', value: { num, user: { longName: `node ${num}` }, lastHeard: 1 } },
      });
    }
    this.frame({ payloadVariant: { case: 'configCompleteId', value: nonce } });
  }

  #onBytes(chunk: Buffer): void {
    for (const b of chunk) {
      this.rawReceived.push(b);
      this.#buf.push(b);
    }
    // StreamAPI::readStream: hunt 0x94 0xC3, length ≤ 512, then the ToRadio.
    for (;;) {
      const start = this.#buf.findIndex((b, i) => b === 0x94 && this.#buf[i + 1] === 0xc3);
      if (start < 0) {
        this.#buf = this.#buf.at(-1) === 0x94 ? [0x94] : [];
        return;
      }
      this.#buf = this.#buf.slice(start);
      if (this.#buf.length < 4) return;
      const len = ((this.#buf[2] as number) << 8) | (this.#buf[3] as number);
      if (len > 512) {
        this.#buf = this.#buf.slice(1);
        continue;
      }
      if (this.#buf.length < 4 + len) return;
      const body = Uint8Array.from(this.#buf.slice(4, 4 + len));
      this.#buf = this.#buf.slice(4 + len);
      let msg: ToRadio;
      try {
        msg = decodeToRadio(body);
      } catch {
        continue; // "Error: ignore malformed toradio"
      }
      this.#handle(msg);
    }
  }

  #handle(msg: ToRadio): void {
    this.received.push(msg);
    for (const w of [...this.#waiters]) {
      if (w.accept(msg)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
    const v = msg.payloadVariant;
    if (v.case === 'wantConfigId' && !this.opts.mute) this.dump(v.value);
    else if (v.case === 'heartbeat' && this.opts.answerHeartbeat) this.queueStatus(0);
    else if (v.case === 'packet') (this.opts.onPacket ?? ((p, d) => d.answer(p)))(v.value, this);
  }
}
