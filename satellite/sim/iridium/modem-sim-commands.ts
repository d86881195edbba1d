/**
 * The simulated 9603's AT command table (docs/iridium.md §1.1, §1.3; §7.4 checklist items 1–3
 * and 5–7). Each handler answers with the exact strings the checklist names; commands that take
 * time (+CSQ, +SBDIX, the SBDWB/SBDWT uploads) hand over to the modem, which stays busy meanwhile.
 *
 * Answer shapes (V1): information `\r\n<text>\r\n` then `\r\nOK\r\n`; SBDWB/SBDD/SBDC results
 * `<digit>\r\n\r\nOK\r\n`; SBDRB `<len><payload><sum>\r\nOK\r\n` with no leading CRLF.
 */
import { encodeSbdrbBlock } from '../../src/at/sbd-checksum.js';
import type { ModemSimState } from './modem-sim-state.js';

/** What the command table needs from the modem around it. */
export interface CommandHost {
  readonly state: ModemSimState;
  readonly imei: string;
  readonly firmware: string;
  /** Whether this modem lacks the command (`body`: upper case, after `AT`): it answers ERROR. */
  refuses(body: string): boolean;
  /** Writes `out` and returns to command mode (sending URCs held back meanwhile). */
  finish(out: string | Uint8Array): void;
  /** Stays busy for `ms` simulated ms, then runs `then` (which must call finish). */
  busyFor(ms: number, then: () => void): void;
  /** AT+SBDWB=n with n in 1..340: READY, then the binary upload. */
  beginSbdwb(length: number): void;
  /** AT+SBDWT with no argument: READY, then a text line. */
  beginSbdwt(): void;
  /** AT+SBDIX or AT+SBDIXA. */
  beginSession(answerRing: boolean): void;
  /** How long this +CSQ takes, ms. */
  csqDelayMs(): number;
  /** Signal bars now. */
  signalNow(): number;
  /** What follows `-MSSTM: `: lowercase hex without leading zeros, or `no network service`. */
  msstmNow(): string;
  /** After AT+CIER: the current indicator values as +CIEV URCs. */
  reportIndicators(): void;
  saveMomsn(): void;
  /** AT*F: the modem stops answering until it is power-cycled. */
  powerDown(): void;
}

const MAX_MO = 340;
const MAX_SBDWT_LINE = 120;

export function resultCode(state: ModemSimState, ok: boolean): string {
  if (state.verbose) return ok ? '\r\nOK\r\n' : '\r\nERROR\r\n';
  return ok ? '0\r' : '4\r';
}

function info(state: ModemSimState, ...lines: string[]): string {
  return `${lines.map((l) => `\r\n${l}\r\n`).join('')}${resultCode(state, true)}`;
}

function digit(state: ModemSimState, d: number): string {
  return `${d}\r\n${resultCode(state, true)}`;
}

type Handler = (host: CommandHost, m: RegExpExecArray, raw: string) => void;

const ok: Handler = (h) => h.finish(resultCode(h.state, true));
const say =
  (...lines: ((h: CommandHost) => string)[]): Handler =>
  (h) =>
    h.finish(info(h.state, ...lines.map((l) => l(h))));
const mtmsnOf = (s: ModemSimState): number => (s.mt ? s.mt.mtmsn : -1);

