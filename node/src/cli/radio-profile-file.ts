/**
 * Reading a device profile file (docs/profiles.md §Profile files): YAML, checked field by field
 * with every problem listed by line, column and path, as the configuration is
 * (docs/conventions.md §Configuration, node/src/config/reader.ts).
 *
 * - `kind: meshtastic`: the fields of radio/src/profile/meshtastic-profile.ts by section (`lora`,
 *   `device`, `position`, `power`), and `channel` with its slot `index`, `name`, and its key by
 *   reference: `psk_file`, a file of mode 0600 beside the profile or at an absolute path, holding
 *   the key in base64 (16 or 32 bytes). The key is never in the profile.
 * - A key anyone has (Meshtastic's public default, in any of its forms, or none) is refused unless
 *   the profile is for the demonstration county (docs/demo-county.md), which may also write
 *   `psk: default` for it.
 * - `kind: rockblock-9603`: `rockblock.ring_alerts` and `rockblock.session_timeout_s`.
 *
 * The radio modules are not imported here (docs/architecture.md §The dependency rule: the
 * command line loads adapters lazily): the caller hands in their vocabulary.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type {
  MeshtasticProfile,
  ProfileFieldSpec,
  ProfileSetting,
  ProfileValue,
} from '../../../radio/src/profile/meshtastic-profile.js';
import type { ModemSettings } from '../../../satellite/src/sbd/modem-settings.js';
import { KitError } from '../base/errors.js';
import { Problems, Section } from '../config/reader.js';
import { SourcePositions } from '../config/source-positions.js';
import { readPrivateFile } from '../crypto/private-file.js';
import './radio-errors.js';

export const PROFILE_KINDS = ['meshtastic', 'rockblock-9603'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

/** What the radio modules tell the parser (lazily loaded by the caller). */
export interface ProfileVocabulary {
  fields: readonly ProfileFieldSpec[];
  /** Why a key is one anyone has, or undefined. */
  publicKeyReason(psk: Uint8Array): string | undefined;
  /** The key `psk: default` stands for. */
  publicDefaultPsk: Uint8Array;
  /** The largest `rockblock.session_timeout_s`. */
  maxSessionTimeoutS: number;
}

interface ProfileFileBase {
  /** Absolute path of the profile file. */
  path: string;
  /** The county it is for (GB/T 2260, 6 digits). */
  county: number;
  description?: string;
}

export type DeviceProfileFile =
  | (ProfileFileBase & { kind: 'meshtastic'; profile: MeshtasticProfile })
  | (ProfileFileBase & { kind: 'rockblock-9603'; settings: ModemSettings });

const CONFIG_SECTIONS = ['lora', 'device', 'position', 'power'] as const;
const CHANNEL_KEYS = ['index', 'name', 'psk_file', 'psk'];
const MAX_PSK_FILE_BYTES = 1024;

/** The lazily loaded vocabulary of the radio and modem modules. */
export async function loadProfileVocabulary(): Promise<ProfileVocabulary> {
  const [fields, keys, modem] = await Promise.all([
    import('../../../radio/src/profile/meshtastic-profile.js'),
    import('../../../radio/src/profile/public-key.js'),
    import('../../../satellite/src/sbd/modem-settings.js'),
  ]);
  return {
    fields: fields.PROFILE_FIELDS,
    publicKeyReason: keys.publicKeyReason,
    publicDefaultPsk: keys.PUBLIC_DEFAULT_PSK,
    maxSessionTimeoutS: modem.MAX_SESSION_TIMEOUT_S,
  };
}

/**
 * Reads, checks and returns the profile in `file`.
 * @throws KitError PROFILE_UNREADABLE, PROFILE_INVALID (every problem), PROFILE_PUBLIC_KEY, and
 *   the key file's KEYS_UNREADABLE or KEYS_INSECURE.
 */
