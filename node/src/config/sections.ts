/**
 * The list sections of the configuration file, checked by hand for load.ts (docs/conventions.md §Configuration):
 * links (docs/links.md §The link contract), routes (envelope destinations, docs/wire-format.md),
 * issuer keys (docs/design.md §Security) and node keys (docs/keys.md §The keys each role holds).
 */
import type { IssuerPower } from '../crypto/authenticate.js';
import type { Destination, Priority } from '../wire/envelope.js';
import { isAreaCode } from '../wire/field-codecs.js';
import { closest } from './did-you-mean.js';
import { meshNodeNumber } from './mesh-address.js';
import { isPlainObject, type Section } from './reader.js';
import { checkNextHop } from './route-next-hop.js';
import {
  BEIDOU_KEYS,
  DIRECTIP_KEYS,
  parseBeidou,
  parseDirectIp,
  parseIridiumSbd,
  parseRockblock,
  ROCKBLOCK_KEYS,
} from './satellite-sections.js';
import { KIT_TIMING_KEYS } from './satellite-timing.js';
import {
  DEFAULT_LINK_COST,
  DEFAULTS,
  ISSUER_POWERS,
  type IssuerConfig,
  LINK_COSTS,
  LINK_TYPES,
  type LinkConfig,
  type LinkType,
  MESHTASTIC_TCP_PORT,
  NODE_ROLES,
  type NodeKeyConfig,
  type RouteConfig,
  type UdpPeerConfig,
} from './schema.js';

const U32_MAX = 0xffff_ffff;
const LINK_ID = /^[a-z0-9-]{1,32}$/;

const LINK_COMMON_KEYS = ['id', 'type', 'enabled', 'cost', 'mtu'];
const LINK_TYPE_KEYS: Readonly<Record<LinkType, readonly string[]>> = {
  udp: ['bind', 'peers'],
  meshtastic: ['port', 'host', 'tcp_port', 'portnum', 'channel', 'hop_limit', 'neighbours'],
  'iridium-sbd': ['port', 'ring_alerts', 'hold_s', 'budget', 'peer_node', ...KIT_TIMING_KEYS],
  rockblock: ROCKBLOCK_KEYS,
  directip: DIRECTIP_KEYS,
  beidou: BEIDOU_KEYS,
};
const ALL_LINK_KEYS = [...new Set([...LINK_COMMON_KEYS, ...Object.values(LINK_TYPE_KEYS).flat()])];

/** The type an entry of `links` names, if it is one. */
function typeOf(value: unknown): LinkType | undefined {
  const type = isPlainObject(value) ? value.type : undefined;
  return (LINK_TYPES as readonly unknown[]).includes(type) ? (type as LinkType) : undefined;
}

/** The keys a link of the type `value` names may have; every link key when it names none. */
function keysOfType(value: unknown): readonly string[] {
  const type = typeOf(value);
  return type === undefined ? ALL_LINK_KEYS : [...LINK_COMMON_KEYS, ...LINK_TYPE_KEYS[type]];
}

export function parseLinks(root: Section): LinkConfig[] {
  const firstUse = new Map<string, string>();
  return root.list('links').map(({ value, path }) => {
    // Another type's key is "not used by type …" below; a typo's hint is a key of this type.
    const s = root.item(value, path, ALL_LINK_KEYS, keysOfType(value));
    const id =
      s.str('id', true, (text) => (LINK_ID.test(text) ? undefined : 'use 1 to 32 of a-z, 0-9 and -')) ?? '';
    const type = s.oneOf('type', LINK_TYPES, true);
    if (id !== '') {
      const earlier = firstUse.get(id);
      if (earlier === undefined) firstUse.set(id, path);
      else s.problem('id', `${JSON.stringify(id)} is already the id of ${earlier}`);
    }
    if (type === undefined) return placeholderLink(id);
    for (const key of ALL_LINK_KEYS) {
      if (s.has(key) && !LINK_COMMON_KEYS.includes(key) && !LINK_TYPE_KEYS[type].includes(key)) {
        s.problem(key, `not used by type ${type}`);
      }
    }
    const mtu = s.int('mtu', 1, 65_535);
    const base = {
      id,
      enabled: s.bool('enabled') ?? true,
      cost: s.oneOf('cost', LINK_COSTS) ?? DEFAULT_LINK_COST[type],
      ...(mtu === undefined ? {} : { mtu }),
    };
    return withTypeSettings(s, type, base);
  });
}

