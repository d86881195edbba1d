/**
 * `PortNum` values the simulated device treats specially (docs/meshtastic.md §1.7, §2.3,
 * §2.4, §2.6) and that radio/src/meshtastic/constants.ts does not name. Values from portnums.proto
 * at v2.6.11.
 */
import { PortNum } from '../../src/meshtastic/constants.js';

export const SimPortNum = {
  ...PortNum,
  WAYPOINT_APP: 8,
  ALERT_APP: 11,
  RANGE_TEST_APP: 66,
  TELEMETRY_APP: 67,
  TRACEROUTE_APP: 70,
} as const;
