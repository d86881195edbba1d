/**
 * The home view's tiles, read from the kit's status (docs/api.md §Status; docs/ui.md §Home): each
 * tile says what the status tells and, honestly, "unknown" for what it does not. A value is never
 * made up: the status has no count of mesh neighbours, no signal strength and no last contact
 * with the centre yet, so those read unknown unless a link's counters carry them.
 */
import type { CreditsView, LinkView, StatusView } from './api-types.js';

export type Medium = 'mesh' | 'satellite' | 'ip';

/** Which medium a link is, by its kind's name (meshtastic, iridium-sbd, rockblock, directip, udp…). */
export function mediumOf(kind: string): Medium {
  const k = kind.toLowerCase();
  if (/mesh|lora/.test(k)) return 'mesh';
  if (/iridium|sbd|rockblock|directip|satellite|beidou/.test(k)) return 'satellite';
  return 'ip';
}

export interface LinkTile {
  medium: Medium;
  links: LinkView[];
  /** Counted neighbours, when a link's counters say. */
  neighbours: number | undefined;
  /** A signal reading with its unit, when a link's counters say. */
  signal: string | undefined;
  credits: CreditsView[];
}

/** The counters a link may carry for what the tiles show; absent ones stay unknown. */
const NEIGHBOUR_COUNTERS = ['neighbours', 'neighbors', 'nodes', 'peers'];
const SIGNAL_COUNTERS: ReadonlyArray<[string, string]> = [
  ['snr', ' dB'],
  ['rssi', ' dBm'],
  ['signal', '/5'],
  ['csq', '/5'],
];

export function linkTiles(status: StatusView): LinkTile[] {
  const media: Medium[] = ['mesh', 'satellite', 'ip'];
  return media.map((medium) => {
    const links = status.links.filter((l) => mediumOf(l.kind) === medium);
    const ids = new Set(links.map((l) => l.id));
    return {
      medium,
      links,
      neighbours: firstCounter(links, NEIGHBOUR_COUNTERS),
      signal: signalOf(links),
      credits: status.credits.filter((c) => ids.has(c.link)),
    };
  });
}

function firstCounter(links: readonly LinkView[], names: readonly string[]): number | undefined {
  for (const l of links) for (const n of names) if (typeof l.counters[n] === 'number') return l.counters[n];
  return undefined;
}

function signalOf(links: readonly LinkView[]): string | undefined {
  for (const l of links)
    for (const [name, unit] of SIGNAL_COUNTERS) {
      const v = l.counters[name];
      if (typeof v === 'number') return `${v}${unit}`;
    }
  return undefined;
}
