/**
 * The county of the mesh benchmark: 20 Meshtastic radios on one LONG_FAST channel, and
 * the hour of reports both sides of the benchmark carry over it.
 *
 * A township gateway G (a fieldnode node with the mesh and IP to the county centre) on a central
 * hill; four hill-top relays (RN, RE, RS, RW: radios without a host) that hear G and, along the
 * ridge, each other; and 15 village kits (a fieldnode node and its radio each) down the valleys,
 * 2 to 4 hops from G, which the default hop limit of 3 just reaches. `LINKS` is the truth; loss
 * per reception in brackets, both ways:
 *
 *     G ─ RN, RE, RS, RW (5 %);  RN ─ RE ─ RS ─ RW ─ RN (10 %)
 *     RN ─ N1 (10 %), N2 (20 %);  N1 ─ N3 (20 %);  N3 ─ N4 (30 %);  N1 ┄ N2 (50 %)
 *     RE ─ E1 (10 %), E2 (30 %);  E1 ─ E2 (20 %);  E2 ─ E3 (20 %);  E3 ─ E4 (30 %);  E1 ┄ N1 (60 %)
 *     RS ─ S1 (10 %), S2 (20 %);  S1 ─ S3 (20 %);  S3 ─ S4 (30 %);  S1 ┄ S2 (50 %)
 *     RW ─ W1 (10 %), W2 (50 %);  W1 ─ W3 (30 %)
 *
 * Relays are ROUTERs with rebroadcast_mode ALL (docs/meshtastic.md §8.7: our own relays must
 * keep ALL; a ROUTER's default would drop our portnum), kits and G are CLIENTs. From minute 20 to
 * 35 relay RE is off the air (a hill-top mast without power): E3 and E4 then have no path within
 * the hop limit and E1 and E2 only the poor one through N1; afterwards all have their paths again,
 * so every report has a path within its lifetime.
 *
 * The load: each kit files REPORTS_PER_KIT 初报 like the reference R1 during the hour, at seeded
 * random times.
 */
import type { Draft } from '../node/src/core/node-core.js';
import { seededRandom } from '../node/src/link/seeded-random.js';
import { R1 } from '../node/src/wire/fixtures/reference-messages.js';
import type { MeshLinkSpec, MeshNodeSpec } from '../radio/sim/meshtastic/mesh-network.js';
import type { LinkQuality } from '../radio/sim/meshtastic/rf-medium.js';
import { DeviceRole, RebroadcastMode } from '../radio/src/meshtastic/constants.js';

export const CENTRE = 1;
export const GATEWAY = 3001;
export const SEED = 4301;
export const HOUR_MS = 3_600_000;
export const REPORTS_PER_KIT = 4;
export const OUTAGE = { relay: 'RE', fromMs: 20 * 60_000, toMs: 35 * 60_000 } as const;

/** Radio names → node numbers; kits and the gateway are 0x4b00_0000 + their fieldnode id. */
const KIT_NAMES = ['N1', 'N2', 'N3', 'N4', 'E1', 'E2', 'E3', 'E4', 'S1', 'S2', 'S3', 'S4', 'W1', 'W2', 'W3'];
export const KITS: ReadonlyArray<{ name: string; id: number; radio: number }> = KIT_NAMES.map((name, i) => ({
  name,
  id: 2101 + i,
  radio: 0x4b00_0000 + 2101 + i,
}));
const RELAYS: Record<string, number> = { RN: 0x4b00_f001, RE: 0x4b00_f002, RS: 0x4b00_f003, RW: 0x4b00_f004 };
export const GATEWAY_RADIO = 0x4b00_0000 + GATEWAY;

/** The radio number of a named node. */
export function radioOf(name: string): number {
  if (name === 'G') return GATEWAY_RADIO;
  const relay = RELAYS[name];
  if (relay !== undefined) return relay;
  const kit = KITS.find((k) => k.name === name);
  if (kit === undefined) throw new RangeError(`no node named ${name}`);
  return kit.radio;
}

