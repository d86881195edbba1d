/**
 * Error codes of the map (docs/map.md), registered with the shared KitError base
 * (node/src/base/errors.ts).
 */

declare module '../base/errors.js' {
  interface KitErrorCodes {
    /** The tile file named by `map.tiles.file` cannot be opened or read. */
    MAP_TILES_UNREADABLE: true;
    /** The tile file is not a PMTiles file this version serves (version, compression, tile type, a damaged directory). */
    MAP_TILES_INVALID: true;
  }
}

export {};
