/**
 * The photos of hazards, kept at the kit that reported them (docs/hazards.md §Photos): files in
 * `<data_dir>/hazard-photos/`, never on air (the wire carries how many there are, at most).
 *
 * A phone uploads each photo while the person is still filling in the form, and is given a token
 * for it; the filing then names its tokens, and the kit moves those photos under the hazard. So a
 * filing that goes again after a lost Wi-Fi or a restart still finds its photos, and the count on
 * air is that of the photos really kept.
 *
 * - An upload must be a JPEG, PNG or WebP by its bytes (photo-type.ts) and at most `maxPhotoBytes`.
 * - A token belongs to the person who uploaded; another person's filing cannot take it.
 * - Photos staged and never filed are removed `stagedForMs` after their upload, at the next open
 *   and at the next upload, so a kit that runs for weeks does not fill up with abandoned uploads.
 * - All photos together stay under `maxTotalBytes`: a kit's card is shared with the store, which
 *   must never run out of room for messages because of pictures. An upload reserves its bytes
 *   before it writes, so uploads at the same moment cannot all pass the same room check.
 * - Files are made mode 0600 in directories of mode 0700: a photo may show people and homes.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { KitError } from '../../base/errors.js';
import type { Logger } from '../../base/logger.js';
import { writeNewPrivateFile } from '../../base/new-private-file.js';
import './hazard-errors.js';
import { PHOTO_EXTENSIONS, type PhotoType, photoTypeOf } from './photo-type.js';

export const PHOTOS_DIR_NAME = 'hazard-photos';

export interface HazardPhotoStoreOptions {
  /** `<data_dir>/hazard-photos`. */
  dir: string;
  /** The largest photo taken, bytes. Default 4 MiB (a phone's photo, downsized by the page, is far less). */
  maxPhotoBytes?: number;
  /** The most photos one hazard keeps. Default 6. */
  maxPerHazard?: number;
  /** All photos, staged and kept, at most, bytes. Default 256 MiB. */
  maxTotalBytes?: number;
  /** How long a photo uploaded and not filed is kept, ms. Default 24 h. */
  stagedForMs?: number;
  /** Unix ms. */
  now: () => number;
  log: Logger;
}

export interface StagedPhoto {
  token: string;
  type: PhotoType;
  bytes: number;
}

export interface KeptPhoto {
  file: string;
  type: PhotoType;
  bytes: number;
  sha256: string;
}

interface Staged extends StagedPhoto {
  person: number;
  path: string;
  at: number;
}

const STAGED = 'staged';
const STAGED_NAME = /^(\d{1,5})-([0-9a-f]{32})\.(jpg|png|webp)$/;
const TYPE_OF_EXT: Readonly<Record<string, PhotoType>> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

export class HazardPhotoStore {
  readonly #o: HazardPhotoStoreOptions;
  readonly #staged = new Map<string, Staged>();
  #used = 0;

  private constructor(o: HazardPhotoStoreOptions) {
    this.#o = o;
  }

  get maxPhotoBytes(): number {
    return this.#o.maxPhotoBytes ?? 4 * 1024 * 1024;
  }

  get maxPerHazard(): number {
    return this.#o.maxPerHazard ?? 6;
  }

