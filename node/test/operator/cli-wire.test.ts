/**
 * `fieldnode wire decode` and `wire reference` as an operator runs them (docs/operating.md §The
 * command line; docs/wire-format.md §9, §10): the reference R1 in the new form, with UTC times and
 * named codes; hex as people paste it; the MAC checked with the master secret; and an invalid or
 * cut frame refused with exit 1 and a message that says where.
 */
import { describe, expect, it } from 'vitest';
import { formatMasterSecret } from '../../src/crypto/key-text.js';
import { FIXTURE_MASTER } from '../../src/wire/fixtures/fixture-keys.js';
import { runFieldnode } from '../fieldnode-binary.js';

/** Vector R1 of docs/wire-format.md §10. */
const R1 =
  '5401bb10b10204c339e0a00b000012014fdf0fe20902030b02ae03ae030c0525030d46a82593d04fe288d45cd0d7b75ee6';
/** Vector H1: R1 in a hop-tagged container under R(2107). */
const H1 = `0315f62544${R1}`;
/** The master secret of the vectors, as typed (docs/wire-format.md §10). */
const SECRET = formatMasterSecret(FIXTURE_MASTER);
const OTHER_SECRET = formatMasterSecret(Uint8Array.from({ length: 32 }, (_, i) => 100 + i));

const r1Text = (auth: string) => `message  49 bytes
  kind      1 report (灾情报告)
  id        2107/305 (origin node 2107, seq 305)
  priority  P1 reports and requests
  created   2026-07-13T19:20:00Z (clock trusted)
  lifetime  1440 min (1 d), until 2026-07-14T19:20:00Z
  to        the centre
  auth      MAC tag 88d45cd0d7b75ee6, ${auth}
  body
    stage       initial (初报)
    hazard      18 洪涝/山洪 (flashFlood)
    reporter    roster index 1
    indicators
      affected              1250 人 (受灾人口)
      dead                  2 人 (因灾死亡人口)
      missing               3 人 (因灾失踪人口)
      injured               11 人 (因灾受伤人口)
      seriouslyInjured      2 人 (其中重伤)
      relocatedCumulative   430 人 (紧急转移安置人口(累计))
      relocatedCurrent      430 人 (紧急转移安置人口(实时))
      collapsedRooms        12 间 (倒塌房屋)
      collapsedHouseholds   5 户 (倒塌房屋)
      severelyDamagedRooms  37 间 (严重损坏房屋)
    cuts        road, power
    needs       drinkingWater, shelter, medical
    point       28.228201, 112.938809 (latitude, longitude; WGS-84)
`;

