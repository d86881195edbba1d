/**
 * `fieldnode sim iridium --pty [--link PATH] [--imei N] [--visible FRACTION] [--seed N]
 * [--loopback] [--speedup N]`: a simulated Iridium 9603 on a pseudo-terminal, for trying the
 * daemon, minicom or another driver without a modem (docs/iridium.md §7.4). It runs until
 * SIGINT or SIGTERM. Behind the modem is a ScriptedNetwork: MO messages are printed, and with
 * --loopback each comes back as an MT message (with a ring alert). The lead wires this into the CLI;
 * later it can sit on the simulated RockBLOCK network instead.
 */
import type { KitError } from '../../../node/src/base/errors.js';
import { RealClock } from '../../../node/src/link/clock.js';
import { runUntilSignal, type SimIo, untilAborted } from '../run-until-signal.js';
import { numberOption, parseSimArgs, stringOption, usageError } from '../sim-args.js';
import { constantSky, seededSky } from './modem-sim-sky.js';
import { startPtyModem } from './pty-modem.js';
import { ScriptedNetwork } from './scripted-network.js';

export const IRIDIUM_SIM_USAGE = `Usage: fieldnode sim iridium --pty [options]

A simulated Iridium 9603 (RockBLOCK) modem on a pseudo-terminal, until Ctrl-C.

  --pty               serve the modem on a pseudo-terminal pair made by socat (required)
  --link PATH         make PATH a symlink to the terminal to open (e.g. /tmp/iridium)
  --imei N            the modem's 15-digit IMEI (default 300534060000001)
  --visible FRACTION  share of time a satellite is in view, 0-1 (default 1: always)
  --seed N            seed for the sky, session times and faults (default 1)
  --loopback          send every MO message back as an MT message
  --speedup N         run simulated time N times faster than real time (default 1)
`;

export type IridiumSimIo = SimIo;

const usage = (message: string): KitError => usageError(IRIDIUM_SIM_USAGE, message);

/** Runs the simulator until `io.stop` is aborted; returns the exit code. */
export async function runIridiumSim(args: string[], io: IridiumSimIo): Promise<number> {
  const values = parseSimArgs(
    args,
    {
      pty: { type: 'boolean' },
      link: { type: 'string' },
      imei: { type: 'string' },
      visible: { type: 'string' },
      seed: { type: 'string' },
      loopback: { type: 'boolean' },
      speedup: { type: 'string' },
    },
    IRIDIUM_SIM_USAGE,
    io,
  );
  if (values === undefined) return 0;
  if (values.pty !== true) throw usage('--pty is required (the only transport so far)');
  const str = (k: string): string | undefined => stringOption(values, k);
  const imei = str('imei') ?? '300534060000001';
  if (!/^\d{15}$/.test(imei)) throw usage(`an IMEI has 15 digits, not ${JSON.stringify(imei)}`);
  const visible = numberOption(IRIDIUM_SIM_USAGE, str('visible'), '--visible', (n) => n >= 0 && n <= 1) ?? 1;
  const seed =
    numberOption(IRIDIUM_SIM_USAGE, str('seed'), '--seed', (n) => Number.isInteger(n) && n >= 0) ?? 1;
  const speedup =
    numberOption(IRIDIUM_SIM_USAGE, str('speedup'), '--speedup', (n) => n > 0 && n <= 1_000_000) ?? 1;
  const loopback = values.loopback === true;
  const link = str('link');

  const clock = new RealClock(speedup);
  const network = new ScriptedNetwork({
    clock,
    loopback,
    onSession: (req, result) => {
      const mo =
        req.mo === undefined
          ? 'mailbox check'
          : `${req.mo.length} bytes ${Buffer.from(req.mo).toString('hex')}`;
      const mt = result.mt === undefined ? '' : `, MT ${result.mt.mtmsn} (${result.mt.payload.length} bytes)`;
      io.out(`session MOMSN ${req.momsn}: ${mo}${mt}, ${result.mtQueued} queued\n`);
    },
  });
  const modem = await startPtyModem({
    clock,
    network,
    imei,
    seed,
    sky: visible === 1 ? constantSky(4) : seededSky({ seed, visibleFraction: visible }),
    ...(link === undefined ? {} : { linkPath: link }),
  });
  io.out(
    `Iridium 9603 simulator, IMEI ${imei}, on ${modem.hostPath} ` +
      `(satellite in view ${Math.round(visible * 100)}% of the time, seed ${seed}` +
      `${loopback ? ', loopback' : ''}${speedup === 1 ? '' : `, ${speedup}x`}). Ctrl-C stops it.\n`,
  );
  await untilAborted(io.stop);
  await modem.close();
  io.out('Iridium simulator stopped.\n');
  return 0;
}

/** The CLI entry: runs the simulator until SIGINT or SIGTERM. */
export function iridiumSimCommand(args: string[]): Promise<number> {
  return runUntilSignal((io) => runIridiumSim(args, io));
}
