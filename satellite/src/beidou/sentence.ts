/**
 * One BeiDou text-protocol sentence (docs/beidou.md §Sentences): `$` TT SSS `,` fields… `*` HH CR
 * LF, where TT is the talker (`CC` from the host, `BD` from the module), SSS the sentence name and
 * HH the XOR of every byte strictly between `$` and `*`, in upper-case hex. Both module protocols,
 * the BeiDou-3 regional one and the BeiDou-2 "2.1" one, frame their sentences this way.
 *
 * Text is handled as latin1 throughout, so that any byte (a module may put raw GB2312 bytes in a
 * text field) is one character and the checksum is taken over the raw bytes.
 */
import { KitError, show } from '../../../node/src/base/errors.js';
import './beidou-errors.js';

export interface Sentence {
  /** Two letters: `CC` host to module, `BD` module to host (others, e.g. `GN` for RNSS, pass through). */
  talker: string;
  /** Three letters or digits: `TCQ`, `ICI`, `FKI`… */
  name: string;
  /** The fields after the address, as written (empty fields are ''). */
  fields: string[];
}

/** XOR of every byte of the body (what lies between `$` and `*`). */
export function checksumOf(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i) & 0xff;
  return sum;
}

/** Two upper-case hex digits. */
export function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

const ADDRESS = /^[A-Z0-9]{5}$/;

/** The sentence as the line a module reads: `$TTSSS,f1,f2*HH\r\n`, latin1 bytes. */
export function encodeSentence(s: Sentence): Uint8Array {
  return new Uint8Array(Buffer.from(sentenceText(s), 'latin1'));
}

/** The same, as text. */
export function sentenceText(s: Sentence): string {
  const address = `${s.talker}${s.name}`;
  if (!ADDRESS.test(address)) throw new RangeError(`not a sentence address: ${show(address)}`);
  for (const f of s.fields) {
    if (/[$*,\r\n]/.test(f)) throw new RangeError(`a field may not hold $ * , CR or LF: ${show(f)}`);
  }
  const body = [address, ...s.fields].join(',');
  return `$${body}*${hex2(checksumOf(body))}\r\n`;
}

/**
 * Parses one line (with or without its CR LF). Throws KitError BEIDOU_MALFORMED when it is not a
 * sentence, BEIDOU_CHECKSUM when its checksum is wrong.
 */
export function decodeSentence(line: string): Sentence {
  const text = line.replace(/[\r\n]+$/, '');
  const star = text.lastIndexOf('*');
  if (text[0] !== '$' || star < 0 || star !== text.length - 3)
    throw new KitError('BEIDOU_MALFORMED', `not a $…*hh sentence: ${show(text)}`);
  const body = text.slice(1, star);
  const given = text.slice(star + 1);
  if (!/^[0-9A-Fa-f]{2}$/.test(given))
    throw new KitError('BEIDOU_MALFORMED', `checksum is not two hex digits: ${show(text)}`);
  const want = checksumOf(body);
  if (Number.parseInt(given, 16) !== want)
    throw new KitError(
      'BEIDOU_CHECKSUM',
      `checksum ${given} does not match ${hex2(want)} of ${show(text)}: a byte was lost or changed on the line`,
    );
  const [address = '', ...fields] = body.split(',');
  if (!ADDRESS.test(address)) throw new KitError('BEIDOU_MALFORMED', `bad sentence address ${show(address)}`);
  return { talker: address.slice(0, 2), name: address.slice(2), fields };
}
