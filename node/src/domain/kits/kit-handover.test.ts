/**
 * The handover file (kit-handover.ts; docs/kits.md §Open items): written and read back whole,
 * every way it can be wrong named with its line, and any text at all read with nothing but a
 * KitError (fast-check: the file comes from a USB stick).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitOutcome, mutatedBytes, onlyKitErrors } from '../../../test/kit-errors.js';
import { R1_AT, r1Incident, reportMessage } from '../reports/incident-fixtures.js';
import { type Handover, handoverText, parseHandover } from './kit-handover.js';

const incident = {
  ...r1Incident(reportMessage(306, R1_AT + 3600_000, { indicators: { affected: 1300 } })),
  node: 2111,
};
const handover: Handover = {
  from: 2107,
  to: 2111,
  area: 430121101201,
  madeAt: R1_AT + 86_400_000,
  incidents: [incident],
};

describe('the handover file', () => {
  it('reads back what was written', () => {
    const text = handoverText(handover);
    expect(text.split('\n')[0]).toBe(
      `{"format":"fieldnode-handover","version":1,"from":2107,"to":2111,"area":430121101201,"madeAt":${handover.madeAt},"incidents":1}`,
    );
    expect(parseHandover(text, 'h.jsonl')).toEqual(handover);
    expect(parseHandover(handoverText({ ...handover, incidents: [] }), 'h')).toEqual({
      ...handover,
      incidents: [],
    });
  });

  it('says what is wrong, and where', () => {
    const text = handoverText(handover);
    const [head, line] = text.split('\n') as [string, string];
    expect(kitOutcome(() => parseHandover('', 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:1: empty: not a handover file (fieldnode kits replace --handover makes one)',
    );
    expect(kitOutcome(() => parseHandover('fieldnode-kit-key 1\n', 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:1: not a handover file: its first line is not JSON',
    );
    expect(kitOutcome(() => parseHandover(`${head}\n`, 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:1: the header says 1 incidents, the file holds 0: is it cut short?',
    );
    expect(kitOutcome(() => parseHandover(head.replace('"version":1', '"version":2'), 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:1: version 2: this fieldnode reads version 1',
    );
    expect(kitOutcome(() => parseHandover(`${head.replace('"to":2111', '"to":-1')}\n${line}\n`, 'h'))).toBe(
      'KIT_HANDOVER_INVALID: h:1: to: expected a node id, found -1',
    );
    expect(kitOutcome(() => parseHandover(`${head}\n${line.replace('"natural"', '"war"')}\n`, 'h'))).toMatch(
      /^KIT_HANDOVER_INVALID: h:2: type/,
    );
  });

  it('reads any bytes with nothing but a KitError (5,000 cases)', () => {
    const valid = new TextEncoder().encode(handoverText(handover));
    fc.assert(
      fc.property(mutatedBytes(fc.constant(valid)), (bytes) =>
        onlyKitErrors(() => parseHandover(new TextDecoder().decode(bytes), 'h')),
      ),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string(), (s) => onlyKitErrors(() => parseHandover(s, 'h'))),
      { numRuns: 2000 },
    );
  });
});
