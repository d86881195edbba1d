/** Node ids as link addresses, and the radio-duplicate filter. */
import { describe, expect, it } from 'vitest';
import { formatNodeId, parseNodeId } from './node-id.js';
import { RecentPackets } from './recent-packets.js';

describe('node ids', () => {
  it('formats as ! and 8 lower-case hex digits, as Meshtastic writes User.id', () => {
    expect(formatNodeId(0x0a0b0c0d)).toBe('!0a0b0c0d');
    expect(formatNodeId(0xdeadbeef)).toBe('!deadbeef');
    expect(formatNodeId(1)).toBe('!00000001');
  });

  it('parses !hex (any case, 1–8 digits) and decimal; not 0, broadcast or anything else', () => {
    expect(parseNodeId('!0a0b0c0d')).toBe(0x0a0b0c0d);
    expect(parseNodeId('!A0B0C0D')).toBe(0x0a0b0c0d);
    expect(parseNodeId('168496141')).toBe(0x0a0b0c0d);
    expect(parseNodeId('4294967294')).toBe(0xfffffffe);
    for (const bad of [
      '',
      '!',
      '!ffffffff',
      '4294967295',
      '4294967296',
      '0',
      '!0',
      '007',
      '0x10',
      ' 1',
      '1.5',
      '!g1',
    ]) {
      expect(parseNodeId(bad), bad).toBeUndefined();
    }
  });

  it('round-trips', () => {
    for (const n of [1, 0x10, 0x7fffffff, 0xfffffffe]) expect(parseNodeId(formatNodeId(n))).toBe(n);
  });
});

describe('radio duplicates', () => {
  it('remembers (from, id) pairs, the oldest forgotten first', () => {
    const recent = new RecentPackets(3);
    expect(recent.check(1, 10)).toBe(false);
    expect(recent.check(1, 10)).toBe(true);
    expect(recent.check(2, 10)).toBe(false);
    expect(recent.check(1, 11)).toBe(false);
    expect(recent.check(1, 12)).toBe(false); // forgets (1, 10)
    expect(recent.size).toBe(3);
    expect(recent.check(1, 10)).toBe(false);
    expect(recent.check(1, 12)).toBe(true);
  });
});
