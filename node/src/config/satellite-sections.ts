/**
 * The configuration of the satellite links: a kit's own modem and the county centre's ingress
 * (docs/links.md §Iridium SBD, §The centre's satellite ingress, §The mtu of a satellite link;
 * docs/iridium.md §1.4, §2 RockBLOCK web services, §3 DirectIP; docs/centre-doors.md), checked by
 * hand like the rest (docs/conventions.md §Configuration).
 */
import { isIP } from 'node:net';
import { FRAGMENT_HEADER_BYTES, MAX_REASSEMBLED_BYTES } from '../wire/fragment.js';
import type { Section } from './reader.js';
import { CENTRE_TIMING_KEYS, parseCentreTiming, parseKitTiming } from './satellite-timing.js';
import type { HostPort } from './schema.js';

export const ROCKBLOCK_KEYS = [
  'listen',
  'path',
  'mt_endpoint',
  'verify_key_file',
  'imeis',
  ...CENTRE_TIMING_KEYS,
];
export const DIRECTIP_KEYS = [
  'listen',
  'mt_gateway',
  'confirm',
  'allowed_sources',
  'proxy_protocol',
  'trusted_proxies',
  'imeis',
  ...CENTRE_TIMING_KEYS,
];

const IMEI = /^\d{15}$/;
const U32_MAX = 0xffff_ffff;

/**
 * The most a satellite link may declare as its mtu: the kit modem's (9602/9603) limit in the
 * direction the link sends (docs/iridium.md §1.4). The adapters hold the same numbers
 * (satellite/src/iridium-limits.ts); configuration may not import an adapter
 * (docs/architecture.md §The dependency rule).
 */
const SATELLITE_MTU_LIMIT = {
  'iridium-sbd': {
    max: 340,
    why: 'the modem sends MO messages of at most 340 bytes (9602/9603) and refuses longer ones',
  },
  rockblock: {
    max: 270,
    why: 'a kit’s 9602/9603 takes MT messages of at most 270 bytes, and Rock7 refuses longer ones',
  },
  directip: {
    max: 270,
    why:
      'a kit’s 9602/9603 takes MT messages of at most 270 bytes; a longer one stays stuck in its ' +
      'queue at Iridium, ahead of every later message to that kit, warnings too',
  },
} as const;

/** Fragments of one frame at most (docs/wire-format.md §7). */
const MAX_FRAGMENTS = 255;
/** The least mtu that still carries the largest frame in 255 fragments: 72 bytes. */
const MIN_SATELLITE_MTU = FRAGMENT_HEADER_BYTES + Math.ceil(MAX_REASSEMBLED_BYTES / MAX_FRAGMENTS);

/**
 * The common `mtu` key on a satellite link (docs/links.md §The mtu of a satellite link): honoured
 * from 72 up to the modem's limit, a problem outside. The common reader took the value and said
 * what is wrong with one that is not a whole number from 1 to 65535; this says only the rest.
 */
function checkSatelliteMtu(s: Section, type: keyof typeof SATELLITE_MTU_LIMIT): void {
  const mtu = s.get('mtu');
  if (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 1 || mtu > 65_535) return;
  const { max, why } = SATELLITE_MTU_LIMIT[type];
  if (mtu > max) {
    s.problem('mtu', `at most ${max} for type ${type}: ${why}; leave mtu out to use ${max}`);
  } else if (mtu < MIN_SATELLITE_MTU) {
    s.problem(
      'mtu',
      `at least ${MIN_SATELLITE_MTU} for type ${type}: below it the largest frame ` +
        `(${MAX_REASSEMBLED_BYTES} bytes) would need more than ${MAX_FRAGMENTS} fragments`,
    );
  }
}

function hostPort(s: Section, key: string, what: string): HostPort {
  const hp = s.section(key, ['host', 'port'], `required for ${what}`);
  return { host: hp.str('host') ?? '0.0.0.0', port: hp.int('port', 0, 65_535, true) ?? 0 };
}

