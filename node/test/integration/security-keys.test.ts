/**
 * Attack: a kit in the wrong hands. Its keys are turned against the others (docs/security.md §Keys):
 * kit A's own end-to-end and relay keys forge a report in kit B's name and a centre `delivered`
 * receipt for B's pending SOS, which would make B stop sending a report the centre never got. And
 * once the centre revokes a stolen kit C with a signed control message (docs/security.md
 * §Revocation; docs/control-messages.md §Revocation), the thief keeps sending C's well-formed
 * frames, under C's real keys, before and after the gateway restarts.
 */
import { afterEach, expect, it } from 'vitest';
import type { KeyRing } from '../../src/crypto/authenticate.js';
import { hopTag } from '../../src/crypto/hop-tag.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';
import {
  county,
  GATEWAY,
  genuinelyTagged,
  kitAddress,
  kitKey,
  mac,
  provisionIssuer,
  receiptFrame,
  received,
  reportFrame,
  revokeFromCentre,
  sos,
  withHopTag,
} from './security-support.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const A = 2107;
const B = 2108;
const STOLEN = 2110;

/**
 * What a thief who holds kit A can tag a frame for `kit` with: A's ring gives the end-to-end and
 * relay keys it holds, which is only A's own (docs/keys.md §What a theft gives away).
 */
function loot(ring: KeyRing, kit: number) {
  const k = ring.macKey(kit) ?? (ring.macKey(A) as Uint8Array);
  const r = ring.relayKey(kit) ?? (ring.relayKey(A) as Uint8Array);
  return { mac: mac(k), tag: (frame: Uint8Array) => withHopTag(hopTag(r, frame), frame) };
}

it("kit A's keys forge nothing in kit B's name: no report, and no receipt that ends B's SOS", async () => {
  net = new TestNetwork();
  // The gateway cannot reach the centre yet: B's SOS waits there, in custody.
  const c = await county(net, [A, B]);
  await c.start();
  c.gatewayIp.setUp(false);
  const ringOfA = net.keyRing(A, []);

  const id = await c.kit(B).core.submit(sos(41));
  const seq = Number(id.split('/')[1]);
  await eventually('the gateway took custody of B’s SOS', async () => {
    const meta = await c.kit(B).store.getMeta(id);
    return meta?.state === 'custody' && meta.custodyBy === GATEWAY;
  });

  // The thief, as the centre, tells B its SOS was delivered: under A's keys.
  const forAsB = loot(ringOfA, B);
  const forgedReceipt = receiptFrame(CENTRE, 900, B, [{ origin: B, seq }], forAsB.mac);
  c.air(forAsB.tag(forgedReceipt), 'X');
  c.air(forgedReceipt, 'X');
  await eventually(
    'B dealt with the forged receipt',
    () =>
      c.kit(B).rejected.length > 0 ||
      c.kit(B).delivered.some((m) => m.kind === 'receipt' && m.origin === CENTRE && m.seq === 900),
  );
  const meta = await c.kit(B).store.getMeta(id);
  expect(meta?.state).toBe('custody');
  expect(meta?.events.some((e) => e.state === 'received')).toBe(false);
  expect(c.kit(B).rejected.some((r) => r.startsWith('AUTH_TAG_INVALID'))).toBe(true);
  await eventually('the gateway refused the forged receipt’s hop tag', () =>
    c.gateway.rejected.some((r) => r.startsWith('AUTH_TAG_INVALID')),
  );

  // The way to the centre comes back: B's SOS is received when the centre's own receipt comes.
  c.gatewayIp.setUp(true);
  await eventually('B’s SOS at the centre', () =>
    c.centre.delivered.some((m) => `${m.origin}/${m.seq}` === id),
  );
  await eventually('B’s SOS received', () => received(c.kit(B), id));
  const done = await c.kit(B).store.getMeta(id);
  expect(done?.events.filter((e) => e.state === 'received').length).toBe(1);

  // A report in B's name, under A's keys: refused at the gateway (hop tag) and at the centre (MAC).
  const forgedReport = reportFrame(B, seq + 500, forAsB.mac, 666, 0);
  c.air(forAsB.tag(forgedReport), kitAddress(B));
  c.air(forgedReport, kitAddress(B));
  await eventually('the centre refused the report in B’s name', () =>
    c.centre.rejected.some((r) => r.startsWith('AUTH_TAG_INVALID') && r.includes(`${B}/${seq + 500}`)),
  );
  // A genuine report of B sent after the forgery is delivered, the forgery never.
  const after = await c.kit(B).core.submit(sos(42));
  await eventually('B’s next report at the centre', () =>
    c.centre.delivered.some((m) => `${m.origin}/${m.seq}` === after),
  );
  expect(c.centre.delivered.filter((m) => m.origin === B).map((m) => `${m.origin}/${m.seq}`)).toEqual([
    id,
    after,
  ]);
  for (const node of net.nodes.values()) expect(await node.store.hasSeen(`${B}/${seq + 500}`)).toBe(false);
});

