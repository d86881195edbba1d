/**
 * The wire benchmark (docs/wire-format.md §9 Budget of the reference messages, §6
 * Authentication): for each reference message its bytes on the wire with envelope and
 * authentication, RockBLOCK credits, LoRa time on air on Meshtastic LONG_FAST, the same content as
 * minified JSON and (once CAP export exists) as CAP 1.2 XML; and the codec's throughput without
 * authentication, with a MAC tag and with a signature (wire-throughput.ts).
 *
 * JSON: `encodePerSec`, `decodePerSec` and `encodeDecodePerSec` are without authentication, over
 * R1–R5, as they always were; `authenticated.mac` and `authenticated.signature` are the schemes,
 * each with the unauthenticated figures of its own messages (`unauthenticated`, measured in turn
 * with it).
 */
import { referenceFrames } from '../node/src/wire/fixtures/reference-frames.js';
import { messageToJson } from '../node/src/wire/message-json.js';
import { LONG_FAST, loraTimeOnAirMs, meshtasticPhyBytes } from '../radio/src/lora/airtime.js';
import { rockblockCredits } from '../satellite/src/rockblock/credits.js';
import { printTable } from './table.js';
import {
  measureThroughput,
  type SchemeThroughput,
  type UnauthenticatedThroughput,
} from './wire-throughput.js';

export async function runWireBench(json: boolean): Promise<void> {
  const frames = referenceFrames();
  const messages = frames.map(({ id, message, frame }) => ({
    id,
    bytes: frame.length,
    credits: rockblockCredits(frame.length),
    airtimeMsLongFast: Math.round(loraTimeOnAirMs(meshtasticPhyBytes(frame.length), LONG_FAST)),
    jsonBytes: Buffer.byteLength(messageToJson(message)),
    capBytes: null as number | null, // CAP 1.2 export is a later issue
  }));

  const authenticated = measureThroughput();
  // All five reference messages, without authentication: measured in turn with their signatures.
  const unauthenticated = authenticated.signature.unauthenticated;
  const result = {
    messages,
    encodeDecodePerSec: unauthenticated.encodeDecodePerSec,
    encodePerSec: unauthenticated.encodePerSec,
    decodePerSec: unauthenticated.decodePerSec,
    authenticated,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write('wire: reference messages on the wire (envelope and authentication included)\n\n');
  printTable(messages.map((m) => ({ ...m, jsonPerWire: (m.jsonBytes / m.bytes).toFixed(1) })));
  process.stdout.write(
    '\ncodec throughput, messages/s; a receiver decodes then verifies (none: nothing to verify).\n' +
      'Compare a scheme with the none row of the same messages.\n\n',
  );
  const { mac, signature } = authenticated;
  printTable([
    noneRow(signature.messages, unauthenticated),
    schemeRow('signature', signature),
    noneRow(mac.messages, mac.unauthenticated),
    schemeRow('mac', mac),
  ]);
}

/** A table row without authentication, in the columns of the schemes. */
function noneRow(ids: readonly string[], t: UnauthenticatedThroughput) {
  return {
    scheme: 'none',
    messages: ids.join(' '),
    trailerBytes: 0,
    encode: t.encodePerSec,
    decodeAndVerify: t.decodePerSec,
    encodeDecodeAndVerify: t.encodeDecodePerSec,
  };
}

/** A table row of an authentication scheme. */
function schemeRow(scheme: string, t: SchemeThroughput) {
  return {
    scheme,
    messages: t.messages.join(' '),
    trailerBytes: t.trailerBytes,
    encode: t.encodePerSec,
    decodeAndVerify: t.decodeVerifyPerSec,
    encodeDecodeAndVerify: t.encodeDecodeVerifyPerSec,
  };
}
