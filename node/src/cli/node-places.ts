/**
 * Where a node's files are for a command that runs beside its daemon (docs/conventions.md
 * §Configuration): from --config, the data directory and control socket the configuration names;
 * else <data dir>/control.sock, the data dir from --data-dir, $FIELDNODE_DATA_DIR or ./.fieldnode,
 * as for `fieldnode keys`. With --config, the node's id too.
 */
import { join } from 'node:path';
import { KitError } from '../base/errors.js';
import { loadConfig } from '../config/load.js';
import { DEFAULTS } from '../config/schema.js';
import { dataDir } from './args.js';

export interface NodePlaces {
  dataDir: string;
  socketPath: string;
  /** The node's id, when a configuration names it. */
  nodeId?: number;
}

/** @throws KitError CLI_USAGE when both are given; the configuration's own errors with --config. */
export async function nodePlaces(values: { config?: string; 'data-dir'?: string }): Promise<NodePlaces> {
  if (values.config !== undefined && values['data-dir'] !== undefined) {
    throw new KitError('CLI_USAGE', 'give --config or --data-dir, not both');
  }
  if (values.config !== undefined) {
    const config = await loadConfig(values.config);
    return { dataDir: config.dataDir, socketPath: config.control.socket, nodeId: config.node.id };
  }
  const dir = dataDir(values['data-dir']);
  return { dataDir: dir, socketPath: join(dir, DEFAULTS.controlSocketName) };
}