/** IMEI (15 digits) → node id of the kit behind that modem. */
function imeis(s: Section): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { name, value } of s.entries('imeis')) {
    if (!IMEI.test(name)) s.problem(`imeis.${name}`, 'an IMEI is 15 digits');
    else if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > U32_MAX)
      s.problem(`imeis.${name}`, `a node id 1..${U32_MAX}`);
    else out[name] = value;
  }
  return out;
}

/** A kit's or gateway's own modem (docs/iridium.md §1, §7.1–§7.3). */
export function parseIridiumSbd(s: Section) {
  checkSatelliteMtu(s, 'iridium-sbd');
  const port = s.str('port', 'required for type iridium-sbd') ?? '';
  const hold = s.section('hold_s', ['p1', 'p2', 'p3']);
  const holdS = (['p1', 'p2', 'p3'] as const).map((k) => hold.num(k, 0, 7 * 24 * 3600));
  const budget = s.section('budget', ['per_day', 'per_incident']);
  const perDay = budget.int('per_day', 1, 1_000_000);
  const perIncident = budget.int('per_incident', 1, 1_000_000);
  const peerNode = s.int('peer_node', 1, U32_MAX);
  const holdMs = holdS.every((v) => v !== undefined)
    ? (holdS.map((v) => (v as number) * 1000) as [number, number, number])
    : undefined;
  if (holdMs === undefined && holdS.some((v) => v !== undefined))
    s.problem('hold_s', 'give p1, p2 and p3 together');
  if (holdMs !== undefined && !(holdMs[0] <= holdMs[1] && holdMs[1] <= holdMs[2]))
    s.problem('hold_s', 'a lower priority may not wait less than a higher one (p1 ≤ p2 ≤ p3)');
  return {
    port,
    ringAlerts: s.bool('ring_alerts') ?? false,
    ...(holdMs === undefined ? {} : { holdMs }),
    budget: {
      ...(perDay === undefined ? {} : { perDay }),
      ...(perIncident === undefined ? {} : { perIncident }),
    },
    ...(peerNode === undefined ? {} : { peerNode }),
    timing: parseKitTiming(s),
  };
}

/**
 * Hosts that stay on this machine: 127.0.0.0/8, ::1 and `localhost`, as `URL` spells them. (The
 * MT client has the same guard, satellite/src/rockblock/mt-endpoint.ts; configuration may not
 * import an adapter, docs/architecture.md §The dependency rule.)
 */
function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || (isIP(hostname) === 4 && hostname.startsWith('127.'))
  );
}

/** What is wrong with an MT endpoint: every MT request carries the portal's user name and password. */
function mtEndpointProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'an https URL';
  }
  if (url.username !== '' || url.password !== '')
    return 'no credentials in the URL: use FIELDNODE_ROCKBLOCK_USERNAME and _PASSWORD';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  if (url.protocol === 'http:')
    return (
      'an https URL: plain http would send the RockBLOCK credentials in clear (http is allowed only ' +
      'to a loopback host, 127.0.0.1, ::1 or localhost, for `fieldnode sim rockblock`)'
    );
  return 'an https URL';
}

export function parseRockblock(s: Section) {
  checkSatelliteMtu(s, 'rockblock');
  const path = s.str('path', undefined, (p) =>
    p.startsWith('/') ? undefined : 'a URL path starting with /',
  );
  const mtEndpoint = s.str('mt_endpoint', undefined, mtEndpointProblem);
  const verifyKeyFile = s.str('verify_key_file');
  return {
    listen: hostPort(s, 'listen', 'type rockblock'),
    ...(path === undefined ? {} : { path }),
    ...(mtEndpoint === undefined ? {} : { mtEndpoint }),
    ...(verifyKeyFile === undefined ? {} : { verifyKeyFile }),
    imeis: imeis(s),
    ...centreTiming(s),
  };
}

/** The centre link's timing keys, when any is set (satellite-timing.ts). */
function centreTiming(s: Section): { timing?: ReturnType<typeof parseCentreTiming> } {
  const timing = parseCentreTiming(s);
  return Object.keys(timing).length === 0 ? {} : { timing };
}

