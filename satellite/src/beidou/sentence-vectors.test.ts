/**
 * The worked and published sentences of docs/beidou.md §Test vectors, byte for byte: what the
 * driver writes is exactly these bytes, and what it reads from these bytes is what they say.
 */
import { describe, expect, it } from 'vitest';
import { isKitError } from '../../../node/src/base/errors.js';
import {
  BD3_BEAM_OUTPUT,
  BD3_CARD_QUERY,
  bd3Send,
  parseBd3Card,
  parseBd3Message,
  parseBd3Result,
} from './bd3-sentences.js';
import {
  BD21_BEAM_OUTPUT,
  BD21_CARD_QUERY,
  bd21Send,
  parseBd21Beams,
  parseBd21Card,
  parseBd21Message,
  parseBd21Result,
} from './bd21-sentences.js';
import { checksumOf, decodeSentence, encodeSentence, sentenceText } from './sentence.js';

const bytes = (line: string) => new Uint8Array(Buffer.from(`${line}\r\n`, 'latin1'));
const text = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
/** "SOS 村1" in GB2312. */
const SOS_VILLAGE = Uint8Array.from([0x53, 0x4f, 0x53, 0x20, 0xb4, 0xe5, 0x31]);

describe('what the driver writes', () => {
  it.each([
    [BD3_CARD_QUERY, '$CCICR,0,00*68'],
    [BD21_CARD_QUERY, '$CCICA,0,00*7B'],
    [BD21_BEAM_OUTPUT, '$CCRMO,BSI,2,0*26'],
    [bd3Send('4207733', text('fieldnode')), '$CCTCQ,4207733,2,1,2,6669656C646E6F6465,0*08'],
    [bd21Send('0242286', SOS_VILLAGE), '$CCTXA,0242286,1,2,A4534F5320B4E531*77'],
    [bd21Send('0179773', text('hello')), '$CCTXA,0179773,1,2,A468656C6C6F*7A'],
  ])('%o is exactly %s CR LF', (sentence, line) => {
    expect(encodeSentence(sentence)).toEqual(bytes(line));
  });

  it('asks for the BeiDou-3 beam report with a well-formed $CCRMO', () => {
    expect(sentenceText(BD3_BEAM_OUTPUT)).toMatch(/^\$CCRMO,PWI,2,0\*[0-9A-F]{2}\r\n$/);
  });
});

