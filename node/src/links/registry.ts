/**
 * The composition root's link factory (STYLE.md §12.1: node/ loads a concrete link only here, and
 * lazily, so a disabled link never loads native code).
 */

import type { LinkConfig } from '../config/schema.js';
import { KitError } from '../errors.js';
import type { Link } from '../link/link.js';
import type { Logger } from '../log-types.js';

export interface BuiltLink {
  link: Link;
  /** Link address → node id of configured neighbours (for custody signals). */
  neighbours: Record<string, number>;
}

export async function createLink(config: LinkConfig, log: Logger): Promise<BuiltLink> {
  switch (config.type) {
    case 'udp': {
      const { UdpLink } = await import('./udp-link.js');
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
    default:
      // The Meshtastic and Iridium links are their own issues; say so instead of pretending.
      throw new KitError('LINK_NOT_FOUND', `link ${config.id}: type ${config.type} is not built yet`);
  }
}
