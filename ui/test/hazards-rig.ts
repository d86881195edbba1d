/**
 * What the hazard views' browser test stands on (docs/ui.md §Hazards, §The map, §Tests): the county
 * of two of node/test/hazard-network.ts (a village kit and the centre, real cores on real stores,
 * their hazard ledgers, photo stores and APIs), each behind a front door on 127.0.0.1 serving the
 * built UI, each serving a map of the fixtures' county; and the strings of either language, the
 * hazard views' part included.
 */
import { deflateSync } from 'node:zlib';
import { silentLogger } from '../../node/src/base/logger.js';
import { DEFAULT_HTTP_CONFIG } from '../../node/src/http/http-config.js';
import { type MapService, openMapService } from '../../node/src/http/map-service.js';
import { type HazardNetwork, startHazardNetwork } from '../../node/test/hazard-network.js';
import { hazardsEn } from '../src/i18n/hazards-en.js';
import { type HazardsKey, hazardsZhCN } from '../src/i18n/hazards-zh-CN.js';
import type { MessageKey } from '../src/i18n/zh-CN.js';
import { areaText, type Lang } from './browser-kit.js';
import { type FrontDoor, startFrontDoor } from './front-door.js';

/** A catalogue string in `lang`, of either part, placeholders filled. */
export function say(
  lang: Lang,
  key: MessageKey | HazardsKey,
  params?: Record<string, string | number>,
): string {
  return areaText({ zh: hazardsZhCN, en: hazardsEn }, lang, key, params);
}

export const COUNTY = 430121;
export const TOWNSHIP = 430121101;
export const VILLAGE = 430121101201;
export const NEIGHBOUR = 430121101202;

/** The fixtures' county as a `map:` section gives it (docs/map.md §Configuring it). */
export async function testMap(): Promise<MapService> {
  const ring = (w: number, s: number, e: number, n: number) =>
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ] as const;
  const names = new Map([
    [COUNTY, '长沙县'],
    [TOWNSHIP, '甲镇'],
    [VILLAGE, '青龙村'],
    [NEIGHBOUR, '白石村'],
  ]);
  return openMapService({
    config: {
      areas: [
        { code: COUNTY, polygons: [[ring(112.85, 28.15, 113.05, 28.3)]] },
        { code: TOWNSHIP, polygons: [[ring(112.9, 28.2, 113.0, 28.26)]] },
        { code: VILLAGE, polygons: [[ring(112.91, 28.21, 112.95, 28.25)]] },
        { code: NEIGHBOUR, polygons: [[ring(112.95, 28.21, 112.99, 28.25)]] },
      ],
      points: [
        { name: '青龙村小学安置点', kind: 'shelter', at: [112.93, 28.22], area: VILLAGE },
        { name: '青龙村应急点', kind: 'kit', at: [112.925, 28.235], area: VILLAGE },
      ],
    },
    areaName: (code) => names.get(code),
    log: silentLogger,
  });
}

export interface HazardRig {
  net: HazardNetwork;
  kitDoor: FrontDoor;
  centreDoor: FrontDoor;
  stop(): Promise<void>;
}

export async function startHazardRig(uiRoot: string, drill = false): Promise<HazardRig> {
  let net: HazardNetwork | undefined;
  const kitDoor = await startFrontDoor({ uiRoot, apiPort: () => net?.kit.api.server.address?.port });
  const centreDoor = await startFrontDoor({ uiRoot, apiPort: () => net?.centre.api.server.address?.port });
  const maps = { kit: await testMap(), centre: await testMap() };
  net = await startHazardNetwork({
    drill,
    api: (role) => ({
      config: {
        ...DEFAULT_HTTP_CONFIG,
        listen: { host: '127.0.0.1', port: 0 },
        publicOrigins: [(role === 'kit' ? kitDoor : centreDoor).origin],
      },
      map: maps[role],
    }),
  });
  const started = net;
  return {
    net: started,
    kitDoor,
    centreDoor,
    async stop() {
      await started.stop();
      await kitDoor.close();
      await centreDoor.close();
    },
  };
}

/** A real PNG of `size` × `size` pixels, each filled with `rgb`: a photo the browser can decode and shrink. */
export function testPng(size = 64, rgb: readonly [number, number, number] = [200, 120, 40]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = (crcTable[(c ^ x) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
