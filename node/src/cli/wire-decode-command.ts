/**
 * `fieldnode wire decode HEX…|- [--secret S] [--json]`: take a frame apart and show every layer
 * and field (docs/wire-format.md; docs/operating.md §The command line). With the master secret,
 * it checks MAC tags and hop tags (frame-description.ts).
 *
 * Exit 0 when everything decoded (and every tag checked verified); 1 when a frame or an entry is
 * invalid or a tag does not verify, with one line on standard error for each; 2 for a usage error,
 * such as text that is not hex.
 */
import { KitError } from '../base/errors.js';
import { parseMasterSecret } from '../crypto/key-text.js';
import { parseOptions } from './args.js';
import { describePayload } from './frame-description.js';
import { frameJson } from './frame-json.js';
import { frameText, problemLines } from './frame-text.js';
import { readStdin } from './input-file.js';

export async function wireDecodeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    secret: { type: 'string' },
    json: { type: 'boolean' },
  });
  const master = values.secret === undefined ? undefined : parseMasterSecret(values.secret);
  const payload = parseHex(await hexText(positionals));
  const layer = describePayload(payload, master);
  if (values.json) process.stdout.write(`${JSON.stringify(frameJson(layer), null, 2)}\n`);
  else if (layer.type !== 'invalid') process.stdout.write(frameText(layer));
  const problems = problemLines(layer);
  if (problems.length > 0) process.stderr.write(`${problems.join('\n')}\n`);
  return problems.length > 0 ? 1 : 0;
}

/** The hex from the arguments (several words are one frame), or standard input for "-". */
async function hexText(words: string[]): Promise<string> {
  if (words.length === 1 && words[0] === '-') return readStdin();
  if (words.length > 0) return words.join(' ');
  if (process.stdin.isTTY)
    throw new KitError('CLI_USAGE', 'give the frame as hex, or - to read it from standard input');
  return readStdin();
}

/**
 * Bytes from hex digits: spaces and line ends anywhere, and a 0x before any word, are allowed, so
 * that a frame copied from a log, a dump or a document reads as it is.
 */
export function parseHex(text: string): Uint8Array {
  const digits = text
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/^0x/i, ''))
    .join('');
  const bad = /[^0-9a-fA-F]/.exec(digits);
  if (bad !== null)
    throw new KitError(
      'CLI_USAGE',
      `not hex: ${JSON.stringify(bad[0])} at digit ${bad.index + 1}; a frame is hex digits, two per byte (a 0x prefix and spaces are allowed)`,
    );
  if (digits.length === 0) throw new KitError('CLI_USAGE', 'no hex digits: the frame is empty');
  if (digits.length % 2 === 1)
    throw new KitError(
      'CLI_USAGE',
      `${digits.length} hex digits, an odd number: a byte is two digits, so one is missing or extra`,
    );
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}
