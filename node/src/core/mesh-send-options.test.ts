/**
 * meshSendOptions (mesh-send-options.ts; docs/store-and-forward.md §Airtime on the mesh): what the
 * dispatcher tells a link about each frame. A wrong answer either wastes airtime (a radio ACK
 * relayed back, a confirmation flooded past its neighbour) or loses a path (a message sent again
 * with the short reach that already failed it).
 */
import { describe, expect, it } from 'vitest';
import type { MessageMeta } from '../store/records.js';
import type { Destination } from '../wire/envelope.js';
import { CHEAP_SENDS, meshSendOptions } from './mesh-send-options.js';
import { newMeta } from './new-meta.js';

function meta(opts: { dest?: Destination; receipt?: boolean; change?: Partial<MessageMeta> }): MessageMeta {
  const m = newMeta(
    {
      origin: 3001,
      seq: 7,
      priority: 1,
      createdAt: 1_800_000_000,
      lifetimeMin: 60,
      dest: opts.dest ?? { to: 'centre' },
      flags: [],
      kindCode: 1,
    },
    { local: true, forMe: false, receipt: opts.receipt ?? false, broadcastRepeats: 3 },
  );
  return Object.assign(m, opts.change);
}

describe('meshSendOptions', () => {
  it(`a report: no radio ACK for its first ${CHEAP_SENDS} sends (custody or the receipt confirms it), the usual reach`, () => {
    expect(CHEAP_SENDS).toBe(8);
    const first = meta({ change: { nextHop: { mesh: '!0000abcd' }, out: { mesh: 1 } } });
    expect(meshSendOptions(first, 'mesh')).toStrictEqual({ linkAck: 'none' });
    const eighth = meta({ change: { nextHop: { mesh: '!0000abcd' }, attempts: { mesh: 7 } } });
    expect(meshSendOptions(eighth, 'mesh')).toStrictEqual({ linkAck: 'none' });
    expect(meshSendOptions(meta({}), 'mesh')).toStrictEqual({ linkAck: 'none' });
  });

  it(`a report sent ${CHEAP_SENDS} times without an answer asks for the link’s acknowledgement again (the radio’s retransmissions)`, () => {
    const ninth = meta({ change: { nextHop: { mesh: '!0000abcd' }, attempts: { mesh: 8 } } });
    expect(meshSendOptions(ninth, 'mesh')).toStrictEqual({});
    // Attempts on another link do not count.
    const elsewhere = meta({ change: { nextHop: { mesh: '!0000abcd' }, attempts: { sbd: 5 } } });
    expect(meshSendOptions(elsewhere, 'mesh')).toStrictEqual({ linkAck: 'none' });
  });

  it('a receipt (custody, vouched or delivered) always answers a frame just heard: reach as heard', () => {
    const one = meta({
      receipt: true,
      dest: { to: 'node', node: 3001 },
      change: { nextHop: { mesh: '!1' } },
    });
    expect(meshSendOptions(one, 'mesh')).toStrictEqual({ linkAck: 'none', reach: 'heard' });
    // To everyone on the link (several neighbours owed it): as far as the farthest heard.
    const all = meta({ receipt: true, dest: { to: 'node', node: 3001 } });
    expect(meshSendOptions(all, 'mesh')).toStrictEqual({ linkAck: 'none', reach: 'heard' });
  });

  it('a broadcast (counted repeats) keeps the link’s own rules', () => {
    expect(meshSendOptions(meta({ dest: { to: 'all' } }), 'mesh')).toStrictEqual({});
  });
});
