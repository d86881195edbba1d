/**
 * Writes a CAP alert as XML (docs/cap.md §2 The message): elements in the schema's order, default
 * namespace CAP 1.2, UTF-8, two-space indentation, and every value escaped.
 *
 * Escaping: the five predefined entities for `& < > " '`, a carriage return as `&#13;` (a parser
 * would otherwise turn it into a line feed), and a character XML 1.0 cannot hold at all (a control
 * character, an unpaired surrogate, U+FFFE/U+FFFF) as U+FFFD, since no reference can spell it.
 */
import {
  CAP_NAMESPACE,
  type CapAlert,
  type CapArea,
  type CapInfo,
  type CapResource,
  type CapValuePair,
} from './cap-model.js';

const NOT_XML_CHAR =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding the characters XML cannot hold is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

/** `text` as XML character data. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"'\r]/g, (c) => ESCAPES[c] ?? c);
}

export function writeCapXml(alert: CapAlert): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', `<alert xmlns="${CAP_NAMESPACE}">`];
  const put = (depth: number, name: string, value: string | undefined) => {
    if (value !== undefined) out.push(`${'  '.repeat(depth)}<${name}>${escapeXml(value)}</${name}>`);
  };
  const open = (depth: number, name: string) => out.push(`${'  '.repeat(depth)}<${name}>`);
  const close = (depth: number, name: string) => out.push(`${'  '.repeat(depth)}</${name}>`);
  const pair = (depth: number, name: string, p: CapValuePair) => {
    open(depth, name);
    put(depth + 1, 'valueName', p.valueName);
    put(depth + 1, 'value', p.value);
    close(depth, name);
  };
  const info = (i: CapInfo) => {
    open(1, 'info');
    put(2, 'language', i.language);
    for (const c of i.categories) put(2, 'category', c);
    put(2, 'event', i.event);
    for (const r of i.responseTypes) put(2, 'responseType', r);
    put(2, 'urgency', i.urgency);
    put(2, 'severity', i.severity);
    put(2, 'certainty', i.certainty);
    put(2, 'audience', i.audience);
    for (const e of i.eventCodes) pair(2, 'eventCode', e);
    put(2, 'effective', i.effective);
    put(2, 'onset', i.onset);
    put(2, 'expires', i.expires);
    put(2, 'senderName', i.senderName);
    put(2, 'headline', i.headline);
    put(2, 'description', i.description);
    put(2, 'instruction', i.instruction);
    put(2, 'web', i.web);
    put(2, 'contact', i.contact);
    for (const p of i.parameters) pair(2, 'parameter', p);
    for (const r of i.resources) resource(r);
    for (const a of i.areas) area(a);
    close(1, 'info');
  };
  const resource = (r: CapResource) => {
    open(2, 'resource');
    put(3, 'resourceDesc', r.resourceDesc);
    put(3, 'mimeType', r.mimeType);
    put(3, 'size', r.size);
    put(3, 'uri', r.uri);
    put(3, 'derefUri', r.derefUri);
    put(3, 'digest', r.digest);
    close(2, 'resource');
  };
  const area = (a: CapArea) => {
    open(2, 'area');
    put(3, 'areaDesc', a.areaDesc);
    for (const p of a.polygons) put(3, 'polygon', p);
    for (const c of a.circles) put(3, 'circle', c);
    for (const g of a.geocodes) pair(3, 'geocode', g);
    put(3, 'altitude', a.altitude);
    put(3, 'ceiling', a.ceiling);
    close(2, 'area');
  };

  put(1, 'identifier', alert.identifier);
  put(1, 'sender', alert.sender);
  put(1, 'sent', alert.sent);
  put(1, 'status', alert.status);
  put(1, 'msgType', alert.msgType);
  put(1, 'source', alert.source);
  put(1, 'scope', alert.scope);
  put(1, 'restriction', alert.restriction);
  put(1, 'addresses', alert.addresses);
  for (const c of alert.codes) put(1, 'code', c);
  put(1, 'note', alert.note);
  put(1, 'references', alert.references);
  put(1, 'incidents', alert.incidents);
  for (const i of alert.infos) info(i);
  if (alert.signatures > 0) throw new TypeError('signing CAP is not supported: export an unsigned alert');
  out.push('</alert>', '');
  return out.join('\n');
}
