/**
 * A profile's fields as a radio's settings hold them, and how each compares with the profile
 * (docs/profiles.md §Reading back): the values come from the config dump (radio-settings.ts),
 * never from what was written, so a radio that misreports or did not take a write shows it.
 */
import { ChannelRole } from '../meshtastic/constants.js';
import type { RadioSettings } from '../meshtastic/radio-settings.js';
import {
  CHANNEL_ROLE,
  type MeshtasticProfile,
  type ProfileFieldSpec,
  type ProfileSetting,
  type ProfileValue,
  sameValue,
} from './meshtastic-profile.js';

/** The channel slot's role a profile wants. */
export const wantedChannelRole = (index: number): number =>
  index === 0 ? ChannelRole.PRIMARY : ChannelRole.SECONDARY;

/** Everything a profile is checked on: its settings, and the channel slot's role. */
export function checkedSettings(profile: MeshtasticProfile): ProfileSetting[] {
  const out = [...profile.settings];
  const psk = out.findIndex((s) => s.spec.name === 'channel.psk');
  out.splice(psk < 0 ? out.length : psk + 1, 0, {
    spec: CHANNEL_ROLE,
    value: wantedChannelRole(profile.channelIndex),
  });
  return out;
}

function asValue(v: unknown): ProfileValue | undefined {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' || v instanceof Uint8Array)
    return v;
  return undefined;
}

/** The value the radio reports for `spec`, or undefined when its dump did not carry it. */
export function readField(
  settings: RadioSettings,
  channelIndex: number,
  spec: ProfileFieldSpec,
): ProfileValue | undefined {
  if (spec.section === 'channel') {
    const channel = settings.channels[channelIndex];
    if (channel === undefined) return undefined;
    if (spec === CHANNEL_ROLE) return channel.role;
    const s = channel.settings;
    return s === undefined ? undefined : asValue((s as unknown as Record<string, unknown>)[spec.localName]);
  }
  const message = settings[spec.section];
  return message === undefined
    ? undefined
    : asValue((message as unknown as Record<string, unknown>)[spec.localName]);
}

export type VerifyStatus = 'matches' | 'mismatch';

export interface VerifiedField {
  field: string;
  spec: ProfileFieldSpec;
  wanted: ProfileValue;
  read: ProfileValue | undefined;
  status: VerifyStatus;
}

/** Every checked field of `profile` against the radio's settings. */
export function verifySettings(profile: MeshtasticProfile, settings: RadioSettings): VerifiedField[] {
  return checkedSettings(profile).map(({ spec, value }) => {
    const read = readField(settings, profile.channelIndex, spec);
    return {
      field: spec.name,
      spec,
      wanted: value,
      read,
      status: sameValue(read, value) ? 'matches' : 'mismatch',
    };
  });
}
