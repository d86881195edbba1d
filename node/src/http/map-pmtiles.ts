/**
 * A reader of PMTiles version 3 files (docs/map.md §Tiles): the single-file tile archive an
 * operator can make from any raster tile set (`pmtiles convert`), served by the node one tile at a
 * time so that a phone at the kit sees a background under the outlines with no network beyond the
 * kit. The map is whole without it (docs/map.md §Without tiles).
 *
 * The format, as the PMTiles specification (version 3) gives it:
 * - a 127-byte header, little-endian: the magic `PMTiles`, version 3, the offsets and lengths of
 *   the root directory, the metadata, the leaf directories and the tile data, the compression of
 *   directories (`internal`) and of tiles, the tile type, the zoom range and the bounds;
 * - directories, compressed with the internal compression: a varint count of entries, then each
 *   column of varints in turn: tile id deltas, run lengths, lengths, offsets (an offset of 0 after
 *   the first entry means "right after the previous entry's data", any other is offset + 1);
 * - an entry with run length 0 points at a leaf directory; any other covers `run length` tiles
 *   from its tile id;
 * - a tile id counts every tile of the zoom levels above, then the tile's place on the Hilbert
 *   curve of its own level.
 *
 * Only raster tiles (PNG, JPEG, WebP) are served: vector tiles need a style and a renderer the
 * UI does not carry. Directories compressed with gzip or brotli, or not at all, are read (Node's
 * zlib); zstd is refused. The file is the operator's, yet it is read as untrusted: every offset is
 * bounded by the file's size, a directory by 16 MiB once inflated and 1 million entries, a descent
 * by 4 leaf levels, and only KitError escapes (map-pmtiles.test.ts throws random bytes at it).
 */
import { type FileHandle, open } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { KitError } from '../base/errors.js';
import './map-errors.js';

export const PMTILES_HEADER_BYTES = 127;
const MAGIC = 'PMTiles';
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;
const MAX_ENTRIES = 1_000_000;
const MAX_DEPTH = 4;
const MAX_TILE_BYTES = 4 * 1024 * 1024;

export type RasterType = 'png' | 'jpg' | 'webp';
const TILE_TYPES: Readonly<Record<number, RasterType>> = { 2: 'png', 3: 'jpg', 4: 'webp' };
export const RASTER_MIME: Readonly<Record<RasterType, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
};

export interface PmtilesHeader {
  rootOffset: number;
  rootLength: number;
  leafOffset: number;
  leafLength: number;
  dataOffset: number;
  dataLength: number;
  internalCompression: number;
  tileCompression: number;
  tileType: number;
  minZoom: number;
  maxZoom: number;
  /** West, south, east, north, degrees. */
  bounds: [number, number, number, number];
}

export interface DirectoryEntry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

/** Reads a header; `fileSize` bounds every section. @throws KitError MAP_TILES_INVALID */
export function parseHeader(bytes: Uint8Array, fileSize: number): PmtilesHeader {
  if (bytes.length < PMTILES_HEADER_BYTES)
    throw invalid(`the file is ${bytes.length} bytes, shorter than a header`);
  if (Buffer.from(bytes.subarray(0, 7)).toString('latin1') !== MAGIC)
    throw invalid('it does not start with PMTiles');
  if (bytes[7] !== 3) throw invalid(`it is PMTiles version ${bytes[7]}; this node reads version 3`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, PMTILES_HEADER_BYTES);
  const u64 = (at: number, what: string) => {
    const n = v.getBigUint64(at, true);
    if (n > BigInt(fileSize)) throw invalid(`its ${what} (${n}) lies beyond the file's ${fileSize} bytes`);
    return Number(n);
  };
  const section = (at: number, what: string) => {
    const offset = u64(at, `${what} offset`);
    const length = u64(at + 8, `${what} length`);
    if (offset + length > fileSize) throw invalid(`its ${what} runs beyond the end of the file`);
    return [offset, length] as const;
  };
  const [rootOffset, rootLength] = section(8, 'root directory');
  const [leafOffset, leafLength] = section(40, 'leaf directories');
  const [dataOffset, dataLength] = section(56, 'tile data');
  const internalCompression = v.getUint8(97);
  const tileCompression = v.getUint8(98);
  const tileType = v.getUint8(99);
  const minZoom = v.getUint8(100);
  const maxZoom = v.getUint8(101);
  if (minZoom > maxZoom || maxZoom > 26)
    throw invalid(`its zoom range ${minZoom}–${maxZoom} is not one a map has`);
  const e7 = (at: number) => v.getInt32(at, true) / 1e7;
  return {
    rootOffset,
    rootLength,
    leafOffset,
    leafLength,
    dataOffset,
    dataLength,
    internalCompression,
    tileCompression,
    tileType,
    minZoom,
    maxZoom,
    bounds: [e7(102), e7(106), e7(110), e7(114)],
  };
}