it('a revoked kit’s frames are refused by the gateway, also after the gateway restarts', async () => {
  net = new TestNetwork();
  provisionIssuer(net);
  // The stolen kit C is enrolled at the gateway (it holds C's relay key) but no longer in the field:
  // its thief plays its frames, with C's real keys, from C's address.
  const c = await county(net, [2107], { gatewayRelayFor: [2107, STOLEN] });
  await c.start();
  let seq = 0;
  const stolenReport = () => genuinelyTagged(STOLEN, reportFrame(STOLEN, ++seq, mac(kitKey(STOLEN)), seq, 0));

  // Before the revocation, C's frames are genuine to everyone.
  c.air(stolenReport(), kitAddress(STOLEN));
  await eventually('C’s first report at the centre', () =>
    c.centre.delivered.some((m) => m.origin === STOLEN),
  );

  // The centre revokes C: a control message signed by issuer 3, to every node.
  const control = await revokeFromCentre(c, STOLEN);
  await eventually('the gateway applied the revocation', () =>
    c.gateway.delivered.some((m) => `${m.origin}/${m.seq}` === control),
  );
  await eventually('the kit applied the revocation', () =>
    c.kit(2107).delivered.some((m) => `${m.origin}/${m.seq}` === control),
  );

  // C's report, then a genuine one: by the time the genuine one is at the centre, C's was dealt with.
  c.air(stolenReport(), kitAddress(STOLEN));
  const before = await c.kit(2107).core.submit(sos(4));
  await eventually('the genuine report at the centre', () =>
    c.centre.delivered.some((m) => `${m.origin}/${m.seq}` === before),
  );
  expect(await c.gateway.store.hasSeen(`${STOLEN}/${seq}`)).toBe(false);
  expect(c.centre.delivered.filter((m) => m.origin === STOLEN).length).toBe(1);
  expect(c.gateway.rejected.some((r) => r.startsWith('AUTH_REVOKED') && r.includes(`${STOLEN}/${seq}`))).toBe(
    true,
  );

  // The gateway restarts; the revocation was saved before it took effect.
  await net.restart(GATEWAY);
  c.air(stolenReport(), kitAddress(STOLEN));
  await eventually('after the restart, the gateway still refuses C', () =>
    c.gateway.rejected.some((r) => r.startsWith('AUTH_REVOKED') && r.includes(`${STOLEN}/${seq}`)),
  );
  // The next genuine report, after C's, goes through the restarted gateway.
  const genuine = await c.kit(2107).core.submit(sos(5));
  await eventually('the genuine report at the centre', () =>
    c.centre.delivered.some((m) => `${m.origin}/${m.seq}` === genuine),
  );
  expect(c.centre.delivered.filter((m) => m.origin === STOLEN).length).toBe(1);
  for (const s of [2, 3]) expect(await c.gateway.store.hasSeen(`${STOLEN}/${s}`)).toBe(false);
});

// The centre applies the control messages it signs itself: the centre that revoked kit C refuses
// C's reports that reach it through a relay that has not heard the revocation yet.
it('the centre that revoked a kit refuses its reports itself', async () => {
  net = new TestNetwork();
  provisionIssuer(net);
  const c = await county(net, [2107], { gatewayRelayFor: [2107, STOLEN] });
  await c.start();
  const control = await revokeFromCentre(c, STOLEN);
  await eventually('the gateway applied the revocation', () =>
    c.gateway.delivered.some((m) => `${m.origin}/${m.seq}` === control),
  );
  // C's report, passed on by a relay that had not heard the revocation, then a genuine one.
  c.centreIp.inject(genuinelyTagged(STOLEN, reportFrame(STOLEN, 1, mac(kitKey(STOLEN)), 1, 0)), 'G');
  const genuine = await c.kit(2107).core.submit(sos(6));
  await eventually('the genuine report at the centre', () =>
    c.centre.delivered.some((m) => `${m.origin}/${m.seq}` === genuine),
  );
  expect(c.centre.delivered.some((m) => m.origin === STOLEN)).toBe(false);
  expect(c.centre.rejected.some((r) => r.startsWith('AUTH_REVOKED'))).toBe(true);
});