/** A list of IP addresses (no names, no ranges, no zone ids). */
function addresses(s: Section, key: string, required?: string): string[] {
  return s.list(key, required).flatMap(({ value, path }) => {
    if (typeof value === 'string' && isIP(value) !== 0 && !value.includes('%')) return [value];
    s.problem(path.slice(path.lastIndexOf(key)), 'an IP address');
    return [];
  });
}

/** docs/centre-doors.md §DirectIP: what allowed_sources guarantees, and the PROXY protocol. */
export function parseDirectIp(s: Section) {
  checkSatelliteMtu(s, 'directip');
  const proxyProtocol = s.bool('proxy_protocol') ?? false;
  const trustedProxies = proxyProtocol
    ? addresses(s, 'trusted_proxies', 'required with proxy_protocol: the addresses of the TCP proxies')
    : [];
  if (!proxyProtocol && s.has('trusted_proxies'))
    s.problem('trusted_proxies', 'only with proxy_protocol: true');
  return {
    listen: hostPort(s, 'listen', 'type directip'),
    mtGateway: hostPort(s, 'mt_gateway', 'type directip'),
    confirm: s.bool('confirm') ?? false,
    // DirectIP has no authentication: only the gateway's addresses may deliver MO messages (and,
    // behind a PROXY-protocol proxy, the addresses the trusted proxies vouch for).
    allowedSources: addresses(s, 'allowed_sources', 'required for type directip: the gateway addresses'),
    proxyProtocol,
    trustedProxies,
    imeis: imeis(s),
    ...centreTiming(s),
  };
}

export const BEIDOU_KEYS = [
  'port',
  'baud',
  'protocol',
  'centre_card',
  'peer_node',
  'cards',
  'broadcast',
  'message_bits',
  'first_send',
  'result_time',
  'beam_threshold',
  'beam_loss_s',
  'confirmation_wait_s',
];

/** A BeiDou card's address: 7 digits on BeiDou-2, 7 or 8 on BeiDou-3 (docs/beidou.md §The card). */
const CARD = /^\d{7,8}$/;
/** The least mtu of a satellite link (above): a card must carry this many bytes a message. */
const MIN_BEIDOU_BITS = (MIN_SATELLITE_MTU + 1) * 8;

/**
 * The signal level at or above which a beam counts as locked, on each protocol's own scale
 * (docs/beidou.md §Beams): a `$BDPWI` reading in dB-Hz on BeiDou-3, a `$BDBSI` power 0–4 on
 * BeiDou-2. 0 is refused on both: every beam would count, even one not received.
 */
const BEAM_SCALES = {
  bd3: { min: 1, max: 99, what: 'a $BDPWI reading in dB-Hz, default 40' },
  bd21: { min: 1, max: 4, what: 'a $BDBSI power 1-4, default 2' },
} as const;

/**
 * `beam_threshold`: one number on the configured protocol's scale, or `{ bd3, bd21 }` (either or
 * both), which `protocol: auto` needs since the scales differ.
 */
