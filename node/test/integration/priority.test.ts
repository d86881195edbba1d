/**
 * Priorities are strict on every link: with the outbox of a slow link full of P3 traffic, a P0 warning is the next
 * frame sent (a higher class is never queued behind a lower one).
 */
import { afterEach, expect, it } from 'vitest';
import { signatureAuthenticator } from '../../src/crypto/authenticate.js';
import { createFakeLinkPair } from '../../src/link/fake-link.js';
import { FIXTURE_ISSUER_KEY } from '../../src/wire/fixtures/fixture-keys.js';
import { R2 } from '../../src/wire/fixtures/reference-messages.js';
import { HOP_TAGGED_TYPE, unwrapHopTagged } from '../../src/wire/hop-tagged.js';
import { decodeFrame } from '../../src/wire/message.js';
import { CENTRE, eventually, TestNetwork } from './harness.js';

let net: TestNetwork;
afterEach(async () => net?.stop());

it('a P0 warning overtakes a full outbox of P3 traffic on a slow link', async () => {
  net = new TestNetwork();
  // One frame on air at a time, 30 ms each: a slow radio.
  const [slow, far] = createFakeLinkPair({
    ids: ['slow', 'far'],
    from: ['C', 'G'],
    sendWindow: 1,
    delayMs: { min: 30, max: 30 },
  });
  await net.add({
    id: CENTRE,
    links: [{ link: slow, costClass: 'mesh' }],
    routes: [{ target: { to: 'default' }, link: 'slow', cost: 0, source: 'config' }],
  });
  // The order in which the dispatcher hands frames to the link.
  const sent: string[] = [];
  const send = slow.send.bind(slow);
  slow.send = async (frame, opts) => {
    const outcome = await send(frame, opts);
    // Frames to a kit go in their hop-tagged container on a link that costs nothing.
    const bare = frame[0] === HOP_TAGGED_TYPE ? unwrapHopTagged(frame).frame : frame;
    if (outcome.ok) sent.push(decodeFrame(bare).message?.kind ?? 'unknown');
    return outcome;
  };
  await slow.start();
  await far.start();
  await net.start();
  const centre = net.node(CENTRE).core;
  for (let i = 0; i < 40; i++) {
    await centre.submit({
      kind: 'text',
      body: { text: `bulk ${i}` },
      dest: { to: 'node', node: 3001 },
      priority: 3,
      lifetimeMin: 60,
    });
  }
  await eventually('the slow link is busy with bulk', () => sent.length >= 3);
  await centre.submit(
    { kind: 'warning', body: R2.body, dest: { to: 'area', area: 430121 }, priority: 0, lifetimeMin: 360 },
    signatureAuthenticator(FIXTURE_ISSUER_KEY),
  );
  const before = sent.length;
  await eventually('the warning is sent', () => sent.includes('warning'));
  const position = sent.indexOf('warning');
  // The warning is the next frame sent, give or take one bulk frame the dispatcher had already
  // picked while the warning was being written to disk.
  expect(position - before).toBeLessThanOrEqual(1);
  expect(sent.length - before).toBeLessThan(40); // bulk was still waiting
  await eventually('it arrives', () => far.counters().rxFrames > position);
});
