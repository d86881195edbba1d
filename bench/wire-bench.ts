/**
 * The wire benchmark (wire-format issue, item 6): for each reference message its bytes on the wire
 * with envelope and authentication, RockBLOCK credits, LoRa time on air on Meshtastic LONG_FAST,
 * the same content as minified JSON and (once CAP export exists) as CAP 1.2 XML; and the codec's
 * throughput.
 */
import { performance } from 'node:perf_hooks';
import { referenceFrames } from '../node/src/wire/fixtures/reference-frames.js';
import { decodeFrame, encodeMessage } from '../node/src/wire/message.js';
import { messageToJson } from '../node/src/wire/message-json.js';
import { LONG_FAST, loraTimeOnAirMs, meshtasticPhyBytes } from '../radio/src/lora/airtime.js';
import { rockblockCredits } from '../satellite/src/rockblock/credits.js';
import { printTable } from './table.js';

/** Runs `op` repeatedly for about `ms` milliseconds; returns operations per second. */
function rate(op: () => void, ms = 1000): number {
  for (let i = 0; i < 2000; i++) op(); // warm up the JIT
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 500; i++) op();
    n += 500;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

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

  // Throughput of the codec alone (no trailer), one round = encode and decode all five messages.
  const none = { scheme: 'none' } as const;
  const plain = frames.map(({ message }) => message);
  const encoded = plain.map((m) => encodeMessage(m, none));
  const perRound = plain.length;
  const encodePerSec =
    rate(() => {
      for (const m of plain) encodeMessage(m, none);
    }) * perRound;
  const decodePerSec =
    rate(() => {
      for (const f of encoded) decodeFrame(f);
    }) * perRound;
  const encodeDecodePerSec =
    rate(() => {
      for (const m of plain) decodeFrame(encodeMessage(m, none));
    }) * perRound;

  const result = {
    messages,
    encodeDecodePerSec: Math.round(encodeDecodePerSec),
    encodePerSec: Math.round(encodePerSec),
    decodePerSec: Math.round(decodePerSec),
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write('wire: reference messages on the wire (envelope and authentication included)\n\n');
  printTable(messages.map((m) => ({ ...m, jsonPerWire: (m.jsonBytes / m.bytes).toFixed(1) })));
  process.stdout.write(
    `\ncodec throughput (messages/s): encode+decode ${result.encodeDecodePerSec}, ` +
      `encode ${result.encodePerSec}, decode ${result.decodePerSec}\n`,
  );
}
