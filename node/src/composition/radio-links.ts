/**
 * The LoRa mesh link, built from configuration (docs/architecture.md §The composition root): a
 * Meshtastic radio over USB serial or over TCP to meshtasticd. Loaded lazily by link-factory.ts.
 */
import type { Logger } from '../base/logger.js';
import type { MeshtasticLinkConfig } from '../config/schema.js';
import type { BuiltLink } from './built-link.js';

export async function createMeshtasticLink(config: MeshtasticLinkConfig, log: Logger): Promise<BuiltLink> {
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
