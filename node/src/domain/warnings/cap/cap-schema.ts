/**
 * The CAP 1.2 schema's checks, done in code on a read element tree (docs/cap.md §5 Reading
 * untrusted XML): the root is `alert` in the CAP 1.2 namespace; every element is one the schema
 * names, in its order, as often as it allows; values are in its enumerations and patterns. The
 * result is the alert as data, or every problem found. The XSD itself only runs in tests.
 */
import {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_MSG_TYPES,
  CAP_NAMESPACE,
  CAP_RESPONSE_TYPES,
  CAP_SCOPES,
  CAP_SEVERITIES,
  CAP_STATUSES,
  CAP_URGENCIES,
  type CapAlert,
  type CapArea,
  type CapInfo,
  type CapResource,
  type CapValuePair,
  XMLDSIG_NAMESPACE,
} from './cap-model.js';
import type { CapProblem } from './cap-problem.js';
import { parseCapTime } from './cap-time.js';
import type { XmlElement } from './cap-xml-reader.js';

/** A simple type of the schema: free text, an enumeration, or one of the XSD built-ins CAP uses. */
type Simple = 'string' | 'dateTime' | 'language' | 'decimal' | 'integer' | readonly string[];

interface Slot {
  name: string;
  min: 0 | 1;
  /** 1 or many. */
  many: boolean;
  /** A simple type, or undefined for an element with element content. */
  type?: Simple;
}

const one = (name: string, type?: Simple): Slot => ({ name, min: 1, many: false, ...(type && { type }) });
const opt = (name: string, type?: Simple): Slot => ({ name, min: 0, many: false, ...(type && { type }) });
const some = (name: string, type?: Simple): Slot => ({ name, min: 1, many: true, ...(type && { type }) });
const any = (name: string, type?: Simple): Slot => ({ name, min: 0, many: true, ...(type && { type }) });

const ALERT: readonly Slot[] = [
  one('identifier', 'string'),
  one('sender', 'string'),
  one('sent', 'dateTime'),
  one('status', CAP_STATUSES),
  one('msgType', CAP_MSG_TYPES),
  opt('source', 'string'),
  one('scope', CAP_SCOPES),
  opt('restriction', 'string'),
  opt('addresses', 'string'),
  any('code', 'string'),
  opt('note', 'string'),
  opt('references', 'string'),
  opt('incidents', 'string'),
  any('info'),
];
const INFO: readonly Slot[] = [
  opt('language', 'language'),
  some('category', CAP_CATEGORIES),
  one('event', 'string'),
  any('responseType', CAP_RESPONSE_TYPES),
  one('urgency', CAP_URGENCIES),
  one('severity', CAP_SEVERITIES),
  one('certainty', CAP_CERTAINTIES),
  opt('audience', 'string'),
  any('eventCode'),
  opt('effective', 'dateTime'),
  opt('onset', 'dateTime'),
  opt('expires', 'dateTime'),
  opt('senderName', 'string'),
  opt('headline', 'string'),
  opt('description', 'string'),
  opt('instruction', 'string'),
  // xs:anyURI: libxml2 and the standard take nearly any string; so do we.
  opt('web', 'string'),
  opt('contact', 'string'),
  any('parameter'),
  any('resource'),
  any('area'),
];
const RESOURCE: readonly Slot[] = [
  one('resourceDesc', 'string'),
  one('mimeType', 'string'),
  opt('size', 'integer'),
  opt('uri', 'string'),
  opt('derefUri', 'string'),
  opt('digest', 'string'),
];
const AREA: readonly Slot[] = [
  one('areaDesc', 'string'),
  any('polygon', 'string'),
  any('circle', 'string'),
  any('geocode'),
  opt('altitude', 'decimal'),
  opt('ceiling', 'decimal'),
];
const PAIR: readonly Slot[] = [one('valueName', 'string'), one('value', 'string')];

/** Elements of the 国突 dialect (docs/cap.md §7): named in the problem, so the sender knows why. */
const GUOTU = new Set(['sendTime', 'senderCode', 'eventType', 'secClassification']);

export type AlertReading = { ok: true; alert: CapAlert } | { ok: false; problems: CapProblem[] };

