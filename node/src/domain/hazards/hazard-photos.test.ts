/**
 * The room photos may take (hazard-photos.ts; docs/hazards.md §Photos), on a real directory:
 * uploads at the same moment cannot together pass the limit, and a photo uploaded and never filed
 * is removed, its room given back, at the next upload after its time, not only at the next start.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError } from '../../base/errors.js';
import { silentLogger } from '../../base/logger.js';
import { HazardPhotoStore, type HazardPhotoStoreOptions } from './hazard-photos.js';

const PHOTO_BYTES = 1000;
const DAY = 24 * 3600_000;

/** A JPEG by its first bytes, `PHOTO_BYTES` long. */
function jpeg(): Uint8Array {
  const b = new Uint8Array(PHOTO_BYTES);
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  return b;
}

let dir: string;
let now: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-hazard-photos-'));
  now = Date.now();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function open(o: Partial<HazardPhotoStoreOptions> = {}): Promise<HazardPhotoStore> {
  return HazardPhotoStore.open({ dir: join(dir, 'hazard-photos'), now: () => now, log: silentLogger, ...o });
}

describe('the room hazard photos take', () => {
  it('lets uploads at the same moment pass the limit no further than one at a time would', async () => {
    const photos = await open({ maxTotalBytes: 3 * PHOTO_BYTES });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => photos.stage(i + 1, jpeg())),
    );
    const kept = results.filter((r) => r.status === 'fulfilled');
    const full = results.filter(
      (r) => r.status === 'rejected' && isKitError(r.reason) && r.reason.code === 'HAZARD_PHOTOS_FULL',
    );
    expect(kept).toHaveLength(3);
    expect(full).toHaveLength(2);
    expect(await readdir(join(dir, 'hazard-photos', 'staged'))).toHaveLength(3);
  });

  it('removes a photo never filed at the next upload after its time, and gives its room back', async () => {
    const photos = await open({ maxTotalBytes: 2 * PHOTO_BYTES, stagedForMs: DAY });
    const a = await photos.stage(1, jpeg());
    const b = await photos.stage(1, jpeg());
    await expect(photos.stage(1, jpeg())).rejects.toMatchObject({ code: 'HAZARD_PHOTOS_FULL' });
    now += DAY + 1;
    const c = await photos.stage(1, jpeg());
    expect(photos.has(a.token, 1)).toBe(false);
    expect(photos.has(b.token, 1)).toBe(false);
    expect(photos.has(c.token, 1)).toBe(true);
    const left = await readdir(join(dir, 'hazard-photos', 'staged'));
    expect(left).toEqual([expect.stringContaining(c.token)]);
  });

  it('keeps a staged photo that is filed, whatever its age', async () => {
    const photos = await open({ stagedForMs: DAY });
    const a = await photos.stage(1, jpeg());
    now += DAY + 1;
    const kept = await photos.keep(a.token, 1, '2107/320', 1);
    expect(kept.bytes).toBe(PHOTO_BYTES);
    await photos.stage(1, jpeg());
    expect((await photos.read('2107/320', kept.file))?.length).toBe(PHOTO_BYTES);
  });
});
