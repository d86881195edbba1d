/**
 * Admin messages to the host's own radio (docs/meshtastic.md §1.6, §2.3; docs/profiles.md
 * §Writing): an `AdminMessage` goes as the decoded payload of a `ToRadio.packet` on ADMIN_APP (6)
 * addressed to the radio's own node number. The firmware hands such a packet to its AdminModule
 * without sending it on air (`Router::sendLocal`), needs no session passkey for it (`from` is 0:
 * the radio's own client), and answers it, like every client packet, with a QueueStatus.
 *
 * `begin_edit_settings` … `commit_edit_settings` wrap the writes so that the radio saves once and
 * reboots once, after the commit.
 */
import { toBinary } from '@bufbuild/protobuf';
import { type AdminMessage, type ChannelMessage, type ConfigMessage, create, Schemas } from './codec.js';
import { DATA_PAYLOAD_MAX, PortNum } from './constants.js';
import { packetFrame } from './to-radio.js';

export const beginEditSettings = (): AdminMessage =>
  create(Schemas.AdminMessage, { payloadVariant: { case: 'beginEditSettings', value: true } });

export const commitEditSettings = (): AdminMessage =>
  create(Schemas.AdminMessage, { payloadVariant: { case: 'commitEditSettings', value: true } });

export const setConfig = (config: ConfigMessage): AdminMessage =>
  create(Schemas.AdminMessage, { payloadVariant: { case: 'setConfig', value: config } });

export const setChannel = (channel: ChannelMessage): AdminMessage =>
  create(Schemas.AdminMessage, { payloadVariant: { case: 'setChannel', value: channel } });

/** The framed ToRadio carrying `message` to node `node` (the radio's own), with packet id `id`. */
export function adminFrame(node: number, id: number, message: AdminMessage): Uint8Array {
  const payload = toBinary(Schemas.AdminMessage, message);
  // Above this the firmware drops the ToRadio without a word (§2.4): never write one.
  if (payload.length > DATA_PAYLOAD_MAX)
    throw new RangeError(`an admin message of ${payload.length} bytes is over ${DATA_PAYLOAD_MAX}`);
  return packetFrame({
    id,
    to: node,
    channel: 0,
    portnum: PortNum.ADMIN_APP,
    payload,
    hopLimit: 0,
    wantAck: false,
    priority: 0,
  });
}
