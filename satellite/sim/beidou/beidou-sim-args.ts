/**
 * The options of `fieldnode sim beidou` (docs/beidou.md §The simulator): its usage text, and the
 * arguments read into the simulated card, network and module, every fault the module simulator
 * has (module-sim-faults.ts) and its states (radio silence, transmitter inhibit) selectable by a
 * flag. Usage errors say what is wrong and end with the usage (../sim-args.ts).
 */
import type { KitError } from '../../../node/src/base/errors.js';
import type { BeidouProtocol } from '../../src/beidou/beidou-types.js';
import { numberOption, parseSimArgs, type SimArgs, stringOption, usageError } from '../sim-args.js';
import type { ForcedAnswer, ModuleFaults } from './module-sim-faults.js';
import type { SimCard } from './sim-card.js';

export const BEIDOU_SIM_USAGE = `Usage: fieldnode sim beidou --pty [options]

A simulated BeiDou short-message module on a pseudo-terminal, until Ctrl-C.

  --pty               serve the module on a pseudo-terminal pair made by socat (required)
  --link PATH         make PATH a symlink to the terminal to open (e.g. /tmp/beidou)
  --protocol P        bd3 (BeiDou-3 regional, default) or bd21 (BeiDou-2 "2.1")
  --card N            the card's address, 7 or 8 digits (default 4204990)
  --level N           the card's level, 1-5 (default 4)
  --interval S        the card's service interval, seconds (default 60)
  --broadcast N       the card's broadcast group (default none)
  --command           a command card (指挥机): it may send to its broadcast group
  --no-card           a module without a card
  --max-bits N        the card carries at most N bits a message, less than its level says
  --peer N            the other card on the network (default 4207733)
  --loopback          the peer sends every message back
  --seed N            seed for beams, delays and faults (default 1)
  --speedup N         run simulated time N times faster than real time (default 1)

Faults:
  --visible FRACTION  share of time a beam is locked, 0-1 (default 1: always; 0: never)
  --fault NAME=CHANCE answer sends at random with NAME instead of checking: frequency,
                      inhibited, silence, no-beam, no-card, no-permission, failed,
                      no-result (repeatable)
  --answer N=NAME[:S] answer send number N (from 1) with NAME; for frequency, S seconds
                      left (repeatable)
  --silence           radio silence (发射静默) on: every send refused, reason 3
  --inhibit           transmitter inhibited (发射抑制): every send refused, reason 2
  --reset-every S     the module resets every S seconds: silent, then its beam report off
                      until $CCRMO asks again
  --reset-at S        the module resets S seconds after it starts (repeatable)
  --reboot S          how long a reset keeps it silent, seconds (default 3)
  --corrupt CHANCE    chance that a sentence goes out with a wrong checksum
  --junk CHANCE       chance of junk bytes before a sentence
  --split N           write each sentence in pieces of 1 to N bytes
  --rnss              write RNSS $GNRMC sentences between the others
`;

/** What the arguments ask for. */
export interface BeidouSimArgs {
  protocol: BeidouProtocol;
  /** Absent with --no-card. */
  card?: SimCard;
  peer: string;
  loopback: boolean;
  /** Share of the time a beam is locked, 0–1. */
  visible: number;
  faults: ModuleFaults;
  silence: boolean;
  inhibit: boolean;
  /** How long a reset keeps the module silent, ms. */
  rebootMs?: number;
  seed: number;
  speedup: number;
  linkPath?: string;
}

const usage = (message: string): KitError => usageError(BEIDOU_SIM_USAGE, message);

const ANSWERS = [
  'frequency',
  'inhibited',
  'silence',
  'no-beam',
  'no-card',
  'no-permission',
  'failed',
  'no-result',
] as const satisfies readonly Exclude<ForcedAnswer, 'sent'>[];
type Answer = (typeof ANSWERS)[number];

