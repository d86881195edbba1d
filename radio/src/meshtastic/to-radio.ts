/**
 * The `ToRadio` frames the host writes (docs/meshtastic.md §1.2, §1.4, §1.5, §2.1, §2.2),
 * framed and ready for the stream.
 */
import { create, encodeToRadio, Schemas } from './codec.js';
import { START2, WAKE_BYTES } from './constants.js';
import { encodeStreamFrame } from './framing.js';

/** §1.2: 32 × 0xC3 wake a sleeping device and resync its parser (START2 never starts a frame). */
export const wakeBytes = (): Uint8Array => new Uint8Array(WAKE_BYTES).fill(START2);

/** §1.4: ask for the config dump, ended by `config_complete_id = nonce`. */
export const wantConfigFrame = (nonce: number): Uint8Array =>
  encodeStreamFrame(
    encodeToRadio(create(Schemas.ToRadio, { payloadVariant: { case: 'wantConfigId', value: nonce } })),
  );

/** §1.5: `94 c3 00 02 3a 00`; firmware ≥ 2.7.4 answers with a QueueStatus. */
export const heartbeatFrame = (): Uint8Array =>
  encodeStreamFrame(
    encodeToRadio(create(Schemas.ToRadio, { payloadVariant: { case: 'heartbeat', value: {} } })),
  );

/** §1.4: closes the device's PhoneAPI session; it then keeps packets for the host queued. */
export const disconnectFrame = (): Uint8Array =>
  encodeStreamFrame(
    encodeToRadio(create(Schemas.ToRadio, { payloadVariant: { case: 'disconnect', value: true } })),
  );

/** One packet the host asks the radio to send (§2.1, §2.2, §8.5). */
export interface OutgoingPacket {
  /** Fresh random non-zero id (§2.1: the firmware ignores an id it saw among the last 20). */
  id: number;
  /** Destination node number; 0xFFFFFFFF broadcasts on the channel. */
  to: number;
  /** Local channel index 0–7. */
  channel: number;
  portnum: number;
  payload: Uint8Array;
  /** Always explicit (§8.5: without want_ack a 0 stays 0 and nobody relays). */
  hopLimit: number;
  wantAck: boolean;
  /** `MeshPacket.Priority`; 0 lets the firmware choose (DEFAULT, or RELIABLE with want_ack). */
  priority: number;
  /** `Data.request_id`: the packet this one answers (§5.2 "Learning"); 0 or absent for none. */
  requestId?: number;
}

/**
 * `ToRadio.packet` with `decoded` Data: `from`, `dest` and `source` left 0 for the firmware,
 * `want_response` false (a custom portnum would otherwise get NAK NO_RESPONSE, §2.2).
 */
export const packetFrame = (p: OutgoingPacket): Uint8Array =>
  encodeStreamFrame(
    encodeToRadio(
      create(Schemas.ToRadio, {
        payloadVariant: {
          case: 'packet',
          value: {
            to: p.to,
            channel: p.channel,
            id: p.id,
            hopLimit: p.hopLimit,
            wantAck: p.wantAck,
            priority: p.priority,
            payloadVariant: {
              case: 'decoded',
              value: {
                portnum: p.portnum,
                payload: p.payload,
                wantResponse: false,
                requestId: p.requestId ?? 0,
              },
            },
          },
        },
      }),
    ),
  );
