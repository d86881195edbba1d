/**
 * The PMTiles reader (map-pmtiles.ts, docs/map.md §Tiles): tile ids as the PMTiles specification
 * numbers them, a file written here by the specification's layout (a gzip root directory, a
 * leaf directory, a run of tiles) read back tile by tile, and random or damaged bytes never
 * escaping as anything but a KitError (fast-check).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { PMTILES_HEADER_BYTES, PmtilesFile, parseDirectory, parseHeader, tileIdOf } from './map-pmtiles.js';

interface Entry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

function varint(n: number, out: number[]): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** A directory as the specification lays it out: count, then each column of varints. */
function directory(entries: readonly Entry[]): Uint8Array {
  const out: number[] = [];
  varint(entries.length, out);
  let last = 0;
  for (const e of entries) {
    varint(e.tileId - last, out);
    last = e.tileId;
  }
  for (const e of entries) varint(e.runLength, out);
  for (const e of entries) varint(e.length, out);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    varint(prev !== undefined && e.offset === prev.offset + prev.length ? 0 : e.offset + 1, out);
  });
  return gzipSync(Uint8Array.from(out));
}

/** A PMTiles v3 file of PNG "tiles": zoom 0 and 1 in the root; zoom 2 behind a leaf directory. */
function pmtiles(): { bytes: Buffer; tiles: Map<string, Buffer> } {
  const tiles = new Map<string, Buffer>();
  const data: Buffer[] = [];
  let dataLength = 0;
  const add = (key: string) => {
    const bytes = Buffer.from(`tile ${key}`);
    tiles.set(key, bytes);
    const offset = dataLength;
    data.push(bytes);
    dataLength += bytes.length;
    return { offset, length: bytes.length };
  };
  const root: Entry[] = [];
  for (const [z, x, y] of [
    [0, 0, 0],
    [1, 0, 0],
    [1, 0, 1],
    [1, 1, 1],
  ] as const)
    root.push({ tileId: tileIdOf(z, x, y), runLength: 1, ...add(`${z}/${x}/${y}`) });
  // Two tiles of zoom 2 share their bytes: one entry, a run of two.
  const shared = add('2/run');
  const leafEntries: Entry[] = [{ tileId: tileIdOf(2, 0, 0), runLength: 2, ...shared }];
  const leaf = directory(leafEntries);
  root.push({ tileId: tileIdOf(2, 0, 0), runLength: 0, offset: 0, length: leaf.length });
  const rootDir = directory(root);

  const header = Buffer.alloc(PMTILES_HEADER_BYTES);
  header.write('PMTiles', 0, 'latin1');
  header[7] = 3;
  const rootOffset = PMTILES_HEADER_BYTES;
  const metadataOffset = rootOffset + rootDir.length;
  const leafOffset = metadataOffset;
  const dataOffset = leafOffset + leaf.length;
  const u64 = (at: number, n: number) => header.writeBigUInt64LE(BigInt(n), at);
  u64(8, rootOffset);
  u64(16, rootDir.length);
  u64(24, metadataOffset);
  u64(32, 0);
  u64(40, leafOffset);
  u64(48, leaf.length);
  u64(56, dataOffset);
  u64(64, dataLength);
  header[96] = 1; // clustered
  header[97] = 2; // directories: gzip
  header[98] = 1; // tiles: none
  header[99] = 2; // png
  header[100] = 0;
  header[101] = 2;
  header.writeInt32LE(112.9e7, 102);
  header.writeInt32LE(28.2e7, 106);
  header.writeInt32LE(113.1e7, 110);
  header.writeInt32LE(28.4e7, 114);
  return { bytes: Buffer.concat([header, rootDir, leaf, ...data]), tiles };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-pmtiles-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function onlyKitErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!isKitError(err, 'MAP_TILES_INVALID')) throw err;
  }
}