function withTypeSettings(s: Section, type: LinkType, base: Omit<LinkConfig, 'type'>): LinkConfig {
  switch (type) {
    case 'udp':
      return { ...base, type, ...parseUdp(s) };
    case 'meshtastic':
      return { ...base, type, transport: parseMeshtasticTransport(s), ...parseMeshtasticRadio(s) };
    case 'iridium-sbd':
      return { ...base, type, ...parseIridiumSbd(s) };
    case 'rockblock':
      return { ...base, type, ...parseRockblock(s) };
    case 'directip':
      return { ...base, type, ...parseDirectIp(s) };
    case 'beidou':
      return { ...base, type, ...parseBeidou(s) };
  }
}

/** Stands in for a link whose type is wrong; a problem is recorded, so it never leaves load.ts. */
function placeholderLink(id: string): LinkConfig {
  return {
    id,
    type: 'iridium-sbd',
    enabled: false,
    cost: 'satellite',
    port: '',
    ringAlerts: false,
    budget: {},
  };
}

function parseUdp(s: Section) {
  const bind = s.section('bind', ['host', 'port'], 'required for type udp');
  const peers: UdpPeerConfig[] = s.entries('peers').map(({ name, value, path }) => {
    const peer = s.item(value, path, ['host', 'port', 'node']);
    const node = peer.int('node', 1, U32_MAX);
    return {
      name,
      host: peer.str('host', true) ?? '',
      port: peer.int('port', 1, 65_535, true) ?? 0,
      ...(node === undefined ? {} : { node }),
    };
  });
  return {
    bind: { host: bind.str('host') ?? DEFAULTS.udpBindHost, port: bind.int('port', 0, 65_535, true) ?? 0 },
    peers,
  };
}

function parseMeshtasticRadio(s: Section) {
  // 256–511 are for private applications; 257 is ATAK_FORWARDER (docs/meshtastic.md §2.3).
  const portnum = s.int('portnum', 256, 511);
  if (portnum === 257) s.problem('portnum', '257 is taken by ATAK_FORWARDER; use 256 or 258..511');
  const mtu = s.get('mtu');
  // 219 bytes is the payload limit of a PKI-encrypted direct message (docs/meshtastic.md §2.4).
  if (typeof mtu === 'number' && mtu > 219) s.problem('mtu', 'at most 219 for type meshtastic');
  const channel = s.int('channel', 0, 7);
  const hopLimit = s.int('hop_limit', 1, 7);
  const neighbours: Record<string, number> = {};
  for (const { name, value } of s.entries('neighbours')) {
    if (meshNodeNumber(name) === undefined) {
      s.problem(`neighbours.${name}`, 'a mesh node number: "!" and hex digits (e.g. !a1b2c3d4) or decimal');
      continue;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > U32_MAX) {
      s.problem(`neighbours.${name}`, `a node id 1..${U32_MAX}`);
      continue;
    }
    neighbours[name] = value;
  }
  return {
    ...(portnum === undefined ? {} : { portnum }),
    ...(channel === undefined ? {} : { channel }),
    ...(hopLimit === undefined ? {} : { hopLimit }),
    neighbours,
  };
}

function parseMeshtasticTransport(s: Section) {
  const path = s.str('port');
  const host = s.str('host');
  const tcpPort = s.int('tcp_port', 1, 65_535);
  if (s.has('port') && s.has('host')) {
    s.problem('host', 'give either port (USB serial) or host (meshtasticd over TCP), not both');
  } else if (!s.has('port') && !s.has('host')) {
    s.problem('port', 'required for type meshtastic (or host, for meshtasticd over TCP)');
  }
  if (s.has('tcp_port') && !s.has('host')) s.problem('tcp_port', 'only used with host');
  if (host !== undefined) return { kind: 'tcp' as const, host, port: tcpPort ?? MESHTASTIC_TCP_PORT };
  return { kind: 'serial' as const, path: path ?? '' };
}

