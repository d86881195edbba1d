/**
 * `fieldnode sim beidou --pty [options]`: a simulated BeiDou short-message module on a
 * pseudo-terminal, for trying the daemon, a terminal program or another driver without a module
 * (docs/beidou.md §The simulator). It runs until SIGINT or SIGTERM. Behind the module is a
 * simulated network with one other card, the peer: every message the module sends is printed, and
 * with --loopback the peer sends it back, so that a kit's link sees its own frames come home. Every
 * fault of the module simulator is a flag (beidou-sim-args.ts), and the opening line names those on.
 */
import { RealClock } from '../../../node/src/link/clock.js';
import { toHex } from '../../src/beidou/sentence-fields.js';
import { runUntilSignal, type SimIo, untilAborted } from '../run-until-signal.js';
import { constantBeams, seededBeams } from './beam-schedule.js';
import { BeidouNetworkSim } from './beidou-network-sim.js';
import { BEIDOU_SIM_USAGE, faultsInWords, parseBeidouSimArgs } from './beidou-sim-args.js';
import { startPtyBeidouModule } from './pty-module.js';

export { BEIDOU_SIM_USAGE };

/** Runs the simulator until `io.stop` is aborted; returns the exit code. */
export async function runBeidouSim(args: string[], io: SimIo): Promise<number> {
  const a = parseBeidouSimArgs(args, io);
  if (a === undefined) return 0;
  const { peer, loopback, visible, seed, speedup, card } = a;
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
    protocol: a.protocol,
    clock,
    network,
    seed,
    ...(card === undefined ? {} : { card }),
    beams: visible === 1 ? constantBeams(2) : seededBeams({ seed, availableFraction: visible }),
    faults: a.faults,
    ...(a.rebootMs === undefined ? {} : { rebootMs: a.rebootMs }),
    ...(a.linkPath === undefined ? {} : { linkPath: a.linkPath }),
  });
  module.sim.setSilence(a.silence);
  module.sim.setInhibited(a.inhibit);
  const cardText =
    card === undefined ? 'no card' : `card ${card.address} level ${card.level}, interval ${card.intervalS} s`;
  const faults = faultsInWords(a);
  io.out(
    `BeiDou ${a.protocol === 'bd3' ? 'BeiDou-3 regional' : 'BeiDou-2 2.1'} module simulator, ${cardText}, ` +
      `on ${module.hostPath} (115200 8N1; peer ${peer}${loopback ? ', loopback' : ''}, beam locked ` +
      `${Math.round(visible * 100)}% of the time, seed ${seed}${speedup === 1 ? '' : `, ${speedup}x`}` +
      `${faults === '' ? '' : `; ${faults}`}). Ctrl-C stops it.\n`,
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
