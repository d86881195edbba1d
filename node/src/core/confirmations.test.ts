/**
 * Which confirmations a stored message earns and from whom they may come (confirmations.ts;
 * docs/store-and-forward.md §Confirmations): confirmationsFor at the destination and at a relay,
 * confirmsDuplicate for copies heard again, sentToward for who may send custody or vouched
 * receipts. Records are built with newMeta, as the core builds them, then adjusted per case.
 */
import { describe, expect, it } from 'vitest';
import type { MessageMeta } from '../store/records.js';
import type { EnvelopeFlag } from '../wire/envelope.js';
import {
  type Confirmation,
  confirmationsFor,
  confirmsDuplicate,
  type PrevHop,
  sentToward,
} from './confirmations.js';
import { newMeta } from './new-meta.js';

/** The kit that made the message, two relays, a gateway and the centre. */
const KIT = 3001;
const R2 = 2002;
const R3 = 2003;
const GW = 2100;
const CENTRE = 1;

interface Build {
  forMe?: boolean;
  /** A receipt (confirmed by nothing). */
  receipt?: boolean;
  flags?: EnvelopeFlag[];
  broadcast?: boolean;
  change?: Partial<MessageMeta>;
}

/** A received copy of the kit's message 3001/7, adjusted by `change`. */
function meta({
  forMe = false,
  receipt = false,
  flags = [],
  broadcast = false,
  change = {},
}: Build): MessageMeta {
  const m = newMeta(
    {
      origin: KIT,
      seq: 7,
      priority: 1,
      createdAt: 1_800_000_000,
      lifetimeMin: 60,
      dest: broadcast ? { to: 'all' } : { to: 'centre' },
      flags,
      kindCode: 1,
    },
    { local: false, forMe, receipt, broadcastRepeats: 3 },
  );
  return { ...m, ...change };
}

const fromKit: PrevHop = { link: 'mesh', from: 'K', node: KIT };
const fromUnknown: PrevHop = { link: 'mesh', from: 'X' };
const fromNowhere: PrevHop = { link: 'mesh' };
const fromR2: PrevHop = { link: 'mesh', from: 'R2', node: R2 };
/** A known neighbour whose address was not given (e.g. a satellite link with one peer). */
const fromR2NoAddress: PrevHop = { link: 'sat', node: R2 };

describe('confirmationsFor at the destination', () => {
  const cases: Array<[string, Build, PrevHop, Confirmation[]]> = [
    [
      'from the origin itself: delivered to the origin, over the hop it came by',
      { forMe: true },
      fromKit,
      [{ scope: 'delivered', node: KIT, via: { link: 'mesh', to: 'K' } }],
    ],
    [
      'from an unknown sender: delivered to the origin, routed (no via)',
      { forMe: true },
      fromUnknown,
      [{ scope: 'delivered', node: KIT }],
    ],
    [
      'with no sender address at all: delivered to the origin, routed',
      { forMe: true },
      fromNowhere,
      [{ scope: 'delivered', node: KIT }],
    ],
    [
      'from a relay: delivered to the relay, over the hop it came by',
      { forMe: true },
      fromR2,
      [{ scope: 'delivered', node: R2, via: { link: 'mesh', to: 'R2' } }],
    ],
    [
      'from a relay without an address: via names the link only',
      { forMe: true },
      fromR2NoAddress,
      [{ scope: 'delivered', node: R2, via: { link: 'sat' } }],
    ],
    [
      // The relay's 'delivered' frame covers what wants no receipt too: it ends the relay's work.
      'noReceipt, from a relay: delivered to the relay, like the rest it brought',
      { forMe: true, flags: ['noReceipt'] },
      fromR2,
      [{ scope: 'delivered', node: R2, via: { link: 'mesh', to: 'R2' } }],
    ],
    [
      'noReceipt, from the origin: custody to the origin',
      { forMe: true, flags: ['noReceipt'] },
      fromKit,
      [{ scope: 'custody', node: KIT, via: { link: 'mesh', to: 'K' } }],
    ],
    [
      'noReceipt, from a sender with no id here: custody at its address',
      { forMe: true, flags: ['noReceipt'] },
      fromUnknown,
      [{ scope: 'custody', node: undefined, via: { link: 'mesh', to: 'X' } }],
    ],
    ['noReceipt, from no address at all: nothing', { forMe: true, flags: ['noReceipt'] }, fromNowhere, []],
    ['a receipt: nothing (receipts are confirmed by nothing)', { forMe: true, receipt: true }, fromKit, []],
    ['a broadcast: nothing', { forMe: true, broadcast: true }, fromKit, []],
  ];
  for (const [name, build, prevHop, expected] of cases) {
    it(name, () => {
      // toStrictEqual: a `via` that should be absent must be absent, not undefined.
      expect(confirmationsFor(meta(build), prevHop, { shared: true })).toStrictEqual(expected);
    });
  }

  it('answers the relay, not the origin, even when the relay is the centre', () => {
    const out = confirmationsFor(meta({ forMe: true }), { link: 'ip', from: 'c', node: CENTRE });
    expect(out.map((c) => c.node)).toEqual([CENTRE]);
  });

  it('over the satellite, answers nothing for a message that wants no receipt, and the rest as ever', () => {
    const noReceipt = meta({ forMe: true, flags: ['noReceipt'] });
    expect(confirmationsFor(noReceipt, fromR2NoAddress, { satellite: true })).toStrictEqual([]);
    expect(confirmationsFor(noReceipt, fromR2NoAddress, {})).toStrictEqual([
      { scope: 'delivered', node: R2, via: { link: 'sat' } },
    ]);
    expect(confirmationsFor(meta({ forMe: true }), fromR2NoAddress, { satellite: true })).toStrictEqual([
      { scope: 'delivered', node: R2, via: { link: 'sat' } },
    ]);
  });
});

