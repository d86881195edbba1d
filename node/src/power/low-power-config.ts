/**
 * The configuration a node runs with in its low-power mode (docs/pi-kit.md §Power, the low-power
 * mode): beacons and kit health messages `low_power_factor` times less often, and P1–P3 frames
 * held that much longer for an Iridium session, so that fewer sessions run (each session checks
 * the mailbox and costs the modem's transmit current). What saves lives is not slowed: P0 frames
 * never wait, ring alerts stay as configured, and the mailbox check while a warning is active keeps
 * its interval.
 */
import type { Config, LinkConfig } from '../config/schema.js';
import { DEFAULT_SHARED_HOLD_MS } from '../core/shared-message-plan.js';

export function lowPowerConfig(config: Config, factor: number): Config {
  if (factor === 1) return config;
  return {
    ...config,
    routing: { ...config.routing, beaconIntervalMs: config.routing.beaconIntervalMs * factor },
    kits: { ...config.kits, healthIntervalMs: config.kits.healthIntervalMs * factor },
    links: config.links.map((link) => slower(link, factor)),
  };
}

function slower(link: LinkConfig, factor: number): LinkConfig {
  if (link.type !== 'iridium-sbd') return link;
  const [, p1, p2, p3] = DEFAULT_SHARED_HOLD_MS;
  const hold = link.holdMs ?? [p1, p2, p3];
  return { ...link, holdMs: [hold[0] * factor, hold[1] * factor, hold[2] * factor] };
}
