/**
 * Who is in the demonstration county (docs/demo-county.md §Who is in it): its places, nodes,
 * people and the LoRa links between the radios. Pure data; nothing here starts or writes anything.
 *
 * The county is made up: 演示县, code 439901, under 湖南省 (43), whose prefecture code 99 GB/T 2260
 * does not assign, so no real place is ever named by a drill. Its codes are in the real 6, 9 and
 * 12 digit form (docs/domain-model.md §Areas) and pass the same checks as real ones. Every name
 * carries （演练） (a drill), as the wire's `exercise` flag does for messages.
 */
import type { NodeRole } from '../config/schema.js';
import type { NamedArea } from '../domain/roster/area-directory.js';
import type { Person } from '../domain/roster/person.js';

/** The county's division code and its one township. */
export const DEMO_COUNTY_AREA = 439901;
export const DEMO_TOWNSHIP_AREA = 439901101;

/** One fieldnode of the county. */
export interface DemoNodePlan {
  id: number;
  role: NodeRole;
  /** Its folder and configuration file under nodes/: `kit-2101`. */
  slug: string;
  /** `node.name`, for people. */
  name: string;
  /** What it is, for the banner. */
  what: { zh: string; en: string };
  area: number;
  /** Its Meshtastic radio's node number; none at the centre, which is reached by satellite. */
  radio?: number;
  /** Its web port, counted from the first (8100): the centre 0, the others 1, 2, … */
  webOffset: number;
  /** The roster person who signs in at this node (the banner shows their PIN). */
  person: number;
}

export const CENTRE = 1;
export const GATEWAY = 3001;
export const TEAM = 4001;
/** The kit the banner's guide sends a newcomer to. */
export const FIRST_KIT = 2101;

/**
 * The nodes, the centre first. Radio numbers read as the node id in hex (`!de502101`), so a
 * Meshtastic address in a log says whose radio it is.
 */
export const DEMO_NODES: readonly DemoNodePlan[] = [
  {
    id: CENTRE,
    role: 'centre',
    slug: 'centre-1',
    name: '演示县应急指挥中心（演练）',
    what: { zh: '县指挥中心', en: 'county centre' },
    area: DEMO_COUNTY_AREA,
    webOffset: 0,
    person: 1,
  },
  {
    id: GATEWAY,
    role: 'gateway',
    slug: 'gateway-3001',
    name: '青山镇卫星网关（演练）',
    what: { zh: '镇网关', en: 'township gateway' },
    area: DEMO_TOWNSHIP_AREA,
    radio: 0xde503001,
    webOffset: 1,
    person: 2,
  },
  {
    id: FIRST_KIT,
    role: 'kit',
    slug: 'kit-2101',
    name: '青龙村应急点（演练）',
    what: { zh: '村应急点', en: 'village kit' },
    area: 439901101201,
    radio: 0xde502101,
    webOffset: 2,
    person: 3,
  },
  {
    id: 2102,
    role: 'kit',
    slug: 'kit-2102',
    name: '白石村应急点（演练）',
    what: { zh: '村应急点', en: 'village kit' },
    area: 439901101202,
    radio: 0xde502102,
    webOffset: 3,
    person: 4,
  },
  {
    id: 2103,
    role: 'kit',
    slug: 'kit-2103',
    name: '柳溪村应急点（演练）',
    what: { zh: '村应急点', en: 'village kit' },
    area: 439901101203,
    radio: 0xde502103,
    webOffset: 4,
    person: 5,
  },
  {
    id: TEAM,
    role: 'team',
    slug: 'team-4001',
    name: '县蓝天救援队（演练）',
    what: { zh: '救援队', en: 'rescue team' },
    area: DEMO_COUNTY_AREA,
    radio: 0xde504001,
    webOffset: 5,
    person: 6,
  },
];

/**
 * Which radios hear which (one simulated LoRa channel). 柳溪村 lies behind a hill from the
 * township: only 白石村's radio hears it, and relays for it, as any Meshtastic CLIENT does.
 * The SNRs are of a good rural link on LONG_FAST.
 */
export const DEMO_LORA_LINKS: ReadonlyArray<{ a: number; b: number; snr: number; rssi: number }> = [
  { a: GATEWAY, b: FIRST_KIT, snr: 7, rssi: -95 },
  { a: GATEWAY, b: 2102, snr: 5, rssi: -102 },
  { a: GATEWAY, b: TEAM, snr: 8, rssi: -90 },
  { a: FIRST_KIT, b: 2102, snr: 2, rssi: -110 },
  { a: 2102, b: 2103, snr: 4, rssi: -105 },
];

/** The gateway's RockBLOCK 9603, as the centre enrols it. */
export const GATEWAY_IMEI = '300534069903001';

