/**
 * Relay rules by role and rebroadcast mode (docs/meshtastic.md §2.3, §5.1).
 */
import { describe, expect, it } from 'vitest';
import { DeviceRole, PortNum, RebroadcastMode } from '../../src/meshtastic/constants.js';
import {
  cancelsOnDuplicate,
  corePortnumsOnlyDrops,
  mayRelay,
  type RelayFacts,
  roleDefaultRebroadcastMode,
} from './relay-policy.js';

const facts = (over: Partial<RelayFacts>): RelayFacts => ({
  role: DeviceRole.CLIENT,
  mode: RebroadcastMode.ALL,
  profile: '2.6',
  decoded: true,
  portnum: PortNum.PRIVATE_APP,
  senderKnown: true,
  ...over,
});

describe('relay policy (§2.3, §5.1)', () => {
  it('installRoleDefaults: ROUTER gets CORE_PORTNUMS_ONLY; REPEATER only on 2.6; CLIENT keeps ALL', () => {
    expect(roleDefaultRebroadcastMode(DeviceRole.ROUTER, '2.7.5')).toBe(RebroadcastMode.CORE_PORTNUMS_ONLY);
    expect(roleDefaultRebroadcastMode(DeviceRole.REPEATER, '2.6')).toBe(RebroadcastMode.CORE_PORTNUMS_ONLY);
    expect(roleDefaultRebroadcastMode(DeviceRole.REPEATER, '2.7.5')).toBe(RebroadcastMode.ALL);
    expect(roleDefaultRebroadcastMode(DeviceRole.CLIENT, '2.6')).toBe(RebroadcastMode.ALL);
  });

  it('CORE_PORTNUMS_ONLY: the 2.6 blacklist has 256 and 257 but not 258–511; the 2.7.5 whitelist drops every custom portnum', () => {
    expect([256, 257, 258, 511].map((p) => corePortnumsOnlyDrops(p, '2.6'))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect([256, 300, 511].every((p) => corePortnumsOnlyDrops(p, '2.7.5'))).toBe(true);
    expect(corePortnumsOnlyDrops(PortNum.TEXT_MESSAGE_APP, '2.7.5')).toBe(false);
    expect(corePortnumsOnlyDrops(PortNum.ROUTING_APP, '2.6')).toBe(false);
  });

  it('mayRelay: CLIENT_MUTE and NONE never; LOCAL_ONLY only what it decodes; KNOWN_ONLY also only known senders', () => {
    expect(mayRelay(facts({ role: DeviceRole.CLIENT_MUTE }))).toBe(false);
    expect(mayRelay(facts({ mode: RebroadcastMode.NONE }))).toBe(false);
    expect(mayRelay(facts({ mode: RebroadcastMode.LOCAL_ONLY, decoded: false, portnum: undefined }))).toBe(
      false,
    );
    expect(mayRelay(facts({ mode: RebroadcastMode.LOCAL_ONLY }))).toBe(true);
    expect(mayRelay(facts({ mode: RebroadcastMode.KNOWN_ONLY, senderKnown: false }))).toBe(false);
    expect(mayRelay(facts({ mode: RebroadcastMode.KNOWN_ONLY }))).toBe(true);
    expect(mayRelay(facts({ mode: RebroadcastMode.ALL, decoded: false, portnum: undefined }))).toBe(true);
    expect(mayRelay(facts({ mode: RebroadcastMode.CORE_PORTNUMS_ONLY }))).toBe(false);
    expect(mayRelay(facts({ mode: RebroadcastMode.CORE_PORTNUMS_ONLY, portnum: 300 }))).toBe(true);
  });

  it('perhapsCancelDupe: only ROUTER, REPEATER and ROUTER_LATE keep their relay', () => {
    expect(cancelsOnDuplicate(DeviceRole.CLIENT)).toBe(true);
    expect(cancelsOnDuplicate(DeviceRole.CLIENT_HIDDEN)).toBe(true);
    expect(cancelsOnDuplicate(DeviceRole.ROUTER)).toBe(false);
    expect(cancelsOnDuplicate(DeviceRole.REPEATER)).toBe(false);
    expect(cancelsOnDuplicate(DeviceRole.ROUTER_LATE)).toBe(false);
  });
});
