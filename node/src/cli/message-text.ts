/**
 * A decoded message as lines for people (docs/operating.md §The command line; the fields are
 * those of docs/wire-format.md §2 and §4): times in UTC as ISO 8601 with a Z, codes with their
 * names (wire-code-names.ts), text with control characters escaped. The body is walked by its
 * kind's own schema (node/src/wire/kinds.ts), so a field added there is shown without a change
 * here.
 */

import { INDICATORS } from '../wire/codes/indicators.js';
import { AUTH_TRAILER_BYTES, expiresAt } from '../wire/envelope.js';
import { KINDS, kindByCode } from '../wire/kinds.js';
import type { DecodedFrame } from '../wire/message.js';
import type { CodecSpec, FieldMap } from '../wire/schema.js';
import { printable } from './foreign-text.js';
import type { TagCheck } from './frame-description.js';
import { iso } from './text-table.js';
import type { TextNode } from './text-tree.js';
import {
  areaLabel,
  colourLabel,
  destinationLabel,
  eventLabel,
  flagLabels,
  hazardLabel,
  kindLabel,
  levelLabel,
  priorityLabel,
  roleLabel,
  stageLabel,
  supplyLabel,
} from './wire-code-names.js';

/** A person is an index into the roster of the kit that sends the message (docs/wire-format.md §4). */
const rosterIndex = (n: number) => `roster index ${n}`;
/** Numeric fields named by a code table, or by what they count in, by field name (docs/wire-format.md §4). */
const NAMED: Readonly<Record<string, (code: number) => string>> = {
  hazard: hazardLabel,
  level: levelLabel,
  roles: roleLabel,
  item: supplyLabel,
  reporter: rosterIndex,
  requester: rosterIndex,
  person: rosterIndex,
};
/** Fields of absolute unix time (docs/wire-format.md §3.5); relative times have a spec of their own. */
const TIMES = new Set(['asOf', 'time', 'validUntil']);
/** Enumerations with a name in another language. */
const ENUM_LABELS: Readonly<Record<string, (v: string) => string>> = {
  stage: stageLabel,
  colour: colourLabel,
};

/** The envelope, the authentication trailer and the body of a message. */
export function messageNodes(d: DecodedFrame, check: TagCheck | undefined): TextNode[] {
  const e = d.envelope;
  const kind = kindByCode(e.kindCode);
  const clock = e.clockUntrusted ? "the origin's clock was NOT trusted: ordered by seq" : 'clock trusted';
  const nodes: TextNode[] = [
    { label: 'kind', value: kindLabel(e.kindCode, kind) },
    { label: 'id', value: `${e.origin}/${e.seq} (origin node ${e.origin}, seq ${e.seq})` },
    { label: 'priority', value: priorityLabel(e.priority) },
    { label: 'created', value: `${iso(e.createdAt * 1000)} (${clock})` },
    {
      label: 'lifetime',
      value: `${e.lifetimeMin} min${span(e.lifetimeMin)}, until ${iso(expiresAt(e) * 1000)}`,
    },
    { label: 'to', value: destinationLabel(e.dest) },
  ];
  if (e.flags.length > 0) nodes.push({ label: 'flags', value: flagLabels(e.flags) });
  nodes.push({ label: 'auth', value: authText(d, check) });
  if (kind === undefined || d.message === undefined) {
    nodes.push({ label: 'body', value: `${d.unknownFields} field(s), of a kind this version cannot show` });
    return nodes;
  }
  const body = d.message.body as unknown as Record<string, unknown>;
  nodes.push({ label: 'body', children: fieldNodes(KINDS[kind].fields, body) });
  if (d.unknownFields > 0)
    nodes.push({ label: 'later fields', value: `${d.unknownFields}, of a later version: skipped` });
  return nodes;
}

function authText(d: DecodedFrame, check: TagCheck | undefined): string {
  const trailer = Buffer.from(d.trailer).toString('hex');
  switch (d.envelope.auth) {
    case 'none':
      return 'none (a frame without authentication is refused from the air)';
    case 'signature':
      return `Ed25519 signature ${trailer.slice(0, 16)}… (${AUTH_TRAILER_BYTES.signature} bytes), not checked here: the daemon checks it with the signer's public key`;
    case 'mac':
      return `MAC tag ${trailer}, ${tagVerdict(check)}`;
    case 'relay-tags':
      return `relay tags for ${(d.relayTags ?? []).map((t) => `node ${t.kit}`).join(', ')} (${d.trailer.length} bytes), not checked here: each kit checks its own with its relay key`;
  }
}

