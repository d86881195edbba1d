/**
 * The `beidou` link type in the configuration file (docs/beidou.md §Configuration): a kit's link
 * names the centre's card, the centre's maps cards to nodes; card numbers keep their leading zeros
 * or are refused with the fix; the mtu is at least 72; a route's next hop is a configured card; the
 * beam threshold on each protocol's scale, the beam loss time and the confirmation wait, each
 * checked; and the example file's BeiDou block, uncommented, documents every key and loads.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isKitError } from '../base/errors.js';
import { parseConfig } from './load.js';
import { BEIDOU_KEYS } from './satellite-sections.js';
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
      beamLossMs: 30_000,
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

  it('reads the beam threshold on the protocol’s scale, the beam loss time and the confirmation wait', () => {
    const link = (keys: string) =>
      load(`links:\n  - { id: bd0, type: beidou, port: /dev/ttyUSB1, centre_card: '0179773', ${keys} }\n`)
        .links[0];
    expect(
      link('protocol: bd3, beam_threshold: 45, beam_loss_s: 90, confirmation_wait_s: 900'),
    ).toMatchObject({
      beamThreshold: { bd3: 45 },
      beamLossMs: 90_000,
      confirmationWaitMs: 900_000,
    });
    expect(link('protocol: bd21, beam_threshold: 3')).toMatchObject({ beamThreshold: { bd21: 3 } });
    expect(link('beam_threshold: { bd3: 38, bd21: 1 }, beam_loss_s: 7.5')).toMatchObject({
      protocol: 'auto',
      beamThreshold: { bd3: 38, bd21: 1 },
      beamLossMs: 7_500,
    });
  });

  it('refuses a beam threshold off its protocol’s scale or without one, and times out of range, saying why', () => {
    const text = (keys: string) =>
      problems(
        `links:\n  - { id: bd0, type: beidou, port: /dev/ttyUSB1, centre_card: '0179773', ${keys} }\n`,
      );
    expect(text('beam_threshold: 40')).toContain(
      'links[0].beam_threshold: one number needs protocol bd3 or bd21, since the scales differ',
    );
    expect(text('protocol: bd21, beam_threshold: 40')).toContain(
      'links[0].beam_threshold: expected a whole number from 1 to 4 (a $BDBSI power 1-4, default 2), found 40',
    );
    expect(text('protocol: bd21, beam_threshold: 0')).toContain(
      'links[0].beam_threshold: expected a whole number from 1 to 4',
    );
    expect(text('protocol: bd3, beam_threshold: 100')).toContain(
      'links[0].beam_threshold: expected a whole number from 1 to 99 (a $BDPWI reading in dB-Hz, default 40), found 100',
    );
    const both = text('beam_threshold: { bd21: 9, bd2: 1 }');
    expect(both).toContain('links[0].beam_threshold.bd21: expected a whole number from 1 to 4, found 9');
    expect(both).toContain('links[0].beam_threshold.bd2: unknown key');
    expect(text('beam_loss_s: 1')).toContain('links[0].beam_loss_s: expected a number from 5 to 3600, found');
    expect(text('confirmation_wait_s: 2')).toContain(
      'links[0].confirmation_wait_s: expected a number from 10 to 604800',
    );
    expect(text('confirmation_wait_s: soon')).toContain('links[0].confirmation_wait_s: expected a number');
  });

  it('has every key documented in the example file, whose BeiDou block loads once uncommented', () => {
    const example = readFileSync(fileURLToPath(new URL('./example.yaml', import.meta.url)), 'utf8');
    const lines = example.split('\n');
    const from = lines.findIndex((l) => l.trim() === '# - id: bd0');
    expect(from).toBeGreaterThan(0);
    const block: string[] = [];
    for (const line of lines.slice(from)) {
      if (!line.startsWith('  #')) break;
      // The entry itself, then its optional keys ("#   # key: value") uncommented too.
      const entry = line.replace(/^ {2}# ?/, '');
      block.push(`  ${entry.replace(/^(\s*)# (?=[a-z_]+:|'\d+':)/, '$1')}`);
    }
    const text = block.join('\n');
    for (const key of BEIDOU_KEYS) expect(text, key).toMatch(new RegExp(`^\\s+${key}:`, 'm'));
    const config = load(`links:\n${text}\n`);
    expect(config.links[0]).toMatchObject({
      type: 'beidou',
      beamThreshold: { bd3: 40, bd21: 2 },
      beamLossMs: 30_000,
    });
  });
});
