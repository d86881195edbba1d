/**
 * The demonstration county's satellite path (docs/demo-county.md §How it is wired; docs/iridium.md
 * §7.4): the gateway's simulated RockBLOCK 9603 on a pseudo-terminal (socat), the simulated Iridium
 * network behind the sky, and the simulated RockBLOCK web services on it, which push each MO
 * message to the centre's push receiver and take the centre's MT messages at their MT API on
 * 127.0.0.1.
 *
 * - The pushes are signed with the simulator's own RSA key, made on the first run in the county's
 *   folder (sim-signing-key.ts), never the repository's test key; the centre's `verify_key_file`
 *   names its public half (docs/centre-doors.md §Another key than Rock7's).
 * - The MT API's account gets credentials made for this run. The centre's RockBLOCK link reads
 *   them from the process environment, as a real centre reads Rock7's
 *   (FIELDNODE_ROCKBLOCK_USERNAME, FIELDNODE_ROCKBLOCK_PASSWORD); the county sets them there while
 *   it runs and puts back what was there when it stops.
 * - The modem keeps its MOMSN in the folder, as its NVM keeps it across power cycles. The network's
 *   MT queue lives in memory: what was queued when the county stopped is lost with it, and the
 *   centre sends it again after its confirmation wait.
 *
 * The gateway's SBD link opens the modem by path only, so without socat there is no satellite:
 * the county then joins the gateway to the centre over UDP on 127.0.0.1 instead (county-configs.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../base/logger.js';
import { RealClock } from '../link/clock.js';
import type { DemoPaths } from './demo-paths.js';

export interface CountySatelliteOptions {
  paths: DemoPaths;
  /** The gateway modem's IMEI. */
  imei: string;
  /** The folder of the gateway's device links. */
  radioDir: string;
  /** Where the cloud pushes MO messages: the centre's push receiver. */
  pushUrl: string;
  /** How long a session that reaches the gateway takes, ms. Default the simulator's, 5–20 s. */
  sessionMs?: readonly [number, number];
  log: Logger;
}

export interface CountySatellite {
  /** The serial device the gateway's SBD link opens. */
  modemPath: string;
  /** The MT API the centre sends to. */
  mtEndpoint: string;
  /** The public key the centre verifies pushes with. */
  verifyKeyFile: string;
  /** This run's MT API account, which the centre takes from the environment. */
  credentials: { username: string; password: string };
  close(): Promise<void>;
}

export async function startCountySatellite(o: CountySatelliteOptions): Promise<CountySatellite> {
  const [
    { SimulatedIridiumNetwork },
    { RockblockCloudSim },
    { loadOrCreateSimSigningKey },
    { startPtyModem },
  ] = await Promise.all([
    import('../../../satellite/sim/iridium/simulated-network.js'),
    import('../../../satellite/sim/rockblock/rockblock-cloud.js'),
    import('../../../satellite/sim/rockblock/sim-signing-key.js'),
    import('../../../satellite/sim/iridium/pty-modem.js'),
  ]);
  const log = o.log.child({ sim: 'iridium' });
  const key = await loadOrCreateSimSigningKey(o.paths.rockblockKeys);
  const clock = new RealClock();
  const network = new SimulatedIridiumNetwork({ clock, log });
  const credentials = {
    username: `demo-${randomBytes(4).toString('hex')}`,
    password: randomBytes(18).toString('base64url'),
  };
  const cloud = new RockblockCloudSim({
    network,
    account: { ...credentials, devices: [{ imei: o.imei }] },
    pushUrl: o.pushUrl,
    pushFormat: 'json',
    signingKey: key.privateKey,
    log,
  });
  const closers: Array<() => Promise<void>> = [async () => network.close(), () => cloud.close()];
  const close = async () => {
    for (const c of closers.splice(0).reverse())
      await c().catch((err: unknown) => o.log.warn({ err }, 'closing the satellite simulator failed'));
  };
  try {
    await cloud.listen(0, '127.0.0.1');
    await mkdir(o.radioDir, { recursive: true, mode: 0o700 });
    await mkdir(join(o.paths.dir, 'sim'), { recursive: true, mode: 0o700 });
    const modem = await startPtyModem({
      clock,
      network,
      imei: o.imei,
      momsnFile: o.paths.modemMomsn(o.imei),
      linkPath: join(o.radioDir, 'ttyIridium'),
      ...(o.sessionMs === undefined ? {} : { sessionMs: o.sessionMs }),
      log,
    });
    closers.push(() => modem.close());
    return {
      modemPath: modem.hostPath,
      mtEndpoint: cloud.mtUrl(),
      verifyKeyFile: key.publicKeyFile,
      credentials,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