/** Inflates and reads one directory. @throws KitError MAP_TILES_INVALID */
export function parseDirectory(raw: Uint8Array, compression: number): DirectoryEntry[] {
  const bytes = inflate(raw, compression);
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (at >= bytes.length) throw invalid('a directory ends in the middle of a number');
      const b = bytes[at++] as number;
      value += (b & 0x7f) * scale;
      if (value > Number.MAX_SAFE_INTEGER) throw invalid('a directory holds a number too large');
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
    throw invalid('a directory holds a number longer than 8 bytes');
  };
  const n = varint();
  // Each entry takes at least four bytes: a count beyond that is a lie, not an allocation to make.
  if (n > MAX_ENTRIES || n * 4 > bytes.length) throw invalid(`a directory claims ${n} entries`);
  const entries: DirectoryEntry[] = [];
  let last = 0;
  for (let i = 0; i < n; i++) {
    last += varint();
    if (last > Number.MAX_SAFE_INTEGER) throw invalid('a tile id beyond the largest');
    entries.push({ tileId: last, offset: 0, length: 0, runLength: 0 });
  }
  for (const e of entries) e.runLength = varint();
  for (const e of entries) e.length = varint();
  entries.forEach((e, i) => {
    const value = varint();
    const prev = entries[i - 1];
    e.offset = value === 0 && prev !== undefined ? prev.offset + prev.length : value - 1;
    if (e.offset < 0) throw invalid('the first entry of a directory has no offset');
  });
  return entries;
}

/** The tile id of z/x/y: the tiles of every level above, then the Hilbert index at z. */
export function tileIdOf(z: number, x: number, y: number): number {
  if (!Number.isInteger(z) || z < 0 || z > 26) throw new RangeError(`zoom ${z} outside 0–26`);
  const n = 2 ** z;
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= n || y >= n)
    throw new RangeError(`tile ${x}/${y} outside zoom ${z}`);
  let acc = (4 ** z - 1) / 3;
  let rx = 0;
  let ry = 0;
  let tx = x;
  let ty = y;
  for (let s = n / 2; s >= 1; s /= 2) {
    rx = (tx & s) > 0 ? 1 : 0;
    ry = (ty & s) > 0 ? 1 : 0;
    acc += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        tx = s - 1 - tx;
        ty = s - 1 - ty;
      }
      [tx, ty] = [ty, tx];
    }
  }
  return acc;
}

/** The entry that holds `tileId`, if any: the last one at or before it. */
export function findEntry(entries: readonly DirectoryEntry[], tileId: number): DirectoryEntry | undefined {
  let lo = 0;
  let hi = entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = entries[mid] as DirectoryEntry;
    if (e.tileId === tileId) return e;
    if (e.tileId < tileId) lo = mid + 1;
    else hi = mid - 1;
  }
  const e = entries[hi];
  if (e === undefined) return undefined;
  if (e.runLength === 0) return e;
  return tileId - e.tileId < e.runLength ? e : undefined;
}

/** An open PMTiles file of raster tiles. */
export class PmtilesFile {
  readonly header: PmtilesHeader;
  readonly type: RasterType;
  readonly #file: FileHandle;
  readonly #root: DirectoryEntry[];
  readonly #leaves = new Map<string, DirectoryEntry[]>();

  private constructor(file: FileHandle, header: PmtilesHeader, type: RasterType, root: DirectoryEntry[]) {
    this.#file = file;
    this.header = header;
    this.type = type;
    this.#root = root;
  }

