/**
 * Tests that the `mtu` of a satellite link's configuration reaches the link it builds
 * (docs/links.md §The mtu of a satellite link): what the link declares to the core, `mtu` and
 * `capabilities.maxSendBytes`, is the configured value, and without one the modem's limit in the
 * direction the link sends (MO 340 for a kit's modem, MT 270 at the centre). The configuration is
 * read from a file by the real loader and the links are built by the real factory; nothing starts,
 * so no port is opened.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { loadConfig } from '../config/load.js';
import { createLink } from './link-factory.js';

let dir: string;
let savedEnv: NodeJS.ProcessEnv;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-sat-mtu-'));
  // The RockBLOCK MT client wants its credentials when it is made; nothing is sent.
  savedEnv = process.env;
  process.env = { ...savedEnv, FIELDNODE_ROCKBLOCK_USERNAME: 'u', FIELDNODE_ROCKBLOCK_PASSWORD: 'p' };
});
afterEach(async () => {
  process.env = savedEnv;
  await rm(dir, { recursive: true, force: true });
});

/** The links of a configuration file, built; what each declares to the core. */
async function declared(yaml: string): Promise<Array<{ id: string; mtu: number; maxSendBytes: number }>> {
  const path = join(dir, 'node.yaml');
  await writeFile(path, yaml);
  const config = await loadConfig(path, { env: {} });
  const out = [];
  for (const linkConfig of config.links) {
    const { link } = await createLink(linkConfig, silentLogger);
    out.push({ id: link.id, mtu: link.mtu, maxSendBytes: link.capabilities.maxSendBytes });
  }
  return out;
}

describe('the mtu of a satellite link, from configuration', () => {
  it('is what the link declares: mtu and maxSendBytes, for every satellite type', async () => {
    expect(
      await declared(`node: { id: 1, role: centre }
links:
  - { id: sat, type: iridium-sbd, port: /dev/null, mtu: 100 }
  - { id: rb, type: rockblock, listen: { host: 127.0.0.1, port: 1 }, mtu: 120 }
  - { id: dip, type: directip, listen: { host: 127.0.0.1, port: 2 }, mt_gateway: { host: 127.0.0.1, port: 3 }, allowed_sources: [127.0.0.1], mtu: 150 }
`),
    ).toEqual([
      { id: 'sat', mtu: 100, maxSendBytes: 100 },
      { id: 'rb', mtu: 120, maxSendBytes: 120 },
      { id: 'dip', mtu: 150, maxSendBytes: 150 },
    ]);
  });

  it('without one, is the modem’s limit in the direction the link sends', async () => {
    expect(
      await declared(`node: { id: 1, role: centre }
links:
  - { id: sat, type: iridium-sbd, port: /dev/null }
  - { id: rb, type: rockblock, listen: { host: 127.0.0.1, port: 1 } }
  - { id: dip, type: directip, listen: { host: 127.0.0.1, port: 2 }, mt_gateway: { host: 127.0.0.1, port: 3 }, allowed_sources: [127.0.0.1] }
`),
    ).toEqual([
      { id: 'sat', mtu: 340, maxSendBytes: 340 },
      { id: 'rb', mtu: 270, maxSendBytes: 270 },
      { id: 'dip', mtu: 270, maxSendBytes: 270 },
    ]);
  });
});