/** The alert `root` holds, or every way it breaks the schema. */
export function alertFromXml(root: XmlElement): AlertReading {
  if (root.local !== 'alert' || root.uri !== CAP_NAMESPACE) {
    return {
      ok: false,
      problems: [{ code: 'CAP_NOT_CAP', path: `/${root.name}`, message: notCap(root), line: root.line }],
    };
  }
  const problems: CapProblem[] = [];
  const r = new Reader(problems);
  const kids = r.sequence(root, '/alert', ALERT, true);
  const alert: CapAlert = {
    identifier: r.text(kids, 'identifier') ?? '',
    sender: r.text(kids, 'sender') ?? '',
    sent: r.text(kids, 'sent') ?? '',
    status: (r.text(kids, 'status') ?? 'Actual') as CapAlert['status'],
    msgType: (r.text(kids, 'msgType') ?? 'Alert') as CapAlert['msgType'],
    scope: (r.text(kids, 'scope') ?? 'Public') as CapAlert['scope'],
    codes: r.texts(kids, 'code'),
    infos: (kids.get('info') ?? []).map((el, i) => r.info(el, `/alert/info[${i + 1}]`)),
    signatures: root.children.filter((c) => c.uri === XMLDSIG_NAMESPACE).length,
  };
  for (const name of ['source', 'restriction', 'addresses', 'note', 'references', 'incidents'] as const) {
    const value = r.text(kids, name);
    if (value !== undefined) alert[name] = value;
  }
  return problems.length === 0 ? { ok: true, alert } : { ok: false, problems };
}

/** An untrusted name, short enough for a message. */
function short(name: string): string {
  return name.length > 40 ? `${name.slice(0, 37)}...` : name;
}

function notCap(root: XmlElement): string {
  if (root.local === 'alert' && root.uri === '')
    return 'the root <alert> has no namespace: CAP 1.2 is in urn:oasis:names:tc:emergency:cap:1.2 (a message without it, with sendTime and senderCode, is the 国突 dialect, which is not CAP)';
  if (root.local === 'alert')
    return `the root <alert> is in namespace ${JSON.stringify(root.uri.slice(0, 60))}, not CAP 1.2's urn:oasis:names:tc:emergency:cap:1.2`;
  return `the root element is <${root.name.slice(0, 40)}>, not a CAP 1.2 <alert>`;
}

class Reader {
  constructor(private readonly problems: CapProblem[]) {}

