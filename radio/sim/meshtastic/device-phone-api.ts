/**
 * One phone-API session of a simulated Meshtastic device: a port of the firmware's `PhoneAPI`
 * (docs/meshtastic.md §1.4, §1.5, §1.8, §2.1, §2.6; firmware v2.6.11 src/mesh/PhoneAPI.cpp,
 * with the 2.7 changes named in firmware-profile.ts). `handleToRadio` takes one frame's payload;
 * `getFromRadio` yields the next FromRadio: the want_config dump in the order and counts of §1.4,
 * then queue statuses, client notifications and packets in that priority. The serial console
 * keeps one of these for the device's life; the TCP server makes one per connection.
 */
import { create, type FromRadio, Schemas } from '../../src/meshtastic/codec.js';
import { MAX_NUM_CHANNELS, NONCE_ONLY_CONFIG, NONCE_ONLY_NODES } from '../../src/meshtastic/constants.js';
import { ClientSendPath } from './client-send-path.js';
import * as dump from './config-dump-messages.js';
import type { FileInput } from './device-settings.js';
import { applyMisreports } from './misreport.js';
import type { PhoneApiHost } from './phone-api-host.js';
import { decodeToRadioOnDevice } from './to-radio-decode.js';

export type { DeviceLogLevel, PhoneApiHost } from './phone-api-host.js';

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
  readonly #sendPath: ClientSendPath;
  readonly #host: PhoneApiHost;
  readonly #options: DevicePhoneApiOptions;

  constructor(host: PhoneApiHost, options: DevicePhoneApiOptions = {}) {
    this.#host = host;
    this.#options = options;
    this.#sendPath = new ClientSendPath(host);
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
        this.#sendPath.handle(v.value);
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
          this.#sendPath.broadcastNodeInfo();
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
      if (this.#host.profile.features.closeClearsRateLimits) this.#sendPath.clearRateLimits();
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
        applyMisreports(out, h.misreports);
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
        applyMisreports(out, h.misreports);
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
}
