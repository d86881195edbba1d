/**
 * Health: a kit tells the centre how it is, on a cadence (docs/wire-format.md §4.7; docs/kits.md
 * §What a kit tells the centre). Kind 13, MAC-tagged, from a kit to the centre: its power and
 * battery, its clock's source and trust, its links up or down, what waits in its queue, how long
 * its daemon has run, and when the next one is due, so that the centre can tell a kit that went
 * quiet from one that is merely between two messages.
 *
 * Not an extension of the beacon (kind 12): a beacon goes one hop, is signed with the node's
 * identity and is never stored, while the centre may be several hops away. Health travels as any
 * kit message does, at the lowest priority, wanting no end-to-end receipt, and living two intervals:
 * a newer one makes it worthless, and with the default latency bounds it never waits long enough
 * to go by satellite.
 *
 * The clock sources, link kinds and link states are code tables (rows appended, never renumbered):
 * a code this version does not know still travels, and is shown as its number.
 */
import { U32_MAX } from '../field-codecs.js';
import { arrayOf, bool, enumOf, optional, type RecordOf, record, required, scaled, uint } from '../schema.js';

/** Where the kit's power comes from now (the API's PowerStatus `source`). */
export const POWER_SOURCES = ['unknown', 'mains', 'solar', 'battery'] as const;

/** Clock sources, by code (docs/time.md): what set the kit's clock; 0 none. */
export const CLOCK_SOURCE_CODES = ['none', 'system', 'operator', 'centre', 'iridium', 'gps'] as const;

/** Link kinds, by code (docs/links.md): what the link is. */
export const LINK_KIND_CODES = ['meshtastic', 'iridium-sbd', 'beidou', 'ip'] as const;

/** Link states, by code (docs/links.md §The link contract): up, starting, or down and why. */
export const LINK_STATE_CODES = [
  'up',
  'starting',
  'stopped',
  'no-device',
  'port-error',
  'port-closed',
  'read-error',
  'write-error',
  'config-mismatch',
  'no-service',
] as const;

/** The most links one health message lists: more than any kit has. */
export const MAX_HEALTH_LINKS = 16;

export const healthFields = {
  /** Seconds until the kit's next health message: the centre expects it by then. */
  intervalS: required(uint(86_400)),
  power: required(enumOf(POWER_SOURCES)),
  /** Battery charge, percent. */
  batteryPct: optional(uint(100)),
  /** Battery voltage, V with two decimals (sent in hundredths): a 12 V battery's curve is flat. */
  batteryVolts: optional(scaled(100, 100)),
  charging: optional(bool),
  /** Time left on the battery at the present draw, minutes. */
  minutesLeft: optional(uint(0xffff)),
  /** What set the clock: a code of CLOCK_SOURCE_CODES. */
  clock: required(uint(63)),
  /** The kit trusts its clock: what it stamps is true (docs/time.md). */
  clockTrusted: required(bool),
  /** Each link: its kind and state, codes of LINK_KIND_CODES and LINK_STATE_CODES. */
  links: optional(arrayOf(record({ kind: required(uint(63)), state: required(uint(63)) }), MAX_HEALTH_LINKS)),
  /** Messages waiting in the kit's outbox, every link counted. */
  queued: optional(uint(U32_MAX)),
  /** Minutes since the kit's daemon started: a kit that keeps restarting shows it here. */
  upMin: optional(uint(U32_MAX)),
};

export type HealthBody = RecordOf<typeof healthFields>;

export function checkHealth(body: HealthBody): string | undefined {
  if (body.intervalS < 1) return 'a health message names the time to the next one, at least a second';
  return undefined;
}

/** The name of a code in one of the tables above, or `code N` for one a later version added. */
export function codeName(table: readonly string[], code: number): string {
  return table[code] ?? `code ${code}`;
}