  #problem(el: XmlElement, path: string, message: string): void {
    this.problems.push({ code: 'CAP_SCHEMA', path, message, line: el.line });
  }

  /** The children of `el` by name, checked against the schema's sequence. */
  sequence(
    el: XmlElement,
    path: string,
    slots: readonly Slot[],
    signatures = false,
  ): Map<string, XmlElement[]> {
    this.#noAttributes(el, path);
    if (el.text.trim() !== '')
      this.#problem(
        el,
        path,
        `<${el.local}> holds text among its elements; only white space may stand there`,
      );
    const found = new Map<string, XmlElement[]>();
    let at = 0;
    for (const child of el.children) {
      const where = `${path}/${short(child.local)}`;
      if (signatures && child.uri === XMLDSIG_NAMESPACE) {
        at = slots.length;
        continue;
      }
      if (child.uri !== CAP_NAMESPACE) {
        this.#problem(
          child,
          where,
          `<${short(child.name)}> is not in the CAP 1.2 namespace; CAP allows no foreign elements here`,
        );
        continue;
      }
      const index = slots.findIndex((s) => s.name === child.local);
      const slot = slots[index];
      if (slot === undefined) {
        const hint = GUOTU.has(child.local) ? ' (an element of the 国突 dialect, which is not CAP 1.2)' : '';
        this.#problem(
          child,
          where,
          `<${short(child.local)}> is not an element of <${el.local}> in CAP 1.2${hint}`,
        );
        continue;
      }
      if (index < at) {
        this.#problem(
          child,
          where,
          `<${child.local}> is out of order: CAP 1.2 puts it before <${slots[at]?.name ?? 'signatures'}>`,
        );
        continue;
      }
      at = index;
      const list = found.get(slot.name) ?? [];
      if (list.length === 1 && !slot.many) {
        this.#problem(child, where, `a second <${child.local}>: CAP 1.2 allows one`);
        continue;
      }
      list.push(child);
      found.set(slot.name, list);
      if (slot.type !== undefined)
        this.#simple(child, slot.many ? `${where}[${list.length}]` : where, slot.type);
    }
    for (const slot of slots) {
      if (slot.min === 1 && !found.has(slot.name))
        this.#problem(el, path, `<${el.local}> is missing <${slot.name}>, which CAP 1.2 requires`);
    }
    return found;
  }

  #noAttributes(el: XmlElement, path: string): void {
    for (const a of el.attributes)
      this.#problem(
        el,
        path,
        `attribute ${short(a.name)} on <${el.local}>: CAP 1.2 elements take no attributes`,
      );
  }

  /** Checks a simple element: text only, and a value its type accepts. */
  #simple(el: XmlElement, path: string, type: Simple): void {
    this.#noAttributes(el, path);
    if (el.children.length > 0) {
      this.#problem(el, path, `<${el.local}> holds elements; in CAP 1.2 it is text`);
      return;
    }
    const value = el.text;
    const trimmed = value.trim();
    if (typeof type !== 'string') {
      if (!type.includes(value)) {
        const colour = el.local === 'severity' && /^(red|orange|yellow|blue|白|红|橙|黄|蓝)/i.test(trimmed);
        const hint = colour ? '; a warning colour goes in a <parameter>, never in <severity>' : '';
        this.#problem(
          el,
          path,
          `<${el.local}> ${JSON.stringify(value.slice(0, 40))} is not one of ${type.join(', ')}${hint}`,
        );
      }
    } else if (type === 'dateTime') {
      const t = parseCapTime(value);
      if (!t.ok) this.#problem(el, path, `<${el.local}>: ${t.problem}`);
    } else if (type === 'language') {
      if (!/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/.test(trimmed))
        this.#problem(
          el,
          path,
          `<language> ${JSON.stringify(trimmed.slice(0, 40))} is not a language tag such as zh-CN`,
        );
    } else if (type === 'decimal') {
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(trimmed))
        this.#problem(el, path, `<${el.local}> is not a decimal number`);
    } else if (type === 'integer') {
      if (!/^[+-]?\d+$/.test(trimmed)) this.#problem(el, path, `<${el.local}> is not a whole number`);
    }
  }

  text(kids: Map<string, XmlElement[]>, name: string): string | undefined {
    return kids.get(name)?.[0]?.text;
  }

  texts(kids: Map<string, XmlElement[]>, name: string): string[] {
    return (kids.get(name) ?? []).map((e) => e.text);
  }

  pairs(kids: Map<string, XmlElement[]>, name: string, path: string): CapValuePair[] {
    return (kids.get(name) ?? []).map((el, i) => {
      const k = this.sequence(el, `${path}/${name}[${i + 1}]`, PAIR);
      return { valueName: this.text(k, 'valueName') ?? '', value: this.text(k, 'value') ?? '' };
    });
  }

  info(el: XmlElement, path: string): CapInfo {
    const k = this.sequence(el, path, INFO);
    const info: CapInfo = {
      categories: this.texts(k, 'category') as CapInfo['categories'],
      event: this.text(k, 'event') ?? '',
      responseTypes: this.texts(k, 'responseType') as CapInfo['responseTypes'],
      urgency: (this.text(k, 'urgency') ?? 'Unknown') as CapInfo['urgency'],
      severity: (this.text(k, 'severity') ?? 'Unknown') as CapInfo['severity'],
      certainty: (this.text(k, 'certainty') ?? 'Unknown') as CapInfo['certainty'],
      eventCodes: this.pairs(k, 'eventCode', path),
      parameters: this.pairs(k, 'parameter', path),
      resources: (k.get('resource') ?? []).map((r, i) => this.resource(r, `${path}/resource[${i + 1}]`)),
      areas: (k.get('area') ?? []).map((a, i) => this.area(a, `${path}/area[${i + 1}]`)),
    };
    for (const name of [
      'language',
      'audience',
      'effective',
      'onset',
      'expires',
      'senderName',
      'headline',
      'description',
      'instruction',
      'web',
      'contact',
    ] as const) {
      const value = this.text(k, name);
      if (value !== undefined) info[name] = value;
    }
    return info;
  }

  resource(el: XmlElement, path: string): CapResource {
    const k = this.sequence(el, path, RESOURCE);
    const r: CapResource = {
      resourceDesc: this.text(k, 'resourceDesc') ?? '',
      mimeType: this.text(k, 'mimeType') ?? '',
    };
    for (const name of ['size', 'uri', 'derefUri', 'digest'] as const) {
      const value = this.text(k, name);
      if (value !== undefined) r[name] = value;
    }
    return r;
  }

  area(el: XmlElement, path: string): CapArea {
    const k = this.sequence(el, path, AREA);
    const a: CapArea = {
      areaDesc: this.text(k, 'areaDesc') ?? '',
      polygons: this.texts(k, 'polygon'),
      circles: this.texts(k, 'circle'),
      geocodes: this.pairs(k, 'geocode', path),
    };
    for (const name of ['altitude', 'ceiling'] as const) {
      const value = this.text(k, name);
      if (value !== undefined) a[name] = value;
    }
    return a;
  }
}