const GOOD: Partial<LinkQuality> = { loss: 0.05, rssi: -98, snr: 7 };
const FAIR = (loss: number): Partial<LinkQuality> => ({ loss, rssi: -112, snr: -2 });
const POOR = (loss: number): Partial<LinkQuality> => ({ loss, rssi: -122, snr: -12 });

/** Who hears whom, both ways. */
const LINKS: Array<[string, string, Partial<LinkQuality>]> = [
  ['G', 'RN', GOOD],
  ['G', 'RE', GOOD],
  ['G', 'RS', GOOD],
  ['G', 'RW', GOOD],
  // The hill-tops see each other along the ridge, so relays hear (and defer to) one another.
  ['RN', 'RE', FAIR(0.1)],
  ['RE', 'RS', FAIR(0.1)],
  ['RS', 'RW', FAIR(0.1)],
  ['RW', 'RN', FAIR(0.1)],
  ['RN', 'N1', FAIR(0.1)],
  ['RN', 'N2', FAIR(0.2)],
  ['N1', 'N2', POOR(0.5)],
  ['N1', 'N3', FAIR(0.2)],
  ['N3', 'N4', FAIR(0.3)],
  ['RE', 'E1', FAIR(0.1)],
  ['RE', 'E2', FAIR(0.3)],
  ['E1', 'E2', FAIR(0.2)],
  ['E2', 'E3', FAIR(0.2)],
  ['E3', 'E4', FAIR(0.3)],
  ['E1', 'N1', POOR(0.6)],
  ['RS', 'S1', FAIR(0.1)],
  ['RS', 'S2', FAIR(0.2)],
  ['S1', 'S2', POOR(0.5)],
  ['S1', 'S3', FAIR(0.2)],
  ['S3', 'S4', FAIR(0.3)],
  ['RW', 'W1', FAIR(0.1)],
  ['RW', 'W2', POOR(0.5)],
  ['W1', 'W3', FAIR(0.3)],
];

export function meshNodes(): MeshNodeSpec[] {
  const relay = { role: DeviceRole.ROUTER, rebroadcastMode: RebroadcastMode.ALL };
  return [
    { num: GATEWAY_RADIO },
    ...Object.values(RELAYS).map((num) => ({ num, ...relay })),
    ...KITS.map((k) => ({ num: k.radio })),
  ];
}

export function meshLinks(): MeshLinkSpec[] {
  return LINKS.map(([a, b, q]) => ({ a: radioOf(a), b: radioOf(b), ...q }));
}

/** The links the outage cuts: every one of the relay's, both ways. */
export function outageLinks(): Array<[number, number]> {
  const r = radioOf(OUTAGE.relay);
  return meshLinks().flatMap(
    (l): Array<[number, number]> =>
      l.a === r || l.b === r
        ? [
            [l.a, l.b],
            [l.b, l.a],
          ]
        : [],
  );
}

/** One report offered to the mesh: which kit, when (simulated ms after the start), which one. */
export interface Offer {
  kit: number;
  atMs: number;
  n: number;
}

/** The hour's load: REPORTS_PER_KIT per kit at seeded random times, in time order. */
export function offers(seed = SEED): Offer[] {
  const random = seededRandom(seed);
  const out: Offer[] = [];
  for (const [k, kit] of KITS.entries()) {
    for (let j = 0; j < REPORTS_PER_KIT; j++) {
      out.push({ kit: kit.id, atMs: Math.floor(random() * HOUR_MS), n: k * 10 + j });
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** A 初报 like R1, its numbers changed so every report differs. */
export function reportDraft(n: number, lifetimeMin: number): Draft<'report'> {
  return {
    kind: 'report',
    body: {
      ...R1.body,
      indicators: { ...R1.body.indicators, affected: 100 + n, missing: n % 5 },
    },
    dest: { to: 'centre' },
    priority: 1,
    lifetimeMin,
  };
}
