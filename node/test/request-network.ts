/**
 * A county of two for the request and SOS tests (docs/requests.md): the centre (node 1) and a
 * village kit (node 2107), each a real NodeCore on its own LevelDB store joined by a fake IP link,
 * each with its request book in its own data directory and its own HTTP API, wired by
 * node/src/composition/node-requests.ts itself. The centre's alarm is the real CentreAlarm over a
 * recorded sounder (node/src/sounders/recorded-sounder.ts), so a test hears the SOS as a duty officer would.
 * The node tests (node/src/composition/node-requests.test.ts) and the browser tests
 * (ui/test/requests.browser.test.ts) stand on it.
 */
import { silentLogger } from '../src/base/logger.js';
import { type NodeRequests, openNodeRequests } from '../src/composition/node-requests.js';
import { AreaDirectory } from '../src/domain/roster/area-directory.js';
import type { Person } from '../src/domain/roster/person.js';
import { CentreAlarm } from '../src/domain/warnings/alarm/centre-alarm.js';
import type { ApiServerDeps } from '../src/http/api-deps.js';
import { PEOPLE, type TestApi, VILLAGE } from '../src/http/api-fixtures.js';
import type { FakeLink } from '../src/link/fake-link.js';
import { RecordedSounder } from '../src/sounders/recorded-sounder.js';
import * as two from './county-of-two.js';
import type { TestNetwork } from './integration/harness.js';

export const KIT = 2107;

export interface RequestNode extends two.WorkflowBase {
  requests: NodeRequests;
  api: TestApi;
}

export interface RequestNetwork {
  net: TestNetwork;
  centre: RequestNode;
  kit: RequestNode;
  /** The kit's and the centre's ends of the link between them. */
  links: { kit: FakeLink; centre: FakeLink };
  /** The centre's alarm's sounder: what it sounded and said. */
  sounder: RecordedSounder;
  /** What the centre's alarm said, one line per announcement. */
  spoken(): string[];
  stop(): Promise<void>;
}

export interface RequestNetworkOptions {
  people?: Person[];
  /** How often an SOS not acknowledged sounds again at the centre, ms. Default 200. */
  sosRepeatMs?: number;
  api?: (role: 'centre' | 'kit') => Partial<ApiServerDeps>;
}

export async function startRequestNetwork(o: RequestNetworkOptions = {}): Promise<RequestNetwork> {
  const people = o.people ?? PEOPLE;
  const sounder = new RecordedSounder({ log: silentLogger });
  const alarm = new CentreAlarm({ sounders: [sounder], sirenMs: 1, log: silentLogger });
  const { county, centre, kit, stop } = await two.startTwoNodeWorkflow(
    { prefix: 'requests', kit: KIT, area: VILLAGE },
    (base, role) => requestNode(base, role, people, o, role === 'centre' ? alarm : undefined),
    (n) => n.requests.close(),
    () => alarm.close(),
  );
  return {
    net: county.net,
    centre,
    kit,
    links: county.links,
    sounder,
    spoken: () => sounder.events.flatMap((e) => (e.event === 'speak' ? [e.zh] : [])),
    stop,
  };
}

async function requestNode(
  base: two.WorkflowBase,
  role: two.Role,
  people: Person[],
  o: RequestNetworkOptions,
  alarm?: CentreAlarm,
): Promise<RequestNode> {
  const { node, feed, dataDir } = base;
  // The node's own wiring, over the parts of a configuration it reads.
  const requests = await openNodeRequests({
    config: two.workflowConfig({ node, role, kit: KIT, area: VILLAGE, dataDir }),
    core: node.core,
    store: node.store,
    people: () => people,
    areas: new AreaDirectory([{ code: VILLAGE, name: '青龙村' }]),
    ...(alarm === undefined ? {} : { alarm: () => alarm }),
    sosRepeatMs: o.sosRepeatMs ?? 200,
    now: Date.now,
    emit: (event) => feed.emit(event),
    tracked: (path) => path,
    log: silentLogger,
  });
  try {
    const api = await two.startNodeApi(node, role, dataDir, people, {
      requests: requests.service,
      events: feed,
      ...o.api?.(role),
    });
    return { ...base, requests, api };
  } catch (err) {
    await requests.close();
    throw err;
  }
}
