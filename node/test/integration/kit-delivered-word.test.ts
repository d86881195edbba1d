/**
 * The kit's word that it holds a warning, spared when an answer goes first (docs/warnings.md §The
 * kit's word that it holds it), as the daemon wires it (node/src/composition/node-warnings.ts):
 * the kit's book on a real core and LevelDB store, joined to the centre by a fake IP link. A
 * warning for the whole township reaches the village kit; a person answers within the spread; the
 * centre gets one ack from the kit, the answer, and no `delivered` of its own, even once the kit
 * stops. Before, the kit said `delivered` at once and the answer went as a second ack.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../../src/base/logger.js';
import { type NodeWarnings, openNodeWarnings } from '../../src/composition/node-warnings.js';
import { DEFAULT_WARNINGS } from '../../src/config/warnings-section.js';
import { AreaDirectory } from '../../src/domain/roster/area-directory.js';
import { DEFAULT_ALARM_CONFIG } from '../../src/domain/warnings/alarm/alarm-config.js';
import { PEOPLE, VILLAGE } from '../../src/http/api-fixtures.js';
import type { MessageOf } from '../../src/wire/message.js';
import { startCountyOfTwo, workflowConfig } from '../county-of-two.js';
import { eventually, type TestNetwork } from './harness.js';
import { issuerSigned, provisionIssuer, warningBody } from './security-support.js';

const KIT = 2107;
/** The township of VILLAGE: the kit's area is only part of the warning's. */
const TOWNSHIP = 430121101;

let net: TestNetwork | undefined;
let warnings: NodeWarnings | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await warnings?.close();
  await net?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('sends the first answer to a township warning as the only word of the kit, with no delivered ack', async () => {
  const county = await startCountyOfTwo({ kit: KIT, area: VILLAGE });
  net = county.net;
  provisionIssuer(net);
  const { centre, kit } = county;
  dataDir = await mkdtemp(join(tmpdir(), 'fieldnode-delivered-'));
  const config = {
    ...workflowConfig({ node: kit, role: 'kit', kit: KIT, area: VILLAGE, dataDir }),
    warnings: DEFAULT_WARNINGS,
    alarm: DEFAULT_ALARM_CONFIG,
  };
  warnings = await openNodeWarnings({
    config,
    core: kit.core,
    store: kit.store,
    people: () => PEOPLE,
    areas: new AreaDirectory([{ code: VILLAGE, name: '青龙村' }]),
    now: Date.now,
    // The word's wait drawn at the top of its spread (about 30 s): the answer below surely goes first.
    random: () => 0.99,
    emit: () => {},
    tracked: (path) => path,
    log: silentLogger,
  });
  // To the kit itself: this county of two has no area route.
  const warning = await centre.core.submit(
    {
      kind: 'warning',
      // Calls the village's 灾害信息员 (role 1) and 网格员 (role 3), people 1 and 2.
      body: { ...warningBody(), areas: [TOWNSHIP], roles: [1, 3] },
      dest: { to: 'node', node: KIT },
      priority: 0,
      lifetimeMin: 360,
    },
    issuerSigned,
  );
  const service = warnings.service;
  await eventually('the kit holds the warning', async () => (await service.get(warning)) !== undefined);
  const acks = () =>
    centre.delivered
      .filter((m): m is MessageOf<'ack'> => m.kind === 'ack' && m.origin === KIT)
      .map((m) => ({ state: m.body.state, person: m.body.person }));

  await service.answer(warning, { ...(PEOPLE[0] as (typeof PEOPLE)[number]) } as never, {
    state: 'acknowledged',
  });
  await eventually('the answer reaches the centre', () => acks().length >= 1, 15_000);
  // A stop sends any word still waiting: there is none.
  await warnings.close();
  warnings = undefined;
  await new Promise((r) => setTimeout(r, 1_000));
  expect(acks()).toEqual([{ state: 'acknowledged', person: 1 }]);
}, 30_000);