describe('tile ids', () => {
  it('number the tiles as the PMTiles specification does: every level above, then the Hilbert curve', () => {
    expect([
      tileIdOf(0, 0, 0),
      tileIdOf(1, 0, 0),
      tileIdOf(1, 0, 1),
      tileIdOf(1, 1, 1),
      tileIdOf(1, 1, 0),
    ]).toEqual([0, 1, 2, 3, 4]);
    expect(tileIdOf(2, 0, 0)).toBe(5);
    expect(tileIdOf(3, 0, 0)).toBe(21);
  });

  it('give each tile of a level its own id, within that level’s range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), (z) => {
        const n = 2 ** z;
        const base = (4 ** z - 1) / 3;
        const ids = new Set<number>();
        for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) ids.add(tileIdOf(z, x, y));
        expect(ids.size).toBe(n * n);
        expect(Math.min(...ids)).toBe(base);
        expect(Math.max(...ids)).toBe(base + n * n - 1);
      }),
    );
  });
});

describe('a PMTiles file', () => {
  it('gives back each tile, through the root and through a leaf, and nothing where it has none', async () => {
    const { bytes, tiles } = pmtiles();
    const path = join(dir, 'county.pmtiles');
    await writeFile(path, bytes);
    const file = await PmtilesFile.open(path);
    try {
      expect(file.type).toBe('png');
      expect(file.header.bounds).toEqual([112.9, 28.2, 113.1, 28.4]);
      for (const key of ['0/0/0', '1/0/0', '1/0/1', '1/1/1']) {
        const [z, x, y] = key.split('/').map(Number) as [number, number, number];
        expect(Buffer.from((await file.tile(z, x, y)) ?? []).toString()).toBe(tiles.get(key)?.toString());
      }
      // The run of two covers the first two tiles of zoom 2 on the curve, and no third.
      const second = [0, 1, 2, 3]
        .flatMap((x) => [0, 1, 2, 3].map((y) => [x, y] as const))
        .find(([x, y]) => tileIdOf(2, x, y) === tileIdOf(2, 0, 0) + 1) as readonly [number, number];
      expect(Buffer.from((await file.tile(2, 0, 0)) ?? []).toString()).toBe('tile 2/run');
      expect(Buffer.from((await file.tile(2, second[0], second[1])) ?? []).toString()).toBe('tile 2/run');
      expect(await file.tile(1, 1, 0)).toBeUndefined();
      expect(await file.tile(2, 3, 3)).toBeUndefined();
      expect(await file.tile(3, 0, 0)).toBeUndefined();
    } finally {
      await file.close();
    }
  });

  it('refuses MBTiles bytes, vector tiles and zstd directories by name', async () => {
    const { bytes } = pmtiles();
    const vector = Buffer.from(bytes);
    vector[99] = 1;
    const zstd = Buffer.from(bytes);
    zstd[97] = 4;
    const sqlite = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(200)]);
    for (const [name, content, says] of [
      ['vector.pmtiles', vector, 'vector tiles'],
      ['zstd.pmtiles', zstd, 'zstd'],
      ['sqlite.pmtiles', sqlite, 'does not start with PMTiles'],
    ] as const) {
      const path = join(dir, name);
      await writeFile(path, content);
      await expect(PmtilesFile.open(path)).rejects.toMatchObject({ code: 'MAP_TILES_INVALID' });
      await expect(PmtilesFile.open(path)).rejects.toThrow(says);
    }
    await expect(PmtilesFile.open(join(dir, 'absent.pmtiles'))).rejects.toMatchObject({
      code: 'MAP_TILES_UNREADABLE',
    });
  });

  it('never lets random bytes out as anything but MAP_TILES_INVALID', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 0, max: 1 << 20 }), (bytes, size) => {
        onlyKitErrors(() => parseHeader(bytes, size));
        onlyKitErrors(() => parseDirectory(bytes, 1));
        onlyKitErrors(() => parseDirectory(bytes, 2));
        onlyKitErrors(() => parseDirectory(gzipSync(bytes), 2));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a damaged file to a tile, no tile or MAP_TILES_INVALID, never a crash', async () => {
    const { bytes } = pmtiles();
    const path = join(dir, 'damaged.pmtiles');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        async (hits) => {
          const damaged = Buffer.from(bytes);
          for (const [at, value] of hits) damaged[at] = value;
          await writeFile(path, damaged);
          let file: PmtilesFile | undefined;
          try {
            file = await PmtilesFile.open(path);
            for (const [z, x, y] of [
              [0, 0, 0],
              [1, 1, 1],
              [2, 0, 0],
              [2, 3, 1],
            ] as const)
              await file.tile(z, x, y);
          } catch (err) {
            if (!isKitError(err, 'MAP_TILES_INVALID')) throw err;
          } finally {
            await file?.close();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
