/**
 * Attack: genuine signed messages played back out of their time or their order (docs/security.md
 * §Time and expiry, §Ordering; docs/time.md; docs/control-messages.md §Warning threads). A warning
 * captured in 2024 under an issuer key that has since expired is replayed to a kit: refused by a
 * kit whose clock is trusted, and by one whose only time is the centre's signed time. A cancel
 * that arrives after a newer update is delivered, but as history: the update stays current. And a
 * relay whose clock is wrong keeps what it relays for the lifetime counted from when it came: a
 * clock hours ahead must not expire a fresh SOS on arrival, nor one behind keep it for hours more.
 */
import { afterEach, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../../src/base/logger.js';
import { TrustedClock } from '../../src/core/trusted-clock.js';
import { generateSigningKeyPair, publicKeyFromRaw } from '../../src/crypto/ed25519.js';
import { FIXTURE_ISSUER_ID } from '../../src/wire/fixtures/fixture-keys.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';
import {
  county,
  issuerSigned,
  issueVillageWarning,
  provisionIssuer,
  signedBy,
  sos,
  warningBody,
  warningFrame,
} from './security-support.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const KIT = 2107;
/** An issuer whose key signed warnings in 2024 and expired at the start of 2025. */
const OLD_ISSUER = 7;
const oldIssuer = generateSigningKeyPair();
const CAPTURED_AT = Date.UTC(2024, 2, 1, 12, 0, 0) / 1000;

function provisionOldIssuer(): void {
  net.issuers.set(OLD_ISSUER, {
    publicKey: publicKeyFromRaw(oldIssuer.publicKey),
    powers: ['warning'],
    validUntil: Date.UTC(2025, 0, 1) / 1000,
  });
}

/** The warning an attacker recorded off the air in March 2024, genuine in every byte. */
function capturedWarning(): Uint8Array {
  return warningFrame(40_000, signedBy(oldIssuer.privateKey), {
    ...warningBody('issue', undefined, CAPTURED_AT),
    issuer: OLD_ISSUER,
  });
}

/** A genuine warning the centre sends now, through the gateway: the event that comes after. */
async function sendCurrentWarning(c: Awaited<ReturnType<typeof county>>): Promise<string> {
  return issueVillageWarning(c);
}

it('a warning captured in 2024 under an expired issuer key is not delivered at a kit with a trusted clock', async () => {
  net = new TestNetwork();
  provisionIssuer(net);
  provisionOldIssuer();
  const c = await county(net, [KIT]);
  await c.start();

  c.kitLinks.get(KIT)?.inject(capturedWarning(), 'G');
  const current = await sendCurrentWarning(c);
  await eventually('the current warning at the kit', () =>
    c.kit(KIT).delivered.some((m) => `${m.origin}/${m.seq}` === current),
  );
  expect(c.kit(KIT).delivered.map((m) => `${m.origin}/${m.seq}`)).toEqual([current]);
  expect(
    c
      .kit(KIT)
      .rejected.some((r) => r.startsWith('AUTH_NOT_AUTHORISED') && r.includes(`issuer ${OLD_ISSUER}`)),
  ).toBe(true);
  expect(await c.kit(KIT).store.hasSeen(`${CENTRE}/40000`)).toBe(false);
});

it("a kit whose only time is the centre's signed time refuses the captured warning too", async () => {
  net = new TestNetwork();
  provisionIssuer(net);
  provisionOldIssuer();
  // A kit after a power cut: its system clock says March 2024 (fake-hwclock), no GPS fix yet.
  const t0 = Date.now();
  const clock = new TrustedClock({
    system: () => CAPTURED_AT * 1000 + 3600_000 + (Date.now() - t0),
    log: silentLogger,
  });
  onTestFinished(() => clock.stop());
  const c = await county(net, [KIT], { kit: () => ({ core: { clock } }) });
  await c.start();
  expect(clock.expiryTrusted()).toBe(false);

  // The centre's control message carries its time, signed.
  const control = await c.centre.core.submit(
    {
      kind: 'control',
      body: { issuer: FIXTURE_ISSUER_ID, time: Math.floor(Date.now() / 1000) },
      dest: { to: 'all' },
      priority: 1,
      lifetimeMin: 60,
    },
    issuerSigned,
  );
  await eventually('the control message at the kit', () =>
    c.kit(KIT).delivered.some((m) => `${m.origin}/${m.seq}` === control),
  );

  c.kitLinks.get(KIT)?.inject(capturedWarning(), 'G');
  const current = await sendCurrentWarning(c);
  await eventually('the current warning at the kit', () =>
    c.kit(KIT).delivered.some((m) => `${m.origin}/${m.seq}` === current),
  );
  expect(
    c
      .kit(KIT)
      .delivered.filter((m) => m.kind === 'warning')
      .map((m) => `${m.origin}/${m.seq}`),
  ).toEqual([current]);
  expect(await c.kit(KIT).store.hasSeen(`${CENTRE}/40000`)).toBe(false);
  expect(
    c
      .kit(KIT)
      .rejected.some((r) => r.startsWith('AUTH_NOT_AUTHORISED') && r.includes(`issuer ${OLD_ISSUER}`)),
  ).toBe(true);
  expect(Math.abs(clock.now() - Date.now())).toBeLessThan(60_000);
});

it('an old cancel delivered after a newer update is history: the update stays current', async () => {
  net = new TestNetwork();
  provisionIssuer(net);
  const c = await county(net, [KIT]);
  await c.start();
  const thread = { origin: CENTRE, seq: 10 };
  const frames = {
    10: warningFrame(10, issuerSigned, warningBody('issue')),
    11: warningFrame(11, issuerSigned, warningBody('cancel', thread)),
    12: warningFrame(12, issuerSigned, { ...warningBody('update', thread), level: 2, colour: 'orange' }),
  };
  // Store and forward brings them as issue 10, update 12, cancel 11.
  const radio = c.kitLinks.get(KIT);
  for (const seq of [10, 12, 11] as const) {
    radio?.inject(frames[seq], 'G');
    await eventually(`warning ${seq} delivered`, () =>
      c.kit(KIT).delivered.some((m) => m.origin === CENTRE && m.seq === seq),
    );
  }
  const standing = (seq: number) => c.kit(KIT).standing.find((s) => s.id === `${CENTRE}/${seq}`);
  expect(standing(10)?.current).toBe(true);
  expect(standing(12)?.current).toBe(true);
  expect(standing(11)?.current).toBe(false);
  // What is current instead: update 12.
  expect(standing(11)?.reason).toContain(`${CENTRE}/12`);
  // Delivered once each, in the order they came.
  expect(c.kit(KIT).delivered.map((m) => m.seq)).toEqual([10, 12, 11]);
});

it.each([
  ['ahead', 3 * 3600_000],
  ['behind', -3 * 3600_000],
])(
  'a relay whose clock is %s keeps a message for its lifetime counted from when it came',
  async (_, offsetMs) => {
    net = new TestNetwork();
    // The gateway's clock is three hours off, and it knows its clock is not to be trusted.
    const c = await county(net, [KIT], {
      gateway: { core: { clock: { now: () => Date.now() + offsetMs, trusted: () => false } } },
    });
    await c.start();
    c.gatewayIp.setUp(false); // the centre is out of reach for now: the gateway holds the report
    const id = await c.kit(KIT).core.submit({ ...sos(3), lifetimeMin: 60 });
    await eventually('the gateway holds the report', async () => {
      const meta = await c.kit(KIT).store.getMeta(id);
      return meta?.state === 'custody' && meta.custodyBy === c.gateway.id;
    });
    const held = await c.gateway.store.getMeta(id);
    const arrivedAt = (held?.events[0]?.at ?? 0) / 1000;
    // Sixty minutes from its arrival, on the gateway's own clock.
    expect(Math.abs((held?.expiresAt ?? 0) - (arrivedAt + 3600))).toBeLessThan(60);
    expect(held?.state).not.toBe('expired');

    c.gatewayIp.setUp(true);
    await eventually('the report at the centre', () =>
      c.centre.delivered.some((m) => `${m.origin}/${m.seq}` === id),
    );
    const after = await c.gateway.store.getMeta(id);
    expect(after?.events.some((e) => e.state === 'expired')).toBe(false);
  },
);
