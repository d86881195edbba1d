/**
 * At a kit, answers wait for the ack in flight (docs/warnings.md §Answers travel together), as the
 * daemon wires it (node/src/composition/node-warnings.ts): the kit's book on a real core and
 * LevelDB store, joined to the centre by a fake IP link. The first answer goes at once; while its
 * ack has no confirmation from beyond the kit (the link loses what the kit sends), the answers made
 * after it, each after the window had ended, wait, and go together in one ack once the first is
 * in the centre's custody. Without the wiring each went alone, at once.
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
const WINDOW_MS = 200;

let net: TestNetwork | undefined;
let warnings: NodeWarnings | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await warnings?.close();
  await net?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('holds the answers made while the first ack is unconfirmed, and sends them in one ack once it is', async () => {
  const county = await startCountyOfTwo({ kit: KIT, area: VILLAGE });
  net = county.net;
  provisionIssuer(net);
  const { centre, kit } = county;
  dataDir = await mkdtemp(join(tmpdir(), 'fieldnode-answers-'));
  const config = {
    ...workflowConfig({ node: kit, role: 'kit', kit: KIT, area: VILLAGE, dataDir }),
    warnings: { ...DEFAULT_WARNINGS, answerWindowMs: WINDOW_MS },
    alarm: DEFAULT_ALARM_CONFIG,
  };
  warnings = await openNodeWarnings({
    config,
    core: kit.core,
    store: kit.store,
    people: () => PEOPLE,
    areas: new AreaDirectory([{ code: VILLAGE, name: '青龙村' }]),
    now: Date.now,
    emit: () => {},
    tracked: (path) => path,
    log: silentLogger,
  });
  // To the kit itself: this county of two has no area route.
  const warning = await centre.core.submit(
    { kind: 'warning', body: warningBody(), dest: { to: 'node', node: KIT }, priority: 0, lifetimeMin: 360 },
    issuerSigned,
  );
  const service = warnings.service;
  await eventually('the kit holds the warning', async () => (await service.get(warning)) !== undefined);
  const acks = () =>
    centre.delivered
      .filter((m): m is MessageOf<'ack'> => m.kind === 'ack')
      .map((m) => [m.body.person, ...(m.body.others ?? []).map((o) => o.person)]);
  const answer = (p: (typeof PEOPLE)[number]) => service.answer(warning, { ...p }, { state: 'acknowledged' });

  // What the kit sends is lost: its first ack stays unconfirmed.
  county.links.kit.setFaults({ loss: 1 });
  expect((await answer(PEOPLE[0] as never)).sending).toBe('at-once');
  await new Promise((r) => setTimeout(r, 3 * WINDOW_MS));
  expect((await answer(PEOPLE[1] as never)).sending).toBe('bundled');
  await new Promise((r) => setTimeout(r, 3 * WINDOW_MS));
  expect((await answer(PEOPLE[3] as never)).sending).toBe('bundled');
  await new Promise((r) => setTimeout(r, 3 * WINDOW_MS));

  county.links.kit.setFaults({ loss: 0 });
  await eventually('the three answers reach the centre', () => acks().flat().length >= 3, 15_000);
  await new Promise((r) => setTimeout(r, 500));
  expect(acks()).toEqual([[1], [2, 4]]);
}, 30_000);
