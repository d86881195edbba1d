/**
 * What `fieldnode radio apply` and `fieldnode radio verify` print (docs/profiles.md §Applying,
 * §Verifying): the radio, the profile, then one line per field with what the profile wants, what
 * the radio had and what it reads back, and a count. A key is only ever shown by its fingerprint.
 * The values are put in words by the caller's `show`, which knows the schema's names.
 */

import type { ProfileFieldSpec, ProfileValue } from '../../../radio/src/profile/meshtastic-profile.js';
import type { ApplyReport, VerifyReport, WriteRecord } from '../../../radio/src/profile/profile-apply.js';
import type { PlannedWrite } from '../../../radio/src/profile/profile-writes.js';
import type { ModemReport } from '../../../satellite/src/sbd/modem-settings.js';
import { table } from './text-table.js';

export type ShowValue = (spec: ProfileFieldSpec, value: ProfileValue | undefined) => string;

const STATUS: Record<string, string> = {
  applied: 'applied',
  already: 'already so',
  mismatch: 'MISMATCH',
  matches: 'matches',
};

export function radioLine(r: ApplyReport['radio'], where: string): string {
  const fw = r.firmwareVersion === undefined ? 'firmware unknown' : `firmware ${r.firmwareVersion}`;
  return `radio ${r.nodeId}, ${fw} (${r.pioEnv || 'board unknown'}), reboot count ${r.rebootCount}, on ${where}`;
}

export function profileLine(path: string, kind: string, county: number): string {
  return `profile ${path}: ${kind}, county ${county}`;
}

function count(statuses: string[]): string {
  const n = (s: string) => statuses.filter((x) => x === s).length;
  const parts: string[] = [];
  if (n('applied') > 0) parts.push(`${n('applied')} applied`);
  if (n('already') > 0) parts.push(`${n('already')} already so`);
  if (n('matches') > 0) parts.push(`${n('matches')} match`);
  const m = n('mismatch');
  parts.push(m === 0 ? 'no mismatch' : `${m} MISMATCH${m === 1 ? '' : 'ES'}`);
  return `${statuses.length} fields: ${parts.join(', ')}`;
}

const purposeText = (p: PlannedWrite['purpose']): string =>
  p === 'role-change' ? ' (the new role alone; the rest follows once the radio runs with it)' : '';

const seenText = (w: WriteRecord): string =>
  w.seen === 'rebooted'
    ? 'it said rebooted'
    : w.seen === 'reconnected'
      ? 'its port or connection closed and was opened again'
      : 'no sign of a reboot came';

/** A progress line for standard error while the radio reboots. */
export function writeLine(index: number, plan: PlannedWrite): string {
  return `write ${index}: ${plan.sections.join(', ')}${purposeText(plan.purpose)}; waiting for the radio to reboot…`;
}

export function backLine(index: number, w: WriteRecord, show: ShowValue): string {
  const undone = w.undone.map((u) => `; it set ${u.field} to ${show(u.spec, u.value)} by itself`).join('');
  return `write ${index}: the radio is back (${seenText(w)}; reboot count ${w.rebootCountBefore} → ${w.rebootCountAfter})${undone}`;
}

export function applyText(report: ApplyReport, head: string[], show: ShowValue): string {
  const lines = [...head, ''];
  if (report.writes.length === 0)
    lines.push('the radio already had every field of the profile: nothing written', '');
  report.writes.forEach((w, i) => {
    lines.push(
      `write ${i + 1}: ${w.sections.join(', ')}${purposeText(w.purpose)}: ${seenText(w)}, reboot count ${w.rebootCountBefore} → ${w.rebootCountAfter}`,
    );
    for (const u of w.undone) lines.push(`  the radio set ${u.field} to ${show(u.spec, u.value)} by itself`);
  });
  if (report.writes.length > 0) lines.push('');
  lines.push(
    ...table([
      ['field', 'profile', 'before', 'read back', ''],
      ...report.fields.map((f) => [
        f.field,
        show(f.spec, f.wanted),
        show(f.spec, f.before),
        show(f.spec, f.after),
        STATUS[f.status] ?? f.status,
      ]),
    ]),
  );
  lines.push('', count(report.fields.map((f) => f.status)));
  return `${lines.join('\n')}\n`;
}

