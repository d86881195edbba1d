/** Tests for key-file-formats.ts: the kit key, relay keys and master secret files as text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kitOutcome } from '../../test/kit-errors.js';
import {
  formatDay,
  formatKitKeyFile,
  formatMasterSecretFile,
  formatRelayKeysFile,
  type KitKeyFile,
  parseDay,
  parseKitKeyFile,
  parseMasterSecretFile,
  parseRelayKeysFile,
} from './key-file-formats.js';
import { formatKitKey, formatMasterSecret } from './key-text.js';

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const nodeId = fc.integer({ min: 1, max: 0xffff_ffff });
const day = fc.integer({ min: 0, max: 50_000 }).map((d) => d * 86_400);
const kitFile = fc.record({
  node: nodeId,
  enrolledDay: day,
  seqFloor: fc.nat({ max: 0xffff_ffff }),
  kitKey: key32,
});
const KEY = Uint8Array.from({ length: 32 }, (_, i) => 3 * i);
const GOOD: KitKeyFile = { node: 2107, enrolledDay: Date.UTC(2026, 6, 13) / 1000, seqFloor: 41, kitKey: KEY };

/** Comments, blank lines, CRLF and indentation, as a hand-edited file may have them. */
function handEdited(text: string): string {
  const lines = text.trimEnd().split('\n');
  return `# made at the centre\r\n${lines.map((l, i) => (i % 2 ? `  ${l}\t` : `${l}\r\n`)).join('\n\n')}\n# end\n`;
}

