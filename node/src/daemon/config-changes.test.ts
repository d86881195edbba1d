/** Tests for config-changes.ts: what a reload applies and what waits for a restart. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { configChanges } from './config-changes.js';

const config = (raw: object) => parseConfig(raw, { baseDir: '/etc/fieldnode', env: {}, cwd: '/' });
const kit = {
  node: { id: 2107, role: 'kit' },
  data_dir: '/var/lib/fieldnode',
  links: [
    { id: 'udp0', type: 'udp', bind: { host: '127.0.0.1', port: 4710 } },
    { id: 'udp1', type: 'udp', bind: { host: '127.0.0.1', port: 4711 } },
  ],
};

describe('configChanges', () => {
  it('finds nothing in the same file', () => {
    expect(configChanges(config(kit), config(kit))).toEqual({ applied: [], needsRestart: [] });
  });

  it('applies the log level, and names by their file names the parts that take a restart', () => {
    // The control socket's default lives in data_dir, so it moves with it.
    const next = config({
      ...kit,
      data_dir: '/srv/fieldnode',
      log: { level: 'debug' },
      routing: { beacon_interval_s: 60 },
      links: [
        kit.links[0],
        { ...kit.links[1], bind: { host: '127.0.0.1', port: 4799 } },
        { ...kit.links[0], id: 'udp2' },
      ],
    });
    expect(configChanges(config(kit), next)).toEqual({
      applied: ['log.level'],
      needsRestart: ['data_dir', 'links.udp1', 'links.udp2', 'routing', 'control'],
    });
  });

  it('a link removed, or the node changed, takes a restart', () => {
    const next = config({ ...kit, node: { id: 2108, role: 'kit' }, links: [kit.links[0]] });
    expect(configChanges(config(kit), next).needsRestart).toEqual(['node', 'links.udp1']);
  });
});