function beamThreshold(
  s: Section,
  protocol: 'auto' | 'bd3' | 'bd21',
): { bd3?: number; bd21?: number } | undefined {
  const raw = s.get('beam_threshold');
  if (raw === undefined) return undefined;
  if (typeof raw === 'number') {
    if (protocol === 'auto') {
      s.problem(
        'beam_threshold',
        'one number needs protocol bd3 or bd21, since the scales differ (dB-Hz on BeiDou-3, power 0-4 on ' +
          'BeiDou-2): set the protocol, or give both, e.g. { bd3: 40, bd21: 2 }',
      );
      return undefined;
    }
    const { min, max, what } = BEAM_SCALES[protocol];
    if (Number.isInteger(raw) && raw >= min && raw <= max) return { [protocol]: raw };
    s.problem('beam_threshold', `expected a whole number from ${min} to ${max} (${what}), found ${raw}`);
    return undefined;
  }
  const t = s.section('beam_threshold', ['bd3', 'bd21']);
  const out: { bd3?: number; bd21?: number } = {};
  for (const p of ['bd3', 'bd21'] as const) {
    const n = t.int(p, BEAM_SCALES[p].min, BEAM_SCALES[p].max);
    if (n !== undefined) out[p] = n;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** A card address as the file gives it; a bare number lost its leading zeros to YAML. */
function cardProblem(value: unknown): string | undefined {
  if (typeof value === 'number')
    return 'quote a card number ("0242286"): a bare number loses its leading zeros';
  if (typeof value !== 'string' || !CARD.test(value)) return 'a card number is 7 or 8 digits';
  return undefined;
}

/**
 * A BeiDou short-message module (docs/beidou.md §Configuration; docs/links.md §BeiDou short
 * message): a kit names the centre's card, the centre maps the kits' cards to their node ids.
 */
export function parseBeidou(s: Section) {
  const port = s.str('port', 'required for type beidou') ?? '';
  const baud = s.int('baud', 1200, 921_600);
  const protocol = s.oneOf('protocol', ['auto', 'bd3', 'bd21'] as const) ?? 'auto';
  const rawCentre = s.get('centre_card');
  const centreProblem = rawCentre === undefined ? undefined : cardProblem(rawCentre);
  if (centreProblem !== undefined) s.problem('centre_card', centreProblem);
  const centreCard = centreProblem === undefined && typeof rawCentre === 'string' ? rawCentre : undefined;
  const peerNode = s.int('peer_node', 1, U32_MAX);
  if (peerNode !== undefined && !s.has('centre_card')) s.problem('peer_node', 'only with centre_card');
  const cards: Record<string, number> = {};
  for (const { name, value } of s.entries('cards')) {
    if (!CARD.test(name)) s.problem(`cards.${name}`, 'a card number is 7 or 8 digits; quote it ("0242286")');
    else if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > U32_MAX)
      s.problem(`cards.${name}`, `a node id 1..${U32_MAX}`);
    else cards[name] = value;
  }
  if (centreCard !== undefined && centreCard in cards)
    s.problem(
      'centre_card',
      'the centre’s card is also listed under cards: a link is a kit’s or the centre’s',
    );
  else if (centreCard === undefined && centreProblem === undefined && Object.keys(cards).length === 0)
    s.problem(
      'centre_card',
      'a kit names the centre’s card here; a centre lists its kits’ cards under `cards` instead: one of the two is needed',
    );
  const messageBits = s.int('message_bits', MIN_BEIDOU_BITS, 14_000);
  const mtu = s.get('mtu');
  if (typeof mtu === 'number' && Number.isInteger(mtu) && mtu < MIN_SATELLITE_MTU)
    s.problem(
      'mtu',
      `at least ${MIN_SATELLITE_MTU} for type beidou: below it the largest frame would need more than ${MAX_FRAGMENTS} fragments`,
    );
  const firstSend = s.oneOf('first_send', ['after-interval', 'at-once'] as const) ?? 'after-interval';
  const resultTime = s.oneOf('result_time', ['mmss', 'seconds'] as const) ?? 'mmss';
  const threshold = beamThreshold(s, protocol);
  // Reports come about once a second: five missed make a lost beam at the least.
  const beamLossS = s.num('beam_loss_s', 5, 3600);
  // Ten seconds at the least: below a round trip of the module's result and the network's delay,
  // every message would be sent again before its receipt could come.
  const confirmationWaitS = s.num('confirmation_wait_s', 10, 7 * 86_400);
  return {
    port,
    baud: baud ?? 115_200,
    protocol,
    ...(centreCard === undefined ? {} : { centreCard }),
    ...(peerNode === undefined ? {} : { peerNode }),
    cards,
    broadcast: s.bool('broadcast') ?? true,
    ...(messageBits === undefined ? {} : { messageBits }),
    firstSend,
    resultTime,
    ...(threshold === undefined ? {} : { beamThreshold: threshold }),
    beamLossMs: Math.round((beamLossS ?? 30) * 1000),
    ...(confirmationWaitS === undefined ? {} : { confirmationWaitMs: Math.round(confirmationWaitS * 1000) }),
  };
}
