/**
 * The sentences a simulated BeiDou module writes to its host (docs/beidou.md §BeiDou-3 regional
 * protocol, §BeiDou-2 2.1 protocol), in each protocol's layout: the card, the beam report, a send's
 * result and a received message. Times are the simulation's clock read as UTC from an epoch.
 */
import type { TransmitVerdict } from '../../src/beidou/beidou-types.js';
import type { Sentence } from '../../src/beidou/sentence.js';
import { toHex } from '../../src/beidou/sentence-fields.js';

/** hhmmss of a unix ms, UTC. */
export function hhmmss(unixMs: number): string {
  const d = new Date(unixMs);
  return [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join('');
}

/** The reason code each refusal has in `$BDFKI` (both protocols number them alike). */
export const REASON_CODES: Readonly<Record<Exclude<TransmitVerdict['kind'], 'sent'>, number>> = {
  frequency: 1,
  inhibited: 2,
  silence: 3,
  'no-beam': 4,
  'no-card': 5,
  'no-permission': 6,
  failed: 0,
};

/** `$BDFKI,<hhmmss>,TCQ,<Y|N>,<reason>,<seconds left>`. */
export function bd3Result(
  unixMs: number,
  answer: TransmitVerdict['kind'],
  secondsLeft: number,
  reason?: number,
): Sentence {
  const ok = answer === 'sent';
  const code = ok ? 0 : (reason ?? REASON_CODES[answer]);
  return {
    talker: 'BD',
    name: 'FKI',
    fields: [
      hhmmss(unixMs),
      'TCQ',
      ok ? 'Y' : 'N',
      String(code),
      String(answer === 'frequency' ? secondsLeft : 0),
    ],
  };
}

/** mmss (or plain seconds) as the 2.1 result's field 5 writes it. */
function waitText(seconds: number, unit: 'mmss' | 'seconds'): string {
  if (unit === 'seconds') return String(seconds).padStart(4, '0');
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * `$BDFKI,TXA,<Y|N>,Y,<cause>,<time>`: sent, with the card's interval in field 5; refused for the
 * interval with cause 0 and the time left, as the published capture (`DWA,N,Y,0,0058`); refused
 * otherwise with the cause and no time.
 */
export function bd21Result(
  answer: TransmitVerdict['kind'],
  seconds: number,
  unit: 'mmss' | 'seconds',
  reason?: number,
): Sentence {
  if (answer === 'sent')
    return { talker: 'BD', name: 'FKI', fields: ['TXA', 'Y', 'Y', '0', waitText(seconds, unit)] };
  if (answer === 'frequency')
    return { talker: 'BD', name: 'FKI', fields: ['TXA', 'N', 'Y', '0', waitText(seconds, unit)] };
  const code = reason ?? REASON_CODES[answer];
  return { talker: 'BD', name: 'FKI', fields: ['TXA', 'N', 'Y', String(code), waitText(0, unit)] };
}

/** `$BDTCI,<from>,<to>,2,<hhmmss>,2,0,<hex>`. */
export function bd3Message(from: string, to: string, bytes: Uint8Array, unixMs: number): Sentence {
  return { talker: 'BD', name: 'TCI', fields: [from, to, '2', hhmmss(unixMs), '2', '0', toHex(bytes)] };
}

/** `$BDTXR,<1 | 3 broadcast>,<from>,2,<hhmm>,A4<hex>` (or without the marker, for a module that drops it). */
export function bd21Message(
  from: string,
  bytes: Uint8Array,
  unixMs: number,
  broadcast: boolean,
  marker: boolean,
): Sentence {
  return {
    talker: 'BD',
    name: 'TXR',
    fields: [
      broadcast ? '3' : '1',
      from,
      '2',
      hhmmss(unixMs).slice(0, 4),
      `${marker ? 'A4' : ''}${toHex(bytes)}`,
    ],
  };
}

/**
 * `$BDPWI,<hhmmss.ss>,2,{id,p,p}×2,3,{id,p,p,p}×3`: the BeiDou-2 beams in groups of `widths[0]`
 * fields, the BeiDou-3 ones in groups of `widths[1]`; locked beams read 42–48 dB-Hz, the others
 * 20–35, and the time reads zero while none is locked.
 */
export function bd3Beams(
  unixMs: number,
  locked: number,
  random: () => number,
  widths: readonly [number, number] = [3, 4],
): Sentence {
  const time = locked > 0 ? `${hhmmss(unixMs)}.00` : '000000.00';
  let left = locked;
  const group = (id: number, width: number) => {
    const lock = left > 0;
    if (lock) left--;
    const power = () => String(Math.floor(lock ? 42 + random() * 7 : 20 + random() * 16));
    return [String(id).padStart(2, '0'), ...Array.from({ length: width - 1 }, power)];
  };
  // BeiDou-3 beams first: a regional module locks those.
  const bd3 = [1, 2, 3].map((id) => group(id, widths[1]));
  const bd2 = [1, 2].map((id) => group(id, widths[0]));
  return { talker: 'BD', name: 'PWI', fields: [time, '2', ...bd2.flat(), '3', ...bd3.flat()] };
}

/** `$BDBSI,<response beam>,<time-difference beam>,<10 powers 0–4>`: locked beams read 3–4. */
export function bd21Beams(locked: number, random: () => number): Sentence {
  const powers = Array.from({ length: 10 }, (_, i) =>
    String(i < locked ? 3 + Math.floor(random() * 2) : Math.floor(random() * 2)),
  );
  const resp = locked > 0 ? '01' : '00';
  const diff = locked > 1 ? '02' : resp;
  return { talker: 'BD', name: 'BSI', fields: [resp, diff, ...powers] };
}

/** `$GNRMC`: an RNSS position sentence, which a combined module writes between the others. */
export function rnssSentence(unixMs: number): Sentence {
  const d = new Date(unixMs);
  const date = [d.getUTCDate(), d.getUTCMonth() + 1, d.getUTCFullYear() % 100]
    .map((n) => String(n).padStart(2, '0'))
    .join('');
  return {
    talker: 'GN',
    name: 'RMC',
    fields: [
      `${hhmmss(unixMs)}.00`,
      'A',
      '2812.3456',
      'N',
      '11258.1234',
      'E',
      '0.0',
      '0.0',
      date,
      '',
      '',
      'A',
    ],
  };
}
