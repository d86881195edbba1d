/**
 * The satellite links, built from configuration (docs/links.md §Iridium SBD, §The centre's
 * satellite ingress; docs/iridium.md §7): a kit's own 9602/9603 modem (SbdLink), and the county
 * centre's ingress: RockBLOCK pushes in and the MT API out, or DirectIP both ways. The adapters
 * are loaded lazily, when link-factory.ts builds one.
 *
 * Every payload goes on to the core, which keeps those that are not fieldnode frames (its `foreign`
 * event). A signed push whose claims are not the documented shape never becomes a frame: the
 * receiver quarantines it and it is kept here through the context's `keep`, in the daemon's
 * foreign payload file, so nothing paid for is lost (docs/centre-doors.md §What the doors keep).
 * Each door's deduplication keys are kept in the data directory (seen-deliveries-file.ts), so a
 * delivery replayed after a restart is still a duplicate.
 *
 * A rockblock link without MT credentials in the environment is built all the same, to receive
 * only: `mt` says MT is off and why (docs/centre-doors.md §Receiving only).
 *
 * The two centre links name each frame's sending device (`meta.from`, its IMEI), and their
 * neighbours are the configured `imeis`, the enrolled devices: they return `sendersEnrolled`, so
 * that a frame from another IMEI can be told apart (docs/centre-doors.md §Which device sent a
 * frame). The receivers face the internet; their limits are in docs/centre-doors.md. A rockblock
 * link's `verify_key_file` is read by rockblock-verify-key.ts, which refuses the repository's test
 * key (docs/centre-doors.md §Another key than Rock7's).
 */
import type { KeyObject } from 'node:crypto';
import type { Logger } from '../base/logger.js';
import type { DirectIpLinkConfig, IridiumSbdLinkConfig, RockblockLinkConfig } from '../config/schema.js';
import type { BuiltLink, LinkContext, MtStatus } from './built-link.js';
import { readVerifyKeyFile } from './rockblock-verify-key.js';
import { SeenDeliveriesFile, seenDeliveriesPath } from './seen-deliveries-file.js';

/** What the centre links need of the context; the rest is for other links. */
type CentreContext = Pick<LinkContext, 'dataDir' | 'keep'>;

export async function createRockblockLink(
  config: RockblockLinkConfig,
  log: Logger,
  context: CentreContext = {},
): Promise<BuiltLink> {
  const [
    { RockblockLink },
    { RockblockPushReceiver },
    { RockblockMtClient, MT_USERNAME_ENV, MT_PASSWORD_ENV },
  ] = await Promise.all([
    import('../../../satellite/src/centre/rockblock-link.js'),
    import('../../../satellite/src/rockblock/push-receiver.js'),
    import('../../../satellite/src/rockblock/mt-client.js'),
  ]);
  const linkLog = log.child({ mod: 'link', link: config.id });
  let key: KeyObject | undefined;
  if (config.verifyKeyFile !== undefined) {
    // Refuses the repository's test key outside the test runner: anyone could sign with it.
    key = await readVerifyKeyFile(config.id, config.verifyKeyFile);
    linkLog.warn({ file: config.verifyKeyFile }, 'pushes are verified with a key other than Rock7’s');
  }
  const receiver = new RockblockPushReceiver({
    ...(key === undefined ? {} : { key }),
    ...(config.path === undefined ? {} : { path: config.path }),
    ...(await dedupeStore(config.id, context, linkLog)),
    log: linkLog,
  });
  // The receiver logged it (its bytes as hex); kept on disk here.
  const { keep } = context;
  if (keep) receiver.on('quarantine', ({ via: _via, ...q }) => keep({ link: config.id, ...q }));
  // Receiving needs no credentials: without them the link takes pushes and sends nothing.
  const env = process.env;
  const credentials = Boolean(env[MT_USERNAME_ENV] && env[MT_PASSWORD_ENV]);
  const mt: MtStatus = credentials
    ? { on: true }
    : {
        on: false,
        reason: `no RockBLOCK MT credentials: set ${MT_USERNAME_ENV} and ${MT_PASSWORD_ENV} and restart`,
      };
  if (!mt.on) linkLog.warn(`MT is off, the link only receives: ${mt.reason}`);
  const client = credentials
    ? new RockblockMtClient({
        ...(config.mtEndpoint === undefined ? {} : { endpoint: config.mtEndpoint }),
        log: linkLog,
      })
    : undefined;
  const link = new RockblockLink({
    id: config.id,
    receiver,
    listen: config.listen,
    ...(client === undefined ? {} : { mt: client }),
    ...(mt.on ? {} : { mtOff: mt.reason }),
    ...(config.mtu === undefined ? {} : { mtu: config.mtu }),
    ...config.timing,
    log: linkLog,
  });
  // Every frame's meta.from is the IMEI of the signed push; imeis are the enrolled devices.
  return { link, neighbours: { ...config.imeis }, sendersEnrolled: true, mt };
}

