/**
 * The BeiDou short-message link, built from configuration (docs/beidou.md §Configuration;
 * docs/links.md §BeiDou short message). The adapter is loaded lazily, when link-factory.ts builds
 * one, so a node without a BeiDou module never loads it.
 *
 * A kit's link sends to the centre's card and takes what comes from it as from the centre (or
 * `peer_node`). The centre's link maps the kits' cards to their node ids, like the IMEIs of the
 * Iridium doors: every frame's `meta.from` is the sending card as the module reported it, and the
 * configured cards are the enrolled devices (`sendersEnrolled`).
 */
import type { Logger } from '../base/logger.js';
import type { BeidouLinkConfig } from '../config/schema.js';
import type { BuiltLink, LinkContext } from './built-link.js';

export async function createBeidouLink(
  config: BeidouLinkConfig,
  log: Logger,
  context: LinkContext,
): Promise<BuiltLink> {
  const [{ BeidouLink }, { BeidouModule }, { openBeidouPort, closeBeidouPort }] = await Promise.all([
    import('../../../satellite/src/beidou/beidou-link.js'),
    import('../../../satellite/src/beidou/beidou-module.js'),
    import('../../../satellite/src/beidou/beidou-port.js'),
  ]);
  const linkLog = log.child({ mod: 'link', link: config.id });
  const cards = Object.keys(config.cards);
  const link = new BeidouLink({
    id: config.id,
    ...(config.mtu === undefined ? {} : { mtu: config.mtu }),
    ...(config.centreCard === undefined ? {} : { centreCard: config.centreCard }),
    cards,
    broadcast: config.broadcast,
    ...(config.messageBits === undefined ? {} : { messageBits: config.messageBits }),
    firstSend: config.firstSend,
    beamLossMs: config.beamLossMs,
    ...(config.confirmationWaitMs === undefined ? {} : { confirmationWaitMs: config.confirmationWaitMs }),
    // A fresh port and driver at every start(): a module that was unplugged comes back.
    module: async () => {
      const port = await openBeidouPort(config.port, config.baud);
      const module = new BeidouModule({
        port,
        protocol: config.protocol,
        bd21: {
          waitField: config.resultTime,
          ...(config.beamThreshold?.bd21 === undefined ? {} : { minPower: config.beamThreshold.bd21 }),
        },
        ...(config.beamThreshold?.bd3 === undefined ? {} : { bd3: { minPower: config.beamThreshold.bd3 } }),
        log: linkLog,
      });
      return { module, close: () => closeBeidouPort(port) };
    },
    log: linkLog,
  });
  if (config.centreCard !== undefined) {
    const peer = config.peerNode ?? context.centreNodes[0];
    return { link, neighbours: peer === undefined ? {} : { [config.centreCard]: peer } };
  }
  // Every frame's meta.from is the sending card; cards are the enrolled devices.
  return {
    link,
    neighbours: { ...config.cards },
    ...(cards.length > 0 ? { sendersEnrolled: true as const } : {}),
  };
}