/** "valid: kit key of node 2107 (the origin)", or why not. */
export function tagVerdict(check: TagCheck | undefined, key = 'kit key'): string {
  if (check === undefined) return 'not checked (give --secret to check it)';
  if (check.valid) return `valid: ${key} of node ${check.key.node} (the ${check.key.as})`;
  const tried = check.tried.map((k) => `node ${k.node} (the ${k.as})`).join(' or ');
  return `INVALID: it does not verify with the ${key} of ${tried} derived from this master secret`;
}

/** " (1 d)", " (6 h)" or "". */
function span(minutes: number): string {
  if (minutes % 1440 === 0) return ` (${minutes / 1440} d)`;
  if (minutes % 60 === 0) return ` (${minutes / 60} h)`;
  return '';
}

function fieldNodes(fields: FieldMap, record: Readonly<Record<string, unknown>>): TextNode[] {
  const nodes: TextNode[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const value = record[name];
    if (value !== undefined) nodes.push(valueNode(name, value, field.codec.spec));
  }
  return nodes;
}

function valueNode(name: string, value: unknown, spec: CodecSpec): TextNode {
  switch (spec.type) {
    case 'record': {
      const r = value as Record<string, unknown>;
      // A message reference reads as its id; a person at another kit as both numbers.
      if ('origin' in spec.fields && 'seq' in spec.fields)
        return { label: name, value: `${r.origin}/${r.seq}` };
      if ('node' in spec.fields && 'person' in spec.fields)
        return { label: name, value: `roster index ${r.person} at node ${r.node}` };
      return { label: name, children: fieldNodes(spec.fields, r) };
    }
    case 'array': {
      const items = value as unknown[];
      const inner = spec.item.spec;
      if (items.length === 0) return { label: name, value: 'none' };
      if (inner.type !== 'record' && inner.type !== 'array')
        return { label: name, value: items.map((item) => scalar(name, item, inner)).join(', ') };
      return {
        label: name,
        children: items.map((item, i) => ({ ...valueNode(name, item, inner), label: `[${i}]` })),
      };
    }
    case 'custom':
      if (spec.name === 'indicators')
        return { label: name, children: indicatorNodes(value as Record<string, number>) };
      if (spec.name === 'seq-ranges') return { label: name, children: rangeNodes(value) };
      return { label: name, value: scalar(name, value, spec) };
    default:
      return { label: name, value: scalar(name, value, spec) };
  }
}

// Array items are named by their array's field name: each of `roles` is a role.
function scalar(name: string, value: unknown, spec: CodecSpec): string {
  switch (spec.type) {
    case 'uint':
    case 'int': {
      const named = NAMED[name];
      if (named !== undefined) return named(value as number);
      if (TIMES.has(name)) return iso((value as number) * 1000);
      return String(value);
    }
    case 'enum':
      return (ENUM_LABELS[name] ?? String)(value as string);
    case 'flags':
      return (value as string[]).length === 0 ? 'none' : (value as string[]).join(', ');
    case 'text':
      return JSON.stringify(printable(value as string)).replace(/\\\\/g, '\\');
    case 'bytes':
      return Buffer.from(value as Uint8Array).toString('hex');
    case 'bool':
      return value ? 'yes' : 'no';
    case 'custom':
      return customScalar(spec.name, value);
    default:
      return JSON.stringify(value) ?? '?';
  }
}

function customScalar(codec: string, value: unknown): string {
  switch (codec) {
    case 'point': {
      const p = value as { lat: number; lon: number };
      return `${p.lat}, ${p.lon} (latitude, longitude; WGS-84)`;
    }
    case 'area':
      return areaLabel(value as number);
    case 'relative-time':
      return iso((value as number) * 1000);
    case 'event-code':
      return eventLabel(value as string);
    default:
      return String(value);
  }
}

function indicatorNodes(set: Readonly<Record<string, number>>): TextNode[] {
  return INDICATORS.filter((def) => set[def.name] !== undefined).map((def) => ({
    label: def.name,
    value: `${set[def.name]} ${def.unit} (${def.zh})`,
  }));
}

function rangeNodes(ranges: unknown): TextNode[] {
  return (ranges as Array<{ origin: number; from: number; to: number }>).map((r) => ({
    label: `origin ${r.origin}`,
    value: r.from === r.to ? `seq ${r.from}` : `seq ${r.from}–${r.to}`,
  }));
}