const OPTIONS = {
  pty: { type: 'boolean' },
  link: { type: 'string' },
  protocol: { type: 'string' },
  card: { type: 'string' },
  level: { type: 'string' },
  interval: { type: 'string' },
  broadcast: { type: 'string' },
  command: { type: 'boolean' },
  'no-card': { type: 'boolean' },
  'max-bits': { type: 'string' },
  peer: { type: 'string' },
  loopback: { type: 'boolean' },
  visible: { type: 'string' },
  fault: { type: 'string', multiple: true },
  answer: { type: 'string', multiple: true },
  silence: { type: 'boolean' },
  inhibit: { type: 'boolean' },
  'reset-every': { type: 'string' },
  'reset-at': { type: 'string', multiple: true },
  reboot: { type: 'string' },
  corrupt: { type: 'string' },
  junk: { type: 'string' },
  split: { type: 'string' },
  rnss: { type: 'boolean' },
  seed: { type: 'string' },
  speedup: { type: 'string' },
} as const;

function cardOption(text: string | undefined, name: string, fallback: string): string {
  const card = text ?? fallback;
  if (!/^\d{7,8}$/.test(card))
    throw usage(`${name}: a card address has 7 or 8 digits, not ${JSON.stringify(card)}`);
  return card;
}

function isAnswer(name: string | undefined): name is Answer {
  return (ANSWERS as readonly string[]).includes(name ?? '');
}

function randomOption(values: unknown): Partial<Record<Answer, number>> {
  const out: Partial<Record<Answer, number>> = {};
  for (const item of Array.isArray(values) ? values : []) {
    const m = /^([a-z-]+)=([0-9.]+)$/.exec(String(item));
    const name = m?.[1];
    const chance = Number(m?.[2]);
    if (!isAnswer(name) || !(chance >= 0 && chance <= 1))
      throw usage(`bad --fault ${JSON.stringify(item)}: NAME=CHANCE, NAME one of ${ANSWERS.join(', ')}`);
    out[name] = chance;
  }
  return out;
}

function scriptOption(values: unknown): NonNullable<ModuleFaults['script']> {
  const out: Array<{ send: number; answer: ForcedAnswer; secondsLeft?: number }> = [];
  for (const item of Array.isArray(values) ? values : []) {
    const m = /^([1-9]\d{0,8})=([a-z-]+)(?::(\d{1,4}))?$/.exec(String(item));
    const name = m?.[2];
    if (m === null || !isAnswer(name) || (m[3] !== undefined && name !== 'frequency'))
      throw usage(
        `bad --answer ${JSON.stringify(item)}: N=NAME or N=frequency:SECONDS, N the send from 1, NAME one of ${ANSWERS.join(', ')}`,
      );
    out.push({
      send: Number(m[1]),
      answer: name,
      ...(m[3] === undefined ? {} : { secondsLeft: Number(m[3]) }),
    });
  }
  return out;
}

