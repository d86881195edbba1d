/**
 * What the warning views' browser test stands on (docs/ui.md §Warnings, §Tests): a centre and a kit,
 * each the API engineer's real API server with the in-memory warnings service
 * (node/src/http/warnings-fixtures.ts) and its test roster, behind a front door on 127.0.0.1 that
 * serves the built UI (front-door.ts); and the catalogue strings, the warning views' part included,
 * in either language.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeStatus, startTestApi, type TestApi } from '../../node/src/http/api-fixtures.js';
import { EventFeed } from '../../node/src/http/event-hub.js';
import { DEFAULT_HTTP_CONFIG } from '../../node/src/http/http-config.js';
import { warningPeople } from '../../node/src/http/warning-test-api.js';
import { MemoryWarnings } from '../../node/src/http/warnings-fixtures.js';
import { warningsEn } from '../src/i18n/warnings-en.js';
import { type WarningsKey, warningsZhCN } from '../src/i18n/warnings-zh-CN.js';
import type { MessageKey } from '../src/i18n/zh-CN.js';
import { areaText, type Lang } from './browser-kit.js';
import { type FrontDoor, startFrontDoor } from './front-door.js';

/** A catalogue string in `lang`, of either part, placeholders filled. */
export function say(
  lang: Lang,
  key: MessageKey | WarningsKey,
  params?: Record<string, string | number>,
): string {
  return areaText({ zh: warningsZhCN, en: warningsEn }, lang, key, params);
}

/** One node: its API with the in-memory warnings, behind its own door. */
export interface WarningNode {
  door: FrontDoor;
  api: TestApi;
  warnings: MemoryWarnings;
  feed: EventFeed;
  stop(): Promise<void>;
}

/** Starts a node of `role` serving the UI built in `uiRoot`; `drill` makes its status say so. */
export async function startWarningNode(
  uiRoot: string,
  role: 'centre' | 'kit',
  drill = false,
): Promise<WarningNode> {
  const dataDir = await mkdtemp(join(tmpdir(), `fieldnode-ui-warnings-${role}-`));
  let api: TestApi | undefined;
  const door = await startFrontDoor({ uiRoot, apiPort: () => api?.server.address?.port });
  const feed = new EventFeed();
  const warnings = new MemoryWarnings({ role, feed });
  const id = role === 'centre' ? 1 : 2107;
  const name = role === 'centre' ? '长沙县应急指挥中心' : '青龙村应急点';
  api = await startTestApi(dataDir, {
    config: { ...DEFAULT_HTTP_CONFIG, listen: { host: '127.0.0.1', port: 0 }, publicOrigins: [door.origin] },
    node: { id, role },
    status: () => nodeStatus({ node: { id, role, name, ...(drill ? { drill: true } : {}) } }),
    events: feed,
    warnings,
    people: warningPeople(),
  });
  api.server.markReady();
  const started = api;
  return {
    door,
    api: started,
    warnings,
    feed,
    async stop() {
      await started.server.stop();
      await door.close();
    },
  };
}