export async function readProfileFile(
  file: string,
  vocabulary: ProfileVocabulary,
  cwd = process.cwd(),
): Promise<DeviceProfileFile> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new KitError('PROFILE_UNREADABLE', `cannot read the profile ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    const list = doc.errors.map((e) => `  ${e.message.replace(/\n/g, '\n    ')}`).join('\n');
    throw new KitError('PROFILE_UNREADABLE', `${path} is not valid YAML:\n${list}`, { cause: doc.errors[0] });
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    // An alias to no anchor, or too many aliases: the yaml package throws here, not in parsing.
    throw new KitError('PROFILE_UNREADABLE', `${path}: ${(cause as Error).message}`, { cause });
  }
  const p = new Problems(new SourcePositions(doc, lines));
  const parsed = parseProfile(raw, p, vocabulary);
  if (p.list.length > 0 || parsed === undefined) {
    const n = p.list.length;
    throw new KitError(
      'PROFILE_INVALID',
      `${path}: ${n} problem${n === 1 ? '' : 's'}:\n${p.list.map((l) => `  - ${l}`).join('\n')}`,
    );
  }
  const base: ProfileFileBase = {
    path,
    county: parsed.county,
    ...(parsed.description === undefined ? {} : { description: parsed.description }),
  };
  if (parsed.kind === 'rockblock-9603') return { ...base, kind: 'rockblock-9603', settings: parsed.modem };
  const psk = await channelKey(parsed.psk, dirname(path), vocabulary);
  const reason = vocabulary.publicKeyReason(psk);
  const { DEMO_COUNTY_AREA } = await import('../demo/county-plan.js');
  if (reason !== undefined && parsed.county !== DEMO_COUNTY_AREA) {
    throw new KitError(
      'PROFILE_PUBLIC_KEY',
      `${path}: the channel key is ${reason}. Every Meshtastic radio in range can read and send on such a ` +
        `channel, so only the demonstration county (${DEMO_COUNTY_AREA}) may use it. Make the county's own key ` +
        '(openssl rand -base64 16 > mesh-psk.key; chmod 600 mesh-psk.key), name it in channel.psk_file, ' +
        'and apply the profile to every radio of the county',
    );
  }
  const pskSpec = vocabulary.fields.find((f) => f.name === 'channel.psk');
  if (pskSpec === undefined) throw new Error('the vocabulary has no channel.psk');
  return {
    ...base,
    kind: 'meshtastic',
    profile: {
      channelIndex: parsed.channelIndex,
      settings: [...parsed.settings, { spec: pskSpec, value: psk }],
    },
  };
}

type ParsedKey = { file: string } | { default: true };

type Parsed =
  | { kind: 'rockblock-9603'; county: number; description?: string; modem: ModemSettings }
  | {
      kind: 'meshtastic';
      county: number;
      description?: string;
      channelIndex: number;
      settings: ProfileSetting[];
      psk: ParsedKey;
    };

function parseProfile(raw: unknown, p: Problems, v: ProfileVocabulary): Parsed | undefined {
  const kindValue = (raw as Record<string, unknown> | null)?.kind;
  const kind = (PROFILE_KINDS as readonly unknown[]).includes(kindValue)
    ? (kindValue as ProfileKind)
    : undefined;
  const rootKeys =
    kind === 'rockblock-9603'
      ? ['kind', 'county', 'description', 'rockblock']
      : ['kind', 'county', 'description', ...CONFIG_SECTIONS, 'channel'];
  const root = Section.of(p, raw ?? {}, '', rootKeys);
  root.oneOf('kind', PROFILE_KINDS, true);
  const county = root.int('county', 110000, 829999, 'required: the GB/T 2260 code of the county (6 digits)');
  const description = root.str('description');
  if (kind === undefined) return undefined;
  // Placeholder where a problem was recorded: the sections are still checked, nothing is returned.
  const head = { county: county ?? 0, ...(description === undefined ? {} : { description }) };
  if (kind === 'rockblock-9603') {
    const s = root.section('rockblock', ['ring_alerts', 'session_timeout_s'], true);
    const ringAlerts = s.bool('ring_alerts');
    const sessionTimeoutS = s.int('session_timeout_s', 0, v.maxSessionTimeoutS);
    if (root.has('rockblock') && !s.has('ring_alerts') && !s.has('session_timeout_s'))
      s.problem('ring_alerts', 'a RockBLOCK profile sets ring_alerts, session_timeout_s or both');
    return {
      kind,
      ...head,
      modem: {
        ...(ringAlerts === undefined ? {} : { ringAlerts }),
        ...(sessionTimeoutS === undefined ? {} : { sessionTimeoutS }),
      },
    };
  }
  const settings: ProfileSetting[] = [];
  for (const section of CONFIG_SECTIONS) {
    const specs = v.fields.filter((f) => f.section === section);
    const s = root.section(
      section,
      specs.map((f) => f.fieldName),
      specs.some((f) => f.required) ? true : undefined,
    );
    for (const spec of specs) {
      const value = readValue(s, spec);
      if (value !== undefined) settings.push({ spec, value });
    }
  }
  const ch = root.section('channel', CHANNEL_KEYS, true);
  const channelIndex = ch.int('index', 0, 7, 'required: the channel slot, 0 (the primary channel) to 7');
  for (const spec of v.fields.filter((f) => f.section === 'channel' && f.kind !== 'key')) {
    const value = readValue(ch, spec);
    if (value !== undefined) settings.push({ spec, value });
  }
  const psk = channelKeyReference(ch);
  if (county === undefined || channelIndex === undefined || psk === undefined) return undefined;
  return { kind, ...head, channelIndex, settings, psk };
}

