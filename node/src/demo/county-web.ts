/**
 * The demonstration county's web ports (docs/demo-county.md §Safe defaults): 8100 for the centre,
 * 8101 and up for the others, in the order of the plan, so that the banner's addresses stay the
 * same from one run to the next. A port another program holds is replaced by a free one (the
 * banner shows it) rather than failing the county; tests ask for free ports throughout, so that
 * counties run side by side.
 */
import type { Logger } from '../base/logger.js';
import { DEMO_NODES } from './county-plan.js';
import { webPortOf } from './county-record.js';
import { freeTcpPort, tcpPortFree } from './free-ports.js';

/** 'fixed': 8100 and up where free; 'free': any free ports. */
export type WebPorts = 'fixed' | 'free';

export async function chooseWebPorts(
  host: string,
  mode: WebPorts,
  log: Logger,
): Promise<Map<number, number>> {
  const ports = new Map<number, number>();
  for (const node of DEMO_NODES) {
    const wanted = webPortOf(node.webOffset);
    if (mode === 'fixed' && (await tcpPortFree(host, wanted))) {
      ports.set(node.id, wanted);
      continue;
    }
    const port = await freeTcpPort(host);
    if (mode === 'fixed')
      log.warn(
        { node: node.id, wanted, port },
        `port ${wanted} is taken on ${host}: node ${node.id} serves on ${port}`,
      );
    ports.set(node.id, port);
  }
  return ports;
}
