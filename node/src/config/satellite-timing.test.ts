/**
 * Tests for satellite-timing.ts (docs/store-and-forward.md §Satellite, "Timing"): the satellite
 * hop's receipt holds, reply grace, confirmation wait, mailbox silence and shared batches read
 * from a real configuration file, their defaults left to the adapter, and the settings that would
 * bill a message twice or check the mailbox too often refused with the fix.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { loadConfig } from './load.js';
import type { IridiumSbdLinkConfig, RockblockLinkConfig } from './schema.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-sat-timing-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(links: string, role = 'kit') {
  const path = join(dir, 'c.yaml');
  await writeFile(path, `node: { id: ${role === 'centre' ? 1 : 2107}, role: ${role} }\nlinks:\n${links}`);
  return loadConfig(path, { env: {}, cwd: dir });
}

async function problems(links: string, role = 'kit'): Promise<string> {
  const err = await load(links, role).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isKitError(err)) throw new Error(`expected a KitError, got ${String(err)}`);
  return err.message;
}

it('reads a kit link’s timing in ms, 0 silence as never, and leaves unset keys to the adapter', async () => {
  const config = await load(`  - id: sat
    type: iridium-sbd
    port: /dev/x
    receipt_hold_s: { p0: 60, p1: 600, p2: 1200, p3: 1200 }
    reply_grace_s: 120
    confirmation_wait_s: 5400
    max_mailbox_silence_s: 7200
    shared_batches: false
  - { id: sat2, type: iridium-sbd, port: /dev/y, max_mailbox_silence_s: 0 }
  - { id: sat3, type: iridium-sbd, port: /dev/z }
`);
  const [sat, sat2, sat3] = config.links as IridiumSbdLinkConfig[];
  expect(sat?.timing).toEqual({
    receiptHoldMs: [60_000, 600_000, 1_200_000, 1_200_000],
    replyGraceMs: 120_000,
    confirmationWaitMs: 5_400_000,
    maxMailboxSilenceMs: 7_200_000,
    sharedBatches: false,
  });
  expect(sat2?.timing).toEqual({ maxMailboxSilenceMs: Number.POSITIVE_INFINITY, sharedBatches: true });
  expect(sat3?.timing).toEqual({ sharedBatches: true });
});

it('reads a centre link’s receipt holds and confirmation wait', async () => {
  const config = await load(
    `  - id: rb
    type: rockblock
    listen: { port: 1 }
    receipt_hold_s: { p0: 30, p1: 300, p2: 900, p3: 900 }
    confirmation_wait_s: 2700
`,
    'centre',
  );
  expect((config.links[0] as RockblockLinkConfig).timing).toEqual({
    receiptHoldMs: [30_000, 300_000, 900_000, 900_000],
    confirmationWaitMs: 2_700_000,
  });
});

it('refuses a wait no longer than a hold and its grace, a chatty silence, half the holds and a stray key', async () => {
  const message = await problems(`  - { id: a, type: iridium-sbd, port: /dev/a, confirmation_wait_s: 1800 }
  - { id: b, type: iridium-sbd, port: /dev/b, receipt_hold_s: { p0: 60, p1: 3600, p2: 3600, p3: 3600 } }
  - { id: c, type: iridium-sbd, port: /dev/c, max_mailbox_silence_s: 60 }
  - { id: d, type: iridium-sbd, port: /dev/d, receipt_hold_s: { p0: 60 } }
  - { id: e, type: iridium-sbd, port: /dev/e, max_mailbox_silence: 3600 }
`);
  for (const line of [
    'links[0].confirmation_wait_s: the confirmation wait (1800 s) must be longer than the longest receipt hold (1800 s) plus the reply grace (300 s)',
    'links[1].receipt_hold_s: the confirmation wait (3600 s) must be longer than the longest receipt hold (3600 s) plus the reply grace (300 s)',
    'links[2].max_mailbox_silence_s: at least 600 s (each check with nothing to carry costs a credit: 1440 an idle day at 60 s), or 0 for never',
    'links[3].receipt_hold_s: give p0, p1, p2 and p3 together',
    'links[4].max_mailbox_silence: unknown key (did you mean max_mailbox_silence_s?)',
  ])
    expect(message).toContain(line);
});