/** The areas the roster names (the `roster.areas` of docs/domain-model.md §The roster in the configuration). */
export const DEMO_AREAS: readonly NamedArea[] = [
  { code: DEMO_COUNTY_AREA, name: '演示县（演练）' },
  { code: DEMO_TOWNSHIP_AREA, name: '青山镇' },
  { code: 439901101201, name: '青龙村' },
  { code: 439901101202, name: '白石村' },
  { code: 439901101203, name: '柳溪村' },
];

/**
 * The county's map (docs/map.md; docs/demo-county.md §The map): an outline of the county, its
 * township and its three villages, as the `map:` section writes them (rings of [lon, lat],
 * WGS-84), and the points worth showing. The shapes are made up like the county, drawn in the hills
 * of eastern Hunan to give the map a plausible scale: 柳溪村 lies east, behind the hill
 * (DEMO_LORA_LINKS).
 */
export const DEMO_OUTLINES: ReadonlyArray<{ code: number; ring: ReadonlyArray<readonly [number, number]> }> =
  [
    {
      code: DEMO_COUNTY_AREA,
      ring: [
        [113.8, 28.2],
        [114.05, 28.18],
        [114.1, 28.35],
        [113.95, 28.45],
        [113.78, 28.38],
      ],
    },
    {
      code: DEMO_TOWNSHIP_AREA,
      ring: [
        [113.86, 28.255],
        [114.025, 28.25],
        [114.03, 28.36],
        [113.87, 28.365],
      ],
    },
    {
      code: 439901101201,
      ring: [
        [113.87, 28.27],
        [113.92, 28.265],
        [113.925, 28.33],
        [113.885, 28.35],
      ],
    },
    {
      code: 439901101202,
      ring: [
        [113.92, 28.265],
        [113.97, 28.26],
        [113.975, 28.34],
        [113.925, 28.33],
      ],
    },
    {
      code: 439901101203,
      ring: [
        [113.97, 28.26],
        [114.015, 28.255],
        [114.02, 28.35],
        [113.975, 28.34],
      ],
    },
  ];

/** The places on the county's map: its nodes, shelters and a reservoir above the villages. */
export const DEMO_MAP_POINTS: ReadonlyArray<{
  name: string;
  kind: 'shelter' | 'kit' | 'landmark';
  at: readonly [number, number];
  area?: number;
}> = [
  { name: '县应急指挥中心', kind: 'kit', at: [113.84, 28.22], area: DEMO_COUNTY_AREA },
  { name: '青山镇卫星网关', kind: 'kit', at: [113.95, 28.325], area: DEMO_TOWNSHIP_AREA },
  { name: '青龙村应急点', kind: 'kit', at: [113.897, 28.3], area: 439901101201 },
  { name: '白石村应急点', kind: 'kit', at: [113.948, 28.298], area: 439901101202 },
  { name: '柳溪村应急点', kind: 'kit', at: [113.995, 28.303], area: 439901101203 },
  { name: '青龙村小学安置点', kind: 'shelter', at: [113.902, 28.292], area: 439901101201 },
  { name: '白石村村委会安置点', kind: 'shelter', at: [113.952, 28.291], area: 439901101202 },
  { name: '柳溪村祠堂安置点', kind: 'shelter', at: [113.99, 28.312], area: 439901101203 },
  { name: '青山水库', kind: 'landmark', at: [113.96, 28.345], area: DEMO_TOWNSHIP_AREA },
];

/** The people, one per node, each signing in where DemoNodePlan.person names them. */
export const DEMO_PEOPLE: readonly Person[] = [
  { id: 1, name: '王芳（演练）', roles: ['duty-officer', 'admin'], areas: [DEMO_COUNTY_AREA] },
  { id: 2, name: '李强（演练）', roles: ['flood-responsible'], areas: [DEMO_TOWNSHIP_AREA] },
  { id: 3, name: '赵小红（演练）', roles: ['info-officer', 'flood-responsible'], areas: [439901101201] },
  { id: 4, name: '陈明（演练）', roles: ['info-officer', 'flood-responsible'], areas: [439901101202] },
  { id: 5, name: '刘芳（演练）', roles: ['info-officer', 'flood-responsible'], areas: [439901101203] },
  { id: 6, name: '周军（演练）', roles: ['team-leader'], areas: [DEMO_COUNTY_AREA] },
];

export function planOf(id: number): DemoNodePlan {
  const plan = DEMO_NODES.find((n) => n.id === id);
  if (plan === undefined) throw new RangeError(`no node ${id} in the demonstration county`);
  return plan;
}

export function personOf(id: number): Person {
  const person = DEMO_PEOPLE.find((p) => p.id === id);
  if (person === undefined) throw new RangeError(`no person ${id} in the demonstration county`);
  return person;
}

/** The nodes on the LoRa mesh: everyone but the centre. */
export function meshNodes(): DemoNodePlan[] {
  return DEMO_NODES.filter((n) => n.radio !== undefined);
}
