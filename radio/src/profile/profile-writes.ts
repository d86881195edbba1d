/**
 * What to write to bring a radio to a profile (docs/profiles.md §Writing; docs/meshtastic.md
 * §1.6, §2.3): one transaction, `begin_edit_settings`, a `set_config` per section that differs
 * (device, position, power, lora) and a `set_channel` when the channel differs, then
 * `commit_edit_settings`, after which the radio saves and reboots once.
 *
 * Each section is written whole, as the firmware replaces it whole: the message the radio
 * reported, with the profile's fields put in, so that what the profile does not name keeps its
 * value (fields this schema does not know included: they travel as the radio sent them).
 *
 * The role/rebroadcast trap (§2.3): the firmware installs a new role's defaults after it copied
 * the device config in, so a ROUTER's rebroadcast mode becomes CORE_PORTNUMS_ONLY whatever the
 * same message said, and role defaults may reset other intervals too. When the role changes, the
 * first write is therefore the device config alone; everything else, and the device config once
 * more with its rebroadcast mode, goes in a second write after the radio rebooted with its new
 * role.
 */
import { clone, create, type DescMessage } from '@bufbuild/protobuf';
import { beginEditSettings, commitEditSettings, setChannel, setConfig } from '../meshtastic/admin-frames.js';
import {
  type AdminMessage,
  type ConfigMessage,
  type DeviceConfig,
  type LoRaConfig,
  type PositionConfig,
  type PowerConfig,
  Schemas,
} from '../meshtastic/codec.js';
import type { RadioSettings } from '../meshtastic/radio-settings.js';
import type { MeshtasticProfile, ProfileSection, ProfileSetting } from './meshtastic-profile.js';
import { sameValue } from './meshtastic-profile.js';
import { checkedSettings, readField, wantedChannelRole } from './profile-read.js';

export interface PlannedWrite {
  /** 'role-change': the device config alone, a new role first; 'settings': everything that differs. */
  purpose: 'role-change' | 'settings';
  /** The sections written, in order. */
  sections: ProfileSection[];
  /** The profile fields whose value the radio did not have. */
  fields: string[];
  /** `begin_edit_settings`, the writes, `commit_edit_settings`. */
  messages: AdminMessage[];
}

/** The order sections are written in. */
const ORDER: readonly ProfileSection[] = ['device', 'position', 'power', 'lora', 'channel'];

const CONFIG_SCHEMA: Record<Exclude<ProfileSection, 'channel'>, DescMessage> = {
  device: Schemas.DeviceConfig,
  position: Schemas.PositionConfig,
  power: Schemas.PowerConfig,
  lora: Schemas.LoRaConfig,
};

function differing(profile: MeshtasticProfile, settings: RadioSettings): ProfileSetting[] {
  return checkedSettings(profile).filter(
    (s) => !sameValue(readField(settings, profile.channelIndex, s.spec), s.value),
  );
}

function put(target: object, setting: ProfileSetting): void {
  const v = setting.value;
  (target as Record<string, unknown>)[setting.spec.localName] =
    v instanceof Uint8Array ? Uint8Array.from(v) : v;
}

function configMessage(
  section: Exclude<ProfileSection, 'channel'>,
  profile: MeshtasticProfile,
  settings: RadioSettings,
): ConfigMessage {
  const schema = CONFIG_SCHEMA[section];
  const current = settings[section];
  const value = current === undefined ? create(schema) : clone(schema, current);
  for (const s of profile.settings) if (s.spec.section === section) put(value, s);
  // A preset is only used with use_preset; without it the radio takes bandwidth, SF and CR.
  if (section === 'lora' && profile.settings.some((s) => s.spec.name === 'lora.modem_preset'))
    (value as Record<string, unknown>).usePreset = true;
  return configOf(section, value);
}

function configOf(section: Exclude<ProfileSection, 'channel'>, value: unknown): ConfigMessage {
  switch (section) {
    case 'device':
      return create(Schemas.Config, { payloadVariant: { case: 'device', value: value as DeviceConfig } });
    case 'position':
      return create(Schemas.Config, { payloadVariant: { case: 'position', value: value as PositionConfig } });
    case 'power':
      return create(Schemas.Config, { payloadVariant: { case: 'power', value: value as PowerConfig } });
    case 'lora':
      return create(Schemas.Config, { payloadVariant: { case: 'lora', value: value as LoRaConfig } });
  }
}

function channelMessage(profile: MeshtasticProfile, settings: RadioSettings): AdminMessage {
  const index = profile.channelIndex;
  const current = settings.channels[index]?.settings;
  const channelSettings =
    current === undefined ? create(Schemas.ChannelSettings) : clone(Schemas.ChannelSettings, current);
  for (const s of profile.settings) if (s.spec.section === 'channel') put(channelSettings, s);
  return setChannel(
    create(Schemas.Channel, { index, role: wantedChannelRole(index), settings: channelSettings }),
  );
}

function write(
  purpose: PlannedWrite['purpose'],
  sections: ProfileSection[],
  fields: string[],
  profile: MeshtasticProfile,
  settings: RadioSettings,
): PlannedWrite {
  const ordered = ORDER.filter((s) => sections.includes(s));
  const messages = [beginEditSettings()];
  for (const section of ordered) {
    messages.push(
      section === 'channel'
        ? channelMessage(profile, settings)
        : setConfig(configMessage(section, profile, settings)),
    );
  }
  messages.push(commitEditSettings());
  return { purpose, sections: ordered, fields, messages };
}

/**
 * The first write: undefined when the radio already matches the profile; the device config alone
 * when the role changes; else every section that differs.
 */
export function firstWrite(profile: MeshtasticProfile, settings: RadioSettings): PlannedWrite | undefined {
  const diff = differing(profile, settings);
  if (diff.length === 0) return undefined;
  if (diff.some((s) => s.spec.name === 'device.role')) {
    const fields = diff.filter((s) => s.spec.section === 'device').map((s) => s.spec.name);
    return write('role-change', ['device'], fields, profile, settings);
  }
  const sections = [...new Set(diff.map((s) => s.spec.section))];
  return write(
    'settings',
    sections,
    diff.map((s) => s.spec.name),
    profile,
    settings,
  );
}

/**
 * The write after a role change, on the settings read back after it: every section that differs,
 * and the device config again whatever it reads, so the rebroadcast mode is written after the
 * role took effect.
 */
export function writeAfterRoleChange(profile: MeshtasticProfile, settings: RadioSettings): PlannedWrite {
  const diff = differing(profile, settings);
  const sections = [...new Set<ProfileSection>(['device', ...diff.map((s) => s.spec.section)])];
  const fields = diff.map((s) => s.spec.name);
  return write('settings', sections, fields, profile, settings);
}
