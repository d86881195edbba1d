/**
 * Reading the radio's config back and judging it (docs/conventions.md §Links: read radio settings back and refuse to
 * go online on a mismatch; docs/meshtastic.md §1.8, §2.3, §8.7).
 *
 * Refused (the link stays down, 'config-mismatch'): our channel index is disabled or missing, so
 * the firmware would NAK every packet NO_CHANNEL. Warned about (the link comes up): region unset or
 * TX disabled (every send fails DEVICE_ERROR until fixed), and a rebroadcast mode that drops custom
 * portnums (NONE, CORE_PORTNUMS_ONLY: the radio neither relays nor, for CORE_PORTNUMS_ONLY, hands
 * us our portnum; set ALL in a config write of its own after any role change, §2.3).
 */
import { ChannelRole, RebroadcastMode, RegionCode } from './constants.js';
import type { DeviceInfo } from './device-info.js';

export interface RadioConfigCheck {
  /** Why the link must not come up, if it must not. */
  mismatch?: string;
  warnings: { message: string; fields: Record<string, unknown> }[];
}

export function checkRadioConfig(info: DeviceInfo, channel: number): RadioConfigCheck {
  const out: RadioConfigCheck = { warnings: [] };
  const c = info.channels.find((ch) => ch.index === channel);
  if (c === undefined || c.role === ChannelRole.DISABLED) {
    out.mismatch = `channel ${channel} is ${c ? 'disabled' : 'missing'} on the radio`;
  }
  const l = info.lora;
  if (l && (l.region === RegionCode.UNSET || !l.txEnabled)) {
    out.warnings.push({
      message: 'the radio will not transmit: region unset or tx disabled',
      fields: { region: l.region, txEnabled: l.txEnabled },
    });
  }
  const mode = info.device?.rebroadcastMode;
  if (mode === RebroadcastMode.NONE || mode === RebroadcastMode.CORE_PORTNUMS_ONLY) {
    out.warnings.push({
      message:
        'the radio drops or does not relay custom portnums (rebroadcast_mode NONE or CORE_PORTNUMS_ONLY; set ALL)',
      fields: { rebroadcastMode: mode },
    });
  }
  return out;
}
