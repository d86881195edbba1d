/**
 * The demonstration county end to end (docs/demo-county.md): six real nodes built by createNode
 * from their configuration files, on simulated radios over real pseudo-terminals and a simulated
 * 9603 on one, through the simulated Iridium network and RockBLOCK cloud to the centre's push
 * receiver. What a newcomer does in the first minute, over each node's HTTP API: the village's
 * 灾害信息员 signs in with the PIN the banner shows and files a 初报; the duty officer sees it at
 * the centre as a drill; the kit sees its receipt. A restart from the same folder resumes the same
 * keys, PINs and store.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { needsSystemTool } from '../link/needs-system-tool.js';
import { SOCAT } from '../link/system-tool.js';
import { MessageStore } from '../store/message-store.js';
import { CENTRE, FIRST_KIT, GATEWAY } from './county-plan.js';
import { type RunningCounty, startDemoCounty } from './run-county.js';
import { ApiClient } from './test/api-client.js';
import {
  COUNTY_TEST_TIMEOUT_MS,
  coreOf,
  countyKeys,
  eventually,
  initialReport,
  nodeOf,
  TEST_COUNTY,
  tempCountyDir,
} from './test/county-test-support.js';

// The radios and the modem are on socat's pseudo-terminals: skipped without it, and named in the
// run's closing line (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function started(dir: string): Promise<RunningCounty> {
  const county = await startDemoCounty({ ...TEST_COUNTY, dir });
  let stopped = false;
  cleanups.push(async () => {
    if (!stopped) await county.stop();
  });
  const stop = county.stop;
  county.stop = () => {
    stopped = true;
    return stop();
  };
  return county;
}

describe.skipIf(socat === undefined)('the demonstration county on pseudo-terminals', () => {
  it(
    'a 初报 filed at a village kit’s API reaches the centre’s, and its receipt comes back; a restart resumes',
    async () => {
      const { dir, remove } = await tempCountyDir();
      cleanups.push(remove);
      const first = await started(dir);
      expect(first.created).toBe(true);
      expect([first.radios, first.satellite]).toEqual(['pty', true]);
      // Every link of every node is up: the radios' handshakes, the modem's, the push receiver.
      expect(first.down).toEqual([]);
      expect(nodeOf(first, GATEWAY).config.links.map((l) => l.type)).toEqual(['meshtastic', 'iridium-sbd']);
      expect(nodeOf(first, CENTRE).config.links.map((l) => l.type)).toEqual(['rockblock']);

      // The village's 灾害信息员 signs in at the kit with the PIN the banner shows, and files a 初报.
      const kitNode = nodeOf(first, FIRST_KIT);
      const kit = new ApiClient(kitNode.webPort);
      expect(await kit.signIn(kitNode.person.id, kitNode.person.pin)).toBe(200);
      const filed = await kit.post<{ report: { id: string }; message: { id: string } }>('/api/reports', {
        stage: 'initial',
        hazard: 0x12,
        indicators: { affected: 120, injured: 1 },
        exercise: true,
      });
      expect(filed.status).toBe(201);
      const id = filed.body.message.id;

      // The duty officer sees it at the centre, a drill.
      const centreNode = nodeOf(first, CENTRE);
      const centre = new ApiClient(centreNode.webPort);
      expect(await centre.signIn(centreNode.person.id, centreNode.person.pin)).toBe(200);
      let atCentre: { id: string; exercise: boolean; origin: number } | undefined;
      await eventually('the report at the centre', async () => {
        const page = await centre.get<{ items: Array<{ id: string; exercise: boolean; origin: number }> }>(
          '/api/reports',
        );
        atCentre = page.body.items.find((r) => r.id === id);
        return atCentre !== undefined;
      });
      expect(atCentre).toMatchObject({ origin: FIRST_KIT, exercise: true });

      // The kit's page says it was received: the centre's receipt came back by MT and over the mesh.
      await eventually('the receipt back at the kit', async () => {
        const delivery = await kit.get<{ state: string }>(`/api/messages/${id}`);
        return delivery.body.state === 'received';
      });
      expect(await first.stop()).toBe(0);
      const keys = await countyKeys(first);

      // The same folder again: the same keys and PINs, and the kit's store, which numbers on (a new
      // store on the day of enrolment would start again at 1: docs/security.md §A lost store).
      const second = await started(dir);
      expect(second.created).toBe(false);
      expect(await countyKeys(second)).toEqual(keys);
      const next = await coreOf(nodeOf(second, FIRST_KIT).app).submit(initialReport(130));
      const seq = (ref: string) => Number(ref.split('/')[1]);
      expect(seq(next)).toBeGreaterThan(seq(id));
      expect(await second.stop()).toBe(0);

      const store = await MessageStore.open(join(second.paths.nodeData('kit-2101'), 'store'));
      try {
        expect((await store.getMeta(id))?.state).toBe('received');
      } finally {
        await store.close();
      }
    },
    COUNTY_TEST_TIMEOUT_MS,
  );
});
