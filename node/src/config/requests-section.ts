/**
 * The `requests` section of the configuration file (docs/conventions.md §Configuration;
 * docs/requests.md §SOS): how often the centre's alarm sounds again for an SOS nobody has
 * acknowledged. Optional: left out, the default.
 */
import type { Section } from './reader.js';

export const REQUESTS_KEYS = ['sos_repeat_s'];

export interface RequestsConfig {
  /** At the centre: an SOS not yet acknowledged sounds the alarm again this often, ms. Default 60 s. */
  readonly sosRepeatMs: number;
}

export const DEFAULT_REQUESTS: RequestsConfig = { sosRepeatMs: 60_000 };

export function parseRequestsSection(s: Section): RequestsConfig {
  const repeat = s.int('sos_repeat_s', 10, 3600);
  return { sosRepeatMs: repeat === undefined ? DEFAULT_REQUESTS.sosRepeatMs : repeat * 1000 };
}