describe('fieldnode wire decode', () => {
  it('shows R1 with times in UTC and codes with their names, exit 0', async () => {
    const run = await runFieldnode(['wire', 'decode', R1]);
    expect(run).toMatchObject({
      code: 0,
      stdout: r1Text('not checked (give --secret to check it)'),
      stderr: '',
    });
  });

  it('takes hex as people paste it: a 0x prefix, spaces and line ends, from the arguments or standard input', async () => {
    const spaced = `0x${R1.slice(0, 20)}\n ${R1.slice(20, 60).replace(/(..)/g, '$1 ')}\t${R1.slice(60).toUpperCase()}`;
    const expected = { code: 0, stdout: r1Text('not checked (give --secret to check it)'), stderr: '' };
    expect(await runFieldnode(['wire', 'decode', ...spaced.split(/\s+/)])).toMatchObject(expected);
    expect(await runFieldnode(['wire', 'decode', '-'], { input: `${spaced}\n` })).toMatchObject(expected);
    expect(await runFieldnode(['wire', 'decode'], { input: spaced })).toMatchObject(expected);
  });

  it('text that is not hex is a usage error that says where, exit 2', async () => {
    expect(await runFieldnode(['wire', 'decode', '54 01 bg'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'fieldnode: CLI_USAGE: wire decode: not hex: "g" at digit 6; a frame is hex digits, two per byte (a 0x prefix and spaces are allowed)\n' +
        'usage: fieldnode wire decode HEX…|- [--secret S] [--json]\n' +
        'see `fieldnode wire decode --help`\n',
    });
    expect((await runFieldnode(['wire', 'decode', '0x540'])).stderr).toContain(
      'wire decode: 3 hex digits, an odd number: a byte is two digits, so one is missing or extra\n',
    );
  });

  it('--secret checks the MAC tag with the kit key derived from the master secret', async () => {
    const valid = await runFieldnode(['wire', 'decode', R1, '--secret', SECRET]);
    expect(valid).toMatchObject({
      code: 0,
      stdout: r1Text('valid: kit key of node 2107 (the origin)'),
      stderr: '',
    });

    const wrong = await runFieldnode(['wire', 'decode', R1, '--secret', OTHER_SECRET]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(
      '  auth      MAC tag 88d45cd0d7b75ee6, INVALID: it does not verify with the kit key of node 2107 (the origin) derived from this master secret\n',
    );
    expect(wrong.stderr).toBe(
      'fieldnode: AUTH_TAG_INVALID: the MAC tag of message 2107/305 is invalid: it does not verify with the kit key of ' +
        'node 2107 (the origin) derived from this master secret: the frame was changed, or tagged under another master secret\n',
    );

    // One byte of the body changed (needs: + food): it still decodes, and no longer verifies.
    const altered = await runFieldnode([
      'wire',
      'decode',
      R1.replace('030d46', '030f46'),
      '--secret',
      SECRET,
    ]);
    expect(altered.code).toBe(1);
    expect(altered.stdout).toContain('    needs       drinkingWater, food, shelter, medical\n');
    expect(altered.stderr).toContain(
      'fieldnode: AUTH_TAG_INVALID: the MAC tag of message 2107/305 is invalid',
    );
  });

  it('--secret checks the hop tag of a hop-tagged container too (vector H1)', async () => {
    const run = await runFieldnode(['wire', 'decode', H1, '--secret', SECRET]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^hop-tagged container {2}54 bytes\n {2}hop tag {2}15f62544, valid: relay key of node 2107 \(the origin\)\n {2}message {2}49 bytes from byte 5\n/,
    );
    const forged = await runFieldnode(['wire', 'decode', `0315f62545${R1}`, '--secret', SECRET]);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toContain(
      'fieldnode: AUTH_TAG_INVALID: the hop tag of message 2107/305 is invalid',
    );
  });

  it('a frame cut short: nothing on standard output, the field, offset and bytes missing on standard error, exit 1', async () => {
    expect(await runFieldnode(['wire', 'decode', R1.slice(0, 60)])).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr:
        'fieldnode: WIRE_TRUNCATED: report.indicators (body field 3): the CBOR byte string at offset 16 announces ' +
        '15 bytes, but only 5 are left (10 missing); the body ends at offset 22, where the 8-byte MAC tag begins\n',
    });
    expect((await runFieldnode(['wire', 'decode', R1.slice(0, 16)])).stderr).toBe(
      'fieldnode: WIRE_TRUNCATED: time: 4 bytes needed at offset 6, 2 left (2 missing)\n',
    );
  });

  it('a batch with one bad entry shows the rest and says which entry is bad, exit 1', async () => {
    const bad = '5003ff';
    const batch = `02${(R1.length / 2).toString(16)}${R1}03${bad}`;
    const run = await runFieldnode(['wire', 'decode', batch]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^batch {2}2 entries, 55 bytes\n {2}entry 0 {2}message, 49 bytes from byte 2\n/,
    );
    expect(run.stdout).toContain(
      '\n  entry 1  INVALID, 3 bytes from byte 52: WIRE_TRUNCATED (see the error)\n',
    );
    expect(run.stderr).toBe(
      'fieldnode: WIRE_TRUNCATED: batch entry 1 (from byte 52; offsets count from there): origin: the varint at ' +
        'offset 2 has 1 byte and goes on past the end at offset 3 (at least 1 byte missing)\n',
    );
  });

  it('--json gives the message as `wire encode` reads it, and the check', async () => {
    const run = await runFieldnode(['wire', 'decode', '--json', R1, '--secret', SECRET]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      type: 'message',
      offset: 0,
      bytes: 49,
      auth: 'mac',
      trailer: '88d45cd0d7b75ee6',
      mac: { valid: true, node: 2107, as: 'origin' },
      message: { kind: 'report', origin: 2107, seq: 305, createdAt: 1783970400, body: { hazard: 18 } },
    });
  });
});

describe('fieldnode wire reference', () => {
  it('labels the airtime column with its preset, LONG_FAST', async () => {
    const run = await runFieldnode(['wire', 'reference']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^ID {2}KIND {6}BYTES {2}CREDITS {2}AIRTIME LONG_FAST\nR1 {2}report {4}49 {5}1 {8}805 ms\n/,
    );
    expect(run.stdout).toContain(`\nR1  ${R1}\n`);
    const json = JSON.parse((await runFieldnode(['wire', 'reference', '--json'])).stdout);
    expect(json[0]).toMatchObject({
      id: 'R1',
      bytes: 49,
      airtimePreset: 'LONG_FAST',
      airtimeMsLongFast: 805,
    });
  });
});