function readValue(s: Section, spec: ProfileFieldSpec): ProfileValue | undefined {
  const required = spec.required ? true : undefined;
  switch (spec.kind) {
    case 'enum': {
      const names = [...(spec.values?.keys() ?? [])];
      const text = s.str(spec.fieldName, required, (t) =>
        spec.values?.has(t.toUpperCase())
          ? undefined
          : `expected one of ${names.join(', ')}, found ${JSON.stringify(t)}`,
      );
      return text === undefined ? undefined : spec.values?.get(text.toUpperCase());
    }
    case 'bool':
      return s.bool(spec.fieldName);
    case 'uint':
      return s.int(spec.fieldName, spec.min ?? 0, spec.max ?? 0xffff_ffff, required);
    case 'text':
      return s.str(spec.fieldName, required, (t) => {
        const bytes = Buffer.byteLength(t);
        return spec.max !== undefined && bytes > spec.max
          ? `${bytes} bytes in UTF-8; the radio keeps at most ${spec.max}`
          : undefined;
      });
    case 'key':
      return undefined;
  }
}

function channelKeyReference(ch: Section): ParsedKey | undefined {
  const hasFile = ch.has('psk_file');
  const hasLiteral = ch.has('psk');
  if (hasFile && hasLiteral) {
    ch.problem('psk', 'give psk_file (the county key) or psk: default, not both');
    return undefined;
  }
  if (hasLiteral) {
    const word = ch.str('psk', undefined, (t) =>
      t === 'default'
        ? undefined
        : 'a key never sits in a profile: name its file in psk_file (mode 0600); psk takes only the word default, ' +
          "for Meshtastic's public key in the demonstration county",
    );
    return word === undefined ? undefined : { default: true };
  }
  const file = ch.str('psk_file', "required: the file holding the channel's key (base64, mode 0600)");
  return file === undefined ? undefined : { file };
}

async function channelKey(ref: ParsedKey, baseDir: string, v: ProfileVocabulary): Promise<Uint8Array> {
  if ('default' in ref) return Uint8Array.from(v.publicDefaultPsk);
  const file = resolve(baseDir, ref.file);
  const text = await readPrivateFile(file, {
    source: `${file} (channel.psk_file)`,
    holds: "the mesh channel's key",
    ifCopied: 'make a new key and apply the profile to every radio of the county',
    maxBytes: MAX_PSK_FILE_BYTES,
  });
  const word = text.trim();
  const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(word) ? Buffer.from(word, 'base64') : undefined;
  if (bytes === undefined || ![1, 16, 32].includes(bytes.length) || bytes.toString('base64') !== word) {
    throw new KitError(
      'PROFILE_INVALID',
      `${file} (channel.psk_file) does not hold a channel key: expected 16 or 32 bytes in base64 on one line, ` +
        'such as `openssl rand -base64 16` prints',
    );
  }
  return Uint8Array.from(bytes);
}