/** A door's deduplication keys, in the data directory when there is one. */
async function dedupeStore(linkId: string, context: CentreContext, log: Logger) {
  if (context.dataDir === undefined) return {};
  const store = new SeenDeliveriesFile(seenDeliveriesPath(context.dataDir, linkId), log);
  return { dedupeStore: { store, initial: await store.load() } };
}

export async function createDirectIpLink(
  config: DirectIpLinkConfig,
  log: Logger,
  context: CentreContext = {},
): Promise<BuiltLink> {
  const [{ DirectIpLink }, { DirectIpMoServer }, { DirectIpMtClient }] = await Promise.all([
    import('../../../satellite/src/centre/directip-link.js'),
    import('../../../satellite/src/directip/mo-server.js'),
    import('../../../satellite/src/directip/mt-client.js'),
  ]);
  const linkLog = log.child({ mod: 'link', link: config.id });
  const server = new DirectIpMoServer({
    confirm: config.confirm,
    allowedSources: config.allowedSources,
    ...(config.proxyProtocol ? { proxyProtocol: { trustedProxies: config.trustedProxies } } : {}),
    ...(await dedupeStore(config.id, context, linkLog)),
    log: linkLog,
  });
  const mt = new DirectIpMtClient({ host: config.mtGateway.host, port: config.mtGateway.port, log: linkLog });
  const link = new DirectIpLink({
    id: config.id,
    server,
    listen: config.listen,
    mt,
    ...(config.mtu === undefined ? {} : { mtu: config.mtu }),
    ...config.timing,
    log: linkLog,
  });
  // Every frame's meta.from is the IMEI of the MO header; imeis are the enrolled devices.
  return { link, neighbours: { ...config.imeis }, sendersEnrolled: true, mt: { on: true } };
}

export async function createSbdLink(
  config: IridiumSbdLinkConfig,
  log: Logger,
  context: LinkContext,
): Promise<BuiltLink> {
  const [{ SbdLink }, { ModemDriver }, { openModemPort }] = await Promise.all([
    import('../../../satellite/src/sbd/sbd-link.js'),
    import('../../../satellite/src/modem/modem-driver.js'),
    import('../../../satellite/src/modem/serial-port.js'),
  ]);
  const linkLog = log.child({ mod: 'link', link: config.id });
  // The holds and the credit budget of this link are the core's (app.ts, sharingOf).
  const link = new SbdLink({
    id: config.id,
    ...(config.mtu === undefined ? {} : { mtu: config.mtu }),
    // A fresh port and driver at every start(): a modem that was unplugged comes back.
    modem: async () =>
      new ModemDriver({
        port: await openModemPort(config.port),
        ringAlerts: config.ringAlerts,
        log: linkLog,
      }),
    // The receipt holds, reply grace, confirmation wait and mailbox silence (satellite-timing.ts).
    ...(config.timing?.receiptHoldMs ? { replyHoldMs: config.timing.receiptHoldMs } : {}),
    ...(config.timing?.replyGraceMs === undefined ? {} : { replyGraceMs: config.timing.replyGraceMs }),
    ...(config.timing?.confirmationWaitMs === undefined
      ? {}
      : { confirmationWaitMs: config.timing.confirmationWaitMs }),
    ...(config.timing?.maxMailboxSilenceMs === undefined
      ? {}
      : { maxSilenceMs: config.timing.maxMailboxSilenceMs }),
    log: linkLog,
  });
  link.sbdEvents.on('alarm', (alarm) => linkLog.warn({ alarm }, 'satellite alarm'));
  // Everything from the satellite comes from the gateway side: the centre, unless told otherwise.
  const peer = config.peerNode ?? context.centreNodes[0];
  return { link, neighbours: peer === undefined ? {} : { gateway: peer } };
}