/** Reads the arguments; undefined for --help (printed with `io`). @throws KitError CLI_USAGE. */
export function parseBeidouSimArgs(
  args: string[],
  io: { out(text: string): void },
): BeidouSimArgs | undefined {
  const values: SimArgs | undefined = parseSimArgs(args, OPTIONS, BEIDOU_SIM_USAGE, io);
  if (values === undefined) return undefined;
  if (values.pty !== true) throw usage('--pty is required (the only transport so far)');
  const str = (k: string): string | undefined => stringOption(values, k);
  const num = (k: string, ok: (n: number) => boolean) => numberOption(BEIDOU_SIM_USAGE, str(k), `--${k}`, ok);
  const chance = (k: string) => num(k, (n) => n >= 0 && n <= 1);
  const protocol = (str('protocol') ?? 'bd3') as BeidouProtocol;
  if (protocol !== 'bd3' && protocol !== 'bd21')
    throw usage(`--protocol is bd3 or bd21, not ${JSON.stringify(protocol)}`);
  const address = cardOption(str('card'), '--card', '4204990');
  const broadcast =
    str('broadcast') === undefined ? undefined : cardOption(str('broadcast'), '--broadcast', '');
  const level = num('level', (n) => Number.isInteger(n) && n >= 1 && n <= 5) ?? 4;
  const intervalS = num('interval', (n) => Number.isInteger(n) && n >= 0 && n <= 3600) ?? 60;
  const maxBits = num('max-bits', (n) => Number.isInteger(n) && n >= 8 && n <= 14_000);
  const seconds = (n: number) => n > 0 && n <= 86_400;
  const resetEvery = num('reset-every', seconds);
  const resetAt = (Array.isArray(values['reset-at']) ? values['reset-at'] : []).map((t) => {
    const at = numberOption(BEIDOU_SIM_USAGE, String(t), '--reset-at', (n) => n >= 0 && n <= 86_400);
    return (at as number) * 1000;
  });
  const reboot = num('reboot', (n) => n >= 0 && n <= 600);
  const split = num('split', (n) => Number.isInteger(n) && n >= 1 && n <= 1000);
  const corrupt = chance('corrupt');
  const junk = chance('junk');
  const faults: ModuleFaults = {
    random: randomOption(values.fault),
    script: scriptOption(values.answer),
    rnss: values.rnss === true,
    ...(corrupt === undefined ? {} : { corruptChecksum: corrupt }),
    ...(junk === undefined ? {} : { junk }),
    ...(split === undefined ? {} : { splitWrites: split }),
    ...(resetAt.length === 0 ? {} : { resetAtMs: resetAt }),
    ...(resetEvery === undefined ? {} : { resetEveryMs: resetEvery * 1000 }),
  };
  const link = str('link');
  return {
    protocol,
    ...(values['no-card'] === true
      ? {}
      : {
          card: {
            address,
            level,
            intervalS,
            ...(broadcast === undefined ? {} : { broadcast }),
            ...(values.command === true ? { userType: 0 } : {}),
            ...(maxBits === undefined ? {} : { maxBits }),
          },
        }),
    peer: cardOption(str('peer'), '--peer', '4207733'),
    loopback: values.loopback === true,
    visible: chance('visible') ?? 1,
    faults,
    silence: values.silence === true,
    inhibit: values.inhibit === true,
    ...(reboot === undefined ? {} : { rebootMs: reboot * 1000 }),
    seed: num('seed', (n) => Number.isInteger(n) && n >= 0) ?? 1,
    speedup: num('speedup', (n) => n > 0 && n <= 1_000_000) ?? 1,
    ...(link === undefined ? {} : { linkPath: link }),
  };
}

/** The faults in words, for the simulator's opening line; '' when there are none. */
export function faultsInWords(a: BeidouSimArgs): string {
  const f = a.faults;
  const words = [
    ...Object.entries(f.random ?? {}).map(([name, c]) => `${name} ${Math.round((c ?? 0) * 100)}%`),
    ...(f.script ?? []).map((s) => `send ${s.send}: ${s.answer}`),
    ...(a.silence ? ['radio silence'] : []),
    ...(a.inhibit ? ['transmitter inhibited'] : []),
    ...(f.resetEveryMs === undefined ? [] : [`a reset every ${f.resetEveryMs / 1000} s`]),
    ...(f.resetAtMs ?? []).map((t) => `a reset at ${t / 1000} s`),
    ...(f.corruptChecksum === undefined ? [] : [`${Math.round(f.corruptChecksum * 100)}% wrong checksums`]),
    ...(f.junk === undefined ? [] : [`${Math.round(f.junk * 100)}% junk`]),
    ...(f.splitWrites === undefined ? [] : [`writes split to ${f.splitWrites} bytes`]),
    ...(f.rnss ? ['RNSS sentences'] : []),
  ];
  return words.length === 0 ? '' : `faults: ${words.join(', ')}`;
}
