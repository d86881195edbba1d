/**
 * The BeiDou-3 regional short-message sentences fieldnode uses (docs/beidou.md §BeiDou-3 regional
 * protocol): the card query `$CCICR` and its answer `$BDICP`, the beam report `$BDPWI`, the send
 * `$CCTCQ` with its result `$BDFKI`, and a received message `$BDTCI`. Binary payloads go in the
 * code mode (代码, encoding 2) as hex bytes.
 */
import type { BeamStatus, CardInfo, InboundMessage, TransmitVerdict } from './beidou-types.js';
import { REASON_VERDICTS } from './beidou-types.js';
import type { Sentence } from './sentence.js';
import { addressField, field, flagField, hexField, intField, malformed, toHex } from './sentence-fields.js';

/** `$CCICR,0,00`: asks for the card (`$BDICP`). */
export const BD3_CARD_QUERY: Sentence = { talker: 'CC', name: 'ICR', fields: ['0', '00'] };

/** The code mode (代码): hex bytes. */
export const BD3_CODE_ENCODING = 2;

export interface Bd3SendOptions {
  /** The frequency point (1–5, LF0–LF4). Default 2, as the worked examples. */
  freqPoint?: number;
  /** 1 no 入站确认, 2 ask for it. Default 1: delivery is fieldnode's own receipt. */
  ack?: 1 | 2;
}

/** `$CCTCQ,<dest>,<freq point>,<ack>,2,<hex>,0`: one message in code mode, sent once. */
export function bd3Send(dest: string, bytes: Uint8Array, o: Bd3SendOptions = {}): Sentence {
  return {
    talker: 'CC',
    name: 'TCQ',
    fields: [
      dest,
      String(o.freqPoint ?? 2),
      String(o.ack ?? 1),
      String(BD3_CODE_ENCODING),
      toHex(bytes),
      '0',
    ],
  };
}

/**
 * `$BDICP`: field 1 the address, 2 the broadcast id, 6 confidentiality, 7 device type, 14 the
 * service interval in seconds, 15 the level (0 is level 5). The other fields are not relied on.
 */
export function parseBd3Card(s: Sentence): CardInfo {
  if (s.fields.length < 15) throw malformed(s, `${s.fields.length} fields, at least 15 expected`);
  const broadcast = field(s, 2).trim();
  const level = intField(s, 15);
  if (level > 5) throw malformed(s, `level ${level} is not 0–5`);
  const encrypted = field(s, 6).trim().toUpperCase() === 'Y';
  const deviceType = field(s, 7).trim();
  return {
    protocol: 'bd3',
    address: addressField(s, 1),
    ...(/^\d{1,8}$/.test(broadcast) && /[1-9]/.test(broadcast) ? { broadcast } : {}),
    level: level === 0 ? 5 : level,
    intervalS: intField(s, 14),
    encrypted,
    ...(/^\d{1,2}$/.test(deviceType) ? { userType: Number(deviceType) } : {}),
  };
}

export interface PwiOptions {
  /** A beam counts as locked at this reading or above (dB-Hz). Default 40. */
  minPower?: number;
}

/**
 * `$BDPWI,<hhmmss.ss>,<n2>,{BeiDou-2 beam groups},<n3>,{BeiDou-3 beam groups}`: each group a beam
 * id and two or three readings; how many is not settled (docs/beidou.md §Beams), so the widths are
 * found from the counts and the number of fields. The time reads zero until the module has
 * timing: then no beam counts as locked.
 */
export function parseBd3Beams(s: Sentence, o: PwiOptions = {}): BeamStatus {
  const minPower = o.minPower ?? 40;
  const n2 = intField(s, 2);
  const widths = [3, 4, 2];
  for (const w2 of widths) {
    const at3 = 3 + n2 * w2; // field number of n3
    if (at3 > s.fields.length) continue;
    const n3Text = field(s, at3).trim();
    if (!/^\d{1,3}$/.test(n3Text)) continue;
    const n3 = Number(n3Text);
    for (const w3 of widths) {
      if (at3 + n3 * w3 !== s.fields.length) continue;
      const groups = [...groupsAt(s, 3, n2, w2), ...groupsAt(s, at3 + 1, n3, w3)];
      const timed = /[1-9]/.test(field(s, 1));
      const best = Math.max(0, ...groups);
      return { locked: timed ? groups.filter((p) => p >= minPower).length : 0, bestPower: timed ? best : 0 };
    }
  }
  throw malformed(s, `beam groups do not add up to ${s.fields.length} fields`);
}

/** The best reading of each of `count` groups of `width` fields from field `first` (the id first). */
function groupsAt(s: Sentence, first: number, count: number, width: number): number[] {
  const out: number[] = [];
  for (let g = 0; g < count; g++) {
    let best = 0;
    for (let k = 1; k < width; k++) best = Math.max(best, intField(s, first + g * width + k, 0));
    out.push(best);
  }
  return out;
}

/** `$BDTCI,<sender>,<receiver>,<freq point>,<hhmmss>,<encoding>,<?>,<data>`. */
export function parseBd3Message(s: Sentence): InboundMessage {
  if (s.fields.length < 7) throw malformed(s, `${s.fields.length} fields, 7 expected`);
  const encoding = intField(s, 5);
  const sentAt = field(s, 4).trim();
  const base = {
    from: addressField(s, 1),
    to: addressField(s, 2),
    ...(sentAt === '' ? {} : { sentAt }),
  };
  if (encoding === BD3_CODE_ENCODING) return { ...base, bytes: hexField(s, 7), encoding: 'binary' };
  const raw = new Uint8Array(Buffer.from(field(s, 7), 'latin1'));
  return { ...base, bytes: raw, encoding: encoding === 1 ? 'text' : 'other' };
}

/** `$BDFKI,<hhmmss>,<command>,<Y|N>,<reason>,<seconds left>`. */
export function parseBd3Result(s: Sentence): { command: string; verdict: TransmitVerdict } {
  const command = field(s, 2).trim();
  if (flagField(s, 3)) return { command, verdict: { kind: 'sent' } };
  const reason = intField(s, 4, 0);
  const kind = REASON_VERDICTS[reason];
  if (kind === 'frequency') return { command, verdict: { kind, secondsLeft: intField(s, 5, 0) } };
  if (kind !== undefined) return { command, verdict: { kind } as TransmitVerdict };
  return { command, verdict: { kind: 'failed', detail: `the module refused it (reason ${reason})` } };
}

/** `$CCRMO,PWI,2,0`: asks for the beam report (docs/beidou.md §Beams: sent on both protocols). */
export const BD3_BEAM_OUTPUT: Sentence = { talker: 'CC', name: 'RMO', fields: ['PWI', '2', '0'] };
