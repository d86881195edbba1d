/**
 * The rules of CAP 1.2 that its XML schema cannot express (docs/cap.md §1 Conditional rules), checked
 * on every message exported and every message imported. Returns every problem, code CAP_RULE.
 *
 * Rules on a message that already meets the schema:
 * - `identifier` and `sender` are not empty and hold no white space, comma, `<` or `&`;
 * - scope Private needs `addresses`, scope Restricted needs `restriction`;
 * - an Update, Cancel, Ack or Error names the messages it is about in `references`, each as
 *   sender,identifier,sent, separated by white space, `sent` a CAP date-time;
 * - in `addresses` and `incidents`, double quotes pair up (an item holding a space is quoted);
 * - a polygon has four or more points and ends where it starts; a circle is a point and a radius
 *   in kilometres; every point is WGS-84 "lat,lon" within range;
 * - `ceiling` only with `altitude`, and not below it.
 */

import { parseCircle, parsePolygon } from './cap-geo.js';
import type { CapAlert } from './cap-model.js';
import type { CapProblem } from './cap-problem.js';
import { parseCapTime } from './cap-time.js';

/** What an identifier or sender must not hold (CAP 1.2, `identifier` and `sender`). */
const RESTRICTED = /[\s,<&]/;

export function checkCapRules(alert: CapAlert): CapProblem[] {
  const problems: CapProblem[] = [];
  const add = (path: string, message: string) => problems.push({ code: 'CAP_RULE', path, message });

  for (const field of ['identifier', 'sender'] as const) {
    const why = identifierProblem(alert[field]);
    if (why !== undefined) add(`/alert/${field}`, `<${field}> ${why}`);
  }
  if (alert.scope === 'Private' && isBlank(alert.addresses))
    add('/alert/addresses', 'scope Private needs <addresses>: the recipients it is for');
  if (alert.scope === 'Restricted' && isBlank(alert.restriction))
    add('/alert/restriction', 'scope Restricted needs <restriction>: the rule that limits who may see it');
  const needsReferences = alert.msgType !== 'Alert';
  if (needsReferences && isBlank(alert.references))
    add(
      '/alert/references',
      `a message of type ${alert.msgType} needs <references>: the messages it is about`,
    );
  if (alert.references !== undefined) {
    for (const why of referencesProblems(alert.references)) add('/alert/references', why);
  }
  for (const field of ['addresses', 'incidents'] as const) {
    const value = alert[field];
    if (value !== undefined && !quotesPair(value))
      add(`/alert/${field}`, `<${field}> has an unpaired double quote: quote each item that holds a space`);
  }
  alert.infos.forEach((info, i) => {
    info.areas.forEach((area, j) => {
      const path = `/alert/info[${i + 1}]/area[${j + 1}]`;
      area.polygons.forEach((text, k) => {
        const p = parsePolygon(text);
        if (!p.ok) add(`${path}/polygon[${k + 1}]`, p.problem);
      });
      area.circles.forEach((text, k) => {
        const c = parseCircle(text);
        if (!c.ok) add(`${path}/circle[${k + 1}]`, c.problem);
      });
      if (area.ceiling !== undefined && area.altitude === undefined)
        add(`${path}/ceiling`, '<ceiling> is given without <altitude>: CAP 1.2 allows it only with one');
      if (
        area.ceiling !== undefined &&
        area.altitude !== undefined &&
        Number(area.ceiling) < Number(area.altitude)
      )
        add(`${path}/ceiling`, `<ceiling> ${area.ceiling} is below <altitude> ${area.altitude}`);
    });
  });
  return problems;
}

function isBlank(value: string | undefined): boolean {
  return value === undefined || value.trim() === '';
}

function identifierProblem(value: string): string | undefined {
  if (value === '') return 'is empty';
  const bad = RESTRICTED.exec(value);
  if (bad !== null)
    return `holds ${bad[0] === ',' ? 'a comma' : /\s/.test(bad[0]) ? 'white space' : JSON.stringify(bad[0])}, which CAP 1.2 forbids in it`;
  return undefined;
}

/** The triples of `references`, each sender,identifier,sent. */
export function parseReferences(text: string): { sender: string; identifier: string; sent: string }[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '')
    .map((token) => {
      const [sender = '', identifier = '', ...rest] = token.split(',');
      return { sender, identifier, sent: rest.join(',') };
    });
}

function referencesProblems(text: string): string[] {
  const out: string[] = [];
  for (const [i, token] of text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '')
    .entries()) {
    const parts = token.split(',');
    const where = `reference ${i + 1} ${JSON.stringify(token.slice(0, 60))}`;
    if (parts.length !== 3) {
      out.push(`${where} is not sender,identifier,sent`);
      continue;
    }
    const [sender = '', identifier = '', sent = ''] = parts;
    if (sender === '' || identifier === '') out.push(`${where} has an empty sender or identifier`);
    const t = parseCapTime(sent);
    if (!t.ok) out.push(`${where}: ${t.problem}`);
  }
  return out;
}

function quotesPair(text: string): boolean {
  return (text.match(/"/g) ?? []).length % 2 === 0;
}
