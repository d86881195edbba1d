/**
 * One phone-API session of a simulated Meshtastic device: a port of the firmware's `PhoneAPI`
 * (protocols/meshtastic.md §1.4, §1.5, §1.8, §2.1, §2.6; firmware v2.6.11 src/mesh/PhoneAPI.cpp,
 * with the 2.7 changes named in firmware-profile.ts). `handleToRadio` takes one frame's payload;
 * `getFromRadio` yields the next FromRadio: the want_config dump in the order and counts of §1.4,
 * then queue statuses, client notifications and packets in that priority. The serial console
 * keeps one of these for the device's life; the TCP server makes one per connection.
 */
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { Admin } from '@meshtastic/protobufs';
import { create, type FromRadio, type MeshPacket, Schemas } from '../../src/meshtastic/codec.js';
import {
  BROADCAST_NUM,
  LogLevel,
  MAX_NUM_CHANNELS,
  NONCE_ONLY_CONFIG,
  NONCE_ONLY_NODES,
  QueueErrno,
  RoutingError,
} from '../../src/meshtastic/constants.js';
import { ClientRateLimits, RecentClientIds } from './client-packet-rules.js';
import * as dump from './config-dump-messages.js';
import type { DeviceSettings, FileInput } from './device-settings.js';
import type { DeviceProfile } from './firmware-profile.js';
import type { MeshSide } from './mesh-side.js';
import { SimPortNum } from './port-numbers.js';
import { applySendDefaults, perhapsEncode, routingNak } from './router-checks.js';
import type { ToPhoneQueues } from './to-phone-queues.js';
import { decodeToRadioOnDevice } from './to-radio-decode.js';

export type DeviceLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** What a phone API needs from its device: the firmware's MeshService, NodeDB, router, clock and log. */
export interface PhoneApiHost {
  readonly profile: DeviceProfile;
  readonly settings: DeviceSettings;
  readonly meshSide: MeshSide;
  readonly queues: ToPhoneQueues;
  /**
   * Run router-checks.ts (DM channel, hop-limit default, TOO_LARGE, PKI_FAILED, NO_CHANNEL) here;
   * false leaves them to a mesh side that has them itself.
   */
  readonly routerChecks: boolean;
  rebootCount(): number;
  /** Simulated milliseconds since boot (`millis()`). */
  nowMs(): number;
  /** `getValidTime(RTCQualityFromNet)`: Unix seconds, or 0 without a valid time. */
  deviceTimeSec(): number;
  /** `generatePacketId()`. */
  nextPacketId(): number;
  log(level: DeviceLogLevel, thread: string, message: string): void;
  /** `AdminModule`: reboot in `seconds`; a negative value cancels. */
  scheduleReboot(seconds: number): void;
  /** Something is ready for `getFromRadio` (the firmware's `fromNum` observers). */
  wake(): void;
}

export type PhoneApiState =
  | 'SEND_NOTHING'
  | 'SEND_MY_INFO'
  | 'SEND_UIDATA'
  | 'SEND_OWN_NODEINFO'
  | 'SEND_METADATA'
  | 'SEND_CHANNELS'
  | 'SEND_CONFIG'
  | 'SEND_MODULECONFIG'
  | 'SEND_OTHER_NODEINFOS'
  | 'SEND_FILEMANIFEST'
  | 'SEND_COMPLETE_ID'
  | 'SEND_PACKETS';

/** `_meshtastic_AdminMessage_ConfigType_MAX + 1`: device .. device_ui. */
const CONFIG_TYPES = 10;

export interface DevicePhoneApiOptions {
  /** `ServerAPI::close()` also stops the TCP client; called on every `close()` when set. */
  closeTransport?: () => void;
}

export class DevicePhoneApi {
  #state: PhoneApiState = 'SEND_NOTHING';
  #configNonce = 0;
  #configState = 0;
  /** `readIndex` into the NodeDB; index 0 is this node. */
  #readIndex = 0;
  #manifest: FileInput[] = [];
  #heartbeatReceived = false;
  #lastContactMs: number;
  readonly #recentIds = new RecentClientIds();
  readonly #rateLimits: ClientRateLimits;
  readonly #host: PhoneApiHost;
  readonly #options: DevicePhoneApiOptions;