describe('kit key file', () => {
  it('reads back what it wrote, also when edited by hand with comments and blank lines', () => {
    fc.assert(
      fc.property(kitFile, (f) => {
        expect(parseKitKeyFile(formatKitKeyFile(f), { source: 'k', node: f.node })).toEqual(f);
        expect(parseKitKeyFile(handEdited(formatKitKeyFile(f)), { source: 'k' })).toEqual(f);
      }),
    );
  });

  it('is five short lines', () => {
    expect(formatKitKeyFile(GOOD)).toBe(
      `fieldnode-kit-key 1\nnode 2107\nenrolled 2026-07-13\nseq-floor 41\nkey ${formatKitKey(KEY, 2107)}\n`,
    );
    const noFloor = formatKitKeyFile(GOOD).replace('seq-floor 41\n', '');
    expect(parseKitKeyFile(noFloor, { source: 'k' }).seqFloor).toBe(0);
  });

  it('refuses the file of another node before anything else, saying which and what to do', () => {
    const text = formatKitKeyFile(GOOD).replace(/^key .*$/m, 'key ABC');
    expect(kitOutcome(() => parseKitKeyFile(text, { source: '/etc/kit.key', node: 2108 }))).toBe(
      'KEYS_WRONG_NODE: /etc/kit.key is the kit key of node 2107, but this node is 2108 (node.id of the configuration). ' +
        'Install the kit key file made for node 2108 (`fieldnode keys kit --node 2108` at the centre)',
    );
  });

  it('names the line and what is wrong with it', () => {
    const good = formatKitKeyFile(GOOD);
    const cases: Array<[string, string]> = [
      [
        '',
        'KEYS_UNREADABLE: f: not a kit key file: its first line should be "fieldnode-kit-key 1", found nothing',
      ],
      [
        good.replace('fieldnode-kit-key 1', 'fieldnode-kit-key 2'),
        'f line 1: kit key file version "2": this fieldnode reads version 1',
      ],
      [good.replace('fieldnode-kit-key 1\n', ''), 'found "node 2107"'],
      [`${formatKitKey(KEY, 1)}\n`, 'found what looks like a key'],
      [good.replace('node 2107', 'nodes 2107'), 'f line 2: "nodes" is not a line of a kit key file'],
      [`${good}node 2107\n`, 'f line 6: node is already on line 2'],
      [good.replace('seq-floor 41', 'seq-floor'), 'f line 4: seq-floor has no value'],
      [good.replace('node 2107\n', ''), 'f: the line "node …" is missing'],
      [good.replace(/^key .*\n/m, ''), 'f: the line "key …" is missing'],
      [good.replace('node 2107', 'node 02107'), 'f line 2: node "02107": a node id is 1 to 4294967295'],
      [good.replace('2026-07-13', '2026-02-30'), 'f line 3: enrolled "2026-02-30": expected a date'],
      [
        good.replace('seq-floor 41', 'seq-floor 4294967296'),
        'f line 4: seq-floor "4294967296": a sequence number',
      ],
    ];
    for (const [text, message] of cases)
      expect(kitOutcome(() => parseKitKeyFile(text, { source: 'f' }))).toContain(message);
    const typo = good.replace(/^key (.)/m, (_, c: string) => `key ${c === 'A' ? 'B' : 'A'}`);
    expect(kitOutcome(() => parseKitKeyFile(typo, { source: 'f' }))).toMatch(
      /^KEYS_MISTYPED: f line 5: kit key of node 2107: check failed: a character is mistyped, or this key is for another node; changing character 1 /,
    );
    // The key was made for 2107; a node line changed to 2108 to match the kit is caught by the check.
    const relabelled = good.replace('node 2107', 'node 2108');
    expect(kitOutcome(() => parseKitKeyFile(relabelled, { source: 'f', node: 2108 }))).toContain(
      'check failed',
    );
  });

  it('never throws anything but KEYS_* errors on any text, nor on damaged files', () => {
    const damaged = fc.tuple(kitFile, fc.nat(), fc.string({ maxLength: 3 })).map(([f, at, insert]) => {
      const text = formatKitKeyFile(f);
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + 1);
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), damaged), (text) => {
        const result = kitOutcome(() => parseKitKeyFile(text, { source: 'f', node: 2107 }));
        if (result !== 'ok') expect(result).toMatch(/^KEYS_(UNREADABLE|WRONG_NODE|MISTYPED): f/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('relay keys file', () => {
  const relayKeys = fc
    .uniqueArray(fc.tuple(nodeId, key32), { selector: ([n]) => n, maxLength: 6 })
    .map((entries) => new Map(entries));

  it('reads back what it wrote, in node order; a file with no kits is valid', () => {
    fc.assert(
      fc.property(relayKeys, (keys) => {
        const text = formatRelayKeysFile(keys);
        expect(text.split('\n')[0]).toBe('fieldnode-relay-keys 1');
        expect(parseRelayKeysFile(text, 'r')).toEqual(keys);
        expect(parseRelayKeysFile(handEdited(text), 'r')).toEqual(keys);
        const order = [...parseRelayKeysFile(text, 'r').keys()];
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }),
    );
    expect(parseRelayKeysFile('fieldnode-relay-keys 1\n', 'r').size).toBe(0);
  });

  it('refuses a bad line, a node twice, and a key made for another node', () => {
    const text = formatRelayKeysFile(new Map([[2107, KEY]]));
    const line = text.split('\n')[1] as string;
    expect(kitOutcome(() => parseRelayKeysFile(`${text}${line}\n`, 'r'))).toBe(
      'KEYS_UNREADABLE: r line 3: node 2107 is already on line 2',
    );
    expect(kitOutcome(() => parseRelayKeysFile(`${text}x${line}\n`, 'r'))).toContain(
      'r line 3: expected "<node id> <relay key>"',
    );
    expect(kitOutcome(() => parseRelayKeysFile(text.replace('2107', '2108'), 'r'))).toMatch(
      /^KEYS_MISTYPED: r line 2: relay key of node 2108: check failed/,
    );
    expect(kitOutcome(() => parseRelayKeysFile(formatKitKeyFile(GOOD), 'r'))).toContain(
      'not a relay keys file: its first line should be "fieldnode-relay-keys 1", found "fieldnode-kit-ke…"',
    );
  });
});

describe('master secret file', () => {
  it('reads back what it wrote, and the bare typed secret too', () => {
    fc.assert(
      fc.property(key32, (master) => {
        expect(parseMasterSecretFile(formatMasterSecretFile(master), 'm')).toEqual(master);
        expect(parseMasterSecretFile(`${formatMasterSecret(master).toLowerCase()}`, 'm')).toEqual(master);
      }),
    );
  });

  it('refuses the old unchecked form, another key file, an empty file and a typo', () => {
    expect(kitOutcome(() => parseMasterSecretFile(`${'AAAA-'.repeat(12)}AAAA\n`, 'm'))).toContain(
      'm line 1: this is an enrolment secret of the old form, which has no check',
    );
    expect(kitOutcome(() => parseMasterSecretFile(formatKitKeyFile(GOOD), 'm'))).toContain(
      'm line 1: this is a fieldnode-kit-key file, not the master secret',
    );
    expect(kitOutcome(() => parseMasterSecretFile('# nothing\n\n', 'm'))).toBe(
      'KEYS_UNREADABLE: m: the file is empty: it should hold the master secret',
    );
    const typo = formatMasterSecretFile(KEY).replace(/-(.)/, (_, c: string) => `-${c === 'Q' ? 'R' : 'Q'}`);
    expect(kitOutcome(() => parseMasterSecretFile(typo, 'm'))).toMatch(
      /^KEYS_MISTYPED: m line 3: master secret: check failed: a character is mistyped/,
    );
  });
});

describe('days', () => {
  it('a day is the unix seconds of its 00:00 UTC; impossible dates are not days', () => {
    expect(parseDay('2026-07-13')).toBe(Date.UTC(2026, 6, 13) / 1000);
    expect(formatDay(Date.UTC(2026, 6, 13) / 1000)).toBe('2026-07-13');
    for (const bad of ['2026-02-30', '2026-7-13', '13/07/2026', '2026-07-13T00:00Z'])
      expect(parseDay(bad)).toBeUndefined();
    expect(() => formatDay(Date.UTC(2026, 6, 13, 1) / 1000)).toThrow(TypeError);
    fc.assert(
      fc.property(day, (d) => {
        expect(parseDay(formatDay(d))).toBe(d);
      }),
    );
  });
});
