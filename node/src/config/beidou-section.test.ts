/**
 * The `beidou` link type in the configuration file (docs/beidou.md §Configuration): a kit's link
 * names the centre's card, the centre's maps cards to nodes; card numbers keep their leading zeros
 * or are refused with the fix; the mtu is at least 72; a route's next hop is a configured card.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isKitError } from '../base/errors.js';
import { parseConfig } from './load.js';
import type { BeidouLinkConfig } from './schema.js';

function load(text: string) {
  return parseConfig(parse(`node: { id: 2107, role: kit }\n${text}`), {
    baseDir: '/tmp',
    env: {},
    cwd: '/tmp',
  });
}

function problems(text: string): string {
  try {
    load(text);
  } catch (err) {
    if (isKitError(err, 'CONFIG_INVALID')) return err.message;
    throw err;
  }
  return '';
}

describe('type beidou', () => {
  it('reads a kit’s link with its defaults', () => {
    const config = load(
      `links:\n  - { id: bd0, type: beidou, port: /dev/ttyUSB1, centre_card: '0179773' }\n`,
    );
    expect(config.links[0]).toEqual({
      id: 'bd0',
      type: 'beidou',
      enabled: true,
      cost: 'satellite',
      port: '/dev/ttyUSB1',
      baud: 115_200,
      protocol: 'auto',
      centreCard: '0179773',
      cards: {},
      broadcast: true,
      firstSend: 'after-interval',
      resultTime: 'mmss',
    } satisfies BeidouLinkConfig);
  });

  it('reads a centre’s link with its cards and a route to one of them', () => {
    const config = load(
      [
        'links:',
        '  - id: bd0',
        '    type: beidou',
        '    port: /dev/ttyUSB1',
        '    protocol: bd21',
        "    cards: { '0242286': 2107, '15240507': 2108 }",
        '    broadcast: false',
        '    message_bits: 1000',
        '    first_send: at-once',
        '    result_time: seconds',
        '    mtu: 100',
        'routes:',
        "  - { dest: 'node:2107', via: bd0, next_hop: '0242286' }",
      ].join('\n'),
    );
    expect(config.links[0]).toMatchObject({
      protocol: 'bd21',
      cards: { '0242286': 2107, '15240507': 2108 },
      broadcast: false,
      messageBits: 1000,
      firstSend: 'at-once',
      resultTime: 'seconds',
      mtu: 100,
    });
    expect(config.routes[0]?.nextHop).toBe('0242286');
  });

  it('refuses card numbers that lost their zeros, a small mtu, a port missing and a next hop no card names', () => {
    const text = problems(
      [
        'links:',
        '  - id: bd0',
        '    type: beidou',
        '    centre_card: 0179773',
        "    cards: { 242286: 2107, '0242287': 0 }",
        '    mtu: 60',
        '    protocol: bd2',
        '    ring_alerts: true',
        'routes:',
        "  - { dest: 'node:2107', via: bd0, next_hop: '0242288' }",
      ].join('\n'),
    );
    expect(text).toContain('links[0].port: required for type beidou');
    expect(text).toContain('links[0].centre_card: quote a card number');
    expect(text).toContain('links[0].cards.242286: a card number is 7 or 8 digits');
    expect(text).toContain('links[0].cards.0242287: a node id');
    expect(text).toContain('links[0].mtu: at least 72 for type beidou');
    expect(text).toContain('links[0].protocol: expected one of auto, bd3, bd21');
    expect(text).toContain('links[0].ring_alerts: not used by type beidou');
    expect(text).toContain('routes[0].next_hop: no card "0242288" on link bd0');
  });

  it('refuses a link that names neither the centre’s card nor any kit’s', () => {
    const text = problems(['links:', '  - id: bd0', '    type: beidou', '    port: /dev/ttyUSB1'].join('\n'));
    expect(text).toContain(
      'links[0].centre_card: a kit names the centre’s card here; a centre lists its kits’ cards under `cards` instead',
    );
  });
});
