/**
 * The satellite links, built from configuration (issue 5; protocols/iridium.md): a kit's own
 * 9602/9603 modem (SbdLink), and the county centre's ingress: RockBLOCK pushes in and the MT API
 * out, or DirectIP both ways.
 * Loaded lazily by registry.ts. A verified push that is not a fieldnode message is quarantined:
 * kept in the receiver and written to the log whole, so nothing that was paid for is lost.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { DirectIpLinkConfig, IridiumSbdLinkConfig, RockblockLinkConfig } from '../config/schema.js';
import type { BuiltLink, LinkContext } from './built-link.js';

export async function createRockblockLink(config: RockblockLinkConfig, log: Logger): Promise<BuiltLink> {
  const [{ RockblockLink }, { RockblockPushReceiver }, { RockblockMtClient }] = await Promise.all([
    import('../../../satellite/src/centre/rockblock-link.js'),
    import('../../../satellite/src/rockblock/push-receiver.js'),
    import('../../../satellite/src/rockblock/mt-client.js'),
  ]);
  const linkLog = log.child({ mod: 'link', link: config.id });
  let key: string | undefined;
  if (config.verifyKeyFile !== undefined) {
    try {
      key = await readFile(config.verifyKeyFile, 'utf8');
    } catch (cause) {
      throw new KitError('CONFIG_UNREADABLE', `link ${config.id}: cannot read ${config.verifyKeyFile}`, {
        cause,
      });
    }
    linkLog.warn({ file: config.verifyKeyFile }, 'pushes are verified with a key other than Rock7’s');
  }
  const receiver = new RockblockPushReceiver({
    ...(key === undefined ? {} : { key }),
    ...(config.path === undefined ? {} : { path: config.path }),
    log: linkLog,
  });
  receiver.on('quarantine', (q) => linkLog.warn({ quarantined: q }, 'satellite payload quarantined'));
  const mt = new RockblockMtClient({
    ...(config.mtEndpoint === undefined ? {} : { endpoint: config.mtEndpoint }),
    log: linkLog,
  });
  const link = new RockblockLink({ id: config.id, receiver, listen: config.listen, mt, log: linkLog });
  return { link, neighbours: { ...config.imeis } };
}

export async function createDirectIpLink(config: DirectIpLinkConfig, log: Logger): Promise<BuiltLink> {
  const [{ DirectIpLink }, { DirectIpMoServer }, { DirectIpMtClient }] = await Promise.all([
    import('../../../satellite/src/centre/directip-link.js'),
    import('../../../satellite/src/directip/mo-server.js'),
    import('../../../satellite/src/directip/mt-client.js'),
  ]);
  const linkLog = log.child({ mod: 'link', link: config.id });
  const server = new DirectIpMoServer({
    confirm: config.confirm,
    allowedSources: config.allowedSources,
    log: linkLog,
  });
  server.on('quarantine', (q) => linkLog.warn({ quarantined: q }, 'satellite payload quarantined'));
  const mt = new DirectIpMtClient({ host: config.mtGateway.host, port: config.mtGateway.port, log: linkLog });
  const link = new DirectIpLink({
    id: config.id,
    server,
    listen: config.listen,
    mt,
    ...(config.mtu === undefined ? {} : { mtu: config.mtu }),
    log: linkLog,
  });
  return { link, neighbours: { ...config.imeis } };
}

export async function createSbdLink(
  config: IridiumSbdLinkConfig,
  log: Logger,
  context: LinkContext,
): Promise<BuiltLink> {
  const [{ SbdLink }, { ModemDriver }, { openModemPort }, { BudgetFile }, { systemClock }] =
    await Promise.all([
      import('../../../satellite/src/sbd/sbd-link.js'),
      import('../../../satellite/src/modem/modem-driver.js'),
      import('../../../satellite/src/modem/serial-port.js'),
      import('../../../satellite/src/sbd/budget-file.js'),
      import('../link/clock.js'),
    ]);
  const linkLog = log.child({ mod: 'link', link: config.id });
  const link = new SbdLink({
    id: config.id,
    // A fresh port and driver at every start(): a modem that was unplugged comes back.
    modem: async () =>
      new ModemDriver({
        port: await openModemPort(config.port),
        ringAlerts: config.ringAlerts,
        log: linkLog,
      }),
    ...(config.holdMs === undefined ? {} : { holdMs: [0, ...config.holdMs] as const }),
    budget: {
      ...config.budget,
      // What was spent survives a restart (a kit on solar reboots): one file per link.
      ...(context.dataDir === undefined
        ? {}
        : {
            ledger: new BudgetFile(
              join(context.dataDir, `sbd-budget-${config.id}.json`),
              linkLog,
              systemClock,
            ),
          }),
    },
    log: linkLog,
  });
  link.sbdEvents.on('alarm', (alarm) => linkLog.warn({ alarm }, 'satellite alarm'));
  // Everything from the satellite comes from the gateway side: the centre, unless told otherwise.
  const peer = config.peerNode ?? context.centreNodes[0];
  return { link, neighbours: peer === undefined ? {} : { gateway: peer } };
}
