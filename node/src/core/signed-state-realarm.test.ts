/**
 * A re-alarm at a kit's core (docs/wire-format.md §4.5, §6.2; docs/control-messages.md §Ordering
 * per issuer; docs/warnings.md §Escalation), over real cores, stores and signatures in a county of
 * fake links: the centre's realarm-only control message is applied without error and delivered as
 * current; one overtaken by a newer control message of its issuer is delivered as history (the kit
 * must not sound it); the same frame again is not delivered twice; and one signed by an issuer
 * without the control power is refused.
 */
import { afterEach, expect, it } from 'vitest';
import { CENTRE, eventually, TestNetwork } from '../../test/integration/harness.js';
import {
  county,
  envelope,
  issuerSigned,
  provisionIssuer,
  signedBy,
} from '../../test/integration/security-support.js';
import { generateSigningKeyPair, publicKeyFromRaw } from '../crypto/ed25519.js';
import { FIXTURE_ISSUER_ID } from '../wire/fixtures/fixture-keys.js';
import type { ControlBody } from '../wire/kinds/control.js';
import { type Authenticator, encodeMessage, type Message } from '../wire/message.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const KIT = 2107;
const REALARM = { warning: { origin: CENTRE, seq: 10 }, persons: [4, 7] };

/** A control message from the centre to the kit alone, P0, as the escalation sends a re-alarm. */
function controlFrame(
  seq: number,
  body: Omit<ControlBody, 'issuer'>,
  auth = issuerSigned,
  issuer = FIXTURE_ISSUER_ID,
) {
  return encodeMessage(
    {
      kind: 'control',
      ...envelope(CENTRE, seq, { priority: 0, lifetimeMin: 30, dest: { to: 'node', node: KIT } }),
      body: { issuer, ...body },
    } as Message,
    auth as Authenticator,
  );
}

async function kitCounty() {
  net = new TestNetwork();
  provisionIssuer(net);
  const c = await county(net, [KIT]);
  await c.start();
  const kit = c.kit(KIT);
  const radio = c.kitLinks.get(KIT);
  if (radio === undefined) throw new Error('no kit radio');
  const deliveredIds = () => kit.delivered.map((m) => `${m.origin}/${m.seq}`);
  const standing = (seq: number) => kit.standing.find((s) => s.id === `${CENTRE}/${seq}`);
  return { c, kit, radio, deliveredIds, standing };
}

it("the centre's realarm-only control message is applied without error and delivered as current", async () => {
  const { c, kit, deliveredIds, standing } = await kitCounty();
  const id = await c.centre.core.submit(
    {
      kind: 'control',
      body: { issuer: FIXTURE_ISSUER_ID, realarm: REALARM },
      dest: { to: 'node', node: KIT },
      priority: 0,
      lifetimeMin: 30,
    },
    issuerSigned,
  );
  await eventually('the realarm at the kit', () => deliveredIds().includes(id));
  const seq = Number(id.split('/')[1]);
  expect(standing(seq)).toEqual({ id, current: true });
  const delivered = kit.delivered.find((m) => `${m.origin}/${m.seq}` === id);
  expect(delivered?.kind === 'control' && delivered.body.realarm).toEqual(REALARM);
  expect(kit.rejected).toEqual([]);
});

it('a realarm overtaken by a newer control message of its issuer is delivered as history', async () => {
  const { kit, radio, deliveredIds, standing } = await kitCounty();
  // Store and forward brings the roster-less time beacon 21 first, the realarm 20 after it.
  radio.inject(controlFrame(21, { time: Math.floor(Date.now() / 1000) }), 'G');
  await eventually('control 21 at the kit', () => deliveredIds().includes(`${CENTRE}/21`));
  radio.inject(controlFrame(20, { realarm: REALARM }), 'G');
  await eventually('realarm 20 at the kit', () => deliveredIds().includes(`${CENTRE}/20`));
  expect(standing(21)?.current).toBe(true);
  expect(standing(20)?.current).toBe(false);
  expect(standing(20)?.reason).toContain(`${CENTRE}/21`);
  // A newer realarm after them is current again.
  radio.inject(controlFrame(22, { realarm: REALARM }), 'G');
  await eventually('realarm 22 at the kit', () => deliveredIds().includes(`${CENTRE}/22`));
  expect(standing(22)?.current).toBe(true);
  expect(kit.rejected).toEqual([]);
});

it('the same realarm frame played again is not delivered a second time', async () => {
  const { radio, deliveredIds } = await kitCounty();
  const frame = controlFrame(30, { realarm: REALARM });
  radio.inject(frame, 'G');
  await eventually('realarm 30 at the kit', () => deliveredIds().includes(`${CENTRE}/30`));
  radio.inject(frame, 'G');
  // A later message shows the copy has been taken in and dropped before it.
  radio.inject(controlFrame(31, { time: Math.floor(Date.now() / 1000) }), 'G');
  await eventually('control 31 at the kit', () => deliveredIds().includes(`${CENTRE}/31`));
  expect(deliveredIds().filter((id) => id === `${CENTRE}/30`)).toHaveLength(1);
});

it('a realarm signed by an issuer without the control power is refused', async () => {
  const { kit, radio, deliveredIds } = await kitCounty();
  const warner = generateSigningKeyPair();
  net.issuers.set(8, { publicKey: publicKeyFromRaw(warner.publicKey), powers: ['warning'] });
  radio.inject(controlFrame(40, { realarm: REALARM }, signedBy(warner.privateKey), 8), 'G');
  await eventually('the refusal', () => kit.rejected.some((r) => r.startsWith('AUTH_NOT_AUTHORISED')));
  expect(deliveredIds()).not.toContain(`${CENTRE}/40`);
});
