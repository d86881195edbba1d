/**
 * What a Meshtastic device profile may set, and the profile as the applier takes it
 * (docs/profiles.md §The Meshtastic profile): each field is named as the Meshtastic apps and the
 * python client name it, `section.field` after the schema (`lora.hop_limit`,
 * `device.rebroadcast_mode`), and read, written and compared through the official schema, so that
 * enum names (regions, presets, roles) are the schema's own.
 *
 * A profile sets some of these fields; what it leaves out stays as the radio has it. The channel's
 * key (`channel.psk`) is a secret: it is shown only as a fingerprint.
 */
import { createHash } from 'node:crypto';
import type { DescEnum, DescField, DescMessage } from '@bufbuild/protobuf';
import { ScalarType } from '@bufbuild/protobuf';
import { Schemas } from '../meshtastic/codec.js';

export type ProfileSection = 'lora' | 'device' | 'position' | 'power' | 'channel';
export type ProfileValue = number | boolean | string | Uint8Array;

export interface ProfileFieldSpec {
  /** `section.field`, e.g. `lora.hop_limit`. */
  readonly name: string;
  readonly section: ProfileSection;
  /** The schema's own field name, e.g. `hop_limit`. */
  readonly fieldName: string;
  /** Its property in the decoded message, e.g. `hopLimit`. */
  readonly localName: string;
  readonly kind: 'enum' | 'bool' | 'uint' | 'text' | 'key';
  /** Enum fields: value names (the schema's) to numbers. */
  readonly values?: ReadonlyMap<string, number>;
  /** uint: the range a profile may give; text: the most UTF-8 bytes. */
  readonly min?: number;
  readonly max?: number;
  /** A profile must set it. */
  readonly required: boolean;
}

/** One field a profile sets. */
export interface ProfileSetting {
  readonly spec: ProfileFieldSpec;
  readonly value: ProfileValue;
}

/** A Meshtastic profile, checked: what to set, on which channel slot. */
export interface MeshtasticProfile {
  /** The channel slot, 0–7; 0 is the primary channel. */
  readonly channelIndex: number;
  readonly settings: readonly ProfileSetting[];
}

const DAY_S = 86_400;

/** [section, schema field name, options], in the order reports list them. */
const TABLE: readonly (readonly [
  ProfileSection,
  string,
  { min?: number; max?: number; required?: boolean },
])[] = [
  ['lora', 'region', { required: true }],
  ['lora', 'modem_preset', { required: true }],
  ['lora', 'hop_limit', { min: 1, max: 7, required: true }],
  ['lora', 'tx_enabled', {}],
  ['lora', 'tx_power', { min: 0, max: 30 }],
  // §2.3: a ROUTER's rebroadcast mode is reset when its role is set; see profile-writes.ts.
  ['device', 'role', { required: true }],
  ['device', 'rebroadcast_mode', { required: true }],
  // ChannelSettings.name has nanopb max_size 12: 11 bytes and the terminator.
  ['channel', 'name', { max: 11, required: true }],
  ['channel', 'psk', { required: true }],
  ['position', 'gps_mode', {}],
  ['position', 'position_broadcast_secs', { min: 0, max: DAY_S }],
  ['position', 'position_broadcast_smart_enabled', {}],
  ['position', 'fixed_position', {}],
  ['position', 'gps_update_interval', { min: 0, max: DAY_S }],
  ['power', 'is_power_saving', {}],
  ['power', 'on_battery_shutdown_after_secs', { min: 0, max: 7 * DAY_S }],
  ['power', 'ls_secs', { min: 0, max: DAY_S }],
  ['power', 'min_wake_secs', { min: 0, max: DAY_S }],
];

/** The schema message a section's fields live in. */
export function sectionSchema(section: ProfileSection): DescMessage {
  if (section === 'channel') return Schemas.ChannelSettings;
  const m = Schemas.Config.fields.find((f) => f.localName === section)?.message;
  if (m === undefined) throw new Error(`no Config.${section} in the schema`);
  return m;
}

function kindOf(f: DescField): ProfileFieldSpec['kind'] {
  if (f.fieldKind === 'enum') return 'enum';
  if (f.fieldKind !== 'scalar') throw new Error(`${f.name} is not a plain field`);
  switch (f.scalar) {
    case ScalarType.BOOL:
      return 'bool';
    case ScalarType.STRING:
      return 'text';
    case ScalarType.BYTES:
      return 'key';
    case ScalarType.UINT32:
    case ScalarType.INT32:
      return 'uint';
    default:
      throw new Error(`${f.name}: unexpected field type`);
  }
}

function enumValues(e: DescEnum): ReadonlyMap<string, number> {
  return new Map(e.values.map((v) => [v.name, v.number]));
}

/** Every field a profile may set, in report order. */
export const PROFILE_FIELDS: readonly ProfileFieldSpec[] = TABLE.map(([section, fieldName, o]) => {
  const f = sectionSchema(section).fields.find((x) => x.name === fieldName);
  if (f === undefined) throw new Error(`the schema has no ${section}.${fieldName}`);
  const kind = kindOf(f);
  return {
    name: `${section}.${fieldName}`,
    section,
    fieldName,
    localName: f.localName,
    kind,
    ...(f.fieldKind === 'enum' ? { values: enumValues(f.enum) } : {}),
    ...(o.min === undefined ? {} : { min: o.min }),
    ...(o.max === undefined ? {} : { max: o.max }),
    required: o.required === true,
  };
});

/**
 * The channel slot's role, PRIMARY for slot 0 and SECONDARY for the others: not set by a profile
 * but written with the channel and checked with it (a DISABLED slot NAKs every packet, §1.4).
 */
export const CHANNEL_ROLE: ProfileFieldSpec = (() => {
  const f = Schemas.Channel.fields.find((x) => x.name === 'role');
  if (f?.fieldKind !== 'enum') throw new Error('the schema has no Channel.role');
  return {
    name: 'channel.role',
    section: 'channel',
    fieldName: 'role',
    localName: f.localName,
    kind: 'enum',
    values: enumValues(f.enum),
    required: false,
  };
})();

export function fieldSpec(name: string): ProfileFieldSpec | undefined {
  return PROFILE_FIELDS.find((f) => f.name === name);
}

/** Two values of one field are the same. */
export function sameValue(a: ProfileValue | undefined, b: ProfileValue | undefined): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** A key's fingerprint: never the key itself. */
export function keyFingerprint(key: Uint8Array): string {
  if (key.length === 0) return 'none (unencrypted)';
  if (key.length === 1) return `short key ${key[0]} (Meshtastic's public default family)`;
  return `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 12)} (${key.length * 8}-bit)`;
}

/** A value as people read it: enum names, true/false, a key's fingerprint. */
export function showValue(spec: ProfileFieldSpec, value: ProfileValue | undefined): string {
  if (value === undefined) return '(not reported)';
  if (value instanceof Uint8Array) return keyFingerprint(value);
  if (spec.kind === 'enum') {
    for (const [name, n] of spec.values ?? []) if (n === value) return name;
    return `${String(value)} (unknown)`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
