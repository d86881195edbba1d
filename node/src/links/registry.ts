/**
 * The composition root's link factory (STYLE.md §12.1: node/ loads a concrete link only here, and
 * lazily, so a disabled link never loads native code).
 */

import type { LinkConfig } from '../config/schema.js';
import type { Link } from '../link/link.js';
import type { Logger } from '../log-types.js';
import { createDirectIpLink, createRockblockLink, createSbdLink } from './satellite-ingress.js';

export interface BuiltLink {
  link: Link;
  /** Link address → node id of configured neighbours (for custody signals). */
  neighbours: Record<string, number>;
}

/** What a link may need to know of the node it serves. */
export interface LinkContext {
  /** The county centre's node ids (the satellite's peer by default). */
  centreNodes: readonly number[];
  /** The node's data directory, for what a link keeps across restarts (the SBD credit budget). */
  dataDir?: string;
}

export async function createLink(
  config: LinkConfig,
  log: Logger,
  context: LinkContext = { centreNodes: [1] },
): Promise<BuiltLink> {
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
    case 'meshtastic': {
      const [{ MeshtasticLink }, { formatNodeId, parseNodeId }] = await Promise.all([
        import('../../../radio/src/meshtastic/meshtastic-link.js'),
        import('../../../radio/src/meshtastic/node-id.js'),
      ]);
      const transport =
        config.transport.kind === 'serial'
          ? new (await import('../../../radio/src/transports/serial-transport.js')).SerialTransport({
              path: config.transport.path,
            })
          : new (await import('../../../radio/src/transports/tcp-transport.js')).TcpTransport({
              host: config.transport.host,
              port: config.transport.port,
            });
      // Inbound frames name their sender in the canonical "!0a0b0c0d" form; the file may use any.
      const neighbours: Record<string, number> = {};
      for (const [address, node] of Object.entries(config.neighbours)) {
        const num = parseNodeId(address);
        if (num !== undefined) neighbours[formatNodeId(num)] = node;
      }
      const link = new MeshtasticLink({
        id: config.id,
        transport,
        ...(config.portnum !== undefined ? { portnum: config.portnum } : {}),
        ...(config.channel !== undefined ? { channel: config.channel } : {}),
        ...(config.hopLimit !== undefined ? { hopLimit: config.hopLimit } : {}),
        ...(config.mtu !== undefined ? { mtu: config.mtu } : {}),
        log: log.child({ mod: 'link', link: config.id }),
      });
      return { link, neighbours };
    }
    case 'iridium-sbd':
      return createSbdLink(config, log, context);
    case 'rockblock':
      return createRockblockLink(config, log);
    case 'directip':
      return createDirectIpLink(config, log);
  }
}
