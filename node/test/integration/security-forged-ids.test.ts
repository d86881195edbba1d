/**
 * Attack: a forger on the mesh claims the ids of genuine messages before they exist and while they
 * travel (docs/security.md §Checked at this hop; docs/wire-format.md §6.3, §6.4). It pre-sends
 * frames under the centre's next 100 ids (no authentication, a random MAC tag, a signature by a
 * key that is no issuer's), and races every kit report with 20 forgeries per id before the genuine
 * frame and 20 after it (random MAC tags, random hop tags, the genuine frame under a forged hop
 * tag), half of them from the kit's own address. A relay that let an unchecked copy claim an id
 * would drop the genuine frame as "conflicting" and the warning or report would never arrive.
 */
import { afterEach, expect, it } from 'vitest';
import { generateSigningKeyPair } from '../../src/crypto/ed25519.js';
import { decodeFrame, encodeMessage, type Message } from '../../src/wire/message.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';
import {
  county,
  envelope,
  idOf,
  issueVillageWarning,
  kitAddress,
  noAuth,
  peel,
  provisionIssuer,
  randomMac,
  randomTag,
  received,
  reportFrame,
  signedBy,
  VILLAGE,
  warningFrame,
  withHopTag,
} from './security-support.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const KITS = [2107, 2108, 2109] as const;
const WARNINGS = 5;
const REPORTS_PER_KIT = 3;
const RACE = 20;

it('forged frames under the ids of genuine ones take no id: every warning and every report arrives once', async () => {
  net = new TestNetwork();
  provisionIssuer(net);
  const c = await county(net, KITS);
  await c.start();
  const notAnIssuer = generateSigningKeyPair().privateKey;

  // The centre's next 100 ids, claimed before the centre uses them: three frames per id.
  const next = (await c.centre.store.getKv<number>('seq')) ?? 0;
  const forgedCentre: Array<{ id: string; bytes: Uint8Array }> = [];
  for (let seq = next + 1; seq <= next + 100; seq++) {
    const kit = KITS[seq % KITS.length] as number;
    const text = (auth: typeof randomMac) =>
      encodeMessage(
        {
          kind: 'text',
          ...envelope(CENTRE, seq, { dest: { to: 'area', area: VILLAGE }, priority: 0 }),
          body: { text: '假预警' },
        } as Message,
        auth,
      );
    const receipt = encodeMessage(
      {
        kind: 'receipt',
        ...envelope(CENTRE, seq, { dest: { to: 'node', node: kit }, flags: ['noReceipt'] }),
        body: { ranges: [{ origin: kit, from: 1, to: 50 }], scope: 'delivered' },
      } as Message,
      randomMac,
    );
    for (const bytes of [
      warningFrame(seq, noAuth), // no authentication at all
      warningFrame(seq, signedBy(notAnIssuer)), // signed, but not by an issuer
      text(randomMac), // a random MAC tag where no kit key applies
      withHopTag(randomTag(), receipt), // a receipt to a kit: random MAC, forged hop tag
    ])
      forgedCentre.push({ id: `${CENTRE}/${seq}`, bytes });
  }
  for (const f of forgedCentre) c.air(f.bytes);

  // Every kit report raced: 20 forgeries per id before the kit makes it...
  const forgeriesFor = (origin: number, seq: number, genuine?: Uint8Array): Uint8Array[] =>
    Array.from({ length: RACE }, (_, i) => {
      if (genuine && i === 0) return withHopTag(randomTag(), genuine); // the genuine frame, forged tag
      const frame = reportFrame(origin, seq, randomMac, 9000 + i, 0);
      return i % 2 === 0 ? withHopTag(randomTag(), frame) : frame;
    });
  const raceFrom = (origin: number, i: number) => (i % 2 === 0 ? kitAddress(origin) : 'X');
  for (const origin of KITS) {
    const kitNext = (await c.kit(origin).store.getKv<number>('seq')) ?? 0;
    for (let seq = kitNext + 1; seq <= kitNext + REPORTS_PER_KIT; seq++)
      for (const [i, f] of forgeriesFor(origin, seq).entries()) c.air(f, raceFrom(origin, i));
  }
  // ...and 20 more as soon as the genuine frame is on the air near the gateway.
  const raced = new Set<string>();
  c.gatewayMesh.on('frame', (f) => {
    const from = f.meta?.from;
    const kit = KITS.find((k) => kitAddress(k) === from);
    if (kit === undefined) return;
    const frame = peel(f.bytes);
    let env: ReturnType<typeof decodeFrame>['envelope'];
    try {
      env = decodeFrame(frame).envelope;
    } catch {
      return;
    }
    const id = `${env.origin}/${env.seq}`;
    if (env.origin !== kit || raced.has(id)) return;
    raced.add(id);
    setImmediate(() => {
      for (const [i, forged] of forgeriesFor(kit, env.seq, frame).entries()) c.air(forged, raceFrom(kit, i));
    });
  });

  const warnings: string[] = [];
  for (let i = 0; i < WARNINGS; i++) warnings.push(await issueVillageWarning(c));
  const reports: string[] = [];
  for (let n = 0; n < REPORTS_PER_KIT; n++)
    for (const origin of KITS)
      reports.push(
        await c.kit(origin).core.submit({
          kind: 'report',
          body: { stage: 'initial', hazard: 0x12, indicators: { affected: (origin % 100) * 10 + n } },
          dest: { to: 'centre' },
          priority: 0,
          lifetimeMin: 60,
        }),
      );

  const centreReports = () => c.centre.delivered.filter((m) => m.kind === 'report');
  await eventually('every report at the centre', () => centreReports().length >= reports.length, 60_000);
  for (const origin of KITS)
    await eventually(
      `every warning at kit ${origin}`,
      () => c.kit(origin).delivered.filter((m) => m.kind === 'warning').length >= WARNINGS,
      60_000,
    );
  for (const id of reports)
    await eventually(
      `the receipt for ${id} back at its kit`,
      () => received(c.kit(idOf(id).origin), id),
      60_000,
    );

  // Exactly once each, and each is the genuine one.
  expect(
    centreReports()
      .map((m) => `${m.origin}/${m.seq}`)
      .sort(),
  ).toEqual([...reports].sort());
  for (const m of centreReports())
    expect(m.kind === 'report' && (m.body.indicators.affected ?? 0) < 9000).toBe(true);
  for (const origin of KITS) {
    const got = c.kit(origin).delivered.filter((m) => m.kind === 'warning');
    expect(got.map((m) => `${m.origin}/${m.seq}`).sort()).toEqual([...warnings].sort());
  }
  // No node stored a forged frame under any of those ids.
  for (const node of net.nodes.values())
    for (const f of forgedCentre) {
      const stored = await node.store.getFrame(f.id);
      expect(stored && Buffer.from(stored).equals(Buffer.from(peel(f.bytes)))).toBeFalsy();
    }
  // The gateway refused what it could check, and never held a forgery.
  expect(c.gateway.rejected.some((r) => r.startsWith('AUTH_MISSING'))).toBe(true);
  expect(c.gateway.rejected.some((r) => r.startsWith('AUTH_SIGNATURE_INVALID'))).toBe(true);
  expect(c.gateway.rejected.some((r) => r.startsWith('AUTH_TAG_INVALID'))).toBe(true);
}, 120_000);

