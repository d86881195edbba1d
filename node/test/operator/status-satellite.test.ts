/**
 * The satellite part of `fieldnode status` (docs/operating.md §Status) from the parts the daemon
 * builds it from: the SBD link (satellite/src/sbd/sbd-link.ts) over the fake modem and the
 * simulated Iridium network on a stepping clock, its credit budget kept in a budget file in a temp
 * directory (node/src/core/budget-file.ts), and the composition root's SatelliteWatch, also when
 * the link stands behind a PendingLink until it can be built.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimulatedIridiumNetwork } from '../../../satellite/sim/iridium/simulated-network.js';
import { SbdLink } from '../../../satellite/src/sbd/sbd-link.js';
import { FakeSbdModem } from '../../../satellite/test/support/fake-sbd-modem.js';
import type { NodeStatus } from '../../src/app-contract.js';
import { KitError } from '../../src/base/errors.js';
import { silentLogger } from '../../src/base/logger.js';
import { formatStatus } from '../../src/cli/status-command.js';
import { PendingLink } from '../../src/composition/pending-link.js';
import { SatelliteWatch } from '../../src/composition/satellite-status.js';
import { parseConfig } from '../../src/config/load.js';
import { openLinkBudget } from '../../src/core/budget-file.js';
import type { CoreLink } from '../../src/core/core-types.js';
import { SteppingClock } from '../../src/link/clock.js';
import { seededRandom } from '../../src/link/seeded-random.js';
import { stubStatus } from '../stub-node.js';

const MIN = 60_000;
let dir: string;
const cleanUp: Array<() => Promise<void>> = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-status-satellite-'));
});
afterEach(async () => {
  for (const c of cleanUp.splice(0)) await c();
  await rm(dir, { recursive: true, force: true });
});

/** The link's configuration as the daemon reads it: a budget of 50 a day, 200 an incident. */
function configuredLinks() {
  return parseConfig(
    {
      node: { id: 2107, role: 'kit' },
      data_dir: dir,
      links: [
        { id: 'sbd0', type: 'iridium-sbd', port: '/dev/ttyUSB0', budget: { per_day: 50, per_incident: 200 } },
      ],
    },
    { baseDir: dir, env: {} },
  ).links;
}

/** An SBD link on the fake modem, not started; stopped after the test. */
function sbdLink(clock: SteppingClock) {
  const network = new SimulatedIridiumNetwork({ clock });
  const modem = new FakeSbdModem({ network, clock, momsn: 40 });
  const link = new SbdLink({ id: 'sbd0', modem, clock, random: seededRandom(3) });
  cleanUp.push(async () => {
    const stopping = link.stop();
    await clock.run(10 * MIN);
    await stopping;
    network.close();
  });
  return { link, modem };
}

function statusWith(watch: SatelliteWatch, link: CoreLink['link'], now: number): NodeStatus {
  return {
    ...stubStatus(),
    clock: { now, trusted: true, source: 'gps', offsetMs: 0 },
    links: [
      {
        id: link.id,
        kind: link.kind,
        state: link.state,
        counters: link.counters(),
        ...watch.fields(link.id, now),
      },
    ],
  };
}

describe('the satellite in the status', () => {
  it('shows the credits the budget file kept across a restart, the sessions and the last one in words', async () => {
    const now = Date.now();
    // What the day spent before a restart, in the budget file.
    openLinkBudget('sbd0', { perDay: 50, perIncident: 200 }, dir, silentLogger).spend(3, now - 2 * 3600_000);
    const budget = openLinkBudget('sbd0', { perDay: 50, perIncident: 200 }, dir, silentLogger);
    const clock = new SteppingClock();
    const { link, modem } = sbdLink(clock);
    const watch = new SatelliteWatch(
      [{ link, costClass: 'satellite', neighbours: {}, sharing: { budget } }],
      configuredLinks(),
    );
    expect(watch.fields('sbd0', now)).toEqual({
      satellite: {
        budget: {
          usedDay: 3,
          perDay: 50,
          usedIncident: 3,
          perIncident: 200,
          left: 47,
          nextReleaseAt: expect.any(Number),
        },
      },
    });

    await link.start();
    const statuses = [32, undefined];
    modem.radio = () => statuses.shift();
    const sent = link.send(Uint8Array.of(0x50, 1, 2, 3), { priority: 0 });
    await clock.runUntil(() => link.counters().sessionsFailed === 1, 5 * MIN);
    await vi.waitFor(() =>
      expect(watch.fields('sbd0', now).satellite?.lastSession).toMatchObject({
        outcome: 'failed',
        moStatus: 32,
        detail: 'MO status 32: no network service',
      }),
    );
    await clock.runUntil(() => link.counters().sessionsOk === 1, 10 * MIN);
    await expect(sent).resolves.toMatchObject({ ok: true });
    expect(watch.fields('sbd0', now).satellite?.lastSession).toEqual({
      at: expect.any(Number),
      reason: 'due',
      outcome: 'ok',
      credits: 1,
      moStatus: 0,
    });
    // The core counts what the link took (here by hand: one credit).
    budget.spend(1, now);
    const text = formatStatus(statusWith(watch, link, now));
    expect(text).toContain(
      [
        'satellite',
        '  sbd0  credits 4 in the last 24 h of 50, 4 in this incident of 200; 46 left for P1–P3',
        '        sessions since start 2: 1 ok, 1 failed (1 credit)',
      ].join('\n'),
    );
    expect(text).toMatch(/\n {8}last session \d+ s ago \(due\): ok, 1 credit\n/);
  });

  it('follows a link that could not be built at first, once the supervisor builds it', async () => {
    const clock = new SteppingClock();
    const { link: built } = sbdLink(clock);
    let ready = false;
    const pending = new PendingLink({
      id: 'sbd0',
      kind: 'iridium-sbd',
      mtu: 270,
      billed: true,
      build: async () => {
        if (!ready) throw new KitError('CONFIG_UNREADABLE', 'cannot read /dev/ttyUSB0');
        return built;
      },
      error: new KitError('CONFIG_UNREADABLE', 'cannot read /dev/ttyUSB0'),
      log: silentLogger,
    });
    cleanUp.push(() => pending.stop());
    const watch = new SatelliteWatch([{ link: pending, costClass: 'satellite', neighbours: {} }], []);
    expect(watch.fields('sbd0', Date.now())).toEqual({});
    await pending.start();
    expect(pending.state.status).toBe('down');
    ready = true;
    await pending.start();
    expect(pending.state.status).toBe('up');
    const sent = pending.send(Uint8Array.of(0x50, 1, 2, 3), { priority: 0 });
    await clock.runUntil(() => built.counters().sessions === 1, 5 * MIN);
    await expect(sent).resolves.toMatchObject({ ok: true });
    expect(watch.fields('sbd0', Date.now()).satellite?.lastSession).toMatchObject({
      reason: 'due',
      outcome: 'ok',
      credits: 1,
    });
  });
});