/** The commands, matched against the upper-cased text after `AT`. */
const TABLE: readonly (readonly [RegExp, Handler])[] = [
  [/^(Q0?|&[KD]\d?|&Y0?|Z0?)?$/, ok],
  [
    /^E([01]?)$/,
    (h, m) => {
      h.state.echo = m[1] === '1';
      ok(h, m, '');
    },
  ],
  [
    /^V([01]?)$/,
    (h, m) => {
      h.state.verbose = m[1] === '1';
      ok(h, m, '');
    },
  ],
  [
    /^&W0?$/,
    (h, m) => {
      h.state.storedRingAlerts = h.state.ringAlerts;
      ok(h, m, '');
    },
  ],
  [
    /^\*F$/,
    (h, m) => {
      ok(h, m, '');
      h.powerDown();
    },
  ],
  [/^\+C?GSN$/, say((h) => h.imei)],
  [
    /^\+C?GMR$/,
    say(
      (h) => `Call Processor Version: ${h.firmware}`,
      () => 'Modem DSP Version: simulated',
      () => 'Hardware Version: fieldnode 9603 simulator',
    ),
  ],
  [/^\+C?GMI$/, say(() => 'Iridium')],
  [/^\+C?GMM$/, say(() => 'IRIDIUM 9600 Family SBD Transceiver (simulated)')],
  [
    /^\+CSQ$/,
    (h) =>
      h.busyFor(h.csqDelayMs(), () => {
        h.state.lastSignal = h.signalNow();
        h.finish(info(h.state, `+CSQ:${h.state.lastSignal}`));
      }),
  ],
  [/^\+CSQF$/, say((h) => `+CSQF:${h.state.lastSignal}`)],
  [/^-MSSTM$/, say((h) => `-MSSTM: ${h.msstmNow()}`)],
  [
    /^\+SBDWB=(\d{1,9})$/,
    (h, m) => {
      const n = Number(m[1]);
      // Result 3 comes instead of READY (§1.3).
      if (n < 1 || n > MAX_MO) h.finish(digit(h.state, 3));
      else h.beginSbdwb(n);
    },
  ],
  [/^\+SBDWT$/, (h) => h.beginSbdwt()],
  [
    /^\+SBDWT=/,
    (h, _m, raw) => {
      const text = raw.slice('+SBDWT='.length);
      if (text.length > MAX_SBDWT_LINE) h.finish(resultCode(h.state, false));
      else {
        h.state.mo = Buffer.from(text, 'latin1');
        h.finish(resultCode(h.state, true));
      }
    },
  ],
  [
    /^\+SBDRB$/,
    (h) => {
      const block = encodeSbdrbBlock(h.state.mt?.payload ?? new Uint8Array(0));
      h.finish(Buffer.concat([block, Buffer.from(resultCode(h.state, true), 'latin1')]));
    },
  ],
  [
    /^\+SBDRT$/,
    (h) => {
      const text = Buffer.from(h.state.mt?.payload ?? new Uint8Array(0)).toString('latin1');
      h.finish(`\r\n+SBDRT:\r\n${text}\r\n${resultCode(h.state, true)}`);
    },
  ],
  [
    /^\+SBDD([012])$/,
    (h, m) => {
      if (m[1] !== '1') h.state.mo = undefined;
      if (m[1] !== '0') h.state.mt = undefined;
      h.finish(digit(h.state, 0));
    },
  ],
  [
    /^\+SBDC$/,
    (h) => {
      h.state.momsn = 0;
      h.saveMomsn();
      h.finish(digit(h.state, 0));
    },
  ],
  [/^\+SBDS$/, say(({ state: s }) => `+SBDS: ${s.mo ? 1 : 0}, ${s.momsn}, ${s.mt ? 1 : 0}, ${mtmsnOf(s)}`)],
  [
    /^\+SBDSX$/,
    say(
      ({ state: s }) =>
        `+SBDSX: ${s.mo ? 1 : 0}, ${s.momsn}, ${s.mt ? 1 : 0}, ${mtmsnOf(s)}, ${s.raFlag ? 1 : 0}, ${s.mtWaiting}`,
    ),
  ],
  [
    /^\+SBDTC$/,
    (h) => {
      const payload = h.state.mo ?? new Uint8Array(0);
      h.state.mt = { mtmsn: 0, payload: Uint8Array.from(payload) };
      h.finish(info(h.state, `SBDTC: Outbound SBD Copied to Inbound SBD: size = ${payload.length}`));
    },
  ],
  [/^\+SBDIX(A?)(=.*)?$/, (h, m) => h.beginSession(m[1] === 'A')],
  [
    /^\+SBDMTA=([01])$/,
    (h, m) => {
      h.state.ringAlerts = m[1] === '1';
      ok(h, m, '');
    },
  ],
  [/^\+SBDMTA\?$/, say(({ state: s }) => `+SBDMTA:${s.ringAlerts ? 1 : 0}`)],
  [
    /^\+SBDST=(\d{1,4})$/,
    (h, m) => {
      h.state.sessionTimeoutS = Number(m[1]);
      ok(h, m, '');
    },
  ],
  [/^\+SBDST\?$/, say(({ state: s }) => `+SBDST:${s.sessionTimeoutS}`)],
  [
    /^\+CIER=([01])(?:,([01]))?(?:,([01]))?(?:,([01]))?(?:,([01]))?$/,
    (h, m) => {
      h.state.cier = {
        mode: Number(m[1]),
        signal: m[2] === '1',
        service: m[3] === '1',
        antenna: m[4] === '1',
      };
      ok(h, m, '');
      // "returns an OK response, but just after that it transmits the first indicator events" (§1.3).
      h.reportIndicators();
    },
  ],
  [/^\+CRIS$/, say(({ state: s }) => `+CRIS:000,00${s.sbdRing ? 1 : 0}`)],
  [/^\+SBDREG\?$/, say(({ state: s }) => `+SBDREG:${s.registered ? 2 : 0}`)],
  [
    /^\+SBDDET$/,
    (h) => {
      h.state.registered = false;
      h.finish(info(h.state, '+SBDDET:0,0'));
    },
  ],
  [/^\+SBDAREG=[012]$/, ok],
];

/** Runs one command line (without its CR). `line` keeps its case for SBDWT's text. */
export function runCommand(host: CommandHost, line: string): void {
  const trimmed = line.trim();
  if (!/^AT/i.test(trimmed)) {
    host.finish(resultCode(host.state, false));
    return;
  }
  const raw = trimmed.slice(2);
  const body = raw.toUpperCase();
  if (host.refuses(body)) {
    host.finish(resultCode(host.state, false));
    return;
  }
  for (const [pattern, handler] of TABLE) {
    const m = pattern.exec(body);
    if (m !== null) {
      handler(host, m, raw);
      return;
    }
  }
  host.finish(resultCode(host.state, false));
}
