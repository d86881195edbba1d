/**
 * The world of the satellite link's contract and end-to-end tests (the link contract over
 * a pty, and end to end; docs/iridium.md §7.4): the modem simulator behind a real socat pty pair opened with the
 * real serialport package, the AT driver on the host end, the simulated Iridium network with the
 * simulated RockBLOCK cloud on it, and the county centre's RockBLOCK link (rockblock-centre.ts:
 * push receiver over HTTP on 127.0.0.1 with the cloud's test key, MT client to the cloud's MT API).
 *
 * The gateway's SbdLink makes a fresh driver on a fresh SerialPort at every start(), as the daemon
 * would. Everything simulated runs on one sped-up RealClock: sessions of 5–20 s, holds and
 * backoffs of minutes pass in milliseconds.
 */
import { SerialPort } from 'serialport';
import { RealClock } from '../../../node/src/link/clock.js';
import type { ModemSimOptions } from '../../sim/iridium/modem-sim.js';
import { type PtyModem, startPtyModem } from '../../sim/iridium/pty-modem.js';
import {
  SimulatedIridiumNetwork,
  type SimulatedIridiumNetworkOptions,
} from '../../sim/iridium/simulated-network.js';
import type { RockblockCloudSim } from '../../sim/rockblock/rockblock-cloud.js';
import type { RockblockLink } from '../../src/centre/rockblock-link.js';
import { ModemDriver } from '../../src/modem/modem-driver.js';
import { SbdLink, type SbdLinkOptions } from '../../src/sbd/sbd-link.js';
import { rockblockCentre } from './rockblock-centre.js';

export interface SatelliteWorld {
  clock: RealClock;
  network: SimulatedIridiumNetwork;
  modem: PtyModem;
  cloud: RockblockCloudSim;
  /** The gateway's link (not started). */
  sbd: SbdLink;
  /** The centre's link (started). */
  centre: RockblockLink;
  teardown(): Promise<void>;
}

export interface WorldOptions {
  /** Simulated ms per wall ms. Default 200. */
  speedup?: number;
  link?: Partial<SbdLinkOptions>;
  modem?: Partial<ModemSimOptions>;
  network?: Partial<SimulatedIridiumNetworkOptions>;
  /** Hand every payload to the centre (arbitrary contract frames), not only fieldnode frames. */
  anyPayload?: boolean;
}

async function openSerial(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 19200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

export async function satelliteWorld(o: WorldOptions = {}): Promise<SatelliteWorld> {
  const clock = new RealClock(o.speedup ?? 200);
  const network = new SimulatedIridiumNetwork({ clock, ...o.network });
  const modem = await startPtyModem({ clock, network, epochMs: Date.now(), ...o.modem });
  const { cloud, link: centre } = await rockblockCentre({
    network,
    imeis: [modem.sim.imei],
    anyPayload: o.anyPayload === true,
    pushRetryDelaysMs: [50, 100, 200],
  });
  await centre.start();
  const sbd = new SbdLink({
    id: 'sbd0',
    clock,
    modem: async () =>
      new ModemDriver({
        port: await openSerial(modem.hostPath),
        ringAlerts: true,
        pollIntervalMs: 20,
        pollTimeoutMs: 200,
        powerUpTimeoutMs: 5_000,
        commandTimeoutMs: 2_000,
        sessionTimeoutMs: 10_000,
        writeTimeoutMs: 5_000,
      }),
    ...o.link,
  });
  return {
    clock,
    network,
    modem,
    cloud,
    sbd,
    centre,
    async teardown() {
      await Promise.allSettled([sbd.stop(), centre.stop()]);
      await cloud.close();
      network.close();
      await modem.close();
    },
  };
}
