/**
 * Applying a Meshtastic profile to a radio, and verifying one (docs/profiles.md §Applying,
 * §Verifying): read the radio; write what differs in one transaction (two when the role changes,
 * profile-writes.ts); wait for the reboot; read it back; and report each field as applied,
 * already so, or a mismatch. The report is built from the read-back alone: a field counts as
 * applied only when the radio, after its reboot, says it has the profile's value.
 *
 * Two failures are not reports but errors, since a read-back cannot show them: a write of sections
 * that take effect only at a reboot (lora, position) after which the reboot count did not move
 * (MESH_PROFILE_NOT_REBOOTED: the radio saved the values and still runs the old ones), and a role
 * change whose second write failed (MESH_PROFILE_HALF_APPLIED: the new role may run with the
 * rebroadcast mode it reset, docs/profiles.md §The role/rebroadcast trap).
 */
import { KitError } from '../../../node/src/base/errors.js';
import type { Logger } from '../../../node/src/base/logger.js';
import type { DeviceInfo } from '../meshtastic/device-info.js';
import type { RadioSettings } from '../meshtastic/radio-settings.js';
import {
  type MeshtasticProfile,
  type ProfileFieldSpec,
  type ProfileValue,
  sameValue,
} from './meshtastic-profile.js';
import { checkedSettings, readField, type VerifiedField, verifySettings } from './profile-read.js';
import { firstWrite, type PlannedWrite, writeAfterRoleChange } from './profile-writes.js';
import './profile-errors.js';
import type { ProfileSection } from './meshtastic-profile.js';
import type { RadioConnection, RebootSeen } from './radio-connection.js';

/**
 * Sections the firmware applies only by rebooting, whatever else the write holds: a write of one
 * always reboots the radio (docs/profiles.md §Waiting for the reboot).
 */
export const REBOOTING_SECTIONS: readonly ProfileSection[] = ['lora', 'position'];

export type ApplyStatus = 'applied' | 'already' | 'mismatch';

export interface AppliedField {
  field: string;
  spec: ProfileFieldSpec;
  wanted: ProfileValue;
  /** As the radio reported it before anything was written. */
  before: ProfileValue | undefined;
  /** As the radio reported it at the end. */
  after: ProfileValue | undefined;
  status: ApplyStatus;
}

/** One transaction written, and how the radio came back from it. */
export interface WriteRecord {
  purpose: PlannedWrite['purpose'];
  sections: string[];
  fields: string[];
  /** How many admin messages, begin and commit included. */
  messages: number;
  seen: RebootSeen;
  rebootCountBefore: number;
  rebootCountAfter: number;
  /**
   * Fields that had the profile's value before this write and another after it: what the radio
   * changed by itself, such as the rebroadcast mode a new role brings (§The role/rebroadcast trap).
   */
  undone: { field: string; spec: ProfileFieldSpec; value: ProfileValue | undefined }[];
}

/** The radio as the report names it. */
export interface RadioIdentity {
  nodeId: string;
  firmwareVersion?: string;
  rebootCount: number;
  pioEnv: string;
}

export interface ApplyReport {
  radio: RadioIdentity;
  writes: WriteRecord[];
  fields: AppliedField[];
  /** No field reads back different from the profile. */
  ok: boolean;
}

export interface VerifyReport {
  radio: RadioIdentity;
  fields: VerifiedField[];
  ok: boolean;
}

function identity(info: DeviceInfo): RadioIdentity {
  return {
    nodeId: info.nodeId,
    ...(info.firmwareVersion === undefined ? {} : { firmwareVersion: info.firmwareVersion }),
    rebootCount: info.rebootCount,
    pioEnv: info.pioEnv,
  };
}

/** What the applier is doing, for a person waiting on a reboot. */
export type ApplyProgress =
  | { step: 'write'; index: number; plan: PlannedWrite }
  | { step: 'back'; index: number; record: WriteRecord };

export interface ApplyOptions {
  signal?: AbortSignal;
  log?: Logger;
  /** Told before each write and when the radio is back from it. Default: nobody. */
  progress?: (p: ApplyProgress) => void;
}

