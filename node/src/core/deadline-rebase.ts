/**
 * Moving the deadlines a node stored when its clock steps (docs/time.md §Elapsed time and steps).
 * The first GPS fix after a power cut can move the clock by days, or from 1970 by decades; every
 * deadline set by the old clock moves with it (a message's `expiresAt`, unix seconds, and its
 * outbox due times, unix ms), so a message written before the fix neither expires at once nor
 * waits for years.
 *
 * Only messages not final have deadlines, and the expiry index lists exactly those
 * (docs/store-and-forward.md §The store): nothing reads every record. Each chunk is moved under one
 * turn of the store's lock and written unsynced, with the next group, as a send's outcome is
 * (docs/store-and-forward.md §Group commit).
 */
import type { Logger } from '../base/logger.js';
import type { MessageStore } from '../store/message-store.js';

/**
 * A smaller step is within the time sources' resolution (docs/time.md §The rules, rule 5), and the
 * clock announces none: nothing moves.
 */
export const MIN_REBASE_STEP_MS = 1000;

/** Records moved per turn of the store's lock. */
const CHUNK = 256;

export interface DeadlineRebaseOptions {
  store: MessageStore;
  log: Logger;
}

/**
 * Moves the deadlines of every message not final by `stepMs` (the clock's `step` event).
 * Resolves to how many messages moved, or undefined for a step under {@link MIN_REBASE_STEP_MS},
 * which moves nothing.
 */
export async function rebaseDeadlines(
  stepMs: number,
  { store, log }: DeadlineRebaseOptions,
): Promise<number | undefined> {
  if (Math.abs(stepMs) < MIN_REBASE_STEP_MS) return undefined;
  let moved = 0;
  const ids = await store.openIds();
  for (let i = 0; i < ids.length; i += CHUNK)
    await store.exclusive(async () => {
      for (const id of ids.slice(i, i + CHUNK)) {
        const before = await store.getMeta(id).catch(() => undefined);
        if (!before || before.done) continue;
        const meta = structuredClone(before);
        meta.expiresAt += Math.round(stepMs / 1000);
        for (const link of Object.keys(meta.out)) meta.out[link] = (meta.out[link] as number) + stepMs;
        await store.save(meta, before, { sync: false });
        moved++;
      }
    });
  if (moved > 0) log.info({ stepMs, messages: moved }, 'clock stepped: deadlines moved with it');
  return moved;
}
