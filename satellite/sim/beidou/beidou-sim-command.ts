/**
 * `fieldnode sim beidou --pty [options]`: a simulated BeiDou short-message module on a
 * pseudo-terminal, for trying the daemon, a terminal program or another driver without a module
 * (docs/beidou.md §The simulator). It runs until SIGINT or SIGTERM. Behind the module is a
 * simulated network with one other card, the peer: every message the module sends is printed, and
 * with --loopback the peer sends it back, so that a kit's link sees its own frames come home.
 */
import type { KitError } from '../../../node/src/base/errors.js';
import { RealClock } from '../../../node/src/link/clock.js';
import type { BeidouProtocol } from '../../src/beidou/beidou-types.js';
import { toHex } from '../../src/beidou/sentence-fields.js';
import { runUntilSignal, type SimIo, untilAborted } from '../run-until-signal.js';
import { numberOption, parseSimArgs, stringOption, usageError } from '../sim-args.js';
import { constantBeams, seededBeams } from './beam-schedule.js';
import { BeidouNetworkSim } from './beidou-network-sim.js';
import type { ForcedAnswer } from './module-sim-faults.js';
import { startPtyBeidouModule } from './pty-module.js';

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
  --peer N            the other card on the network (default 4207733)
  --loopback          the peer sends every message back
  --visible FRACTION  share of time a beam is locked, 0-1 (default 1: always)
  --fault NAME=CHANCE refuse sends at random: inhibited, silence, no-beam, no-card,
                      no-permission, failed, no-result (repeatable)
  --rnss              write RNSS $GNRMC sentences between the others
  --seed N            seed for beams, delays and faults (default 1)
  --speedup N         run simulated time N times faster than real time (default 1)
