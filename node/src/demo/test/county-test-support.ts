/**
 * What the demonstration county's tests share (docs/demo-county.md §Tests): the county with its
 * waits shortened, a node's core, a 初报 filed there, and waiting for events. Not shipped code's:
 * only the tests beside it import it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeApp } from '../../app-contract.js';
import { silentLogger } from '../../base/logger.js';
import type { Draft } from '../../core/core-types.js';
import type { NodeCore } from '../../core/node-core.js';
import type { CountyTimings } from '../county-configs.js';
import type { DemoCountyOptions, RunningCounty } from '../run-county.js';

/** Shorter than the demonstration's: no holds, sessions under a second. */
export const TEST_TIMINGS: CountyTimings = {
  satelliteHoldS: [0, 0, 0],
  receiptHoldMs: [200, 200, 200, 200],
  sessionMs: [300, 800],
  answerWithinS: 4,
  // A receipt lost on the mesh after its report was in the gateway's custody is asked for again
  // after this, not after the 10 minutes a county waits (docs/store-and-forward.md §Confirmations).
  receiptWaitS: 60,
};

/** Cheap PIN hashes: scrypt's least cost a stored hash may have (pin-hash.ts). */
export const TEST_PIN_PARAMS = { ln: 10, r: 8, p: 1 };

/**
 * What the tests give every county: the waits above, cheap PIN hashes, free web ports (test files
 * run side by side; 8100 and up may be taken), no log.
 */
export const TEST_COUNTY: Omit<DemoCountyOptions, 'dir'> = {
  timings: TEST_TIMINGS,
  pinParams: TEST_PIN_PARAMS,
  webPorts: 'free',
  log: silentLogger,
};

export async function tempCountyDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'fn-demo-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The store-and-forward core createNode built (app.ts returns it beside the NodeApp contract). */
export function coreOf(app: NodeApp): NodeCore {
  const core = (app as NodeApp & { core?: NodeCore }).core;
  if (core === undefined) throw new TypeError('createNode returned no core');
  return core;
}

export function nodeOf(county: RunningCounty, id: number) {
  const node = county.nodes.find((n) => n.plan.id === id);
  if (node === undefined) throw new RangeError(`no node ${id}`);
  return node;
}

/** A 初报 of a flood in the village, marked a drill as everything in the county is. */
export function initialReport(affected: number): Draft<'report'> {
  return {
    kind: 'report',
    body: { stage: 'initial', hazard: 0x12, indicators: { affected, injured: 1 } },
    dest: { to: 'centre' },
    priority: 1,
    lifetimeMin: 24 * 60,
    flags: ['exercise'],
  };
}

/**
 * How long a test waits for one message to cross the county: a bound on eventual delivery, not a
 * speed. The mesh keeps wall time, so a first send lost to a collision or to a radio busy relaying
 * (the nodes' greetings all go out in the county's first seconds) waits for the sender's resend,
 * about 55 s later; this allows for two such losses, on a machine loaded by the whole suite. A
 * clean-clone CI run once timed out at 60 s on a receipt whose report had needed one resend.
 */
export const DELIVERY_BOUND_MS = 240_000;

/** A test's timeout for a few such crossings in turn. */
export const COUNTY_TEST_TIMEOUT_MS = 4 * DELIVERY_BOUND_MS;

/** Resolves once `check` holds; rejects naming `what` after `ms`. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = DELIVERY_BOUND_MS,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** What stays the same when the county resumes: each node's identity, the keys, the PINs. */
export async function countyKeys(county: RunningCounty): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of county.nodes) {
    const identity = JSON.parse(
      await readFile(join(county.paths.nodeData(n.plan.slug), 'identity.json'), 'utf8'),
    );
    out[`identity ${n.plan.id}`] = identity.publicKey;
    out[`pin ${n.person.id}`] = n.person.pin;
    out[`key ${n.plan.id}`] = await readFile(
      n.plan.role === 'centre' ? county.paths.masterSecret : county.paths.kitKey(n.plan.id),
      'utf8',
    );
  }
  return out;
}