describe('what the driver reads', () => {
  it('reads the published BeiDou-2 card', () => {
    expect(parseBd21Card(decodeSentence('$BDICI,0242286,00242286,0000011,6,60,3,N,0*38'))).toEqual({
      protocol: 'bd21',
      address: '0242286',
      broadcast: '0000011',
      level: 3,
      intervalS: 60,
      encrypted: false,
      userType: 6,
    });
  });

  it('reads a BeiDou-2 module without a card as all zeros, no broadcast address', () => {
    const card = parseBd21Card(decodeSentence('$BDICI,0000000,00000000,0000000,0,0,0,N,0*0B'));
    expect(card).toMatchObject({ address: '0000000', level: 0, intervalS: 0 });
    expect(card.broadcast).toBeUndefined();
  });

  it('reads the published BeiDou-3 card: address, interval (field 14) and level (field 15)', () => {
    const card = parseBd3Card(
      decodeSentence('$BDICP,15240507,2032472,1,3,0,N,1,Y,1,0,0,3,1,1,5,1,1,2,2,500,100,10,10*65'),
    );
    expect(card).toMatchObject({
      protocol: 'bd3',
      address: '15240507',
      broadcast: '2032472',
      level: 5,
      intervalS: 1,
    });
  });

  it('reads BeiDou-3 level 0 as level 5', () => {
    const s = decodeSentence(
      sentenceText({
        talker: 'BD',
        name: 'ICP',
        fields: ['4207733', '0', '1', '3', '0', 'N', '1', 'Y', '1', '0', '0', '3', '1', '60', '0'],
      }),
    );
    expect(parseBd3Card(s)).toMatchObject({ level: 5, intervalS: 60 });
    expect(parseBd3Card(s).broadcast).toBeUndefined();
  });

  it('reads received messages of both protocols, taking the mixed mode’s A4 off', () => {
    expect(parseBd21Message(decodeSentence('$BDTXR,1,0179773,2,,A468656C6C6F*43'))).toEqual({
      from: '0179773',
      infoClass: 1,
      bytes: text('hello'),
      encoding: 'binary',
    });
    expect(parseBd21Message(decodeSentence('$BDTXR,1,0242286,2,,A4534F5320B4E531*4E')).bytes).toEqual(
      SOS_VILLAGE,
    );
    expect(
      parseBd3Message(decodeSentence('$BDTCI,4207733,4204990,2,080500,2,0,6669656C646E6F6465*34')),
    ).toEqual({
      from: '4207733',
      to: '4204990',
      sentAt: '080500',
      bytes: text('fieldnode'),
      encoding: 'binary',
    });
    const published = parseBd3Message(
      decodeSentence('$BDTCI,4204986,4204990,2,142204,2,0,3A642B500000000000000A01F35B41EC036542EE74F5*40'),
    );
    expect(Buffer.from(published.bytes).toString('hex')).toBe('3a642b500000000000000a01f35b41ec036542ee74f5');
  });

  it('reads a send time where captures put one, though the specification leaves it empty', () => {
    const s = decodeSentence(
      sentenceText({ talker: 'BD', name: 'TXR', fields: ['1', '0179773', '2', '2337', 'A468656C6C6F'] }),
    );
    expect(parseBd21Message(s)).toMatchObject({ sentAt: '2337', bytes: text('hello') });
  });

  it.each([
    ['$BDFKI,080432,TCQ,Y,0,0*7C', { kind: 'sent' }],
    ['$BDFKI,080432,TCQ,N,1,35*5C', { kind: 'frequency', secondsLeft: 35 }],
  ])('reads the BeiDou-3 result %s', (line, verdict) => {
    expect(parseBd3Result(decodeSentence(line))).toEqual({ command: 'TCQ', verdict });
  });

  it.each([
    ['$BDFKI,TXA,Y,Y,0,0040*17', 'TXA', { kind: 'sent', intervalS: 40 }],
    ['$BDFKI,TXA,N,Y,0,0000*04', 'TXA', { kind: 'failed', detail: 'the module refused it (cause 0)' }],
    ['$BDFKI,DWA,N,Y,0,0058*16', 'DWA', { kind: 'frequency', secondsLeft: 58 }],
  ])('reads the BeiDou-2 result %s', (line, command, verdict) => {
    expect(parseBd21Result(decodeSentence(line))).toEqual({ command, verdict });
  });

  it('reads the 2.1 result’s time as mmss by default, as seconds when configured', () => {
    const s = decodeSentence(
      sentenceText({ talker: 'BD', name: 'FKI', fields: ['TXA', 'N', 'Y', '0', '0130'] }),
    );
    expect(parseBd21Result(s).verdict).toEqual({ kind: 'frequency', secondsLeft: 90 });
    expect(parseBd21Result(s, { waitField: 'seconds' }).verdict).toEqual({
      kind: 'frequency',
      secondsLeft: 130,
    });
  });

  it('reads the published BeiDou-2 beam report: five of its ten beams at power 2 or more, three at 3 or more', () => {
    expect(parseBd21Beams(decodeSentence('$BDBSI,01,03,3,2,2,0,3,0,0,3,0,0*5F'))).toEqual({
      locked: 5,
      bestPower: 3,
    });
    expect(
      parseBd21Beams(decodeSentence('$BDBSI,01,03,3,2,2,0,3,0,0,3,0,0*5F'), { minPower: 3 }).locked,
    ).toBe(3);
  });
});

describe('checksums', () => {
  it('are the XOR of the bytes between $ and *, raw GB2312 bytes included', () => {
    expect(checksumOf('CCICA,0,00')).toBe(0x7b);
    const line = sentenceText({
      talker: 'BD',
      name: 'TXR',
      fields: ['1', '0179773', '0', '', 'SOS \xb4\xe5'],
    });
    expect(decodeSentence(line).fields[4]).toBe('SOS \xb4\xe5');
  });

  it('refuses a wrong one with BEIDOU_CHECKSUM and a line that is not a sentence with BEIDOU_MALFORMED', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return isKitError(err) ? err.code : 'not a KitError';
      }
      return 'no error';
    };
    expect(code(() => decodeSentence('$CCICA,0,00*7C'))).toBe('BEIDOU_CHECKSUM');
    expect(code(() => decodeSentence('$CCICA,0,00'))).toBe('BEIDOU_MALFORMED');
    expect(code(() => decodeSentence('CCICA,0,00*7B'))).toBe('BEIDOU_MALFORMED');
    expect(code(() => decodeSentence('$CCICA,0,00*7'))).toBe('BEIDOU_MALFORMED');
  });
});
