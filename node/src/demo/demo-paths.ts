/**
 * Where the demonstration county keeps its state (docs/demo-county.md §State): one folder,
 * `./.fieldnode-demo` by default, that a restart resumes and `--fresh` removes whole.
 *
 *   county.json          what the county is: its nodes, their web ports, when it was made
 *   pins.json            the demonstration PINs in clear (mode 0600; a drill's, see the doc)
 *   keys/                the centre's master secret, each node's kit key, the gateway's relay keys
 *   sim/                 the RockBLOCK simulator's signing key, the modem's MOMSN
 *   radios/              the simulated devices' pseudo-terminals
 *   nodes/<slug>.yaml    each node's configuration, written again at every start
 *   nodes/<slug>/        each node's data directory (identity, store, roster file, audit log)
 */
import { join, resolve } from 'node:path';

/** The folder `fieldnode demo` uses without --dir, relative to the working directory. */
export const DEFAULT_DEMO_DIR = '.fieldnode-demo';

export class DemoPaths {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  get county(): string {
    return join(this.dir, 'county.json');
  }

  get pins(): string {
    return join(this.dir, 'pins.json');
  }

  get keys(): string {
    return join(this.dir, 'keys');
  }

  get masterSecret(): string {
    return join(this.keys, 'master.secret');
  }

  /** The centre's issuer key: it signs the county's (drill) warnings. */
  get issuerKey(): string {
    return join(this.keys, 'issuer.key');
  }

  kitKey(id: number): string {
    return join(this.keys, `kit-${id}.key`);
  }

  relayKeys(gateway: number): string {
    return join(this.keys, `relay-${gateway}.keys`);
  }

  /** The RockBLOCK simulator's key directory (satellite/sim/rockblock/sim-signing-key.ts). */
  get rockblockKeys(): string {
    return join(this.dir, 'sim', 'rockblock');
  }

  /** The simulated modem's MOMSN, kept as its NVM keeps it across power cycles. */
  modemMomsn(imei: string): string {
    return join(this.dir, 'sim', `modem-${imei}.momsn`);
  }

  /** The folder of one simulated device's pseudo-terminal links. */
  radio(slug: string): string {
    return join(this.dir, 'radios', slug);
  }

  nodeConfig(slug: string): string {
    return join(this.dir, 'nodes', `${slug}.yaml`);
  }

  nodeData(slug: string): string {
    return join(this.dir, 'nodes', slug);
  }
}
