/**
 * Tests for unchecked-relay.ts (docs/security.md §Checked at this hop): a frame no key here checks
 * goes out at most once, at P3, only on links that cost nothing, never back onto the shared medium
 * it came from, and no more than the per-minute allowance per link. Real FakeLinks, whose peers
 * count what they hear.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeCapabilitiesFor } from '../../test/fake-capabilities.js';
import { silentLogger } from '../base/logger.js';
import { createFakeLinkPair, createFakeMedium, type FakeLink } from '../link/fake-link.js';
import type { InboundFrame, SendOptions } from '../link/link.js';
import type { CoreLink } from './core-types.js';
import type { CostClass, RouteChoice } from './routing-table.js';
import { UncheckedRelay } from './unchecked-relay.js';

const started: FakeLink[] = [];
afterEach(async () => {
  for (const l of started.splice(0)) await l.stop();
});

/** A link of `costClass` whose sends are recorded. */
async function linkOf(id: string, costClass: CostClass, from?: string) {
  const [link, peer] =
    costClass === 'mesh'
      ? (() => {
          const medium = createFakeMedium();
          return [medium.attach({ id, from: from ?? id }), medium.attach({ id: `${id}-peer`, from: 'P' })];
        })()
      : createFakeLinkPair({ ids: [id, `${id}-peer`] });
  link.setCapabilities(fakeCapabilitiesFor(costClass, { centre: false }));
  const sent: SendOptions[] = [];
  const send = link.send.bind(link);
  link.send = async (bytes, opts = {}) => {
    sent.push(opts);
    return send(bytes, opts);
  };
  for (const l of [link, peer]) {
    await l.start();
    started.push(l);
  }
  return { core: { link, costClass, neighbours: {} } satisfies CoreLink, sent };
}

function relayOver(links: CoreLink[], choices: RouteChoice[], now = () => 0, perLinkPerMinute?: number) {
  return new UncheckedRelay({
    links,
    routesFor: () => choices,
    now,
    log: silentLogger,
    ...(perLinkPerMinute !== undefined ? { perLinkPerMinute } : {}),
  });
}

const inboundOn = (link: string, from = 'K1'): InboundFrame => ({
  link,
  bytes: new Uint8Array(),
  meta: { from },
  receivedAt: 0,
});
const frame = (n: number) => Uint8Array.of(0x50, 1, n, 2);

describe('UncheckedRelay', () => {
  it('forwards once, at P3, on a free link; the same bytes again go nowhere', async () => {
    const ip = await linkOf('ip', 'ip');
    const relay = relayOver([ip.core], [{ link: 'ip', nextHop: 'C', dueAt: 0 }]);
    expect(relay.forward(frame(1), { to: 'centre' }, inboundOn('mesh'))).toEqual({ forwarded: ['ip'] });
    expect(relay.forward(frame(1), { to: 'centre' }, inboundOn('mesh'))).toEqual({
      forwarded: [],
      dropped: 'seen',
    });
    expect(ip.sent).toEqual([{ priority: 3, to: 'C' }]);
  });

  it('never spends on a billed link, however urgent the frame claims to be', async () => {
    const sat = await linkOf('sat', 'satellite');
    const relay = relayOver([sat.core], [{ link: 'sat', dueAt: 0 }]);
    expect(relay.forward(frame(2), { to: 'centre' }, inboundOn('mesh'))).toEqual({
      forwarded: [],
      dropped: 'no-free-route',
    });
    expect(sat.sent).toEqual([]);
  });

  it('never sends back onto the shared medium it came from, even toward another neighbour', async () => {
    const mesh = await linkOf('mesh', 'mesh');
    const relay = relayOver([mesh.core], [{ link: 'mesh', nextHop: 'G', dueAt: 0 }]);
    expect(relay.forward(frame(3), { to: 'centre' }, inboundOn('mesh', 'K1')).dropped).toBe('no-free-route');
    expect(mesh.sent).toEqual([]);
  });

  it('on a point-to-point link, goes on only toward a peer other than its sender', async () => {
    const udp = await linkOf('udp', 'ip');
    const back = relayOver([udp.core], [{ link: 'udp', nextHop: 'K1', dueAt: 0 }]);
    expect(back.forward(frame(4), { to: 'centre' }, inboundOn('udp', 'K1')).dropped).toBe('no-free-route');
    const on = relayOver([udp.core], [{ link: 'udp', nextHop: 'G', dueAt: 0 }]);
    expect(on.forward(frame(5), { to: 'centre' }, inboundOn('udp', 'K1')).forwarded).toEqual(['udp']);
  });

  it('gives a forger at most the allowance per link per minute', async () => {
    const ip = await linkOf('ip', 'ip');
    let now = 0;
    const relay = relayOver([ip.core], [{ link: 'ip', dueAt: 0 }], () => now, 3);
    const outcomes = Array.from({ length: 10 }, (_, i) =>
      relay.forward(frame(10 + i), { to: 'centre' }, inboundOn('mesh')),
    );
    expect(outcomes.filter((o) => o.forwarded.length > 0)).toHaveLength(3);
    expect(outcomes.at(-1)?.dropped).toBe('rate-limited');
    now = 60_000; // a new minute
    expect(relay.forward(frame(99), { to: 'centre' }, inboundOn('mesh')).forwarded).toEqual(['ip']);
    expect(ip.sent).toHaveLength(4);
  });
});
