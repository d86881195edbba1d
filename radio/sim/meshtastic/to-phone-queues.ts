/**
 * The device-wide queues of `MeshService` that the phone API drains (docs/meshtastic.md
 * §1.7, §1.8; firmware v2.6.11 src/mesh/MeshService.cpp): `toPhoneQueue` for packets, with its
 * drop policy when full, `toPhoneQueueStatusQueue` and `toPhoneClientNotificationQueue`, which
 * discard their oldest entry when full. They live in RAM: a reboot empties them.
 */
import type { MessageShape } from '@bufbuild/protobuf';
import type { MeshPacket, QueueStatus, Schemas } from '../../src/meshtastic/codec.js';
import { SimPortNum } from './port-numbers.js';

/** What `sendToPhone` did with a packet. */
type ClientNotification = MessageShape<typeof Schemas.ClientNotification>;

export type ToPhoneOutcome = 'queued' | 'queued-evicted-oldest' | 'dropped-full';

export class ToPhoneQueues {
  readonly #packets: MeshPacket[] = [];
  readonly #queueStatus: QueueStatus[] = [];
  readonly #notifications: ClientNotification[] = [];
  readonly #packetCap: number;
  readonly #statusCap: number;
  readonly #notificationCap: number;

  /** `packetCap` is `MAX_RX_TOPHONE` (or meshtasticd's MaxMessageQueue); statuses use 32, notifications 16. */
  constructor(packetCap: number, statusCap = 32) {
    this.#packetCap = packetCap;
    this.#statusCap = statusCap;
    this.#notificationCap = Math.max(1, Math.floor(statusCap / 2));
  }

  /**
   * `MeshService::sendToPhone`: when full, TEXT_MESSAGE_APP and RANGE_TEST_APP evict the oldest
   * packet ("ToPhone queue is full, discard oldest"); every other portnum, custom ones and
   * undecoded packets included, is dropped ("ToPhone queue is full, drop packet").
   */
  sendToPhone(p: MeshPacket): ToPhoneOutcome {
    let outcome: ToPhoneOutcome = 'queued';
    if (this.#packets.length >= this.#packetCap) {
      const portnum = p.payloadVariant.case === 'decoded' ? p.payloadVariant.value.portnum : 0;
      if (portnum !== SimPortNum.TEXT_MESSAGE_APP && portnum !== SimPortNum.RANGE_TEST_APP)
        return 'dropped-full';
      this.#packets.shift();
      outcome = 'queued-evicted-oldest';
    }
    this.#packets.push(p);
    return outcome;
  }

  /** `sendQueueStatusToPhone`: "tophone queue status queue is full, discard oldest". */
  sendQueueStatus(qs: QueueStatus): void {
    if (this.#queueStatus.length >= this.#statusCap) this.#queueStatus.shift();
    this.#queueStatus.push(qs);
  }

  /** `sendClientNotification`: "ClientNotification queue is full, discard oldest". */
  sendNotification(n: ClientNotification): void {
    if (this.#notifications.length >= this.#notificationCap) this.#notifications.shift();
    this.#notifications.push(n);
  }

  takeQueueStatus(): QueueStatus | undefined {
    return this.#queueStatus.shift();
  }

  takeNotification(): ClientNotification | undefined {
    return this.#notifications.shift();
  }

  takePacket(): MeshPacket | undefined {
    return this.#packets.shift();
  }

  get packetCount(): number {
    return this.#packets.length;
  }

  get pending(): boolean {
    return this.#packets.length + this.#queueStatus.length + this.#notifications.length > 0;
  }

  /** A reboot: RAM is gone. */
  clear(): void {
    this.#packets.length = 0;
    this.#queueStatus.length = 0;
    this.#notifications.length = 0;
  }
}