describe('a sender with no id here', () => {
  it('is answered at its address on a shared radio channel only (not a modem or host nobody enrolled)', () => {
    const relayed = meta({ change: { state: 'sent' } });
    const noReceipt = meta({ forMe: true, flags: ['noReceipt'] });
    const at = [{ scope: 'custody', node: undefined, via: { link: 'mesh', to: 'X' } }];
    expect(confirmationsFor(relayed, fromUnknown, { shared: true })).toStrictEqual(at);
    expect(confirmationsFor(noReceipt, fromUnknown, { shared: true })).toStrictEqual(at);
    for (const arrival of [{}, { satellite: true }]) {
      expect(confirmationsFor(relayed, fromUnknown, arrival)).toStrictEqual([]);
      expect(confirmationsFor(noReceipt, fromUnknown, arrival)).toStrictEqual([]);
    }
  });
});

describe('confirmationsFor at a relay', () => {
  const cases: Array<[string, Build, PrevHop, Confirmation[]]> = [
    [
      'on its way on: custody to the previous hop',
      { change: { state: 'sent', out: { sat: 1 } } },
      fromKit,
      [{ scope: 'custody', node: KIT, via: { link: 'mesh', to: 'K' } }],
    ],
    [
      'handed on (custody elsewhere): still custody',
      { change: { state: 'custody', done: true, custodyBy: GW } },
      fromKit,
      [{ scope: 'custody', node: KIT, via: { link: 'mesh', to: 'K' } }],
    ],
    [
      'the destination has it (received): vouched',
      { change: { state: 'received', done: true } },
      fromKit,
      [{ scope: 'vouched', node: KIT, via: { link: 'mesh', to: 'K' } }],
    ],
    [
      'received but noReceipt: custody, never vouched',
      { flags: ['noReceipt'], change: { state: 'received', done: true } },
      fromKit,
      [{ scope: 'custody', node: KIT, via: { link: 'mesh', to: 'K' } }],
    ],
    [
      'received, from another relay: vouched to that relay',
      { change: { state: 'received', done: true } },
      fromR2,
      [{ scope: 'vouched', node: R2, via: { link: 'mesh', to: 'R2' } }],
    ],
    [
      'from a sender with no id here: custody at its address (a team passing by)',
      { change: { state: 'sent' } },
      fromUnknown,
      [{ scope: 'custody', node: undefined, via: { link: 'mesh', to: 'X' } }],
    ],
    [
      'received, from a sender with no id here: vouched at its address',
      { change: { state: 'received', done: true } },
      fromUnknown,
      [{ scope: 'vouched', node: undefined, via: { link: 'mesh', to: 'X' } }],
    ],
    [
      'received, from no address at all: nothing',
      { change: { state: 'received', done: true } },
      fromNowhere,
      [],
    ],
    ['a receipt being relayed: nothing', { receipt: true, change: { state: 'sent' } }, fromKit, []],
    ['a broadcast being relayed: nothing', { broadcast: true, change: { state: 'sent' } }, fromKit, []],
  ];
  for (const [name, build, prevHop, expected] of cases) {
    it(name, () => {
      expect(confirmationsFor(meta(build), prevHop, { shared: true })).toStrictEqual(expected);
    });
  }
});

