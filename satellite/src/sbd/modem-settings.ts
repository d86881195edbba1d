/**
 * The RockBLOCK 9603 settings a device profile holds, written with AT commands and read back
 * (docs/profiles.md §The RockBLOCK 9603 profile; docs/iridium.md §1.1, §1.3, §7.1):
 *
 * - `rockblock.ring_alerts`: `AT+SBDMTA=<0|1>`, read back with `AT+SBDMTA?` (`+SBDMTA:<mode>`);
 * - `rockblock.session_timeout_s`: `AT+SBDST=<s>`, read back with `AT+SBDST?` (`+SBDST:<s>`),
 *   0 for none;
 *
 * then `AT&W0` stores the active profile and `AT&Y0` makes it the one the modem powers up with:
 * RockBLOCK notes that an SBDMTA change is lost at the next power cycle without `AT&W0`. The
 * daemon's driver sets both again at every start from the node's configuration (§7.1 "Init");
 * the profile makes the modem power up right before the daemon runs, and checks it.
 *
 * Flow control (`AT&K0`) and echo are set by the driver on every start and have no read-back of
 * their own, so a profile does not hold them.
 */
import type { AtChannel } from '../at/at-channel.js';

export interface ModemSettings {
  ringAlerts?: boolean;
  sessionTimeoutS?: number;
}

export type ModemField = 'rockblock.ring_alerts' | 'rockblock.session_timeout_s';

export interface ModemFieldReport {
  field: ModemField;
  wanted: boolean | number;
  before: boolean | number | undefined;
  after: boolean | number | undefined;
  status: 'applied' | 'already' | 'mismatch';
}

export interface ModemReport {
  /** From AT+CGSN, when the modem answers it. */
  imei?: string;
  /** The AT commands written, in order (none when the modem already matched). */
  written: string[];
  fields: ModemFieldReport[];
  ok: boolean;
}

/** The longest session timeout a profile may ask for, s. */
export const MAX_SESSION_TIMEOUT_S = 3600;

function intAfter(prefix: string, lines: readonly string[]): number | undefined {
  for (const line of lines) {
    const m = new RegExp(`^\\${prefix}:\\s*(\\d+)`).exec(line.trim());
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Quiet echo and verbose results first, as the driver does, so every answer parses the same way. */
async function prepare(at: AtChannel): Promise<string | undefined> {
  await at.command('AT');
  await at.command('ATE0');
  await at.command('ATV1');
  try {
    const imei = (await at.command('AT+CGSN')).map((l) => l.trim()).find((l) => /^\d{15}$/.test(l));
    return imei;
  } catch {
    // The IMEI only names the modem in the report; a modem that refuses AT+CGSN is still set.
    return undefined;
  }
}

/** What the modem has now. */
export async function readModemSettings(at: AtChannel): Promise<ModemSettings> {
  const mta = intAfter('+SBDMTA', await at.command('AT+SBDMTA?'));
  const st = intAfter('+SBDST', await at.command('AT+SBDST?'));
  return {
    ...(mta === undefined ? {} : { ringAlerts: mta === 1 }),
    ...(st === undefined ? {} : { sessionTimeoutS: st }),
  };
}

function fieldsOf(wanted: ModemSettings): [ModemField, boolean | number][] {
  const out: [ModemField, boolean | number][] = [];
  if (wanted.ringAlerts !== undefined) out.push(['rockblock.ring_alerts', wanted.ringAlerts]);
  if (wanted.sessionTimeoutS !== undefined) out.push(['rockblock.session_timeout_s', wanted.sessionTimeoutS]);
  return out;
}

const settingOf = (s: ModemSettings, field: ModemField) =>
  field === 'rockblock.ring_alerts' ? s.ringAlerts : s.sessionTimeoutS;

/**
 * Writes what differs, stores it (AT&W0, AT&Y0), and reports from a read-back.
 * @throws KitError AT_* when the modem does not answer or refuses a command.
 */
export async function applyModemSettings(at: AtChannel, wanted: ModemSettings): Promise<ModemReport> {
  const st = wanted.sessionTimeoutS;
  if (st !== undefined && (!Number.isInteger(st) || st < 0 || st > MAX_SESSION_TIMEOUT_S))
    throw new RangeError(`session timeout ${st} s is outside 0..${MAX_SESSION_TIMEOUT_S}`);
  const imei = await prepare(at);
  const before = await readModemSettings(at);
  const written: string[] = [];
  if (wanted.ringAlerts !== undefined && before.ringAlerts !== wanted.ringAlerts)
    written.push(`AT+SBDMTA=${wanted.ringAlerts ? 1 : 0}`);
  if (st !== undefined && before.sessionTimeoutS !== st) written.push(`AT+SBDST=${st}`);
  if (written.length > 0) written.push('AT&W0', 'AT&Y0');
  for (const command of written) await at.command(command);
  const after = await readModemSettings(at);
  const fields = fieldsOf(wanted).map(([field, value]): ModemFieldReport => {
    const was = settingOf(before, field);
    const is = settingOf(after, field);
    return {
      field,
      wanted: value,
      before: was,
      after: is,
      status: is !== value ? 'mismatch' : was === value ? 'already' : 'applied',
    };
  });
  return {
    ...(imei === undefined ? {} : { imei }),
    written,
    fields,
    ok: fields.every((f) => f.status !== 'mismatch'),
  };
}

/** Reads and compares; writes nothing. */
export async function verifyModemSettings(at: AtChannel, wanted: ModemSettings): Promise<ModemReport> {
  const imei = await prepare(at);
  const now = await readModemSettings(at);
  const fields = fieldsOf(wanted).map(([field, value]): ModemFieldReport => {
    const is = settingOf(now, field);
    return { field, wanted: value, before: is, after: is, status: is === value ? 'already' : 'mismatch' };
  });
  return {
    ...(imei === undefined ? {} : { imei }),
    written: [],
    fields,
    ok: fields.every((f) => f.status !== 'mismatch'),
  };
}
