/**
 * One configured link as the core gets it, built now or, when it cannot be yet, later
 * (docs/centre-doors.md §A link that cannot start; docs/architecture.md §The composition root).
 *
 * A link whose build fails with a KitError (a key file missing or refused, …) is not left out:
 * a {@link PendingLink} takes its place, down with the reason, and builds it again each time the
 * supervisor starts it. Once it is built, the core's record of the link gets what the build says
 * (its neighbours, whether its senders are enrolled) before the link is started, so no frame
 * arrives before the core knows whom the link's senders must be. Any other error is a fault in
 * the program or a configuration the checker should have refused, and is thrown: the daemon does
 * not start.
 */
import { isKitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { LinkConfig } from '../config/schema.js';
import type { CoreLink } from '../core/core-types.js';
import type { LinkKind } from '../link/link.js';
import type { BuiltLink, LinkContext, MtStatus } from './built-link.js';
import { createLink } from './link-factory.js';
import { PendingLink } from './pending-link.js';

export interface ConfiguredLink {
  /** For the core. A pending link's `neighbours` and `sendersEnrolled` are filled once it is built. */
  coreLink: CoreLink;
  /** Whether a centre satellite link sends MT messages; undefined for other links and until built. */
  mt(): MtStatus | undefined;
}

/** The kind of link each configured type builds. */
const KIND: Readonly<Record<LinkConfig['type'], LinkKind>> = {
  udp: 'ip',
  meshtastic: 'meshtastic',
  'iridium-sbd': 'iridium-sbd',
  rockblock: 'iridium-sbd',
  directip: 'iridium-sbd',
  beidou: 'beidou',
};

/**
 * What a pending link declares until it is built: the configured `mtu`, else the smallest frame
 * its medium is sure to carry (the 9602/9603 MT limit of 270 bytes, docs/iridium.md §1.4; a LoRa
 * frame of 200; the least a BeiDou link takes, 72, docs/beidou.md §Message size). Nothing is sent
 * on a link that is down, so only a plan made meanwhile sees it.
 */
const PENDING_MTU: Readonly<Record<LinkKind, number>> = {
  ip: 1200,
  meshtastic: 200,
  'iridium-sbd': 270,
  beidou: 72,
  fake: 200,
};

export async function configuredLink(
  config: LinkConfig,
  log: Logger,
  context: LinkContext,
  core: Pick<CoreLink, 'costClass' | 'sharing'>,
): Promise<ConfiguredLink> {
  let mt: MtStatus | undefined;
  const coreLink: CoreLink = { ...core, link: undefined as never, neighbours: {} };
  const took = (built: BuiltLink) => {
    Object.assign(coreLink.neighbours, built.neighbours);
    if (built.sendersEnrolled) coreLink.sendersEnrolled = true;
    mt = built.mt;
    return built.link;
  };
  try {
    coreLink.link = took(await createLink(config, log, context));
  } catch (error) {
    if (!isKitError(error)) throw error;
    const kind = KIND[config.type];
    coreLink.link = new PendingLink({
      id: config.id,
      kind,
      mtu: config.mtu ?? PENDING_MTU[kind],
      // BeiDou sends cost no money: a card's interval is its limit (docs/beidou.md §The link).
      billed: config.cost === 'satellite' && config.type !== 'beidou',
      // A radio's GPS or a kit modem's Iridium time; the centre's doors tell none.
      tellsTime: config.type === 'meshtastic' || config.type === 'iridium-sbd',
      build: async () => took(await createLink(config, log, context)),
      error,
      log: log.child({ mod: 'link', link: config.id }),
    });
  }
  return { coreLink, mt: () => mt };
}
