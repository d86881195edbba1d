/**
 * The BeiDou-2 "2.1" short-message sentences fieldnode uses (docs/beidou.md §BeiDou-2 2.1
 * protocol): the card query `$CCICA` and its answer `$BDICI`, the beam report `$BDBSI` (asked for
 * with `$CCRMO`), the send `$CCTXA` with its result `$BDFKI`, and a received message `$BDTXR`.
 * Binary payloads go in the mixed mode (混发, encoding 2): hex bytes after an `A4` marker byte.
 */
import { show } from '../../../node/src/base/errors.js';
import type { BeamStatus, CardInfo, InboundMessage, TransmitVerdict } from './beidou-types.js';
import { REASON_VERDICTS } from './beidou-types.js';
import type { Sentence } from './sentence.js';
import { addressField, field, flagField, hexField, intField, malformed, toHex } from './sentence-fields.js';

/** `$CCICA,0,00`: asks for the card (`$BDICI`). */
export const BD21_CARD_QUERY: Sentence = { talker: 'CC', name: 'ICA', fields: ['0', '00'] };

/** `$CCRMO,BSI,2,0`: asks for the beam report every second. */
export const BD21_BEAM_OUTPUT: Sentence = { talker: 'CC', name: 'RMO', fields: ['BSI', '2', '0'] };

/** The mixed mode (混发) and the byte its payload starts with. */
export const BD21_MIXED_ENCODING = 2;
export const BD21_MIXED_MARKER = 0xa4;

export interface Bd21SendOptions {
  /** Information class: 1 ordinary (普通), 0 express (特快, shorter messages). Default 1. */
  infoClass?: 0 | 1;
}

/** `$CCTXA,<dest>,<class>,2,A4<hex>`: one message in mixed mode. */
export function bd21Send(dest: string, bytes: Uint8Array, o: Bd21SendOptions = {}): Sentence {
  return {
    talker: 'CC',
    name: 'TXA',
    fields: [dest, String(o.infoClass ?? 1), String(BD21_MIXED_ENCODING), `A4${toHex(bytes)}`],
  };
}

/**
 * `$BDICI,<address>,<serial>,<broadcast>,<user type>,<interval s>,<level>,<E|N>,<subordinates>`.
 */
export function parseBd21Card(s: Sentence): CardInfo {
  if (s.fields.length < 7) throw malformed(s, `${s.fields.length} fields, at least 7 expected`);
  const broadcast = field(s, 3).trim();
  const level = intField(s, 6);
  if (level > 5) throw malformed(s, `level ${level} is not 0–5`);
  return {
    protocol: 'bd21',
    address: addressField(s, 1),
    ...(/^\d{1,8}$/.test(broadcast) && /[1-9]/.test(broadcast) ? { broadcast } : {}),
    level,
    intervalS: intField(s, 5),
    encrypted: field(s, 7).trim().toUpperCase() === 'E',
    userType: intField(s, 4, 0),
  };
}

export interface BsiOptions {
  /** A beam counts as locked at this power or above (0–4). Default 2. */
  minPower?: number;
}

/** `$BDBSI,<response beam>,<time-difference beam>,<power of beams 1..10, 0–4>`. */
export function parseBd21Beams(s: Sentence, o: BsiOptions = {}): BeamStatus {
  const minPower = o.minPower ?? 2;
  if (s.fields.length < 3) throw malformed(s, `${s.fields.length} fields, at least 3 expected`);
  const powers: number[] = [];
  for (let n = 3; n <= s.fields.length; n++) powers.push(intField(s, n, 0));
  return { locked: powers.filter((p) => p >= minPower).length, bestPower: Math.max(0, ...powers) };
}

/**
 * `$BDTXR,<class>,<sender>,<encoding>,<time>,<content>`. The time is empty for classes 1–3 by the
 * specification, yet modules write hhmm there: either is taken. In mixed mode the `A4` marker is
 * taken off; a module that left it off (docs/beidou.md §Uncertain) gives its bytes as they came.
 */
export function parseBd21Message(s: Sentence): InboundMessage {
  if (s.fields.length < 5) throw malformed(s, `${s.fields.length} fields, 5 expected`);
  const infoClass = intField(s, 1);
  const encoding = intField(s, 3);
  const sentAt = field(s, 4).trim();
  const base = { from: addressField(s, 2), infoClass, ...(sentAt === '' ? {} : { sentAt }) };
  if (encoding === BD21_MIXED_ENCODING) {
    const bytes = hexField(s, 5);
    const marked = bytes[0] === BD21_MIXED_MARKER;
    return { ...base, bytes: marked ? bytes.subarray(1) : bytes, encoding: 'binary' };
  }
  if (encoding === 1) return { ...base, bytes: hexField(s, 5), encoding: 'binary' };
  const raw = new Uint8Array(Buffer.from(field(s, 5), 'latin1'));
  return { ...base, bytes: raw, encoding: encoding === 0 ? 'text' : 'other' };
}

export interface Bd21ResultOptions {
  /** How field 5 counts time: `mmss` (0140 is 100 s) or plain `seconds`. Default `mmss`. */
  waitField?: 'mmss' | 'seconds';
}

/**
 * `$BDFKI,<command>,<Y|N>,<frequency flag Y|N>,<cause>,<time>`. What fields 3–5 mean is not
 * settled (docs/beidou.md §Send results); read as: `Y` sent, field 5 the card's interval; `N` with
 * cause 1–6 that cause, else with time left in field 5 (or flag `N`) the interval not yet passed,
 * else a refusal the module did not explain.
 */
export function parseBd21Result(
  s: Sentence,
  o: Bd21ResultOptions = {},
): { command: string; verdict: TransmitVerdict } {
  const command = field(s, 1).trim();
  const seconds = waitSeconds(s, o.waitField ?? 'mmss');
  if (flagField(s, 2))
    return { command, verdict: { kind: 'sent', ...(seconds > 0 ? { intervalS: seconds } : {}) } };
  const cause = intField(s, 4, 0);
  const kind = REASON_VERDICTS[cause];
  if (
    kind === 'frequency' ||
    (kind === undefined && (seconds > 0 || field(s, 3).trim().toUpperCase() === 'N'))
  )
    return { command, verdict: { kind: 'frequency', secondsLeft: seconds } };
  if (kind !== undefined) return { command, verdict: { kind } as TransmitVerdict };
  return { command, verdict: { kind: 'failed', detail: `the module refused it (cause ${cause})` } };
}

function waitSeconds(s: Sentence, unit: 'mmss' | 'seconds'): number {
  const text = field(s, 5).trim();
  if (text === '') return 0;
  if (!/^\d{1,6}$/.test(text)) throw malformed(s, `field 5 is not a time: ${show(text)}`);
  if (unit === 'seconds' || text.length < 3) return Number(text);
  const n = Number(text);
  return Math.floor(n / 100) * 60 + (n % 100);
}
