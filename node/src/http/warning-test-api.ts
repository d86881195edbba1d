/**
 * What the warning routes' tests stand on (docs/api.md §Warnings, §Wiring): an API on 127.0.0.1
 * at a centre or a kit (api-fixtures.ts) with the in-memory warnings service (warnings-fixtures.ts)
 * on the same event feed, the test roster with its area names, signed-in clients by roster id, and
 * CAP 1.2 alerts written as a platform outside would send them, timed from now.
 */
import { countyTime } from '../domain/county-time.js';
import { AreaDirectory } from '../domain/roster/area-directory.js';
import type { Person } from '../domain/roster/person.js';
import { type ApiClient, PIN, startTestApi, type TestApi, VILLAGE } from './api-fixtures.js';
import { EventFeed } from './event-hub.js';
import type { PeopleDirectory } from './people-directory.js';
import { rosterPeople } from './roster-people.js';
import { AREA_NAMES, WARNING_PEOPLE } from './warning-fixture-draft.js';
import { MemoryWarnings } from './warnings-fixtures.js';
import type { WarningDraftInput } from './warnings-service.js';

/** A village committee member whom the test directory lets issue warnings, for the village only. */
export const VILLAGE_ISSUER = 9;

export interface WarningTestApi extends TestApi {
  warnings: MemoryWarnings;
  /** A client signed in as roster id `person`. */
  as(person: number): Promise<ApiClient>;
}

/**
 * The test roster behind the real permission table, with one change no role gives: `warning.issue`
 * within their own areas for VILLAGE_ISSUER, so that a route's check of the issuer's areas is seen.
 */
export function warningPeople(people: Person[] = WARNING_PEOPLE): PeopleDirectory {
  const get = (id: number) => people.find((p) => p.id === id);
  const base = rosterPeople({
    get,
    checkPin: async (id, pin) => get(id) !== undefined && pin === PIN,
    areas: new AreaDirectory(AREA_NAMES),
  });
  return {
    ...base,
    scope: (person, permission) =>
      person.id === VILLAGE_ISSUER && permission === 'warning.issue'
        ? { all: false, areas: person.areas }
        : base.scope(person, permission),
  };
}

/** Starts a ready API at a node of `role`, port 0, over `dataDir`. */
export async function startWarningApi(
  dataDir: string,
  role: 'centre' | 'kit',
  over: { now?: () => number } = {},
): Promise<WarningTestApi> {
  const feed = new EventFeed();
  const warnings = new MemoryWarnings({ role, feed, ...(over.now ? { now: over.now } : {}) });
  const api = await startTestApi(dataDir, {
    node: { id: 2107, role },
    events: feed,
    warnings,
    people: warningPeople(),
  });
  api.server.markReady();
  return {
    ...api,
    warnings,
    async as(person) {
      const client = api.client();
      const res = await client.signIn(person);
      if (res.status !== 200) throw new Error(`sign-in of ${person} failed: ${res.status} ${res.text}`);
      return client;
    },
  };
}

const HOUR_S = 3600;
const nowS = () => Math.floor(Date.now() / 1000);

/** A red rainstorm warning to the village's 防汛责任人, in force for six hours. */
export function villageDraft(over: Partial<WarningDraftInput> = {}): WarningDraftInput {
  return {
    action: 'issue',
    event: '11B03',
    level: 1,
    colour: 'red',
    areas: [VILLAGE],
    roles: ['flood-responsible'],
    expires: nowS() + 6 * HOUR_S,
    instruction: '危险区域人员立即转移',
    senderName: '某县气象台',
    ...over,
  };
}

/** A CAP 1.2 alert as a province platform would send it: orange rainstorm, the village, from now. */
export function capAlert(
  o: { identifier?: string; status?: string; expiresInS?: number; areaCode?: number } = {},
): string {
  const clock = countyTime();
  const now = Date.now();
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${o.identifier ?? `43000041600000_${now}`}</identifier>
  <sender>43000041600000</sender>
  <sent>${clock.formatIso(now)}</sent>
  <status>${o.status ?? 'Actual'}</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>暴雨预警</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <eventCode><valueName>CN-EventType</valueName><value>11B03</value></eventCode>
    <effective>${clock.formatIso(now)}</effective>
    <expires>${clock.formatIso(now + (o.expiresInS ?? 6 * HOUR_S) * 1000)}</expires>
    <senderName>省气象台</senderName>
    <headline>省气象台发布暴雨橙色预警[II级/严重]</headline>
    <description>预计未来3小时内降雨量将达50毫米以上。</description>
    <instruction>危险地带人员立即转移。</instruction>
    <parameter><valueName>CN-WarningColor</valueName><value>Orange</value></parameter>
    <parameter><valueName>CN-WarningLevel</valueName><value>II</value></parameter>
    <area>
      <areaDesc>青龙村</areaDesc>
      <geocode><valueName>GB/T 2260</valueName><value>${o.areaCode ?? VILLAGE}</value></geocode>
    </area>
  </info>
</alert>
`;
}
