/**
 * What the kit-health view's browser test stands on (docs/ui.md §Kits at the centre, §Tests): a
 * centre's real API server with a real kit board in a temporary directory (node/src/domain/kits/),
 * the lost-kit workflow signing into a recording core, an incident book holding the village kit's
 * 初报, and the API fixtures' roster, behind a front door on 127.0.0.1 that serves the built UI
 * (front-door.ts); and the catalogue strings, the kit view's part included, in either language.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../node/src/base/logger.js';
import type { Draft } from '../../node/src/core/core-types.js';
import { KitBoard } from '../../node/src/domain/kits/kit-board.js';
import { LostKits } from '../../node/src/domain/kits/lost-kits.js';
import { IncidentBook } from '../../node/src/domain/reports/incident-book.js';
import { MemoryIncidentLedger } from '../../node/src/domain/reports/incident-ledger.js';
import { airRoster } from '../../node/src/domain/roster/air-roster.js';
import {
  nodeStatus,
  OTHER_VILLAGE,
  PEOPLE,
  startTestApi,
  type TestApi,
  VILLAGE,
} from '../../node/src/http/api-fixtures.js';
import { EventFeed } from '../../node/src/http/event-hub.js';
import { DEFAULT_HTTP_CONFIG } from '../../node/src/http/http-config.js';
import { KitsAdapter } from '../../node/src/http/kits-adapter.js';
import { K1 } from '../../node/src/wire/fixtures/kit-health-messages.js';
import { R1 } from '../../node/src/wire/fixtures/reference-messages.js';
import type { MessageOf } from '../../node/src/wire/message.js';
import { kitsEn } from '../src/i18n/kits-en.js';
import { type KitsKey, kitsZhCN } from '../src/i18n/kits-zh-CN.js';
import type { MessageKey } from '../src/i18n/zh-CN.js';
import { areaText, type Lang } from './browser-kit.js';
import { type FrontDoor, startFrontDoor } from './front-door.js';

export const LOST = 2107;
export const SPARE = 2111;
export const ELSEWHERE = 2108;
export const DUTY_OFFICER = 3;

/** A catalogue string in `lang`, of either part, placeholders filled. */
export function say(lang: Lang, key: MessageKey | KitsKey, params?: Record<string, string | number>): string {
  return areaText({ zh: kitsZhCN, en: kitsEn }, lang, key, params);
}

export interface KitsRig {
  door: FrontDoor;
  api: TestApi;
  board: KitBoard;
  /** The control messages the centre signed. */
  signed: Draft[];
  /** Kit `id` is heard now with K1's health, announcing its next in `intervalS`. */
  hear(id: number, intervalS: number, seq: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startKitsRig(uiRoot: string): Promise<KitsRig> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-ui-kits-'));
  let api: TestApi | undefined;
  let service: KitsAdapter | undefined;
  const door = await startFrontDoor({ uiRoot, apiPort: () => api?.server.address?.port });
  const now = () => Date.now();
  const board = await KitBoard.open({
    file: join(dir, 'kit-board.jsonl'),
    kits: [
      { id: LOST, area: VILLAGE, role: 'kit' },
      { id: SPARE, area: VILLAGE, role: 'kit' },
      { id: ELSEWHERE, area: OTHER_VILLAGE, role: 'kit' },
    ],
    policy: {
      defaultIntervalMs: 900_000,
      silenceIntervals: 2,
      batteryLowPercent: 25,
      batteryCutoffPercent: 10,
      batteryWarnAheadMs: 7_200_000,
    },
    now,
    changed: (id) => service?.changed(id),
    log: silentLogger,
  });
  const book = new IncidentBook({ ledger: new MemoryIncidentLedger(), log: silentLogger, now });
  await book.record(R1);
  const events = new EventFeed();
  const signed: Draft[] = [];
  const lost = new LostKits({
    board,
    submit: async (draft) => {
      signed.push(draft);
      return `1/${100 + signed.length}`;
    },
    issuer: { id: 3, sign: { scheme: 'none' } as never },
    handOver: async (from, to) => (await book.handOver(from, to)).map((i) => i.id),
    roster: (area) => airRoster(area, PEOPLE),
    now,
    log: silentLogger,
  });
  service = new KitsAdapter({
    board,
    lost,
    areaName: (area) => (area === VILLAGE ? '青山村' : area === OTHER_VILLAGE ? '白石村' : undefined),
    incidents: () => book.list(),
    now,
    emit: (e) => events.emit(e),
  });
  api = await startTestApi(dir, {
    config: { ...DEFAULT_HTTP_CONFIG, listen: { host: '127.0.0.1', port: 0 }, publicOrigins: [door.origin] },
    node: { id: 1, role: 'centre' },
    status: () => nodeStatus({ node: { id: 1, role: 'centre', name: '长沙县应急指挥中心' } }),
    kits: service,
    events,
  });
  api.server.markReady();
  const started = api;
  return {
    door,
    api: started,
    board,
    signed,
    async hear(id, intervalS, seq) {
      const at = now();
      const message: MessageOf<'health'> = {
        ...K1,
        origin: id,
        seq,
        createdAt: Math.floor(at / 1000),
        body: { ...K1.body, intervalS },
      };
      await board.heard(message, at);
    },
    async stop() {
      await started.server.stop();
      await door.close();
      await board.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
