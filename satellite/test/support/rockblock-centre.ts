/**
 * The county centre on the simulated RockBLOCK web services, for tests (docs/iridium.md §2, §7.4,
 * §7.5): the simulated RockBLOCK cloud on a given simulated Iridium network, pushing to the
 * centre's RockblockLink over HTTP on 127.0.0.1 (push receiver with the cloud's test key, MT client
 * to the cloud's MT API). The link is built, not started.
 */
import type { Logger } from '../../../node/src/base/logger.js';
import type { SimulatedIridiumNetwork } from '../../sim/iridium/simulated-network.js';
import { RockblockCloudSim } from '../../sim/rockblock/rockblock-cloud.js';
import { TEST_ROCK7_PUBLIC_KEY_PEM } from '../../sim/rockblock/test-key.js';
import { RockblockLink } from '../../src/centre/rockblock-link.js';
import { RockblockMtClient } from '../../src/rockblock/mt-client.js';
import { RockblockPushReceiver } from '../../src/rockblock/push-receiver.js';
import { freePort } from './link-helpers.js';

export const CENTRE_HOST = '127.0.0.1';
/** The account's MT API credentials. */
export const CENTRE_USER = 'county-centre';
export const CENTRE_PASSWORD = 'pw-Zq8!never-logged';

export interface RockblockCentreOptions {
  network: SimulatedIridiumNetwork;
  /** The RockBLOCKs on the account; the first is the link's default IMEI. */
  imeis: readonly [string, ...string[]];
  /**
   * Ignored: the link hands on every payload, whatever it holds (the core classifies). Still
   * accepted until satellite-world.ts and its callers stop passing it.
   * @deprecated
   */
  anyPayload?: boolean;
  /** The MT client's password. Default CENTRE_PASSWORD (the account's). */
  password?: string;
  /** The MT client's tries per message. Default 3. */
  mtAttempts?: number;
  /** The cloud's push retry delays. Default the cloud's own. */
  pushRetryDelaysMs?: readonly number[];
  log?: Logger;
}

export interface RockblockCentre {
  cloud: RockblockCloudSim;
  receiver: RockblockPushReceiver;
  link: RockblockLink;
}

export async function rockblockCentre(o: RockblockCentreOptions): Promise<RockblockCentre> {
  const log = o.log ? { log: o.log } : {};
  const port = await freePort(CENTRE_HOST);
  const cloud = new RockblockCloudSim({
    network: o.network,
    account: { username: CENTRE_USER, password: CENTRE_PASSWORD, devices: o.imeis.map((imei) => ({ imei })) },
    pushUrl: `http://${CENTRE_HOST}:${port}/rockblock/mo`,
    ...(o.pushRetryDelaysMs ? { pushRetryDelaysMs: o.pushRetryDelaysMs } : {}),
    ...log,
  });
  await cloud.listen(0, CENTRE_HOST);
  const receiver = new RockblockPushReceiver({
    key: TEST_ROCK7_PUBLIC_KEY_PEM,
    path: '/rockblock/mo',
    ...log,
  });
  const mt = new RockblockMtClient({
    endpoint: cloud.mtUrl(),
    username: CENTRE_USER,
    password: o.password ?? CENTRE_PASSWORD,
    attempts: o.mtAttempts ?? 3,
    retryDelayMs: 20,
    ...log,
  });
  const link = new RockblockLink({
    id: 'rockblock0',
    receiver,
    listen: { host: CENTRE_HOST, port },
    mt,
    defaultImeis: [o.imeis[0]],
    ...log,
  });
  return { cloud, receiver, link };
}
