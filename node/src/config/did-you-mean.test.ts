/**
 * Tests for did-you-mean.ts: hints ranked by Damerau–Levenshtein distance (optimal string
 * alignment) over the words valid at that place, and no hint when none is close enough.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closest, didYouMean, distance } from './did-you-mean.js';

/** A udp link's keys, in the order the configuration reader lists them. */
const UDP_LINK_KEYS = ['id', 'type', 'enabled', 'cost', 'mtu', 'bind', 'peers'];

describe('the distance', () => {
  it('counts a swap of two neighbours as one edit, as well as inserting, deleting or changing one', () => {
    expect(distance('bnid', 'bind')).toBe(1); // plain Levenshtein: 2
    expect(distance('bnid', 'id')).toBe(2);
    expect(distance('neighbors', 'neighbours')).toBe(1);
    expect(distance('prot', 'port')).toBe(1);
    expect(distance('mtu', 'mtv')).toBe(1);
    expect(distance('', 'abc')).toBe(3);
    expect(distance('same', 'same')).toBe(0);
  });

  it('is a distance: zero only for the same text, symmetric, and bounded by the lengths', () => {
    const word = fc.string({ maxLength: 12 });
    fc.assert(
      fc.property(word, word, (a, b) => {
        const d = distance(a, b);
        expect(d).toBe(distance(b, a));
        expect(d === 0).toBe(a === b);
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the hint', () => {
  it('bnid: means bind, not id, whichever is listed first', () => {
    expect(closest('bnid', UDP_LINK_KEYS)).toBe('bind');
    expect(closest('bnid', ['bind', 'id'])).toBe('bind');
    expect(didYouMean('bnid', UDP_LINK_KEYS)).toBe(' (did you mean bind?)');
  });

  it('a swap, a letter missing, a letter too many, a wrong letter, case and separators', () => {
    const mesh = ['id', 'type', 'enabled', 'cost', 'mtu', 'port', 'host', 'tcp_port', 'portnum', 'channel'];
    const more = [...mesh, 'hop_limit', 'neighbours'];
    expect(closest('prot', mesh)).toBe('port');
    expect(closest('neighbors', more)).toBe('neighbours');
    expect(closest('hop_limt', more)).toBe('hop_limit');
    expect(closest('chanel', more)).toBe('channel');
    expect(closest('costs', more)).toBe('cost');
    expect(closest('tcp_prot', more)).toBe('tcp_port');
    expect(closest('Hop-Limit', more)).toBe('hop_limit');
    expect(closest('lgo', ['node', 'links', 'log', 'routes'])).toBe('log');
  });

  it('nothing close enough: no hint rather than a guess', () => {
    expect(closest('colour', UDP_LINK_KEYS)).toBeUndefined();
    // Two edits from a two-letter key is any two letters: id is not what xy meant.
    expect(closest('xy', UDP_LINK_KEYS)).toBeUndefined();
    expect(closest('rotues', ['node', 'links', 'routing'])).toBeUndefined();
    expect(didYouMean('colour', UDP_LINK_KEYS)).toBe('');
    expect(closest('bind', [])).toBeUndefined();
  });

  it('a third of the word in edits at most: two for a word of six to eight letters', () => {
    expect(closest('gatwy', ['gateway'])).toBeUndefined(); // 5 letters: one edit allowed, two needed
    expect(closest('gatway', ['gateway'])).toBe('gateway');
    expect(closest('gtway', ['gateway'])).toBeUndefined();
    expect(closest('300534060000010', ['300534060000001'])).toBe('300534060000001'); // a swap in an IMEI
  });

  it('a tie goes to the word listed first; a long word gets no hint', () => {
    expect(closest('pert', ['port', 'part'])).toBe('port');
    expect(closest('pert', ['part', 'port'])).toBe('part');
    expect(closest('x'.repeat(65), ['x'.repeat(64)])).toBeUndefined();
  });
});
