/**
 * A read-back fault for the simulated device (docs/profiles.md §The simulator): its config dump
 * reports one field as a value of the test's choosing while the device keeps what it was told, so
 * that a test can show that `fieldnode radio apply` refuses to call a wrong read-back success.
 *
 * A field is named as in a device profile: the config's section and the schema's own field name,
 * `lora.hop_limit`, `device.rebroadcast_mode`, `position.gps_mode`, `power.is_power_saving`, or
 * `channel.name`, `channel.psk` (every channel that is not disabled). The value is read by the
 * field's type: a number, true or false, an enum value's name or number, text, or bytes in base64.
 */
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { ScalarType } from '@bufbuild/protobuf';
import { type FromRadio, Schemas } from '../../src/meshtastic/codec.js';
import { ChannelRole } from '../../src/meshtastic/constants.js';

export interface Misreport {
  /** `section.field_name`, e.g. `lora.hop_limit`. */
  readonly field: string;
  /** Where the value goes: the config variant (`lora`) or `channel`. */
  readonly section: string;
  /** The schema field's property name, e.g. `hopLimit`. */
  readonly localName: string;
  readonly value: number | boolean | string | Uint8Array;
}

const CONFIG_SECTIONS = ['device', 'position', 'power', 'lora'] as const;

function sectionSchema(section: string): DescMessage | undefined {
  if (section === 'channel') return Schemas.ChannelSettings;
  if (!(CONFIG_SECTIONS as readonly string[]).includes(section)) return undefined;
  return Schemas.Config.fields.find((f) => f.localName === section)?.message;
}

function valueFor(f: DescField, text: string): Misreport['value'] {
  if (f.fieldKind === 'enum') {
    const byName = f.enum.values.find((v) => v.name === text.toUpperCase());
    const n = byName?.number ?? Number(text);
    if (!Number.isInteger(n)) throw new RangeError(`${text} is not a value of ${f.enum.typeName}`);
    return n;
  }
  if (f.fieldKind !== 'scalar') throw new RangeError(`${f.name} is not a plain field`);
  switch (f.scalar) {
    case ScalarType.BOOL:
      if (text !== 'true' && text !== 'false') throw new RangeError(`${f.name} takes true or false`);
      return text === 'true';
    case ScalarType.STRING:
      return text;
    case ScalarType.BYTES:
      return Uint8Array.from(Buffer.from(text, 'base64'));
    case ScalarType.UINT32:
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE: {
      const n = Number(text);
      if (!Number.isFinite(n)) throw new RangeError(`${f.name} takes a number, not ${JSON.stringify(text)}`);
      return n;
    }
    default:
      throw new RangeError(`${f.name}: a 64-bit field cannot be misreported`);
  }
}

/**
 * `section.field=value`, as the simulator's `--misreport` takes it.
 * @throws RangeError naming what is wrong.
 */
export function parseMisreport(spec: string): Misreport {
  const m = /^([a-z]+)\.([a-z0-9_]+)=(.*)$/.exec(spec);
  if (m === null) throw new RangeError(`expected section.field=value, such as lora.hop_limit=7, not ${spec}`);
  const [, section = '', name = '', text = ''] = m;
  const schema = sectionSchema(section);
  if (schema === undefined)
    throw new RangeError(`unknown section ${section}: one of ${[...CONFIG_SECTIONS, 'channel'].join(', ')}`);
  const f = schema.fields.find((x) => x.name === name);
  if (f === undefined) throw new RangeError(`${section} has no field ${name}`);
  return { field: `${section}.${name}`, section, localName: f.localName, value: valueFor(f, text) };
}

/** Puts the misreported values into one frame of the dump, in place. */
export function applyMisreports(msg: FromRadio, list: readonly Misreport[]): void {
  if (list.length === 0) return;
  const v = msg.payloadVariant;
  for (const m of list) {
    let target: object | undefined;
    if (v.case === 'config' && v.value.payloadVariant.case === m.section)
      target = v.value.payloadVariant.value;
    if (v.case === 'channel' && m.section === 'channel' && v.value.role !== ChannelRole.DISABLED)
      target = v.value.settings;
    if (target !== undefined) (target as Record<string, unknown>)[m.localName] = m.value;
  }
}