describe('confirmsDuplicate', () => {
  const cameFromKit = { prevHop: fromKit };
  const cases: Array<[string, Build, PrevHop, boolean]> = [
    ['delivered here: always, from anyone', { forMe: true, change: { done: true } }, fromUnknown, true],
    ['delivered here, from nobody known', { forMe: true, change: { done: true } }, fromNowhere, true],
    [
      'still on its way on: from anyone',
      { change: { ...cameFromKit, state: 'sent', out: { mesh: 5 } } },
      fromR2,
      true,
    ],
    [
      'held with no way on (no outbox entries): no, so the sender tries others',
      { change: { ...cameFromKit, state: 'queued', out: {} } },
      fromKit,
      false,
    ],
    [
      'handed on (custody elsewhere), from the hop it came from: yes',
      { change: { ...cameFromKit, state: 'custody', done: true, custodyBy: GW } },
      fromKit,
      true,
    ],
    [
      'handed on, from another relay: no (no custody ping-pong)',
      { change: { ...cameFromKit, state: 'custody', done: true, custodyBy: GW } },
      fromR2,
      false,
    ],
    [
      'handed on, from the custodian itself: no',
      { change: { ...cameFromKit, state: 'custody', done: true, custodyBy: GW } },
      { link: 'mesh', from: 'G', node: GW },
      false,
    ],
    [
      'received (vouchable), from the hop it came from: yes',
      { change: { ...cameFromKit, state: 'received', done: true } },
      fromKit,
      true,
    ],
    [
      'handed on, from an unknown sender, when the previous hop was unknown too: no',
      { change: { prevHop: fromUnknown, state: 'custody', done: true, custodyBy: GW } },
      fromNowhere,
      false,
    ],
    [
      'expired here, from the hop it came from: no',
      { change: { ...cameFromKit, state: 'expired', done: true } },
      fromKit,
      false,
    ],
    [
      'failed here, from the hop it came from: no',
      { change: { ...cameFromKit, state: 'failed', done: true } },
      fromKit,
      false,
    ],
  ];
  for (const [name, build, prevHop, expected] of cases) {
    it(name, () => {
      expect(confirmsDuplicate(meta(build), prevHop)).toBe(expected);
    });
  }
});

describe('sentToward', () => {
  const onLinks: Record<string, Record<string, number>> = {
    mesh: { K: KIT, R2: R2, R3: R3, G: GW },
    sat: { IMEI: CENTRE },
  };
  const neighbours = (link: string) => onLinks[link];
  const cases: Array<[string, Partial<MessageMeta>, number, string, boolean]> = [
    ['never queued nor attempted on the link', { out: { sat: 1 }, attempts: { sat: 1 } }, GW, 'mesh', false],
    [
      'queued there with a next hop: that neighbour',
      { out: { mesh: 1 }, nextHop: { mesh: 'G' } },
      GW,
      'mesh',
      true,
    ],
    [
      'queued there with a next hop: another relay on the link is not it',
      { out: { mesh: 1 }, nextHop: { mesh: 'G' } },
      R3,
      'mesh',
      false,
    ],
    [
      'attempted there (outbox entry gone) with a next hop: that neighbour still',
      { out: {}, attempts: { mesh: 2 }, nextHop: { mesh: 'G' } },
      GW,
      'mesh',
      true,
    ],
    ['queued there without a next hop: any neighbour on the link', { out: { mesh: 1 } }, R3, 'mesh', true],
    ['queued there without a next hop: a stranger is not', { out: { mesh: 1 } }, 9999, 'mesh', false],
    [
      'queued there without a next hop: a neighbour on another link is not',
      { out: { mesh: 1 } },
      CENTRE,
      'mesh',
      false,
    ],
    [
      'a next hop whose address is not a known neighbour: nobody',
      { out: { mesh: 1 }, nextHop: { mesh: 'Q' } },
      GW,
      'mesh',
      false,
    ],
    ['a link with no neighbours listed: nobody', { out: { ip: 1 } }, GW, 'ip', false],
    ['the satellite peer, when sent by satellite', { out: { sat: 1 } }, CENTRE, 'sat', true],
  ];
  for (const [name, change, node, link, expected] of cases) {
    it(name, () => {
      expect(sentToward(meta({ change: { prevHop: fromKit, ...change } }), node, link, neighbours)).toBe(
        expected,
      );
    });
  }
});
