/**
 * A simulated Meshtastic device as its host sees it (docs/meshtastic.md §1, §8.8): the
 * firmware's stream side (`SerialConsole` on serial, `ServerAPI` on TCP) over one host byte
 * stream at a time, a phone API (device-phone-api.ts), the MeshService queues, and a MeshSide
 * that stands for the routers and the radio. It owns the device's life: boot text and the
 * `rebooted` frame, text mode until the first frame, debug text, idle timeouts, and reboots
 * (UART: the port stays; native USB: the port vanishes; TCP: the socket closes).
 *
 * Writes are made as the firmware makes them: after each batch of frames read, everything
 * `getFromRadio` has is written at once (`StreamAPI::writeStream`).
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { type Logger, silentLogger } from '../../../node/src/base/logger.js';
import { type Clock, RealClock, type Timer } from '../../../node/src/link/clock.js';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { create, type MeshPacket, Schemas } from '../../src/meshtastic/codec.js';
import { SESSION_IDLE_TIMEOUT_MS } from '../../src/meshtastic/constants.js';
import { SimAdminModule } from './admin-module.js';
import { packetIdGenerator } from './client-packet-rules.js';
import { ESP32_ROM_TEXT, PERIODIC_LINE } from './console-text.js';
import { type DebugTextOptions, DeviceOutput } from './device-output.js';
import {
  type DeviceLogLevel,
  DevicePhoneApi,
  type PhoneApiHost,
  type PhoneApiState,
} from './device-phone-api.js';
import { type DeviceSettings, resolveDeviceSettings } from './device-settings.js';
import { DeviceStreamReader } from './device-stream-reader.js';
import { type DeviceProfile, deviceProfile } from './firmware-profile.js';
import type { MeshSide } from './mesh-side.js';
import type {
  HostCloseReason,
  SimulatedDeviceEvents,
  SimulatedDeviceOptions,
} from './simulated-device-options.js';
import { ToPhoneQueues } from './to-phone-queues.js';

export type { DebugTextOptions } from './device-output.js';
export type {
  HostCloseReason,
  SimulatedDeviceEvents,
  SimulatedDeviceOptions,
} from './simulated-device-options.js';

export class SimulatedDevice extends EventEmitter<SimulatedDeviceEvents> {
  readonly profile: DeviceProfile;
  readonly settings: DeviceSettings;
  readonly #meshSide: MeshSide;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #opts: SimulatedDeviceOptions;
  readonly #queues: ToPhoneQueues;
  readonly #reader: DeviceStreamReader;
  readonly #random: () => number;
  readonly #debug: Required<DebugTextOptions> | undefined;
  #nextId: () => number = () => 0;
  #rebootCount: number;
  #up = false;
  #started = false;
  #bootAtMs = 0;
  #phone: DevicePhoneApi | undefined;
  /** SerialConsole `canWrite`: false until the first frame (`usingProtobufs` is in DeviceOutput). */
  #canWrite = false;
  readonly #out: DeviceOutput;
  #unlisten: (() => void) | undefined;
  #closeReason: HostCloseReason = 'disconnect';
  #pumpQueued = false;
  readonly #host: PhoneApiHost;
  readonly #admin: SimAdminModule;
  readonly #timers = new Map<'idle' | 'boot' | 'admin' | 'periodic', Timer>();

  constructor(options: SimulatedDeviceOptions) {
    super();
    this.#opts = options;
    this.#meshSide = options.meshSide;
    this.#clock = options.clock ?? new RealClock();
    this.#log = (options.log ?? silentLogger).child({
      mod: 'sim.meshtastic',
      node: options.meshSide.nodeNum,
    });
    this.profile = options.profile ?? deviceProfile();
    this.settings = resolveDeviceSettings(options.meshSide.nodeNum, this.profile, options.settings);
    this.#rebootCount = this.settings.rebootCount;
    this.#queues = new ToPhoneQueues(this.profile.toPhoneQueueSize);
    this.#reader = new DeviceStreamReader((p) => this.#onFrame(p));
    this.#random = seededRandom(options.seed ?? 1);
    const d = options.debugText;
    this.#debug =
      d === undefined || d === false ? undefined : { periodicMs: 0, colour: true, ...(d === true ? {} : d) };
    this.#out = new DeviceOutput({
      serial: this.profile.transport !== 'tcp',
      debug: this.#debug,
      faults: options.faults,
      debugLogApiEnabled: this.settings.debugLogApiEnabled,
      random: this.#random,
      uptimeMs: () => this.#clock.now() - this.#bootAtMs,
      rtcSec: () => this.#deviceTimeSec(),
    });
    this.#admin = new SimAdminModule(
      {
        profile: this.profile,
        settings: this.settings,
        log: (level, thread, message) => this.log(level, thread, message),
        scheduleReboot: (seconds) => this.#scheduleReboot(seconds),
      },
      options.adminRebootSeconds === undefined ? {} : { rebootSeconds: options.adminRebootSeconds },
    );
    this.#host = {
      profile: this.profile,
      settings: this.settings,
      meshSide: this.#meshSide,
      queues: this.#queues,
      routerChecks: options.routerChecks ?? true,
      rebootCount: () => this.#rebootCount,
      nowMs: () => this.#clock.now() - this.#bootAtMs,
      deviceTimeSec: () => this.#deviceTimeSec(),
      nextPacketId: () => this.#nextId(),
      log: (level, thread, message) => this.log(level, thread, message),
      scheduleReboot: (seconds) => this.#scheduleReboot(seconds),
      admin: this.#admin,
      misreports: options.misreport ?? [],
      wake: () => this.#schedulePump(),
    };
  }

  get nodeNum(): number {
    return this.#meshSide.nodeNum;
  }

  get rebootCount(): number {
    return this.#rebootCount;
  }

  get isUp(): boolean {
    return this.#up;
  }

  /** The phone API's state, or undefined when there is none (TCP without a client, or down). */
  get sessionState(): PhoneApiState | undefined {
    return this.#phone?.state;
  }

  /** Powers the device on. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#meshSide.onToPhone((p) => this.#onToPhone(p));
    this.#meshSide.onClientNotification((n) => {
      if (!this.#up) return;
      this.#queues.sendNotification(n);
      this.#schedulePump();
    });
    this.#boot(false);
  }

  /** Powers the device off for good; the host stream is left to its owner. */
  stop(): void {
    this.#up = false;
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
    this.detach();
  }

  /** Connects the host's stream. On TCP a second client force-closes the first (§1.2). */
  attach(stream: Duplex): void {
    if (this.#out.stream === stream) return;
    const tcp = this.profile.transport === 'tcp';
    if (this.#out.stream !== undefined) {
      if (tcp) {
        this.log('INFO', 'ApiServer', 'Force close previous TCP connection');
        this.#closeHost('replaced');
      } else {
        this.detach();
      }
    }
    if (tcp && !this.#up) {
      stream.destroy();
      return;
    }
    this.#out.stream = stream;
    const onData = (chunk: Buffer): void => {
      if (this.#up && this.#out.stream === stream) this.#reader.push(chunk);
    };
    const onGone = (): void => {
      if (this.#out.stream === stream) this.#hostGone();
    };
    const onError = (err: Error): void => this.#log.debug({ err }, 'host stream error');
    stream.on('data', onData);
    stream.on('close', onGone);
    stream.on('end', onGone);
    stream.on('error', onError);
    this.#unlisten = () => {
      stream.off('data', onData);
      stream.off('close', onGone);
      stream.off('end', onGone);
      stream.off('error', onError);
    };
    if (tcp) {
      // A new ServerAPI: its own PhoneAPI, duplicate-id window and rate limits.
      this.log('INFO', 'ServerAPI', 'Incoming API connection');
      this.#reader.reset();
      this.#phone = new DevicePhoneApi(this.#host, {
        closeTransport: () => this.#closeHost(this.#closeReason),
      });
      this.#armIdle();
    }
    this.#schedulePump();
  }

  /** Stops using the host stream without closing it. */
  detach(): void {
    this.#unlisten?.();
    this.#unlisten = undefined;
    this.#out.stream = undefined;
    if (this.profile.transport === 'tcp') {
      this.#phone = undefined;
      this.#timers.get('idle')?.cancel();
    }
  }

  /** Reboots now (as a crash or power cycle would); the admin `reboot_seconds` lands here too. */
  reboot(): void {
    if (!this.#up) return;
    this.log('INFO', 'Power', 'Rebooting');
    this.#up = false;
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
    this.#meshSide.reset();
    this.#queues.clear();
    this.#reader.reset();
    this.#admin.reset();
    this.#phone = undefined;
    this.emit('rebooting');
    if (this.profile.transport === 'tcp') {
      if (this.#out.stream !== undefined) this.#closeHost('reboot');
    } else if (this.profile.transport === 'native-usb') {
      // The USB device re-enumerates: the port is gone for the host and for us.
      const s = this.#out.stream;
      this.detach();
      if (s !== undefined) {
        s.destroy();
        this.emit('hostClosed', 'reboot');
      }
      this.emit('portVanished');
    }
    this.#timers.set(
      'boot',
      this.#clock.after(this.#opts.rebootDelayMs ?? 3000, () => this.#boot(true)),
    );
  }

  /** Prints one firmware log line (and emits `log`). */
  log(level: DeviceLogLevel, thread: string, message: string): void {
    this.emit('log', level, thread, message);
    if (this.#up) this.#out.log(level, thread, message);
  }

  #boot(again: boolean): void {
    if (again) this.#rebootCount++;
    this.#up = true;
    this.#bootAtMs = this.#clock.now();
    this.#queues.clear();
    this.#reader.reset();
    this.#nextId = packetIdGenerator(this.#random);
    this.#canWrite = false;
    this.#out.usingProtobufs = false;
    const serial = this.profile.transport !== 'tcp';
    this.#phone = serial ? new DevicePhoneApi(this.#host) : undefined;
    this.#log.info({ rebootCount: this.#rebootCount }, 'simulated device booted');
    if (this.profile.transport === 'native-usb' && again) this.emit('portReturned');
    if (serial) {
      if (this.#opts.bootText === true && this.profile.transport === 'uart')
        this.#out.write(Buffer.from(ESP32_ROM_TEXT));
      // SerialConsole's constructor: emitRebooted() before the host has said anything (§1.6).
      if (!this.profile.native)
        this.#out.frame(create(Schemas.FromRadio, { payloadVariant: { case: 'rebooted', value: true } }));
      if (this.#opts.bootText === true) {
        this.log(
          'INFO',
          'Main',
          `Booted, wake cause 0 (boot count ${this.#rebootCount}), reset_reason=reset`,
        );
        this.log(
          'INFO',
          'Main',
          `Meshtastic hwvendor=${this.settings.hwModel}, swver=${this.profile.firmware.text}`,
        );
      }
    }
    const periodic = this.#debug?.periodicMs ?? 0;
    if (periodic > 0) this.#periodic(periodic);
    this.emit('booted', this.#rebootCount);
  }

  #periodic(ms: number): void {
    this.#timers.set(
      'periodic',
      this.#clock.after(ms, () => {
        this.log(...PERIODIC_LINE);
        this.#periodic(ms);
      }),
    );
  }

  #onFrame(payload: Uint8Array): void {
    const phone = this.#phone;
    if (phone === undefined) return;
    if (this.profile.transport !== 'tcp') {
      // SerialConsole::handleToRadio: only with serial enabled; any complete frame, even one that
      // will not decode, switches the port to protobufs.
      if (!this.settings.serialEnabled) return;
      this.#out.usingProtobufs = true;
      this.#canWrite = true;
    }
    const wasConnected = phone.isConnected;
    phone.handleToRadio(payload);
    if (wasConnected && !phone.isConnected) this.emit('sessionClosed', 'disconnect');
    this.#armIdle();
    this.#schedulePump();
  }

  #onToPhone(p: MeshPacket): void {
    if (!this.#up) {
      this.emit('toPhone', p, 'dropped-down');
      return;
    }
    const outcome = this.#queues.sendToPhone(p);
    if (outcome === 'dropped-full') this.log('WARN', 'Router', 'ToPhone queue is full, drop packet');
    if (outcome === 'queued-evicted-oldest')
      this.log('WARN', 'Router', 'ToPhone queue is full, discard oldest');
    this.emit('toPhone', p, outcome);
    this.#schedulePump();
  }

  #armIdle(): void {
    this.#timers.get('idle')?.cancel();
    const tcp = this.profile.transport === 'tcp';
    if (tcp && !this.profile.features.tcpIdleTimeout) return;
    const phone = this.#phone;
    if (phone === undefined) return;
    const ms = this.#opts.idleTimeoutMs ?? SESSION_IDLE_TIMEOUT_MS;
    this.#timers.set(
      'idle',
      this.#clock.after(ms, () => {
        if (this.#phone !== phone) return;
        if (tcp) {
          this.log('WARN', 'ServerAPI', `TCP connection timeout, no data for ${ms} ms`);
          this.#closeReason = 'idle-timeout';
          phone.close();
          this.#closeReason = 'disconnect';
          this.emit('sessionClosed', 'idle-timeout');
        } else if (phone.isConnected) {
          // checkConnectionTimeout: the device stops sending packets; its text goes on.
          this.log('INFO', 'SerialConsole', 'Lost phone connection');
          phone.close();
          this.emit('sessionClosed', 'idle-timeout');
        }
      }),
    );
  }

  #scheduleReboot(seconds: number): void {
    this.#timers.get('admin')?.cancel();
    this.#timers.delete('admin');
    if (seconds < 0) return;
    this.#timers.set(
      'admin',
      this.#clock.after(seconds * 1000, () => this.reboot()),
    );
  }

  #schedulePump(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  /** StreamAPI::writeStream: everything available, at once. */
  #pump(): void {
    const phone = this.#phone;
    if (!this.#up || phone === undefined) return;
    if (this.profile.transport === 'tcp' ? this.#out.stream === undefined : !this.#canWrite) return;
    for (let m = phone.getFromRadio(); m !== undefined; m = phone.getFromRadio()) this.#out.frame(m);
  }

  /** The ToRadio.disconnect path of a TCP session, and the idle timeout: `ServerAPI::close()`. */
  #closeHost(reason: HostCloseReason): void {
    const s = this.#out.stream;
    if (s === undefined) return;
    this.detach();
    s.destroy();
    this.emit('hostClosed', reason);
  }

  #hostGone(): void {
    if (this.profile.transport === 'tcp')
      this.log('INFO', 'ServerAPI', 'Client dropped connection, suspend API service');
    this.detach();
  }

  #deviceTimeSec(): number {
    const epoch = this.settings.rtcEpochSec;
    return epoch === undefined ? 0 : epoch + Math.floor(this.#clock.now() / 1000);
  }
}