  /** @throws KitError MAP_TILES_UNREADABLE, MAP_TILES_INVALID */
  static async open(path: string): Promise<PmtilesFile> {
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch (cause) {
      throw new KitError(
        'MAP_TILES_UNREADABLE',
        `the tile file ${path} cannot be opened: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    try {
      const size = (await file.stat()).size;
      const header = parseHeader(await readAt(file, 0, Math.min(PMTILES_HEADER_BYTES, size)), size);
      const type = TILE_TYPES[header.tileType];
      if (type === undefined)
        throw invalid(
          header.tileType === 1
            ? 'it holds vector tiles; this node serves raster tiles (PNG, JPEG, WebP): render them to a raster set first'
            : `its tile type ${header.tileType} is not PNG, JPEG or WebP`,
        );
      if (header.tileCompression !== 0 && header.tileCompression !== 1)
        throw invalid(
          'its raster tiles are compressed again inside the file; make it with tile compression none',
        );
      if (header.rootLength > MAX_DIRECTORY_BYTES) throw invalid('its root directory is larger than 16 MiB');
      const root = parseDirectory(
        await readAt(file, header.rootOffset, header.rootLength),
        header.internalCompression,
      );
      return new PmtilesFile(file, header, type, root);
    } catch (err) {
      await file.close().catch(() => {});
      if (err instanceof KitError) throw new KitError(err.code, `${path}: ${err.message}`, { cause: err });
      throw new KitError(
        'MAP_TILES_UNREADABLE',
        `the tile file ${path} cannot be read: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  /** The bytes of tile z/x/y, or undefined when the file has none there. @throws KitError MAP_TILES_INVALID */
  async tile(z: number, x: number, y: number): Promise<Uint8Array | undefined> {
    if (z < this.header.minZoom || z > this.header.maxZoom) return undefined;
    const id = tileIdOf(z, x, y);
    let entries = this.#root;
    for (let depth = 0; depth <= MAX_DEPTH; depth++) {
      const e = findEntry(entries, id);
      if (e === undefined) return undefined;
      if (e.runLength > 0) {
        if (e.length > MAX_TILE_BYTES || e.offset + e.length > this.header.dataLength)
          throw invalid(`tile ${z}/${x}/${y} lies outside the tile data`);
        return readAt(this.#file, this.header.dataOffset + e.offset, e.length);
      }
      entries = await this.#leaf(e);
    }
    throw invalid(`the directories nest deeper than ${MAX_DEPTH} levels`);
  }

  close(): Promise<void> {
    return this.#file.close();
  }

  async #leaf(e: DirectoryEntry): Promise<DirectoryEntry[]> {
    const key = `${e.offset}:${e.length}`;
    const cached = this.#leaves.get(key);
    if (cached !== undefined) return cached;
    if (e.length > MAX_DIRECTORY_BYTES || e.offset + e.length > this.header.leafLength)
      throw invalid('a leaf directory lies outside the leaf directories');
    const entries = parseDirectory(
      await readAt(this.#file, this.header.leafOffset + e.offset, e.length),
      this.header.internalCompression,
    );
    // A few leaves are enough for a county's zoom levels; the oldest goes first.
    if (this.#leaves.size >= 64) this.#leaves.delete(this.#leaves.keys().next().value as string);
    this.#leaves.set(key, entries);
    return entries;
  }
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  if (bytesRead !== length) throw invalid(`the file ends before byte ${position + length}`);
  return buffer;
}

function inflate(raw: Uint8Array, compression: number): Uint8Array {
  try {
    if (compression === 0 || compression === 1) return raw;
    if (compression === 2) return gunzipSync(raw, { maxOutputLength: MAX_DIRECTORY_BYTES });
    if (compression === 3) return brotliDecompressSync(raw, { maxOutputLength: MAX_DIRECTORY_BYTES });
  } catch (cause) {
    throw new KitError('MAP_TILES_INVALID', `a directory does not inflate: ${(cause as Error).message}`, {
      cause,
    });
  }
  throw invalid(
    compression === 4
      ? 'its directories are compressed with zstd, which this node cannot read: make it with gzip'
      : `its directory compression ${compression} is unknown`,
  );
}

function invalid(message: string): KitError {
  return new KitError('MAP_TILES_INVALID', `not a PMTiles file this node serves: ${message}`);
}