/** `links`: as parseLinks read them, in the file's order. */
export function parseRoutes(root: Section, links: readonly LinkConfig[]): RouteConfig[] {
  const linkIds = links.map((l) => l.id);
  // A link whose type is wrong stands in as a placeholder (a problem is recorded): no peers to check.
  const rawLinks = root.get('links');
  const typed = (i: number) => Array.isArray(rawLinks) && typeOf(rawLinks[i]) !== undefined;
  return root.list('routes').map(({ value, path }) => {
    const s = root.item(value, path, ['dest', 'via', 'next_hop', 'cost', 'priorities']);
    const text = s.str('dest', true);
    const dest = text === undefined ? undefined : parseDestination(text);
    if (typeof dest === 'string') s.problem('dest', dest);
    const via = s.str('via', true);
    if (via !== undefined && !linkIds.includes(via)) {
      const known = [...new Set(linkIds.filter((id) => id !== ''))];
      const hint = closest(via, known);
      const list = known.length ? `links: ${known.join(', ')}` : 'no links';
      s.problem('via', `no link ${JSON.stringify(via)} (${hint ? `did you mean ${hint}?; ` : ''}${list})`);
    }
    // A mesh node number may be written bare (YAML reads it as a number) or as "!a1b2c3d4".
    const rawHop = s.get('next_hop');
    const hop =
      typeof rawHop === 'number' && Number.isSafeInteger(rawHop) ? String(rawHop) : s.str('next_hop');
    const at = via === undefined ? -1 : linkIds.indexOf(via);
    const link = links[at];
    const nextHop =
      hop === undefined || link === undefined || !typed(at)
        ? hop
        : checkNextHop(s, hop, link, `links[${at}]`);
    const cost = s.num('cost', 0, Number.POSITIVE_INFINITY);
    const priorities = parsePriorities(s);
    return {
      dest: typeof dest === 'object' ? dest : { to: 'all' },
      via: via ?? '',
      ...(nextHop === undefined ? {} : { nextHop }),
      ...(cost === undefined ? {} : { cost }),
      ...(priorities === undefined ? {} : { priorities }),
    };
  });
}

/** A route's `priorities`: a non-empty list of distinct priorities 0–3 (P0 life safety … P3 bulk). */
function parsePriorities(s: Section): Priority[] | undefined {
  const raw = s.get('priorities');
  if (raw === undefined) return undefined;
  const ok =
    Array.isArray(raw) &&
    raw.length > 0 &&
    raw.every((p) => p === 0 || p === 1 || p === 2 || p === 3) &&
    new Set(raw).size === raw.length;
  if (!ok) {
    s.problem('priorities', 'expected a list of distinct priorities 0 to 3, e.g. [0, 1]');
    return undefined;
  }
  return raw as Priority[];
}

/** `centre`, `all`, `node:N`, `area:CODE` or `role:N`; a string says what is wrong. */
export function parseDestination(text: string): Destination | string {
  if (text === 'centre' || text === 'all') return { to: text };
  const m = /^(node|area|role):(\d{1,12})$/.exec(text);
  const n = Number(m?.[2]);
  if (m?.[1] === 'node')
    return n >= 1 && n <= U32_MAX ? { to: 'node', node: n } : `node id ${n} is not 1..${U32_MAX}`;
  if (m?.[1] === 'area')
    return isAreaCode(n) ? { to: 'area', area: n } : `${n} is not a 6, 9 or 12 digit area code`;
  if (m?.[1] === 'role') return n <= 0xffff ? { to: 'role', role: n } : `role code ${n} is not 0..65535`;
  return `expected centre, all, node:N, area:CODE or role:N, found ${JSON.stringify(text)}`;
}