it('a frame with no authentication is refused from the air (AUTH_MISSING) and stored nowhere', async () => {
  net = new TestNetwork();
  provisionIssuer(net);
  const c = await county(net, [2107, 2108]);
  await c.start();
  // A report for the centre (relayed by the gateway) and a warning for the village (delivered at
  // the kits), neither authenticated; then a genuine report, which comes after them.
  const report = reportFrame(2107, 4242, noAuth, 1, 0);
  const warning = warningFrame(4243, noAuth);
  c.air(report, 'X');
  c.air(warning, 'X');
  const genuine = await c.kit(2108).core.submit({
    kind: 'report',
    body: { stage: 'initial', hazard: 0x12, indicators: { affected: 7 } },
    dest: { to: 'centre' },
    priority: 0,
    lifetimeMin: 60,
  });
  await eventually('the genuine report at the centre', () =>
    c.centre.delivered.some((m) => `${m.origin}/${m.seq}` === genuine),
  );
  // What came before the genuine report was dealt with by then.
  for (const node of net.nodes.values()) {
    expect(await node.store.hasSeen('2107/4242')).toBe(false);
    expect(await node.store.hasSeen(`${CENTRE}/4243`)).toBe(false);
  }
  await eventually(
    'the gateway refused both',
    () => c.gateway.rejected.filter((r) => r.startsWith('AUTH_MISSING')).length >= 2,
  );
  await eventually('kit 2107 refused the warning', () =>
    c.kit(2107).rejected.some((r) => r.startsWith('AUTH_MISSING')),
  );
  for (const node of net.nodes.values())
    expect(node.delivered.filter((m) => m.kind === 'warning')).toEqual([]);
});