`;

const usage = (message: string): KitError => usageError(BEIDOU_SIM_USAGE, message);

const FAULTS = [
  'inhibited',
  'silence',
  'no-beam',
  'no-card',
  'no-permission',
  'failed',
  'no-result',
] as const;

function cardOption(text: string | undefined, name: string, fallback: string): string {
  const card = text ?? fallback;
  if (!/^\d{7,8}$/.test(card))
    throw usage(`${name}: a card address has 7 or 8 digits, not ${JSON.stringify(card)}`);
  return card;
}

function faultsOption(values: unknown): Partial<Record<Exclude<ForcedAnswer, 'sent'>, number>> {
  const out: Partial<Record<Exclude<ForcedAnswer, 'sent'>, number>> = {};
  for (const item of Array.isArray(values) ? values : []) {
    const m = /^([a-z-]+)=([0-9.]+)$/.exec(String(item));
    const name = m?.[1] as (typeof FAULTS)[number] | undefined;
    const chance = Number(m?.[2]);
    if (name === undefined || !FAULTS.includes(name) || !(chance >= 0 && chance <= 1))
      throw usage(`bad --fault ${JSON.stringify(item)}: NAME=CHANCE, NAME one of ${FAULTS.join(', ')}`);
    out[name] = chance;
  }
  return out;
}

/** Runs the simulator until `io.stop` is aborted; returns the exit code. */
export async function runBeidouSim(args: string[], io: SimIo): Promise<number> {
  const values = parseSimArgs(
    args,
    {
      pty: { type: 'boolean' },
      link: { type: 'string' },
      protocol: { type: 'string' },
      card: { type: 'string' },
      level: { type: 'string' },
      interval: { type: 'string' },
      broadcast: { type: 'string' },
      command: { type: 'boolean' },
      'no-card': { type: 'boolean' },
      peer: { type: 'string' },
      loopback: { type: 'boolean' },
      visible: { type: 'string' },
      fault: { type: 'string', multiple: true },
      rnss: { type: 'boolean' },
      seed: { type: 'string' },
      speedup: { type: 'string' },
    },
    BEIDOU_SIM_USAGE,
    io,
  );
  if (values === undefined) return 0;
  if (values.pty !== true) throw usage('--pty is required (the only transport so far)');
  const str = (k: string): string | undefined => stringOption(values, k);
  const protocol = (str('protocol') ?? 'bd3') as BeidouProtocol;
  if (protocol !== 'bd3' && protocol !== 'bd21')
    throw usage(`--protocol is bd3 or bd21, not ${JSON.stringify(protocol)}`);
  const address = cardOption(str('card'), '--card', '4204990');
  const peer = cardOption(str('peer'), '--peer', '4207733');
  const broadcast =
    str('broadcast') === undefined ? undefined : cardOption(str('broadcast'), '--broadcast', '');
  const level =
    numberOption(BEIDOU_SIM_USAGE, str('level'), '--level', (n) => Number.isInteger(n) && n >= 1 && n <= 5) ??
    4;
  const intervalS =
    numberOption(
      BEIDOU_SIM_USAGE,
      str('interval'),
      '--interval',
      (n) => Number.isInteger(n) && n >= 0 && n <= 3600,
    ) ?? 60;
  const visible = numberOption(BEIDOU_SIM_USAGE, str('visible'), '--visible', (n) => n >= 0 && n <= 1) ?? 1;
  const seed =
    numberOption(BEIDOU_SIM_USAGE, str('seed'), '--seed', (n) => Number.isInteger(n) && n >= 0) ?? 1;
  const speedup =
    numberOption(BEIDOU_SIM_USAGE, str('speedup'), '--speedup', (n) => n > 0 && n <= 1_000_000) ?? 1;
  const random = faultsOption(values.fault);
  const loopback = values.loopback === true;
  const link = str('link');

  const clock = new RealClock(speedup);
  const network = new BeidouNetworkSim({ clock, seed, deliveryDelayMs: [1_000, 5_000] });
  network.join({
    address: peer,
    broadcast: undefined,
    receive: (t) => {
      io.out(`peer ${peer} received ${t.bytes.length} bytes from ${t.from}\n`);
      if (loopback)
        network.transmit({ from: peer, to: t.from, bytes: t.bytes, at: clock.now(), broadcast: false });
    },
  });
  network.on('sent', (t) => {
    if (t.from !== peer)
      io.out(
        `sent ${t.from} -> ${t.to}${t.broadcast ? ' (broadcast)' : ''}: ${t.bytes.length} bytes ${toHex(t.bytes)}\n`,
      );
  });
  const module = await startPtyBeidouModule({
    protocol,
    clock,
    network,
    seed,
    ...(values['no-card'] === true
      ? {}
      : {
          card: {
            address,
            level,
            intervalS,
            ...(broadcast === undefined ? {} : { broadcast }),
            ...(values.command === true ? { userType: 0 } : {}),
          },
        }),
    beams: visible === 1 ? constantBeams(2) : seededBeams({ seed, availableFraction: visible }),
    faults: { random, rnss: values.rnss === true },
    ...(link === undefined ? {} : { linkPath: link }),
  });
  const card =
    values['no-card'] === true ? 'no card' : `card ${address} level ${level}, interval ${intervalS} s`;
  io.out(
    `BeiDou ${protocol === 'bd3' ? 'BeiDou-3 regional' : 'BeiDou-2 2.1'} module simulator, ${card}, ` +
      `on ${module.hostPath} (115200 8N1; peer ${peer}${loopback ? ', loopback' : ''}, beam locked ` +
      `${Math.round(visible * 100)}% of the time, seed ${seed}${speedup === 1 ? '' : `, ${speedup}x`}). Ctrl-C stops it.\n`,
  );
  await untilAborted(io.stop);
  await module.close();
  network.close();
  io.out('BeiDou simulator stopped.\n');
  return 0;
}

/** The CLI entry: runs the simulator until SIGINT or SIGTERM. */
export function beidouSimCommand(args: string[]): Promise<number> {
  return runUntilSignal((io) => runBeidouSim(args, io));
}