export function parseIssuers(keys: Section): IssuerConfig[] {
  const ids = new Map<number, string>();
  return keys.list('issuers').map(({ value, path }) => {
    const s = keys.item(value, path, ['id', 'public_key', 'powers', 'name', 'valid_until']);
    const id = s.int('id', 0, 0xffff, true);
    if (id !== undefined) {
      const earlier = ids.get(id);
      if (earlier === undefined) ids.set(id, path);
      else s.problem('id', `${id} is already the id of ${earlier}`);
    }
    const key = s.str('public_key', true, (t) =>
      /^[A-Za-z0-9+/]{43}=$/.test(t) ? undefined : 'expected base64 of 32 bytes (44 characters ending in =)',
    );
    const name = s.str('name');
    const untilText = s.str('valid_until');
    const validUntil = untilText === undefined ? undefined : parseValidUntil(untilText);
    if (Number.isNaN(validUntil)) {
      s.problem(
        'valid_until',
        'expected a date (2027-12-31) or a time with its zone (2027-12-31T18:00:00+08:00)',
      );
    }
    return {
      id: id ?? 0,
      publicKey: key === undefined ? new Uint8Array(32) : new Uint8Array(Buffer.from(key, 'base64')),
      powers: parsePowers(s),
      ...(name === undefined ? {} : { name }),
      ...(validUntil === undefined || Number.isNaN(validUntil) ? {} : { validUntil }),
    };
  });
}

function parsePowers(s: Section): IssuerPower[] {
  const powers: IssuerPower[] = [];
  const items = s.list('powers', true);
  if (Array.isArray(s.get('powers')) && items.length === 0)
    s.problem('powers', 'at least one of warning, control');
  for (const { value, path } of items) {
    if (!(ISSUER_POWERS as readonly unknown[]).includes(value)) {
      s.problem(
        path.slice(s.path.length + 1),
        `expected one of ${ISSUER_POWERS.join(', ')}, found ${JSON.stringify(value)}`,
      );
    } else if (powers.includes(value as IssuerPower)) {
      s.problem(path.slice(s.path.length + 1), `${value} is listed twice`);
    } else {
      powers.push(value as IssuerPower);
    }
  }
  return powers;
}

/**
 * Unix seconds, or NaN. A bare date means "through the end of that day" (UTC): a key valid until
 * 2027-12-31 still signs on that day. A time must carry its zone, since the kit's clock is UTC.
 */
export function parseValidUntil(text: string): number {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(
      text,
    );
  if (m === null) return Number.NaN;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2027-02-30 over into March; a date that does not exist is a typo.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return Number.NaN;
  }
  if (m[4] === undefined) return date.getTime() / 1000 + 86_399;
  return Math.floor(Date.parse(text) / 1000);
}

/**
 * `keys.nodes`: other nodes' identity keys, as `fieldnode keys export` prints them, and where the
 * centre needs it, each node's area and role (checked as `node.area` and `node.role` are).
 */
export function parseNodeKeys(keys: Section): NodeKeyConfig[] {
  const seen = new Set<number>();
  return keys.list('nodes').map(({ value, path }) => {
    const s = keys.item(value, path, ['id', 'public_key', 'area', 'role']);
    const id = s.int('id', 1, U32_MAX, true);
    if (id !== undefined) {
      if (seen.has(id)) s.problem('id', `${id} is listed twice`);
      seen.add(id);
    }
    const key = s.str('public_key', true, (t) =>
      /^[A-Za-z0-9+/]{43}=$/.test(t) ? undefined : 'expected base64 of 32 bytes (44 characters ending in =)',
    );
    const area = parseArea(s);
    const role = s.oneOf('role', NODE_ROLES);
    return {
      id: id ?? 0,
      publicKey: key === undefined ? new Uint8Array(32) : new Uint8Array(Buffer.from(key, 'base64')),
      ...(area === undefined ? {} : { area }),
      ...(role === undefined ? {} : { role }),
    };
  });
}

/** An `area`: a GB/T 2260 code of 6 (county), 9 (township) or 12 (village) digits. */
export function parseArea(s: Section): number | undefined {
  const area = s.int('area', 100_000, 999_999_999_999);
  if (area !== undefined && !isAreaCode(area)) {
    s.problem('area', `${area} is not a 6, 9 or 12 digit area code`);
    return undefined;
  }
  return area;
}
