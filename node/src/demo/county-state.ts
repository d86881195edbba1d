/**
 * Opening the demonstration county's folder (docs/demo-county.md §State): a first run makes the
 * county (its record first, then keys, identities, PINs and each node's roster file); a later run
 * finds the same ones, and makes only what is missing. A folder that holds something else is
 * refused, never written to.
 */
import { readdir } from 'node:fs/promises';
import { isKitError, KitError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import { checkNotInUse } from '../daemon/data-dir-check.js';
import type { PinHashParams } from '../domain/roster/pin-hash.js';
import { type CountyIdentities, countyIssuerPublicKey, ensureCountyKeys } from './county-keys.js';
import { DEMO_NODES } from './county-plan.js';
import { readCountyRecord, writeCountyRecord } from './county-record.js';
import { type CountyPins, ensureNodePins, ensurePins } from './county-roster.js';
import type { DemoPaths } from './demo-paths.js';
import './demo-errors.js';

export interface CountyState {
  /** This run made the county. */
  created: boolean;
  identities: CountyIdentities;
  /** The county issuer's public key, base64. */
  issuerPublicKey: string;
  pins: CountyPins;
}

/**
 * @param pinParams the scrypt parameters of new PIN hashes; default the roster's (tests pass
 *   cheaper ones).
 * @throws KitError DEMO_DIR_FOREIGN for a folder that is neither empty nor a county's;
 *   DEMO_STATE_INVALID for a county this version cannot resume; DATA_DIR_IN_USE, naming the
 *   process, for a county another process runs.
 */
export async function openCountyState(
  paths: DemoPaths,
  log: Logger,
  pinParams?: PinHashParams,
): Promise<CountyState> {
  const created = (await readCountyRecord(paths)) === undefined;
  if (created) {
    await refuseForeign(paths);
    await writeCountyRecord(paths);
    log.info({ dir: paths.dir }, 'making the demonstration county: keys, identities, PINs');
  } else {
    // The county already running from this folder (another `npm start`): say so before anything
    // here touches its files or its radios' pseudo-terminals.
    for (const node of DEMO_NODES) {
      await checkNotInUse(paths.nodeData(node.slug)).catch((err: unknown) => {
        if (!isKitError(err, 'DATA_DIR_IN_USE')) throw err;
        throw new KitError(
          'DATA_DIR_IN_USE',
          `the demonstration county already runs from ${paths.dir} (${err.message}): stop it there with ` +
            'Ctrl-C, or give --dir another folder',
          { cause: err },
        );
      });
    }
  }
  const identities = await ensureCountyKeys(paths);
  const issuerPublicKey = await countyIssuerPublicKey(paths);
  const pins = await ensurePins(paths);
  await ensureNodePins(paths, pins, log, pinParams);
  return { created, identities, issuerPublicKey, pins };
}

/** A folder with anything in it but no county record is someone else's. */
async function refuseForeign(paths: DemoPaths): Promise<void> {
  const entries = await readdir(paths.dir).catch((err: { code?: unknown }) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (entries.length > 0)
    throw new KitError(
      'DEMO_DIR_FOREIGN',
      `${paths.dir} holds files but no county.json, so it is not a demonstration county's folder: ` +
        'give --dir an empty or new folder',
    );
}