  constructor(host: PhoneApiHost, options: DevicePhoneApiOptions = {}) {
    this.#host = host;
    this.#options = options;
    this.#rateLimits = new ClientRateLimits(host.profile.features);
    this.#lastContactMs = host.nowMs();
  }

  get state(): PhoneApiState {
    return this.#state;
  }

  /** `isConnected()`: a session exists from want_config until close. */
  get isConnected(): boolean {
    return this.#state !== 'SEND_NOTHING';
  }

  /** `lastContactMsec`: when the last frame (decodable or not) arrived. */
  get lastContactMs(): number {
    return this.#lastContactMs;
  }

  /** `PhoneAPI::handleToRadio` for one frame's payload. */
  handleToRadio(payload: Uint8Array): void {
    const h = this.#host;
    this.#lastContactMs = h.nowMs();
    const decoded = decodeToRadioOnDevice(payload);
    if (!decoded.ok) {
      h.log('ERROR', 'SerialConsole', 'Error: ignore malformed toradio');
      return;
    }
    const v = decoded.toRadio.payloadVariant;
    switch (v.case) {
      case 'packet':
        this.#handleToRadioPacket(v.value);
        break;
      case 'wantConfigId':
        this.#configNonce = v.value >>> 0;
        h.log('INFO', 'SerialConsole', `Client wants config, nonce=${this.#configNonce}`);
        this.#handleStartConfig();
        break;
      case 'disconnect':
        h.log('INFO', 'SerialConsole', 'Disconnect from phone');
        this.close();
        break;
      case 'heartbeat':
        if (h.profile.features.heartbeatNonce1NodeInfo && v.value.nonce === 1) {
          h.log('INFO', 'SerialConsole', 'Broadcasting nodeinfo ping (serial)');
          this.#broadcastNodeInfo();
        } else {
          h.log('DEBUG', 'SerialConsole', 'Got client heartbeat');
          if (h.profile.features.heartbeatReply !== 'none') this.#heartbeatReceived = true;
        }
        break;
      default:
        // xmodem and MQTT proxy are not simulated; the firmware ignores nop messages.
        break;
    }
    h.wake();
  }

