/**
 * Attack: silencing a relay's custody with forged receipts (docs/security.md §Broadcast receipts,
 * §Checked at this hop). A relay that passes on the centre's `delivered` receipt to a kit drops the
 * custody signal it owes that kit for the same message: the kit will hear something stronger. A
 * forger near the gateway answers every report the kit sends with a `delivered` receipt "from the
 * centre" that the gateway cannot check. If the gateway believed it, the kit would never hear
 * custody and would repeat its report on the air until the real receipt came, which, with the
 * centre unreachable, is never.
 */
import { afterEach, expect, it } from 'vitest';
import { decodeFrame } from '../../src/wire/message.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';
import {
  county,
  GATEWAY,
  peel,
  randomMac,
  randomTag,
  receiptFrame,
  sos,
  withHopTag,
} from './security-support.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

const KIT = 2107;

it('an unchecked delivered receipt passing a relay does not cancel the custody it owes the kit', async () => {
  net = new TestNetwork();
  // The gateway batches its custody signals for a second: time enough for the forger to answer.
  const c = await county(net, [KIT], { gateway: { core: { receiptDelayMs: 1000 } } });
  await c.start();
  c.gatewayIp.setUp(false); // the centre is out of reach: custody is all the kit can hear

  let forgedSeq = 70_000;
  const forged: string[] = [];
  c.gatewayMesh.on('frame', (f) => {
    if (f.meta?.from !== `K${KIT}`) return;
    let env: ReturnType<typeof decodeFrame>['envelope'];
    try {
      env = decodeFrame(peel(f.bytes)).envelope;
    } catch {
      return;
    }
    if (env.origin !== KIT) return;
    const seq = ++forgedSeq;
    const receipt = receiptFrame(CENTRE, seq, KIT, [{ origin: KIT, seq: env.seq }], randomMac);
    forged.push(`${CENTRE}/${seq}`);
    setImmediate(() => c.gatewayMesh.inject(seq % 2 === 0 ? receipt : withHopTag(randomTag(), receipt), 'X'));
  });

  const id = await c.kit(KIT).core.submit(sos(9));
  await eventually(
    'the kit has custody from the gateway',
    async () => {
      const meta = await c.kit(KIT).store.getMeta(id);
      return meta?.state === 'custody' && meta.custodyBy === GATEWAY;
    },
    20_000,
  );
  expect(forged.length).toBeGreaterThan(0);
  for (const f of forged) expect(await c.gateway.store.hasSeen(f)).toBe(false);
  expect(c.gateway.unchecked.length + c.gateway.rejected.length).toBeGreaterThan(0);
  const atGateway = await c.gateway.store.getMeta(id);
  expect(atGateway?.state).not.toBe('received');
});
