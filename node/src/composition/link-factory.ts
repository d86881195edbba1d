/**
 * The composition root's link factory (docs/conventions.md §Layout and dependencies: node/ loads a concrete link only here, and
 * lazily, so a disabled link never loads native code).
 */

import type { Logger } from '../base/logger.js';
import type { LinkConfig } from '../config/schema.js';
import { createBeidouLink } from './beidou-links.js';
import type { BuiltLink, LinkContext } from './built-link.js';
import { createMeshtasticLink } from './radio-links.js';
import { createDirectIpLink, createRockblockLink, createSbdLink } from './satellite-links.js';

export async function createLink(
  config: LinkConfig,
  log: Logger,
  context: LinkContext = { centreNodes: [1] },
): Promise<BuiltLink> {
  switch (config.type) {
    case 'udp': {
      const { UdpLink } = await import('../ip/udp-link.js');
      const peers = Object.fromEntries(config.peers.map((p) => [p.name, { host: p.host, port: p.port }]));
      const neighbours: Record<string, number> = {};
      for (const p of config.peers) if (p.node !== undefined) neighbours[p.name] = p.node;
      const link = new UdpLink({
        id: config.id,
        bind: config.bind,
        peers,
        ...(config.mtu !== undefined ? { mtu: config.mtu } : {}),
        log: log.child({ mod: 'link', link: config.id }),
      });
      return { link, neighbours };
    }
    case 'meshtastic':
      return createMeshtasticLink(config, log);
    case 'iridium-sbd':
      return createSbdLink(config, log, context);
    case 'rockblock':
      return createRockblockLink(config, log, context);
    case 'directip':
      return createDirectIpLink(config, log, context);
    case 'beidou':
      return createBeidouLink(config, log, context);
  }
}
