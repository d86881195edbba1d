/**
 * The world of the satellite link's contract and end-to-end tests (issue 5 "Must show": link
 * contract over pty, end to end): the modem simulator behind a real socat pty pair opened with the
 * real serialport package, the AT driver on the host end, the simulated Iridium network with the
 * simulated RockBLOCK cloud on it, and the county centre's RockBLOCK link (push receiver over HTTP
 * on 127.0.0.1 with the cloud's test key, MT client to the cloud's MT API).
 *
 * The gateway's SbdLink makes a fresh driver on a fresh SerialPort at every start(), as the daemon
 * would. Everything simulated runs on one sped-up RealClock: sessions of 5–20 s, holds and
 * backoffs of minutes pass in milliseconds.
 */
import { createServer } from 'node:net';
import { SerialPort } from 'serialport';
import { RealClock } from '../../../radio/sim/meshtastic/sim-clock.js';
import type { ModemSimOptions } from '../../sim/iridium/modem-sim.js';
import { type PtyModem, startPtyModem } from '../../sim/iridium/pty-modem.js';
import {
  SimulatedIridiumNetwork,
  type SimulatedIridiumNetworkOptions,
} from '../../sim/iridium/simulated-network.js';
import { RockblockCloudSim } from '../../sim/rockblock/rockblock-cloud.js';
import { TEST_ROCK7_PUBLIC_KEY_PEM } from '../../sim/rockblock/test-key.js';
import { RockblockLink } from '../../src/centre/rockblock-link.js';
import { ModemDriver } from '../../src/modem/modem-driver.js';
import { RockblockMtClient } from '../../src/rockblock/mt-client.js';
import { RockblockPushReceiver } from '../../src/rockblock/push-receiver.js';
import { SbdLink, type SbdLinkOptions } from '../../src/sbd/sbd-link.js';

const HOST = '127.0.0.1';
const USER = 'county-centre';
const PASSWORD = 'pw-test-only';
export const SOCAT = '/usr/bin/socat';

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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
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
  const imei = modem.sim.imei;
  const port = await freePort();
  const cloud = new RockblockCloudSim({
    network,
    account: { username: USER, password: PASSWORD, devices: [{ imei }] },
    pushUrl: `http://${HOST}:${port}/rockblock/mo`,
    pushRetryDelaysMs: [50, 100, 200],
  });
  await cloud.listen(0, HOST);
  const receiver = new RockblockPushReceiver({
    key: TEST_ROCK7_PUBLIC_KEY_PEM,
    path: '/rockblock/mo',
    ...(o.anyPayload ? { classify: () => undefined } : {}),
  });
  const mt = new RockblockMtClient({
    endpoint: cloud.mtUrl(),
    username: USER,
    password: PASSWORD,
    attempts: 3,
    retryDelayMs: 20,
  });
  const centre = new RockblockLink({
    id: 'rockblock0',
    receiver,
    listen: { host: HOST, port },
    mt,
    defaultImeis: [imei],
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
