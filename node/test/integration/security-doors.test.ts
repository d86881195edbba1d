/**
 * Attack: the satellite doors (docs/security.md §The centre's doors; docs/centre-doors.md). A
 * valid Rock 7 push proves that Rock 7 sent it, not that the modem is ours: anyone can buy a
 * RockBLOCK and send to the county's account. On a link whose senders are enrolled devices, a
 * frame from an IMEI nobody enrolled is taken only when it checks end to end, and then flagged
 * for the duty officer (UNKNOWN_SENDER); one that only a hop tag or nothing checks is kept as
 * foreign (reason 'unknown-sender'), never stored or delivered; a forged one is refused.
 */
import { afterEach, expect, it } from 'vitest';
import { createFakeLinkPair } from '../../src/link/fake-link.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';
import {
  GATEWAY,
  genuinelyTagged,
  kitKey,
  mac,
  randomMac,
  reportFrame,
  unknownKind,
} from './security-support.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const ENROLLED = '300234010000001';
const STRANGER = '300234010999999';
const KIT = 2107;

it('at the centre: an unknown IMEI’s frame that checks end to end is taken and flagged; nothing else is', async () => {
  net = new TestNetwork();
  // The centre's RockBLOCK door; the gateway 3001 is the one enrolled modem.
  const [door, sky] = createFakeLinkPair({ ids: ['rockblock', 'sky'], from: ['RB', 'sky'] });
  await net.add({
    id: CENTRE,
    links: [
      { link: door, costClass: 'satellite', neighbours: { [ENROLLED]: GATEWAY }, sendersEnrolled: true },
    ],
    routes: [{ target: { to: 'default' }, link: 'rockblock', nextHop: ENROLLED, cost: 0, source: 'config' }],
  });
  await door.start();
  await sky.start();
  await net.start();
  const centre = net.node(CENTRE);

  // Nothing any key here checks (a kind no version knows), from a stranger: kept, not taken.
  const strange = unknownKind(reportFrame(KIT, 30, randomMac, 30, 0));
  door.inject(strange, STRANGER);
  // A forgery from a stranger: refused.
  door.inject(reportFrame(KIT, 31, randomMac, 31, 0), STRANGER);
  // The kit's genuine report, from a modem nobody enrolled (a crew swapped it): taken, flagged.
  door.inject(reportFrame(KIT, 32, mac(kitKey(KIT)), 32, 0), STRANGER);
  await eventually('the genuine report delivered', () => centre.delivered.some((m) => m.seq === 32));
  // What came before the genuine report was dealt with by then.
  for (const seq of [30, 31]) expect(await centre.store.hasSeen(`${KIT}/${seq}`)).toBe(false);
  await eventually('the strange frame kept as foreign', () => centre.foreign.length >= 1);
  await eventually('the forgery refused', () =>
    centre.rejected.some((r) => r.startsWith('AUTH_TAG_INVALID')),
  );

  expect(centre.flagged.map((f) => f.code)).toEqual(['UNKNOWN_SENDER']);
  expect(centre.flagged[0]?.detail).toContain(`${KIT}/32`);
  expect(centre.flagged[0]?.detail).toContain(STRANGER);
  expect(centre.foreign.map((f) => ({ reason: f.reason, from: f.from, link: f.link }))).toEqual([
    { reason: 'unknown-sender', from: STRANGER, link: 'rockblock' },
  ]);
  expect(Buffer.from(centre.foreign[0]?.bytes ?? []).equals(Buffer.from(strange))).toBe(true);
  expect(centre.delivered.map((m) => m.seq)).toEqual([32]);
  for (const seq of [30, 31]) expect(await centre.store.hasSeen(`${KIT}/${seq}`)).toBe(false);
});

it('at a node holding only a kit’s relay key: a frame only its hop tag checks, from an unknown device, is kept as foreign', async () => {
  net = new TestNetwork();
  // A node whose satellite link hears enrolled devices only (the centre's RockBLOCK, "RB"), holding
  // kit 2107's relay key but not its end-to-end key; it would pass 2107's report on to the centre.
  const [door, sky] = createFakeLinkPair({ ids: ['sat', 'sky'], from: ['S', 'sky'] });
  const [toCentre, centreEnd] = createFakeLinkPair({ ids: ['g-ip', 'c-ip'], from: ['G', 'C'] });
  await net.add({
    id: GATEWAY,
    links: [
      { link: door, costClass: 'satellite', neighbours: { RB: CENTRE }, sendersEnrolled: true },
      { link: toCentre, costClass: 'ip', neighbours: { C: CENTRE } },
    ],
    routes: [{ target: { to: 'centre' }, link: 'g-ip', nextHop: 'C', cost: 0, source: 'config' }],
    relayFor: [KIT],
  });
  await net.add({
    id: CENTRE,
    links: [{ link: centreEnd, costClass: 'ip', neighbours: { G: GATEWAY } }],
    routes: [{ target: { to: 'default' }, link: 'c-ip', nextHop: 'G', cost: 0, source: 'config' }],
  });
  for (const l of [door, sky, toCentre, centreEnd]) await l.start();
  await net.start();
  const gateway = net.node(GATEWAY);

  // The same genuine, hop-tagged report from a stranger's modem, then from the enrolled sender.
  const fromStranger = genuinelyTagged(KIT, reportFrame(KIT, 40, mac(kitKey(KIT)), 40, 0));
  door.inject(fromStranger, STRANGER);
  door.inject(genuinelyTagged(KIT, reportFrame(KIT, 41, mac(kitKey(KIT)), 41, 0)), 'RB');
  await eventually('the enrolled sender’s report at the centre', () =>
    net.node(CENTRE).delivered.some((m) => m.seq === 41),
  );
  expect(await gateway.store.hasSeen(`${KIT}/40`)).toBe(false);
  await eventually('the stranger’s frame kept as foreign', () => gateway.foreign.length >= 1);
  expect(gateway.foreign.map((f) => ({ reason: f.reason, from: f.from }))).toEqual([
    { reason: 'unknown-sender', from: STRANGER },
  ]);
  expect(gateway.foreign[0]?.detail).toContain('hop tag');
  expect(await gateway.store.hasSeen(`${KIT}/40`)).toBe(false);
  expect(net.node(CENTRE).delivered.map((m) => m.seq)).toEqual([41]);
  expect(gateway.flagged).toEqual([]);
});
