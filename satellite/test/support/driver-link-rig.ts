/**
 * A test rig for the SBD link over the real AT driver and the modem simulator (docs/iridium.md
 * §7.1, §7.4), on an in-process duplex pair: like the daemon, the link makes a fresh driver on a
 * fresh port at every start(). Everything the link logs and every session it reports is kept, and
 * every command the host writes is seen, so tests can wait for a session to be under way.
 */
import type { Clock } from '../../../node/src/link/clock.js';
import { createDuplexPair } from '../../../node/src/link/duplex-pair.js';
import { seededRandom } from '../../../node/src/link/seeded-random.js';
import { IridiumModemSim, type ModemSimOptions } from '../../sim/iridium/modem-sim.js';
import { ScriptedNetwork } from '../../sim/iridium/scripted-network.js';
import { type RecordedLine, recordingLogger } from '../../sim/recording-logger.js';
import { ModemDriver } from '../../src/modem/modem-driver.js';
import { SbdLink, type SbdLinkOptions, type SbdSessionRecord } from '../../src/sbd/sbd-link.js';

export interface DriverLinkRig<C extends Clock> {
  clock: C;
  network: ScriptedNetwork;
  sim: IridiumModemSim;
  link: SbdLink;
  lines: RecordedLine[];
  sessions: SbdSessionRecord[];
  /** Every command the modem ran, as the host typed it (without its CR). */
  commands(): string[];
  /** How many drivers (ports) the link has made. */
  drivers(): number;
  /** The modem's port goes away (a USB modem unplugged): the link goes down with port-closed. */
  unplug(): void;
  /** Stops the link and the simulator. */
  close(): Promise<void>;
}

export function driverLinkRig<C extends Clock>(
  clock: C,
  options: { modem?: Partial<ModemSimOptions>; link?: Partial<SbdLinkOptions> } = {},
): DriverLinkRig<C> {
  const network = new ScriptedNetwork({ clock });
  // The simulator logs each command line it runs at debug level: that is what the host typed.
  const simLog = recordingLogger();
  const sim = new IridiumModemSim({
    clock,
    network,
    epochMs: Date.UTC(2026, 6, 14),
    log: simLog,
    ...options.modem,
  });
  const log = recordingLogger();
  let made = 0;
  let host: ReturnType<typeof createDuplexPair>[0] | undefined;
  const link = new SbdLink({
    id: 'sbd0',
    clock,
    log,
    random: seededRandom(5),
    modem: () => {
      sim.detach();
      const [h, device] = createDuplexPair();
      sim.attach(device);
      host = h;
      made++;
      return new ModemDriver({
        port: h,
        log,
        pollIntervalMs: 5,
        pollTimeoutMs: 500,
        powerUpTimeoutMs: 5_000,
        commandTimeoutMs: 5_000,
        signalTimeoutMs: 5_000,
        writeTimeoutMs: 5_000,
        // Wall-clock ms: long enough that only the link's own clock ends a session in these tests.
        sessionTimeoutMs: 600_000,
      });
    },
    ...options.link,
  });
  const sessions: SbdSessionRecord[] = [];
  link.sbdEvents.on('session', (s) => sessions.push(s));
  return {
    clock,
    network,
    sim,
    link,
    lines: log.lines,
    sessions,
    commands: () =>
      simLog.lines
        .filter((l) => l.msg === 'modem sim command')
        .map((l) => (JSON.parse(l.text) as { line: string }).line),
    drivers: () => made,
    unplug: () => host?.destroy(),
    close: async () => {
      await link.stop();
      sim.close();
    },
  };
}
