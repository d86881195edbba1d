/**
 * A BeiDou network for the link's own tests (docs/beidou.md §The simulator): the module simulators
 * and the real driver on in-process streams (beidou-rig.ts), on one stepping virtual clock, links
 * made on its ends, every transmission recorded, and what the links logged kept as lines, so a
 * test can say what was logged once. Hours of intervals run in milliseconds.
 */
import type { Logger } from '../../../node/src/base/logger.js';
import { SteppingClock } from '../../../node/src/link/clock.js';
import { BeidouLink, type BeidouLinkOptions } from '../../src/beidou/beidou-link.js';
import type { BeidouTransmission } from './beidou-network-sim.js';
import { type BeidouRig, beidouRig, type RigCard } from './beidou-rig.js';

export interface LinkWorld {
  clock: SteppingClock;
  rig: BeidouRig;
  /** Every message that left a module's antenna, in order. */
  sent: BeidouTransmission[];
  /** What the links logged, `level message`, in order. */
  logged: string[];
  /** A link on the module of card `end`; it sends at once after a start unless told otherwise. */
  link(end: number, o?: Partial<BeidouLinkOptions>): BeidouLink;
  /** Starts `l` and runs the clock until it is up or down again. */
  started(l: BeidouLink): Promise<void>;
  /** Runs the clock until `p` settles, or `ms` passed. */
  during<T>(p: Promise<T>, ms?: number): Promise<T>;
  /** Stops the links and the network. */
  close(): Promise<void>;
}

/** A logger that keeps `level message` lines (children log to the same list). */
export function linesLogger(lines: string[]): Logger {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push(`${level} ${msg ?? String(obj)}`);
    };
  const log: Logger = {
    child: () => log,
    trace: at('trace'),
    debug: () => {},
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return log;
}

export function linkWorld(
  cards: RigCard[],
  network: { deliveryDelayMs?: readonly [number, number] } = {},
): LinkWorld {
  const clock = new SteppingClock();
  const rig = beidouRig({ clock, cards, network: { deliveryDelayMs: [1000, 1000], ...network } });
  const sent: BeidouTransmission[] = [];
  rig.network.on('sent', (t) => sent.push(t));
  const logged: string[] = [];
  const links: BeidouLink[] = [];
  const during = async <T>(p: Promise<T>, ms = 600_000): Promise<T> => {
    let done = false;
    const out = p.finally(() => {
      done = true;
    });
    await clock.runUntil(() => done, ms);
    return out;
  };
  return {
    clock,
    rig,
    sent,
    logged,
    link(end, o = {}) {
      const l = new BeidouLink({
        id: `bd${end}`,
        module: (rig.ends[end] as BeidouRig['ends'][number]).module,
        clock,
        now: () => clock.now(),
        firstSend: 'at-once',
        beamWaitMs: 2_000,
        log: linesLogger(logged),
        ...o,
      });
      links.push(l);
      return l;
    },
    async started(l) {
      const p = l.start();
      await clock.runUntil(() => l.state.status !== 'starting' && l.state.status !== 'down', 20_000);
      await p;
    },
    during,
    async close() {
      for (const l of links.splice(0)) await during(l.stop(), 1_000);
      rig.close();
    },
  };
}