export function verifyText(report: VerifyReport, head: string[], show: ShowValue): string {
  const lines = [...head, ''];
  lines.push(
    ...table([
      ['field', 'profile', 'radio', ''],
      ...report.fields.map((f) => [
        f.field,
        show(f.spec, f.wanted),
        show(f.spec, f.read),
        STATUS[f.status] ?? f.status,
      ]),
    ]),
  );
  lines.push('', count(report.fields.map((f) => f.status)));
  return `${lines.join('\n')}\n`;
}

const modemValue = (v: boolean | number | undefined): string =>
  v === undefined ? '(not reported)' : typeof v === 'boolean' ? String(v) : `${v}`;

export function modemText(report: ModemReport, head: string[], verify: boolean): string {
  const lines = [...head];
  if (report.imei !== undefined) lines.push(`modem IMEI ${report.imei}`);
  lines.push('');
  if (!verify)
    lines.push(
      report.written.length === 0
        ? 'the modem already had every setting: nothing written'
        : `written: ${report.written.join(', ')}`,
      '',
    );
  lines.push(
    ...table(
      verify
        ? [
            ['field', 'profile', 'modem', ''],
            ...report.fields.map((f) => [
              f.field,
              modemValue(f.wanted),
              modemValue(f.after),
              f.status === 'mismatch' ? 'MISMATCH' : 'matches',
            ]),
          ]
        : [
            ['field', 'profile', 'before', 'read back', ''],
            ...report.fields.map((f) => [
              f.field,
              modemValue(f.wanted),
              modemValue(f.before),
              modemValue(f.after),
              STATUS[f.status] ?? f.status,
            ]),
          ],
    ),
  );
  lines.push('', count(report.fields.map((f) => (verify && f.status === 'already' ? 'matches' : f.status))));
  return `${lines.join('\n')}\n`;
}

/** The fields that differ, for the error message: `lora.hop_limit (profile 4, radio 7)`. */
export function mismatchList(fields: { field: string; wanted: string; read: string }[]): string {
  return fields.map((f) => `${f.field} (profile ${f.wanted}, radio ${f.read})`).join(', ');
}

/** A value for JSON: enum names and key fingerprints as text, numbers and booleans as they are. */
function jsonValue(show: ShowValue, spec: ProfileFieldSpec, v: ProfileValue | undefined): unknown {
  if (v === undefined) return null;
  return v instanceof Uint8Array || spec.kind === 'enum' ? show(spec, v) : v;
}

export function applyJson(report: ApplyReport, head: Record<string, unknown>, show: ShowValue): string {
  const json = {
    ok: report.ok,
    ...head,
    radio: report.radio,
    writes: report.writes.map((w) => ({
      ...w,
      undone: w.undone.map((u) => ({ field: u.field, value: jsonValue(show, u.spec, u.value) })),
    })),
    fields: report.fields.map((f) => ({
      field: f.field,
      profile: jsonValue(show, f.spec, f.wanted),
      before: jsonValue(show, f.spec, f.before),
      readBack: jsonValue(show, f.spec, f.after),
      status: f.status,
    })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

export function verifyJson(report: VerifyReport, head: Record<string, unknown>, show: ShowValue): string {
  const json = {
    ok: report.ok,
    ...head,
    radio: report.radio,
    fields: report.fields.map((f) => ({
      field: f.field,
      profile: jsonValue(show, f.spec, f.wanted),
      radio: jsonValue(show, f.spec, f.read),
      status: f.status,
    })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