  /** `PhoneAPI::close()`: back to SEND_NOTHING; what is queued in the MeshService stays there. */
  close(): void {
    if (this.#state !== 'SEND_NOTHING') {
      this.#host.log('DEBUG', 'SerialConsole', 'PhoneAPI::close()');
      this.#state = 'SEND_NOTHING';
      this.#manifest = [];
      this.#configNonce = 0;
      this.#configState = 0;
      this.#heartbeatReceived = false;
      if (this.#host.profile.features.closeClearsRateLimits) this.#rateLimits.clear();
    }
    this.#options.closeTransport?.();
  }

  /** `PhoneAPI::getFromRadio`: the next message for the client, or undefined for none now. */
  getFromRadio(): FromRadio | undefined {
    const reply = this.#host.profile.features.heartbeatReply;
    if (reply === 'always' && this.#heartbeatReceived) return this.#heartbeatQueueStatus();
    if (!this.#available()) return undefined;
    if (reply === 'when-available' && this.#heartbeatReceived) return this.#heartbeatQueueStatus();
    return this.#next();
  }

  #heartbeatQueueStatus(): FromRadio {
    this.#heartbeatReceived = false;
    const q = this.#host.meshSide.queueStatus();
    return dump.fromRadio({
      case: 'queueStatus',
      value: create(Schemas.QueueStatus, { res: 0, free: q.free, maxlen: q.maxlen, meshPacketId: 0 }),
    });
  }

  #handleStartConfig(): void {
    // "even if we were already connected - restart our state machine"; config_state is left as
    // it is, as in the firmware (a dump is always written whole, so it is 0 here in practice).
    this.#state = this.#configNonce === NONCE_ONLY_NODES ? 'SEND_OWN_NODEINFO' : 'SEND_MY_INFO';
    this.#manifest = [...this.#host.settings.files];
    this.#readIndex = 0;
    this.#host.log('INFO', 'SerialConsole', 'Start API client config');
  }

  #available(): boolean {
    if (this.#state === 'SEND_NOTHING') return false;
    if (this.#state === 'SEND_PACKETS') return this.#host.queues.pending;
    return true;
  }

  #next(): FromRadio | undefined {
    const h = this.#host;
    const s = h.settings;
    const nodeNum = h.meshSide.nodeNum;
    switch (this.#state) {
      case 'SEND_MY_INFO':
        h.log('DEBUG', 'SerialConsole', 'FromRadio=STATE_SEND_MY_INFO');
        this.#state = 'SEND_UIDATA';
        return dump.fromRadio({ case: 'myInfo', value: dump.myInfo(nodeNum, h.rebootCount(), h.profile, s) });
      case 'SEND_UIDATA':
        h.log('INFO', 'SerialConsole', 'getFromRadio=STATE_SEND_UIDATA');
        this.#state = 'SEND_OWN_NODEINFO';
        // `uiconfig` is all zeros on a device without a screen UI: an empty message, always sent.
        return dump.fromRadio({ case: 'deviceuiConfig', value: {} });
      case 'SEND_OWN_NODEINFO':
        h.log('DEBUG', 'SerialConsole', 'Send My NodeInfo');
        this.#readIndex = 1;
        this.#state = this.#configNonce === NONCE_ONLY_NODES ? 'SEND_OTHER_NODEINFOS' : 'SEND_METADATA';
        return dump.fromRadio({ case: 'nodeInfo', value: dump.ownNodeInfo(nodeNum, s, h.deviceTimeSec()) });
      case 'SEND_METADATA':
        h.log('DEBUG', 'SerialConsole', 'Send device metadata');
        this.#state = 'SEND_CHANNELS';
        return dump.fromRadio({ case: 'metadata', value: dump.metadata(h.profile, s) });
      case 'SEND_CHANNELS': {
        const out = dump.fromRadio({ case: 'channel', value: dump.channel(s, this.#configState) });
        this.#configState++;
        if (this.#configState >= MAX_NUM_CHANNELS) {
          h.log('DEBUG', 'SerialConsole', `Send channels ${this.#configState}`);
          this.#state = 'SEND_CONFIG';
          this.#configState = 1;
        }
        return out;
      }
      case 'SEND_CONFIG': {
        const out = dump.fromRadio({ case: 'config', value: dump.config(s, this.#configState) });
        this.#configState++;
        if (this.#configState > CONFIG_TYPES) {
          this.#state = 'SEND_MODULECONFIG';
          this.#configState = 1;
        }
        return out;
      }
      case 'SEND_MODULECONFIG': {
        const out = dump.fromRadio({ case: 'moduleConfig', value: dump.moduleConfig(this.#configState) });
        this.#configState++;
        if (this.#configState > h.profile.features.moduleConfigCount) {
          // SPECIAL_NONCE_ONLY_CONFIG: skip node info, go directly to the file manifest.
          this.#state =
            this.#configNonce === NONCE_ONLY_CONFIG ? 'SEND_FILEMANIFEST' : 'SEND_OTHER_NODEINFOS';
          this.#configState = 0;
        }
        return out;
      }
      case 'SEND_OTHER_NODEINFOS': {
        const node = s.nodes[this.#readIndex - 1];
        if (node !== undefined) {
          this.#readIndex++;
          return dump.fromRadio({ case: 'nodeInfo', value: dump.otherNodeInfo(node) });
        }
        h.log('DEBUG', 'SerialConsole', 'Done sending nodeinfo');
        this.#state = 'SEND_FILEMANIFEST';
        return this.getFromRadio();
      }
      case 'SEND_FILEMANIFEST': {
        const file = this.#manifest[this.#configState];
        if (file === undefined || this.#configNonce === NONCE_ONLY_NODES) {
          this.#configState = 0;
          this.#manifest = [];
          return this.#configComplete();
        }
        this.#configState++;
        return dump.fromRadio({ case: 'fileInfo', value: create(Schemas.FileInfo, file) });
      }
      case 'SEND_COMPLETE_ID':
        return this.#configComplete();
      case 'SEND_PACKETS':
        return this.#nextPacket();
      default:
        return undefined;
    }
  }

  #configComplete(): FromRadio {
    this.#host.log('INFO', 'SerialConsole', 'Config Send Complete');
    const nonce = this.#configNonce;
    this.#configNonce = 0;
    this.#state = 'SEND_PACKETS';
    return dump.fromRadio({ case: 'configCompleteId', value: nonce });
  }

  /** STATE_SEND_PACKETS: queueStatus, then clientNotification, then packet (§1.4). */
  #nextPacket(): FromRadio | undefined {
    const q = this.#host.queues;
    const qs = q.takeQueueStatus();
    if (qs !== undefined) return dump.fromRadio({ case: 'queueStatus', value: qs });
    const n = q.takeNotification();
    if (n !== undefined) return dump.fromRadio({ case: 'clientNotification', value: n });
    const p = q.takePacket();
    if (p !== undefined) return dump.fromRadio({ case: 'packet', value: p });
    return undefined;
  }

  /** `PhoneAPI::handleToRadioPacket` and `MeshService::handleToRadio`/`sendToMesh` (§2.1, §2.6). */
  #handleToRadioPacket(p: MeshPacket): void {
    const h = this.#host;
    const portnum = p.payloadVariant.case === 'decoded' ? p.payloadVariant.value.portnum : 0;
    h.log(
      'DEBUG',
      'SerialConsole',
      `PACKET FROM PHONE (id=0x${p.id.toString(16)} to=0x${p.to.toString(16)} portnum=${portnum})`,
    );
    // "For use with the simulator, we should not ignore duplicate packets from the phone".
    if (!h.profile.simRadio && p.id > 0 && this.#recentIds.seen(p.id)) {
      h.log('DEBUG', 'SerialConsole', 'Ignore packet from phone, already seen recently');
      return;
    }
    const limited = this.#rateLimits.check(portnum, p.to, p.hopLimit, h.nowMs());
    if (limited !== undefined) {
      h.log('WARN', 'SerialConsole', `Rate limit portnum ${portnum}`);
      this.#queueStatus(QueueErrno.OK, p.id);
      if (limited.notification !== undefined) this.#notify(p.id, limited.notification);
      if (limited.nak !== undefined) this.#rateLimitNak(p, limited.nak);
      return;
    }
    if (
      h.profile.features.tracerouteWantAck &&
      portnum === SimPortNum.TRACEROUTE_APP &&
      p.to !== BROADCAST_NUM
    ) {
      p.wantAck = true;
    }
    // MeshService::handleToRadio: clients do not choose from, next_hop or relay_node.
    p.from = 0;
    p.nextHop = 0;
    p.relayNode = 0;
    if (p.id === 0) p.id = h.nextPacketId();
    p.rxTime = h.deviceTimeSec();
    const id = p.id;
    if (p.to === 0) h.log('ERROR', 'Router', 'Packet received with to: of 0!');
    if (p.to === h.meshSide.nodeNum) {
      // Router::sendLocal: "No need to deliver externally if the destination is the local node".
      this.#handleLocal(p);
      this.#queueStatus(QueueErrno.OK, id);
      return;
    }
    const ctx = { nodeNum: h.meshSide.nodeNum, settings: h.settings, simRadio: h.profile.simRadio };
    if (h.routerChecks) applySendDefaults(p, ctx);
    p.from = h.meshSide.nodeNum;
    const err = h.routerChecks ? perhapsEncode(p, ctx) : RoutingError.NONE;
    if (err !== RoutingError.NONE) {
      h.log('ERROR', 'Router', `Error=${err}, return NAK and drop packet`);
      // abortSendAndNak after `p->channel = 0` ("so we don't use the failing hash again").
      if (err !== RoutingError.BAD_REQUEST) this.#nakToPhone(err, id, 0);
      // The routing error goes out as the QueueStatus res ("FIXME - this isn't a valid ErrorCode").
      this.#queueStatus(err, id);
      return;
    }
    const r = h.meshSide.sendToMesh(p);
    h.queues.sendQueueStatus(
      create(Schemas.QueueStatus, { res: r.res, free: r.free, maxlen: r.maxlen, meshPacketId: id }),
    );
  }

  #queueStatus(res: number, meshPacketId: number): void {
    const q = this.#host.meshSide.queueStatus();
    this.#host.queues.sendQueueStatus(
      create(Schemas.QueueStatus, { res, free: q.free, maxlen: q.maxlen, meshPacketId }),
    );
  }

  #notify(replyId: number, message: string): void {
    const h = this.#host;
    h.queues.sendNotification(
      create(Schemas.ClientNotification, {
        replyId,
        level: LogLevel.WARNING,
        time: h.deviceTimeSec(),
        message,
      }),
    );
  }

  #nakToPhone(error: number, requestId: number, channel: number): void {
    const h = this.#host;
    const nodeNum = h.meshSide.nodeNum;
    h.queues.sendToPhone(
      routingNak({
        nodeNum,
        to: nodeNum,
        error,
        requestId,
        channel,
        id: h.nextPacketId(),
        rxTime: h.deviceTimeSec(),
      }),
    );
  }

  /**
   * 2.7.4+: `sendRoutingErrorResponse(RATE_LIMIT_EXCEEDED, &p)` addresses the NAK to `p.from`,
   * which a client leaves 0, so `sendLocal` does not see it as local and it goes out to the mesh
   * (to node 0) instead of to the phone. Only a client that set `from` to our number gets it.
   */
  #rateLimitNak(p: MeshPacket, error: number): void {
    const h = this.#host;
    const nodeNum = h.meshSide.nodeNum;
    const nak = routingNak({
      nodeNum,
      to: p.from,
      error,
      requestId: p.id,
      channel: p.channel,
      id: h.nextPacketId(),
      rxTime: h.deviceTimeSec(),
    });
    if (p.from === nodeNum) h.queues.sendToPhone(nak);
    else h.meshSide.sendToMesh(nak);
  }

  /** A client packet to our own number: the admin module's reboot is what the simulator models. */
  #handleLocal(p: MeshPacket): void {
    const h = this.#host;
    if (p.payloadVariant.case !== 'decoded' || p.payloadVariant.value.portnum !== SimPortNum.ADMIN_APP)
      return;
    let admin: Admin.AdminMessage;
    try {
      admin = fromBinary(Admin.AdminMessageSchema, p.payloadVariant.value.payload);
    } catch {
      h.log('WARN', 'AdminModule', 'Error decoding AdminMessage');
      return;
    }
    if (admin.payloadVariant.case === 'rebootSeconds') {
      h.log('INFO', 'AdminModule', `Reboot in ${admin.payloadVariant.value} seconds`);
      h.scheduleReboot(admin.payloadVariant.value);
    }
  }

  /** `NodeInfoModule::sendOurNodeInfo(NODENUM_BROADCAST, true, 0, true)` through `sendToMesh`. */
  #broadcastNodeInfo(): void {
    const h = this.#host;
    const nodeNum = h.meshSide.nodeNum;
    const user = dump.ownUser(nodeNum, h.settings);
    const p = create(Schemas.MeshPacket, {
      from: nodeNum,
      to: BROADCAST_NUM,
      id: h.nextPacketId(),
      hopLimit: h.settings.hopLimit,
      payloadVariant: {
        case: 'decoded',
        value: {
          portnum: SimPortNum.NODEINFO_APP,
          payload: toBinary(Schemas.User, user),
          wantResponse: true,
        },
      },
    });
    const r = h.meshSide.sendToMesh(p);
    h.queues.sendQueueStatus(
      create(Schemas.QueueStatus, { res: r.res, free: r.free, maxlen: r.maxlen, meshPacketId: p.id }),
    );
  }
}