/** Applies `profile` through `radio`, which it opens; the caller closes it. */
export async function applyProfile(
  radio: RadioConnection,
  profile: MeshtasticProfile,
  opts: ApplyOptions = {},
): Promise<ApplyReport> {
  const first = await radio.open(opts.signal);
  const before = first.settings;
  let current = first;
  const writes: WriteRecord[] = [];
  const run = async (plan: PlannedWrite): Promise<void> => {
    const index = writes.length + 1;
    opts.log?.info(
      { purpose: plan.purpose, sections: plan.sections, fields: plan.fields },
      'writing to the radio',
    );
    opts.progress?.({ step: 'write', index, plan });
    await radio.write(plan.messages);
    const { snapshot, seen } = await radio.afterReboot(opts.signal);
    const record: WriteRecord = {
      purpose: plan.purpose,
      sections: plan.sections,
      fields: plan.fields,
      messages: plan.messages.length,
      seen,
      rebootCountBefore: current.info.rebootCount,
      rebootCountAfter: snapshot.info.rebootCount,
      undone: undone(profile, current.settings, snapshot.settings),
    };
    writes.push(record);
    opts.progress?.({ step: 'back', index, record });
    current = snapshot;
    const rebooting = plan.sections.filter((s) => REBOOTING_SECTIONS.includes(s));
    if (rebooting.length > 0 && record.rebootCountAfter === record.rebootCountBefore)
      throw new KitError(
        'MESH_PROFILE_NOT_REBOOTED',
        `the radio on ${radio.description}: wrote ${rebooting.join(' and ')}, which take effect only at a reboot, ` +
          `but the radio's reboot count stayed ${record.rebootCountBefore}: it runs the old settings. ` +
          'Power-cycle the radio, then run `fieldnode radio verify`',
      );
  };
  const plan = firstWrite(profile, before);
  if (plan !== undefined) {
    await run(plan);
    if (plan.purpose === 'role-change') {
      try {
        await run(writeAfterRoleChange(profile, current.settings));
      } catch (err) {
        throw new KitError(
          'MESH_PROFILE_HALF_APPLIED',
          `the radio on ${radio.description}: half-applied: the role was written, the settings after it were not ` +
            `(${err instanceof Error ? err.message : String(err)}); the radio may run its new role with ` +
            'the rebroadcast mode it reset. Run `fieldnode radio apply` again',
          { cause: err },
        );
      }
    }
  }
  const fields = compare(profile, before, current.settings);
  return { radio: identity(current.info), writes, fields, ok: fields.every((f) => f.status !== 'mismatch') };
}

function undone(
  profile: MeshtasticProfile,
  before: RadioSettings,
  after: RadioSettings,
): WriteRecord['undone'] {
  return checkedSettings(profile).flatMap(({ spec, value }) => {
    const is = readField(after, profile.channelIndex, spec);
    return sameValue(readField(before, profile.channelIndex, spec), value) && !sameValue(is, value)
      ? [{ field: spec.name, spec, value: is }]
      : [];
  });
}

function compare(profile: MeshtasticProfile, before: RadioSettings, after: RadioSettings): AppliedField[] {
  return checkedSettings(profile).map(({ spec, value }) => {
    const was = readField(before, profile.channelIndex, spec);
    const is = readField(after, profile.channelIndex, spec);
    const status: ApplyStatus = !sameValue(is, value)
      ? 'mismatch'
      : sameValue(was, value)
        ? 'already'
        : 'applied';
    return { field: spec.name, spec, wanted: value, before: was, after: is, status };
  });
}

/** Reads the radio and compares it with `profile`; writes nothing. The caller closes `radio`. */
export async function verifyProfile(
  radio: RadioConnection,
  profile: MeshtasticProfile,
  opts: ApplyOptions = {},
): Promise<VerifyReport> {
  const { info, settings } = await radio.open(opts.signal);
  const fields = verifySettings(profile, settings);
  return { radio: identity(info), fields, ok: fields.every((f) => f.status === 'matches') };
}