  /**
   * Removes staged photos past their time and counts the room used. The directories are made at
   * the first upload, not here: a start that fails leaves nothing behind (docs/operating.md §When a
   * start fails), and a node that never takes a photo has none.
   */
  static async open(o: HazardPhotoStoreOptions): Promise<HazardPhotoStore> {
    const store = new HazardPhotoStore(o);
    const oldest = o.now() - (o.stagedForMs ?? 24 * 3600_000);
    let removed = 0;
    for (const { name } of await readdirOrNone(join(o.dir, STAGED))) {
      const path = join(o.dir, STAGED, name);
      const m = STAGED_NAME.exec(name);
      const s = await stat(path).catch(() => undefined);
      if (m === null || s === undefined || !s.isFile() || s.mtimeMs < oldest) {
        await unlink(path).catch(() => {});
        removed++;
        continue;
      }
      const token = m[2] as string;
      store.#staged.set(token, {
        token,
        type: TYPE_OF_EXT[m[3] as string] as PhotoType,
        bytes: s.size,
        person: Number(m[1]),
        path,
        at: s.mtimeMs,
      });
      store.#used += s.size;
    }
    for (const entry of await readdirOrNone(o.dir)) {
      if (!entry.isDirectory() || entry.name === STAGED) continue;
      for (const name of await readdir(join(o.dir, entry.name)))
        store.#used += (await stat(join(o.dir, entry.name, name)).catch(() => undefined))?.size ?? 0;
    }
    if (removed > 0) o.log.info({ removed }, 'hazard photos uploaded and never filed: removed');
    return store;
  }

  /**
   * Keeps an uploaded photo for `person` until a filing takes it.
   * @throws KitError HAZARD_PHOTO_INVALID, HAZARD_PHOTO_TOO_LARGE, HAZARD_PHOTOS_FULL
   */
  async stage(person: number, bytes: Uint8Array): Promise<StagedPhoto> {
    const type = photoTypeOf(bytes);
    if (type === undefined)
      throw new KitError(
        'HAZARD_PHOTO_INVALID',
        'the upload is not a JPEG, PNG or WebP photo: send the picture itself',
      );
    if (bytes.length > this.maxPhotoBytes)
      throw new KitError(
        'HAZARD_PHOTO_TOO_LARGE',
        `the photo is ${bytes.length} bytes, more than the ${this.maxPhotoBytes} a photo may be: take it at a lower resolution`,
      );
    await this.#sweep();
    this.#room(bytes.length);
    // Reserved now, before any await: the next upload's room check counts this one.
    this.#used += bytes.length;
    const token = randomBytes(16).toString('hex');
    const path = join(this.#o.dir, STAGED, `${person}-${token}.${PHOTO_EXTENSIONS[type]}`);
    try {
      await mkdir(join(this.#o.dir, STAGED), { recursive: true, mode: 0o700 });
      await writeNewPrivateFile(path, bytes);
    } catch (err) {
      this.#used -= bytes.length;
      await unlink(path).catch(() => {});
      throw err;
    }
    this.#staged.set(token, { token, type, bytes: bytes.length, person, path, at: this.#o.now() });
    return { token, type, bytes: bytes.length };
  }

  /** Whether `token` is a photo `person` uploaded and has not filed. */
  has(token: string, person: number): boolean {
    return this.#staged.get(token)?.person === person;
  }

  /**
   * Moves a staged photo under its hazard, as its photo number `n`.
   * @throws KitError HAZARD_PHOTO_UNKNOWN when the token is not `person`'s or is gone
   */
  async keep(token: string, person: number, hazard: string, n: number): Promise<KeptPhoto> {
    const staged = this.#staged.get(token);
    if (staged === undefined || staged.person !== person)
      throw new KitError(
        'HAZARD_PHOTO_UNKNOWN',
        `no photo ${token.slice(0, 8)}… uploaded by you waits here: upload it again`,
      );
    // Taken out of the staged photos while it moves, so a sweep meanwhile cannot remove it.
    this.#staged.delete(token);
    let bytes: Buffer;
    const file = `${n}.${PHOTO_EXTENSIONS[staged.type]}`;
    try {
      bytes = await readFile(staged.path);
      const dir = join(this.#o.dir, dirNameOf(hazard));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await rename(staged.path, join(dir, file));
    } catch (err) {
      this.#staged.set(token, staged);
      throw err;
    }
    return {
      file,
      type: staged.type,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }

  /** The bytes of a photo kept for `hazard`, or undefined when its file is gone. */
  async read(hazard: string, file: string): Promise<Buffer | undefined> {
    try {
      return await readFile(join(this.#o.dir, dirNameOf(hazard), file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Removes the staged photos past their time, and gives their room back. */
  async #sweep(): Promise<void> {
    const oldest = this.#o.now() - (this.#o.stagedForMs ?? 24 * 3600_000);
    const expired = [...this.#staged.values()].filter((s) => s.at < oldest);
    if (expired.length === 0) return;
    for (const s of expired) {
      this.#staged.delete(s.token);
      this.#used -= s.bytes;
    }
    await Promise.all(expired.map((s) => unlink(s.path).catch(() => {})));
    this.#o.log.info({ removed: expired.length }, 'hazard photos uploaded and never filed: removed');
  }

  #room(bytes: number): void {
    const max = this.#o.maxTotalBytes ?? 256 * 1024 * 1024;
    if (this.#used + bytes > max)
      throw new KitError(
        'HAZARD_PHOTOS_FULL',
        `the hazard photos on this kit take ${this.#used} of the ${max} bytes they may: no more photos can be kept; file the hazard without them`,
      );
  }
}

/** `2107/320` → `2107-320`: a hazard's folder. */
function dirNameOf(hazard: string): string {
  if (!/^\d{1,10}\/\d{1,10}$/.test(hazard)) throw new RangeError(`not a hazard id: ${hazard}`);
  return hazard.replace('/', '-');
}

/** A directory's entries, or none where it was never made. */
async function readdirOrNone(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return [];
    throw err;
  }
}
