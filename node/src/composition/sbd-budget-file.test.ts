/**
 * The daemon gives an Iridium SBD link a credit budget file in the data directory
 * (satellite-ingress.ts, satellite/src/sbd/budget-file.ts): what was spent before a restart counts
 * after it. The link is built as the daemon builds it and never started (no modem needed).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { SbdLink } from '../../../satellite/src/sbd/sbd-link.js';
import { silentLogger } from '../base/logger.js';
import type { IridiumSbdLinkConfig } from '../config/schema.js';
import { createLink } from './link-factory.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-sbd-budget-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config: IridiumSbdLinkConfig = {
  id: 'sat0',
  type: 'iridium-sbd',
  enabled: true,
  cost: 'satellite',
  port: join('/nonexistent', 'modem'),
  ringAlerts: true,
  budget: { perDay: 100 },
};

it("reads the link's budget file from the data directory: a restart keeps the day's spending", async () => {
  await writeFile(
    join(dir, 'sbd-budget-sat0.json'),
    JSON.stringify({ v: 1, day: [[Date.now() - 3600_000, 7]], incident: 9 }),
  );
  const { link } = await createLink(config, silentLogger, { centreNodes: [1], dataDir: dir });
  expect((link as SbdLink).creditsUsed()).toEqual({ day: 7, incident: 9 });
  // Another link has its own file.
  const other = await createLink({ ...config, id: 'sat1' }, silentLogger, { centreNodes: [1], dataDir: dir });
  expect((other.link as SbdLink).creditsUsed()).toEqual({ day: 0, incident: 0 });
});
