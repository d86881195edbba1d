/**
 * The safe XML reader (docs/cap.md §5 Reading untrusted XML): what it accepts, and the code of each
 * thing it refuses.
 */
import { describe, expect, it } from 'vitest';
import { kitOutcome } from '../../../../test/kit-errors.js';
import { MAX_CAP_DEPTH, readCapXml } from './cap-xml-reader.js';
import { utf8 } from './test/expect-cap.js';

const read = (text: string | Uint8Array) => readCapXml(typeof text === 'string' ? utf8(text) : text);
const outcome = (text: string | Uint8Array) => kitOutcome(() => read(text)).split(':')[0];

describe('reading CAP bytes', () => {
  it('builds the tree with namespaces resolved, prefixes or not, text and CDATA joined', () => {
    const root = read(
      '<?xml version="1.0" encoding="utf-8"?><cap:alert xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2">\n' +
        '<cap:note>a &amp; <![CDATA[<b>]]> &#x4e2d;</cap:note><!-- c --><?pi?></cap:alert>',
    );
    expect(root).toMatchObject({
      uri: 'urn:oasis:names:tc:emergency:cap:1.2',
      local: 'alert',
      name: 'cap:alert',
      attributes: [],
      line: 1,
    });
    expect(root.children[0]).toMatchObject({ local: 'note', text: 'a & <b> 中', line: 2 });
  });

  it('keeps attributes other than namespace declarations, for the schema to refuse', () => {
    const root = read('<alert xmlns="urn:x" xmlns:y="urn:y" y:a="1" b="2"/>');
    expect(root.attributes.map((a) => [a.uri, a.local, a.value])).toEqual([
      ['urn:y', 'a', '1'],
      ['', 'b', '2'],
    ]);
  });

  it('drops a UTF-8 byte-order mark and refuses UTF-16 and bytes that are not UTF-8', () => {
    expect(read(Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8('<a/>'))).local).toBe('a');
    expect(outcome(Uint8Array.of(0xff, 0xfe, 0x3c, 0x00, 0x61, 0x00, 0x2f, 0x00, 0x3e, 0x00))).toBe(
      'CAP_ENCODING',
    );
    expect(outcome(Uint8Array.of(0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e))).toBe('CAP_ENCODING');
    expect(outcome('<?xml version="1.0" encoding="ISO-8859-1"?><a/>')).toBe('CAP_ENCODING');
  });

  it('reads XML 1.0 only', () => {
    expect(outcome('<?xml version="1.1"?><a>&#1;</a>')).toBe('CAP_XML_MALFORMED');
  });

  it('refuses any document type declaration, even an empty one', () => {
    expect(outcome('<!DOCTYPE alert><alert/>')).toBe('CAP_DTD_REFUSED');
    expect(kitOutcome(() => read('<!DOCTYPE alert [<!ENTITY a "b">]><alert>&a;</alert>'))).toMatch(
      /^CAP_DTD_REFUSED: line 1: .*refused outright/,
    );
  });

  it('knows only the five predefined entities', () => {
    expect(read('<a>&lt;&gt;&amp;&quot;&apos;</a>').text).toBe('<>&"\'');
    expect(kitOutcome(() => read('<a>&nbsp;</a>'))).toMatch(
      /^CAP_XML_MALFORMED: not well-formed XML: .*undefined entity/,
    );
    expect(outcome('<a>&#0;</a>')).toBe('CAP_XML_MALFORMED');
  });

  it('refuses what is not well-formed', () => {
    for (const text of ['', '<a>', '<a></b>', '<a/><b/>', 'text', '<a x="1" x="2"/>', '<p:a/>', '<a>]]></a>'])
      expect({ text, code: outcome(text) }).toEqual({ text, code: 'CAP_XML_MALFORMED' });
  });

  it(`nests at most ${MAX_CAP_DEPTH} deep`, () => {
    const nest = (n: number) => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`;
    expect(() => read(nest(MAX_CAP_DEPTH))).not.toThrow();
    expect(outcome(nest(MAX_CAP_DEPTH + 1))).toBe('CAP_TOO_LARGE');
  });

  it('refuses more than 64 KiB without decoding it', () => {
    expect(outcome(new Uint8Array(64 * 1024 + 1).fill(0xff))).toBe('CAP_TOO_LARGE');
    expect(outcome(new Uint8Array(64 * 1024).fill(0xff))).toBe('CAP_ENCODING');
  });
});
