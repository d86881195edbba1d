/**
 * The node's status as the API shows it (docs/api.md §Status): the whole of it for people signed
 * in, and a public subset for anyone on the Wi-Fi.
 *
 * The public subset says what a villager without a PIN needs to know, "can this kit reach the
 * county now, and will its battery hold": the node's name, whether its clock is trusted, how many
 * links are up, and the power. It leaves out what helps someone misuse the kit more than it helps
 * anyone use it: link names, addresses, errors and counters (which say when a jammer works), the
 * queue (how busy the responders are) and the satellite credit budget (what it would take to spend
 * it).
 *
 * Both say when the node is a drill (`node.drill`: docs/ui.md §Drill mode), so that everyone who
 * opens its page, a villager without a PIN too, sees that what it files is an exercise; and the
 * county's time zone (`county.time_zone`: docs/reports.md §County time), so that every page shows
 * times on the county's clock, the "no contact since 09:43" of a page without a PIN too. The zone
 * helps nobody misuse the kit.
 */
import type { LinkStatus, NodeClockStatus, NodeStatus } from '../app-contract.js';
import { DEFAULT_COUNTY_TIME_ZONE } from '../domain/county-time.js';

/** The kit's power supply (docs/api.md §Status). No kit measures it yet: absent until one does. */
export interface PowerStatus {
  /** Where the power comes from now. */
  source: 'mains' | 'solar' | 'battery' | 'unknown';
  /** Battery charge, 0–100 %, when measured. */
  batteryPercent?: number;
  /** Battery voltage, V, when measured. */
  batteryVolts?: number;
  /** The battery is charging. */
  charging?: boolean;
  /** Time left on the battery at the present draw, minutes, when estimated. */
  minutesLeft?: number;
  /** When it was read, unix ms. */
  at: number;
}

export interface LinkView {
  id: string;
  kind: string;
  status: 'starting' | 'up' | 'down';
  since?: number;
  reason?: string;
  detail?: string;
  counters: Record<string, number>;
  mt?: { on: boolean; reason?: string };
  outage?: { since: number; attempts: number; lastError: string };
}

/** One satellite link's credits (docs/store-and-forward.md §Satellite). */
export interface CreditsView {
  link: string;
  /** Credits spent since the daemon started (the link's counter). */
  spent: number;
  usedDay?: number;
  perDay?: number;
  usedIncident?: number;
  perIncident?: number;
  /** Credits P1–P3 may still spend now; absent without a limit. */
  left?: number;
  nextReleaseAt?: number;
}

/** Who the node is; `drill` only on a drill node, whose every report is an exercise. */
export interface NodeView {
  id: number;
  role: string;
  name?: string;
  drill?: boolean;
}

export interface StatusView {
  node: NodeView & { version: string };
  /** The county's IANA time zone: the clock of every deadline and every time shown. */
  timeZone: string;
  ready: boolean;
  startedAt: number;
  clock: NodeClockStatus;
  links: LinkView[];
  queue: { total: number; byLink: Record<string, number> };
  credits: CreditsView[];
  power?: PowerStatus;
  store?: { bytes: number; retentionMs: number };
}

export interface PublicStatusView {
  node: NodeView;
  /** The county's IANA time zone. */
  timeZone: string;
  ready: boolean;
  clockTrusted: boolean;
  /** `ok`: every link up; `degraded`: some; `down`: none (or none configured). */
  reach: 'ok' | 'degraded' | 'down';
  links: { up: number; total: number };
  power?: Pick<PowerStatus, 'source' | 'batteryPercent' | 'charging' | 'minutesLeft'>;
}

export function statusView(
  s: NodeStatus,
  extra: { version: string; ready: boolean; power?: PowerStatus },
): StatusView {
  const byLink = { ...s.queue };
  return {
    node: { ...nodeView(s), version: extra.version },
    timeZone: s.timeZone ?? DEFAULT_COUNTY_TIME_ZONE,
    ready: extra.ready,
    startedAt: s.startedAt,
    clock: s.clock,
    links: s.links.map(linkView),
    queue: { total: Object.values(byLink).reduce((a, b) => a + b, 0), byLink },
    credits: s.links.flatMap(creditsView),
    ...(extra.power ? { power: extra.power } : {}),
    ...(s.store ? { store: { bytes: s.store.bytes, retentionMs: s.store.retentionMs } } : {}),
  };
}

export function publicStatusView(
  s: NodeStatus,
  extra: { ready: boolean; power?: PowerStatus },
): PublicStatusView {
  const up = s.links.filter((l) => stateOf(l).status === 'up').length;
  const total = s.links.length;
  const { source, batteryPercent, charging, minutesLeft } = extra.power ?? ({} as Partial<PowerStatus>);
  return {
    node: nodeView(s),
    timeZone: s.timeZone ?? DEFAULT_COUNTY_TIME_ZONE,
    ready: extra.ready,
    clockTrusted: s.clock.trusted,
    reach: total > 0 && up === total ? 'ok' : up > 0 ? 'degraded' : 'down',
    links: { up, total },
    ...(extra.power && source
      ? {
          power: {
            source,
            ...(batteryPercent === undefined ? {} : { batteryPercent }),
            ...(charging === undefined ? {} : { charging }),
            ...(minutesLeft === undefined ? {} : { minutesLeft }),
          },
        }
      : {}),
  };
}

/** The node's own fields, named one by one so that nothing added to NodeStatus leaks into the public subset. */
function nodeView(s: NodeStatus): NodeView {
  const { id, role, name, drill } = s.node;
  return { id, role, ...(name === undefined ? {} : { name }), ...(drill === true ? { drill: true } : {}) };
}

function stateOf(l: LinkStatus): {
  status: LinkView['status'];
  since?: number;
  reason?: string;
  detail?: string;
} {
  const st = (l.state ?? {}) as { status?: unknown; since?: unknown; reason?: unknown; detail?: unknown };
  const status = st.status === 'up' || st.status === 'down' ? st.status : 'starting';
  return {
    status,
    ...(typeof st.since === 'number' ? { since: st.since } : {}),
    ...(typeof st.reason === 'string' ? { reason: st.reason } : {}),
    ...(typeof st.detail === 'string' ? { detail: st.detail } : {}),
  };
}

function linkView(l: LinkStatus): LinkView {
  return {
    id: l.id,
    kind: l.kind,
    ...stateOf(l),
    counters: numbersOf(l.counters),
    ...(l.mt ? { mt: l.mt } : {}),
    ...(l.outage ? { outage: l.outage } : {}),
  };
}

function creditsView(l: LinkStatus): CreditsView[] {
  const counters = numbersOf(l.counters);
  if (l.satellite === undefined && counters.credits === undefined) return [];
  const b = l.satellite?.budget;
  return [
    {
      link: l.id,
      spent: counters.credits ?? 0,
      ...(b
        ? {
            usedDay: b.usedDay,
            usedIncident: b.usedIncident,
            ...(b.perDay === undefined ? {} : { perDay: b.perDay }),
            ...(b.perIncident === undefined ? {} : { perIncident: b.perIncident }),
            ...(b.left === undefined ? {} : { left: b.left }),
            ...(b.nextReleaseAt === undefined ? {} : { nextReleaseAt: b.nextReleaseAt }),
          }
        : {}),
    },
  ];
}

/** The numeric counters of a link; anything else a link puts there is left out. */
function numbersOf(counters: unknown): Record<string, number> {
  if (typeof counters !== 'object' || counters === null) return {};
  return Object.fromEntries(
    Object.entries(counters).filter(
      (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]),
    ),
  );
}
