/**
 * What a hazard is from its messages (hazard-state.ts, docs/hazards.md §The state of a hazard):
 * the same view whatever order store-and-forward brought the messages in (fast-check), a hazard
 * that only moves forward, a verification that corrects and a later handling that does not, a
 * refused change that changes nothing, and a change that arrived before its opening report.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HazardBody } from '../../wire/kinds/hazard.js';
import type { HazardEntry } from './hazard.js';
import { hazardState } from './hazard-state.js';
import { type HazardStatus, wireStatus } from './hazard-status.js';

const KIT = 2107;
const CENTRE = 1;
const VILLAGE = 430121101201;
const ID = `${KIT}/320`;
const T0 = 1_784_000_000;
const options = { kitArea: (node: number) => (node === KIT ? VILLAGE : undefined) };

function opening(): HazardEntry {
  return {
    id: ID,
    origin: KIT,
    seq: 320,
    createdAt: T0,
    exercise: false,
    receivedAt: T0 * 1000,
    body: {
      hazard: 160,
      severity: 'high',
      status: 'reported',
      peopleAtRisk: 23,
      reporter: 4,
      description: '后山裂缝',
      photos: 2,
    },
  };
}

function change(
  origin: number,
  seq: number,
  at: number,
  status: HazardStatus,
  extra: Partial<HazardBody> = {},
  refused?: string,
): HazardEntry {
  return {
    id: `${origin}/${seq}`,
    origin,
    seq,
    createdAt: T0 + at,
    exercise: false,
    receivedAt: (T0 + at) * 1000,
    body: {
      hazard: 160,
      severity: 'high',
      status: wireStatus(status),
      reporter: 9,
      previous: { origin: KIT, seq: 320 },
      ...extra,
    },
    ...(refused === undefined ? {} : { refused }),
  };
}

describe('the state of a hazard', () => {
  it('is the same whatever order its messages arrived in', () => {
    const statuses: HazardStatus[] = ['verified', 'handled', 'closed'];
    const entry = fc.record({
      origin: fc.constantFrom(KIT, CENTRE),
      at: fc.integer({ min: 0, max: 5 }),
      status: fc.constantFrom(...statuses),
      severity: fc.constantFrom('low', 'medium', 'high', 'critical') as fc.Arbitrary<HazardBody['severity']>,
      refused: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 6 }),
        fc.boolean(),
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        (changes, withOpening, keys) => {
          const entries = changes.map((c, i) =>
            change(c.origin, 400 + i, c.at, c.status, { severity: c.severity }, c.refused ? 'no' : undefined),
          );
          if (withOpening) entries.push(opening());
          if (entries.length === 0) return;
          const shuffled = entries
            .map((e, i) => ({ e, k: keys[i % keys.length] as number }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.e);
          const a = hazardState(ID, entries, options);
          const b = hazardState(ID, shuffled, options);
          const c = hazardState(ID, [...entries].reverse(), options);
          expect(b).toEqual(a);
          expect(c).toEqual(a);
          // The furthest applied status, never further back.
          const applied = entries.filter((e) => e.refused === undefined).map((e) => e.body.status);
          const rank = ['reported', 'monitoring', 'mitigated', 'resolved'];
          const furthest = Math.max(0, ...applied.map((s) => rank.indexOf(s)));
          expect(a?.status).toBe(['reported', 'verified', 'handled', 'closed'][furthest]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('takes a verification’s corrections, and not those of a handling that follows it', () => {
    const verified = change(CENTRE, 61, 60, 'verified', {
      severity: 'critical',
      peopleAtRisk: 40,
      sector: 1,
    });
    // The kit had not heard of the verification: its handling repeats the severity it knew.
    const handled = change(KIT, 321, 120, 'handled', { severity: 'high', reporter: 4 });
    const view = hazardState(ID, [handled, opening(), verified], options);
    expect(view).toMatchObject({
      status: 'handled',
      severity: 'critical',
      peopleAtRisk: 40,
      sector: 1,
      area: VILLAGE,
      photos: 2,
      reportedBy: 4,
      description: '后山裂缝',
      opened: true,
    });
    expect(view?.steps.map((s) => s.status)).toEqual(['reported', 'verified', 'handled']);
  });

  it('does not move back for a verification heard after the hazard was closed', () => {
    const closed = change(CENTRE, 62, 300, 'closed');
    const lateVerification = change(KIT, 322, 400, 'verified', { reporter: 4 });
    expect(hazardState(ID, [opening(), closed, lateVerification], options)?.status).toBe('closed');
  });

  it('keeps a refused change as a step and lets it change nothing', () => {
    const refused = change(KIT, 321, 60, 'closed', { severity: 'low' }, 'person 4 may not');
    const view = hazardState(ID, [opening(), refused], options);
    expect(view?.status).toBe('reported');
    expect(view?.severity).toBe('high');
    expect(view?.steps.at(-1)).toMatchObject({ status: 'closed', refused: 'person 4 may not' });
  });

  it('shows a hazard whose opening report has not arrived, placed by its kit’s area', () => {
    const view = hazardState(ID, [change(CENTRE, 61, 60, 'verified')], options);
    expect(view).toMatchObject({ opened: false, status: 'verified', area: VILLAGE, node: KIT });
    expect(hazardState('9/9', [opening()], options)).toBeUndefined();
  });
});
