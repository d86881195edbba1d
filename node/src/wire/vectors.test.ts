/**
 * The hex vectors of docs/wire-format.md §10 agree with the code byte for byte: the test reads
 * the document, so neither can change without the other.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureKeyRing } from '../../test/reference-keys.js';
import { checkAtHop, verifyFrame } from '../crypto/authenticate.js';
import { verifyHopTag } from '../crypto/hop-tag.js';
import { ReplayWindow } from '../crypto/replay-window.js';
import { packBatches } from './batch.js';
import { FIXTURE_ISSUER_PUBLIC, fixtureRelayKey } from './fixtures/fixture-keys.js';
import { hazardFrames } from './fixtures/hazard-messages.js';
import { kitHealthFrames } from './fixtures/kit-health-messages.js';
import { G1, G2, NEIGHBOUR_KIT, receiptTagFrames } from './fixtures/receipt-tag-messages.js';
import { referenceFrames } from './fixtures/reference-frames.js';
import { GATEWAY_NODE, VILLAGE_KIT } from './fixtures/reference-messages.js';
import { requestFrames } from './fixtures/request-messages.js';
import { C1, C2, securityFrames } from './fixtures/security-messages.js';
import { shelterFrames } from './fixtures/shelter-messages.js';
import { teamFrames } from './fixtures/team-messages.js';
import { fragmentFrame, Reassembler } from './fragment.js';
import { unwrapHopTagged } from './hop-tagged.js';
import { decodeFrame } from './message.js';
import { packSharedFields } from './shared-batch.js';

const doc = readFileSync(new URL('../../../docs/wire-format.md', import.meta.url), 'utf8');

/** Every "#### Vector ID (...)" heading followed by a ```hex block. */
function documentedVectors(): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of doc.matchAll(/^#### Vector (\w+)[^\n]*\n+```hex\n([0-9a-f\n]+)```/gm)) {
    out.set(m[1] as string, (m[2] as string).replace(/\n/g, ''));
  }
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const frames = referenceFrames();
const byId = new Map(frames.map((f) => [f.id, f]));

function computedVectors(): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of frames) out.set(f.id, hex(f.frame));
  for (const [i, frag] of fragmentFrame(byId.get('R2')!.frame, 64).entries()) out.set(`F${i + 1}`, hex(frag));
  const batch = packBatches(
    ['R4', 'R1', 'R3'].map((id) => ({
      frame: byId.get(id)!.frame,
      priority: byId.get(id)!.message.priority,
    })),
    340,
  );
  expect(batch.containers).toHaveLength(1);
  out.set('B1', hex(batch.containers[0]!));
  out.set('B2', hex(packSharedFields(['R4', 'R1', 'R3'].map((id) => byId.get(id)!.frame))));
  for (const f of securityFrames()) out.set(f.id, hex(f.frame));
  for (const f of hazardFrames()) out.set(f.id, hex(f.frame));
  for (const f of kitHealthFrames()) out.set(f.id, hex(f.frame));
  for (const f of requestFrames()) out.set(f.id, hex(f.frame));
  for (const f of teamFrames()) out.set(f.id, hex(f.frame));
  for (const f of shelterFrames()) out.set(f.id, hex(f.frame));
  for (const f of receiptTagFrames()) out.set(f.id, hex(f.frame));
  return out;
}

