/**
 * Reads untrusted CAP bytes into a small element tree (docs/cap.md §5 Reading untrusted XML), or
 * throws a coded KitError saying why not. Nothing else escapes.
 *
 * Safety, in the order it applies:
 * - at most 64 KiB ({@link MAX_CAP_BYTES}), checked before anything is decoded;
 * - UTF-8 only (a UTF-8 byte-order mark is allowed), XML 1.0 only;
 * - a document type declaration is refused outright, whatever it holds: no internal subset, no
 *   external one, so no entity can be declared at all;
 * - the parser is saxes, which has no code to open a file or a socket, never resolves a system
 *   identifier, and knows only the five predefined entities and character references: any other
 *   entity reference is a well-formedness error;
 * - elements nest at most {@link MAX_CAP_DEPTH} deep, so nothing that walks the tree runs deep.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { KitError } from '../../../base/errors.js';
import './cap-errors.js';

/** Largest CAP message read, bytes: a warning naming all 64 areas the wire allows, in both languages, is 26–33 KiB. */
export const MAX_CAP_BYTES = 64 * 1024;
/** Deepest element nesting read: CAP itself needs 5, an XML signature at its end about 8. */
export const MAX_CAP_DEPTH = 32;

const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

export interface XmlAttribute {
  uri: string;
  local: string;
  name: string;
  value: string;
}

export interface XmlElement {
  /** Namespace URI, '' for none. */
  uri: string;
  local: string;
  /** As written, with its prefix. */
  name: string;
  /** Attributes other than namespace declarations. */
  attributes: XmlAttribute[];
  children: XmlElement[];
  /** The element's own character data (text and CDATA), in document order. */
  text: string;
  line: number;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The root element of `bytes`. Throws KitError: CAP_TOO_LARGE, CAP_ENCODING, CAP_DTD_REFUSED, CAP_XML_MALFORMED. */
export function readCapXml(bytes: Uint8Array): XmlElement {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('readCapXml takes the message bytes');
  if (bytes.length > MAX_CAP_BYTES) {
    throw new KitError(
      'CAP_TOO_LARGE',
      `the message is ${bytes.length} bytes, over the ${MAX_CAP_BYTES}-byte limit for a CAP warning; split it into one message per warning`,
    );
  }
  const text = decodeUtf8(bytes);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  parser.on('xmldecl', (decl) => {
    if (decl.version !== undefined && decl.version !== '1.0')
      throw new KitError(
        'CAP_XML_MALFORMED',
        `XML version ${decl.version.slice(0, 10)}: only XML 1.0 is read`,
      );
    if (decl.encoding !== undefined && !/^utf-?8$/i.test(decl.encoding))
      throw new KitError(
        'CAP_ENCODING',
        `the declaration names encoding ${JSON.stringify(decl.encoding.slice(0, 20))}: send CAP as UTF-8`,
      );
  });
  parser.on('doctype', () => {
    throw new KitError(
      'CAP_DTD_REFUSED',
      `line ${parser.line}: a document type declaration (<!DOCTYPE …>) is refused outright: CAP needs none, and one could declare entities; remove it`,
    );
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (stack.length >= MAX_CAP_DEPTH)
      throw new KitError(
        'CAP_TOO_LARGE',
        `line ${parser.line}: elements nest deeper than ${MAX_CAP_DEPTH}, far beyond any CAP message`,
      );
    const element: XmlElement = {
      uri: tag.uri,
      local: tag.local,
      name: tag.name,
      attributes: Object.values(tag.attributes)
        .filter((a) => a.uri !== XMLNS_NAMESPACE)
        .map((a) => ({ uri: a.uri, local: a.local, name: a.name, value: a.value })),
      children: [],
      text: '',
      line: parser.line,
    };
    const parent = stack[stack.length - 1];
    if (parent === undefined) root = element;
    else parent.children.push(element);
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const addText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top !== undefined) top.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);

  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof KitError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new KitError('CAP_XML_MALFORMED', `not well-formed XML: ${message}`, { cause: err });
  }
  if (root === undefined) throw new KitError('CAP_XML_MALFORMED', 'not well-formed XML: no root element');
  return root;
}

function decodeUtf8(bytes: Uint8Array): string {
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))
    throw new KitError(
      'CAP_ENCODING',
      'the message is UTF-16 (it starts with a UTF-16 byte-order mark): send CAP as UTF-8',
    );
  try {
    // The decoder drops a UTF-8 byte-order mark.
    return fatalUtf8.decode(bytes);
  } catch (err) {
    throw new KitError('CAP_ENCODING', 'the message is not valid UTF-8: send CAP as UTF-8', { cause: err });
  }
}
