/**
 * A BeiDou link as the daemon builds it (docs/beidou.md §Configuration, §Status): a `type: beidou`
 * link in a configuration file, built by the composition root's link factory on a simulated module
 * behind a socat pty, opened through serialport; up with the card read, its neighbours the centre's
 * card (a kit) or the configured cards (the centre), and `fieldnode status` showing the card (every
 * digit as the module gave it, an 8-digit card's leading zero too), its level, interval and beams;
 * the beam threshold and the confirmation wait taken from the file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../../node/src/link/clock.js';
import { BeidouNetworkSim } from '../../../satellite/sim/beidou/beidou-network-sim.js';
import { type PtyBeidouModule, startPtyBeidouModule } from '../../../satellite/sim/beidou/pty-module.js';
import { silentLogger } from '../../src/base/logger.js';
import { formatStatus } from '../../src/cli/status-command.js';
import { createLink } from '../../src/composition/link-factory.js';
import { parseConfig } from '../../src/config/load.js';
import type { Link } from '../../src/link/link.js';
import { needsSystemTool } from '../../src/link/needs-system-tool.js';
import { SOCAT } from '../../src/link/system-tool.js';
import { stubStatus } from '../stub-node.js';

// Skipped without socat, and named in the run's closing line (docs/conventions.md §System tools).
const socat = needsSystemTool(SOCAT);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function module(
  card: {
    address: string;
    level: number;
    intervalS: number;
    broadcast?: string;
  },
  protocol: 'bd3' | 'bd21' = 'bd21',
): Promise<PtyBeidouModule> {
  const clock = new RealClock(1);
  const network = new BeidouNetworkSim({ clock });
  const m = await startPtyBeidouModule({ protocol, card, clock, network });
  cleanups.push(async () => {
    await m.close();
    network.close();
  });
  return m;
}

function linkConfig(link: Record<string, unknown>) {
  return parseConfig(
    {
      node: { id: 2107, role: 'kit' },
      links: [{ id: 'bd0', type: 'beidou', first_send: 'at-once', ...link }],
    },
    { baseDir: '/tmp', env: {}, cwd: '/tmp' },
  ).links[0];
}

describe.skipIf(socat === undefined)('a beidou link built from its configuration', () => {
  it('comes up on a kit with the card read, the centre’s card as its neighbour, and shows in the status', async () => {
    const m = await module({ address: '0242286', level: 3, intervalS: 60 });
    const config = linkConfig({ port: m.hostPath, centre_card: '0179773' });
    if (config === undefined) throw new Error('no link');
    const built = await createLink(config, silentLogger, { centreNodes: [1] });
    const link: Link = built.link;
    cleanups.push(() => link.stop());
    expect(built.neighbours).toEqual({ '0179773': 1 });
    expect(built.sendersEnrolled).toBeUndefined();
    await link.start();
    expect(link.state.status).toBe('up');
    expect(link.kind).toBe('beidou');
    expect(link.mtu).toBe(77);
    expect(link.capabilities).toMatchObject({ minSendIntervalMs: 61_000, maxSendBytes: 77 });
    expect((await link.send(Uint8Array.of(1, 2, 3))).ok).toBe(true);
    const status = stubStatus();
    const text = formatStatus({
      ...status,
      links: [{ id: link.id, kind: link.kind, state: link.state, counters: link.counters() }],
    });
    expect(text).toContain(
      [
        'satellite',
        '  bd0  BeiDou-2 card 0242286, level 3, interval 60 s, 2 beams locked',
        '       1 message sent, 0 refused for the interval',
      ].join('\n'),
    );
  });

  it('at the centre: the kits’ cards are its neighbours and its enrolled senders', async () => {
    const m = await module({ address: '0179773', level: 4, intervalS: 1 });
    const config = linkConfig({
      port: m.hostPath,
      protocol: 'bd21',
      cards: { '0242286': 2107, '0242287': 2108 },
    });
    if (config === undefined) throw new Error('no link');
    const built = await createLink(config, silentLogger, { centreNodes: [1] });
    cleanups.push(() => built.link.stop());
    expect(built.neighbours).toEqual({ '0242286': 2107, '0242287': 2108 });
    expect(built.sendersEnrolled).toBe(true);
    await built.link.start();
    expect(built.link.mtu).toBe(105);
  });

  it('stays down with config-mismatch for a card too small, saying why', async () => {
    const m = await module({ address: '0242286', level: 2, intervalS: 60 });
    const config = linkConfig({ port: m.hostPath, protocol: 'bd21', centre_card: '0179773' });
    if (config === undefined) throw new Error('no link');
    const { link } = await createLink(config, silentLogger, { centreNodes: [1] });
    cleanups.push(() => link.stop());
    await link.start();
    expect(link.state).toMatchObject({ status: 'down', reason: 'config-mismatch' });
    const status = stubStatus();
    expect(
      formatStatus({
        ...status,
        links: [{ id: link.id, kind: link.kind, state: link.state, counters: link.counters() }],
      }),
    ).toMatch(/carries 50 bytes a message; fieldnode needs at least 72/);
  });

  it('shows an 8-digit card with a leading zero as the module gave it', async () => {
    const m = await module({ address: '04207733', level: 4, intervalS: 60 }, 'bd3');
    const config = linkConfig({ port: m.hostPath, protocol: 'bd3', centre_card: '04204990' });
    if (config === undefined) throw new Error('no link');
    const { link } = await createLink(config, silentLogger, { centreNodes: [1] });
    cleanups.push(() => link.stop());
    await link.start();
    expect(link.state.status).toBe('up');
    expect(link.counters()).toMatchObject({ bdCard: '04207733' });
    const status = stubStatus();
    expect(
      formatStatus({
        ...status,
        links: [{ id: link.id, kind: link.kind, state: link.state, counters: link.counters() }],
      }),
    ).toContain('  bd0  BeiDou-3 card 04207733, level 4, interval 60 s, 2 beams locked');
  });

  it('takes the beam threshold and the confirmation wait from the file', async () => {
    const m = await module({ address: '0242286', level: 4, intervalS: 60 });
    const config = linkConfig({
      port: m.hostPath,
      protocol: 'bd21',
      centre_card: '0179773',
      // Every beam the module reports at power 1 or more counts: not only the two locked ones.
      beam_threshold: 1,
      confirmation_wait_s: 900,
    });
    if (config === undefined) throw new Error('no link');
    const { link } = await createLink(config, silentLogger, { centreNodes: [1] });
    cleanups.push(() => link.stop());
    await link.start();
    expect(link.capabilities.confirmationWaitMs).toBe(900_000);
    const beams = () => (link.counters() as { bdBeams?: number }).bdBeams ?? 0;
    const end = Date.now() + 8_000;
    while (beams() <= 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(beams()).toBeGreaterThan(2);
  });
});
