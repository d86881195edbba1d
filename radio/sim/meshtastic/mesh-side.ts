/**
 * The boundary inside a simulated Meshtastic device between its phone API (the stream side the
 * host talks to: PhoneAPI, StreamAPI, SerialConsole; docs/meshtastic.md §1) and its mesh side
 * (MeshService, the routers, the radio; §2.5, §4, §5). The same boundary the firmware has: the
 * phone API hands client packets to `MeshService::handleToRadio`/`sendToMesh` and gets packets for
 * the phone from `MeshService::sendToPhone`, notifications from `sendClientNotification`.
 *
 * device-phone-api.ts implements the phone side; mesh-router.ts implements this interface on top
 * of the RF medium (rf-medium.ts). A test may give a phone API a scripted MeshSide of its own.
 */
import type { MessageShape } from '@bufbuild/protobuf';
import type { MeshPacket, Schemas } from '../../src/meshtastic/codec.js';

export type ClientNotification = MessageShape<typeof Schemas.ClientNotification>;

/** What `sendToMesh` answers: the fields of the QueueStatus the phone API sends next (§1.8). */
export interface QueueResult {
  /** ErrorCode: 0 OK, 32 queue full, 33 no interfaces, 34 disabled. */
  res: number;
  free: number;
  maxlen: number;
}

export interface MeshSide {
  /** This device's node number. */
  readonly nodeNum: number;
  /**
   * A client packet that passed the phone API's own filters (duplicate id, rate limits, size),
   * with `from` already 0 → own number and `id` non-zero. Queues it for transmission.
   * Routing ACKs, NAKs and received packets for the phone come back through `onToPhone`.
   */
  sendToMesh(packet: MeshPacket): QueueResult;
  /** The LoRa TX queue as it is now, for a QueueStatus not tied to a send (heartbeat reply). */
  queueStatus(): QueueResult;
  /** Registers the phone API's receiver for packets to the phone; one listener. */
  onToPhone(listener: (packet: MeshPacket) => void): void;
  /**
   * Registers the receiver of the ClientNotifications the routers raise (`sendClientNotification`:
   * the duty-cycle refusal of §4.4); one listener.
   */
  onClientNotification(listener: (notification: ClientNotification) => void): void;
  /** The device reboots: queues in RAM are lost (§1.6). */
  reset(): void;
}
