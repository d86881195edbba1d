/**
 * `fieldnode wire`: encode, decode and show frames of the wire format (docs/wire-format.md).
 * Decoding here is for people: it shows every layer (batch, fragment, envelope, body) and never
 * verifies, since the tool holds no keys of the sender.
 */

import { KitError } from '../base/errors.js';
import { macAuthenticator, signatureAuthenticator } from '../crypto/authenticate.js';
import { loadOrCreateIdentity } from '../crypto/identity.js';
import { parseMasterSecret } from '../crypto/key-text.js';
import { deriveNodeMacKey } from '../crypto/mac.js';
import { unpackBatch } from '../wire/batch.js';
import { referenceFrames } from '../wire/fixtures/reference-frames.js';
import { parseFragment } from '../wire/fragment.js';
import { type Authenticator, decodeFrame, encodeMessage, type Message } from '../wire/message.js';
import { messageFromJson, messageToJson } from '../wire/message-json.js';
import { dataDir, parseOptions, readInput } from './args.js';

export async function wireCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    secret: { type: 'string' },
    sign: { type: 'boolean' },
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
  });
  const [sub, source] = positionals;
  switch (sub) {
    case 'decode': {
      const text = source === '-' || source === undefined ? await readInput('-', 'hex') : source;
      process.stdout.write(`${JSON.stringify(describeFrame(parseHex(text)), null, 2)}\n`);
      return 0;
    }
    case 'encode': {
      const message = messageFromJson(await readInput(source, 'a message as JSON'));
      let auth: Authenticator = { scheme: 'none' };
      if (values.secret) {
        const kit = message.origin; // a kit tags under its own key
        auth = macAuthenticator(deriveNodeMacKey(parseMasterSecret(values.secret), kit));
      } else if (values.sign) {
        const { identity } = await loadOrCreateIdentity(dataDir(values['data-dir']));
        auth = signatureAuthenticator(identity.privateKey);
      }
      process.stdout.write(`${Buffer.from(encodeMessage(message, auth)).toString('hex')}\n`);
      return 0;
    }
    case 'reference': {
      // What each frame costs on the two media: the adapters know, and load only for this command.
      const [{ LONG_FAST, loraTimeOnAirMs, meshtasticPhyBytes }, { rockblockCredits }] = await Promise.all([
        import('../../../radio/src/lora/airtime.js'),
        import('../../../satellite/src/rockblock/credits.js'),
      ]);
      const rows = referenceFrames().map(({ id, message, frame }) => ({
        id,
        kind: message.kind,
        bytes: frame.length,
        credits: rockblockCredits(frame.length),
        airtimeMsLongFast: Math.round(loraTimeOnAirMs(meshtasticPhyBytes(frame.length), LONG_FAST)),
        hex: Buffer.from(frame).toString('hex'),
      }));
      if (values.json) {
        process.stdout.write(`${JSON.stringify(rows)}\n`);
      } else {
        for (const r of rows) {
          process.stdout.write(
            `${r.id} ${r.kind}: ${r.bytes} B, ${r.credits} credit(s), ${r.airtimeMsLongFast} ms\n  ${r.hex}\n`,
          );
        }
      }
      return 0;
    }
    default:
      throw new KitError('CLI_USAGE', 'wire needs decode, encode or reference (see fieldnode --help)');
  }
}

function parseHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean))
    throw new KitError('CLI_USAGE', 'expected hex digits, two per byte');
  return Buffer.from(clean, 'hex');
}

/** Every layer of a frame, as JSON-able data; errors become part of the description. */
export function describeFrame(bytes: Uint8Array): unknown {
  const entries = unpackBatch(bytes);
  const describeOne = (entry: Uint8Array) => {
    if (entry[0] === 0x01) {
      const f = parseFragment(entry);
      return {
        type: 'fragment',
        digest: Buffer.from(f.digest).toString('hex'),
        index: f.index,
        count: f.count,
        bytes: f.chunk.length,
      };
    }
    try {
      const d = decodeFrame(entry);
      return {
        type: 'message',
        bytes: entry.length,
        auth: d.envelope.auth,
        trailer: Buffer.from(d.trailer).toString('hex'),
        unknownFields: d.unknownFields,
        message: d.message
          ? JSON.parse(messageToJson(d.message as Message))
          : { kindCode: d.envelope.kindCode, unknown: true },
      };
    } catch (err) {
      if (err instanceof KitError) return { type: 'invalid', code: err.code, error: err.message };
      throw err;
    }
  };
  return entries.length === 1 && entries[0] === bytes
    ? describeOne(bytes)
    : { type: 'batch', entries: entries.map(describeOne) };
}