describe('docs/wire-format.md test vectors', () => {
  const documented = documentedVectors();
  const computed = computedVectors();

  it('documents every vector the code computes, and no other', () => {
    expect([...documented.keys()].sort()).toEqual([...computed.keys()].sort());
  });

  for (const [id, bytes] of computed) {
    it(`vector ${id} matches byte for byte`, () => {
      expect(documented.get(id)).toBe(bytes);
    });
  }

  it('the documented issuer public key is the fixture key', () => {
    expect(doc).toContain(hex(FIXTURE_ISSUER_PUBLIC));
  });

  it('the documented frames decode and verify to the reference messages', () => {
    const opts = {
      keys: fixtureKeyRing,
      replay: new ReplayWindow(),
      now: frames[0]!.message.createdAt,
      clockTrusted: true,
    };
    for (const f of frames) {
      const verified = verifyFrame(decodeFrame(Buffer.from(documented.get(f.id)!, 'hex')), opts);
      expect(verified.kind).toBe(f.message.kind);
      expect(verified.seq).toBe(f.message.seq);
    }
    const reassembler = new Reassembler();
    const results = ['F3', 'F1', 'F2'].map((id) =>
      reassembler.accept(Buffer.from(documented.get(id)!, 'hex')),
    );
    expect(results[2]).toEqual({ status: 'complete', frame: byId.get('R2')!.frame });
  });

  it('C1 decodes and verifies under issuer 3, with its revocation and floors', () => {
    const opts = { keys: fixtureKeyRing, replay: new ReplayWindow(), now: C1.createdAt, clockTrusted: true };
    const verified = verifyFrame(decodeFrame(Buffer.from(documented.get('C1')!, 'hex')), opts);
    expect(verified).toEqual(C1);
  });

  it('C2 decodes and verifies under issuer 3: R2 sounded again at kit 2107 for persons 4 and 7', () => {
    const opts = { keys: fixtureKeyRing, replay: new ReplayWindow(), now: C2.createdAt, clockTrusted: true };
    const verified = verifyFrame(decodeFrame(Buffer.from(documented.get('C2')!, 'hex')), opts);
    expect(verified).toEqual(C2);
    expect(verified.kind === 'control' && verified.body.realarm).toEqual({
      warning: { origin: 1, seq: 57 },
      persons: [4, 7],
    });
  });

  it('H1 is R1 with the hop tag of kit 2107, which a gateway holding only its relay key checks', () => {
    const { tag, frame } = unwrapHopTagged(Buffer.from(documented.get('H1')!, 'hex'));
    expect(hex(frame)).toBe(documented.get('R1'));
    expect(verifyHopTag(fixtureRelayKey(VILLAGE_KIT), frame, tag)).toBe(true);
    expect(verifyHopTag(fixtureRelayKey(VILLAGE_KIT + 1), frame, tag)).toBe(false);
    const gateway = { ...fixtureKeyRing, macKey: () => undefined };
    const opts = { keys: gateway, now: byId.get('R1')!.message.createdAt, clockTrusted: true };
    expect(checkAtHop(decodeFrame(frame), tag, opts)).toMatchObject({ checked: true, by: 'hop-tag' });
    expect(checkAtHop(decodeFrame(frame), undefined, opts)).toMatchObject({ checked: false });
  });

  it('G1 and G2 verify at each kit they carry a tag for, with its own relay key, and nowhere else', () => {
    const at = (self: number, createdAt: number) => ({
      keys: { ...fixtureKeyRing, self },
      replay: new ReplayWindow(),
      now: createdAt,
      clockTrusted: true,
    });
    const g1 = decodeFrame(Buffer.from(documented.get('G1')!, 'hex'));
    expect(verifyFrame(g1, at(VILLAGE_KIT, G1.createdAt))).toEqual(G1);
    expect(() => verifyFrame(g1, at(NEIGHBOUR_KIT, G1.createdAt))).toThrow(/no relay tag for this node/);
    const g2 = decodeFrame(Buffer.from(documented.get('G2')!, 'hex'));
    expect(g2.relayTags?.map((t) => t.kit)).toEqual([VILLAGE_KIT, NEIGHBOUR_KIT]);
    for (const kit of [VILLAGE_KIT, NEIGHBOUR_KIT])
      expect(verifyFrame(g2, at(kit, G2.createdAt))).toEqual(G2);
    // The gateway holds both kits' relay keys, and still takes neither tag as said to it.
    expect(() => verifyFrame(g2, at(GATEWAY_NODE, G2.createdAt))).toThrow(/no relay tag for this node/);
  });

  it('the budget table states the sizes the code produces', () => {
    for (const f of frames) {
      // A row: | id | what | bytes | … (cells padded as the formatter aligns them).
      expect(doc).toMatch(new RegExp(`^\\| ${f.id} +\\| [^|]+\\| ${f.frame.length} +\\|`, 'm'));
    }
  });
});
