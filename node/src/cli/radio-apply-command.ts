/**
 * `fieldnode radio apply PROFILE` and `fieldnode radio verify PROFILE`, with `--port PATH` (a
 * /dev/serial/by-id name) or `--host HOST[:PORT]` (meshtasticd, or a radio's Wi-Fi API)
 * (docs/profiles.md §Applying, §Verifying). Apply writes what differs, waits for the reboot, reads
 * back and reports each field; verify only reads. Either prints its report and, when a field
 * reads back different from the profile, fails with RADIO_MISMATCH (exit 1): a mismatch is never
 * called success. A RockBLOCK profile goes to radio-modem-command.ts.
 *
 * The radio modules are loaded here, when the command runs (docs/architecture.md §The dependency
 * rule: the command line loads adapters lazily).
 */
import type { RadioConnectionOptions } from '../../../radio/src/profile/radio-connection.js';
import { isKitError, KitError } from '../base/errors.js';
import { parseOptions } from './args.js';
import { type DeviceProfileFile, loadProfileVocabulary, readProfileFile } from './radio-profile-file.js';
import {
  applyJson,
  applyText,
  backLine,
  mismatchList,
  profileLine,
  radioLine,
  type ShowValue,
  verifyJson,
  verifyText,
  writeLine,
} from './radio-report-text.js';
import './radio-errors.js';

export interface RadioCommandIo {
  /** Default process.stdout. */
  out?: (text: string) => void;
  /** Progress while the radio reboots. Default process.stderr. */
  err?: (text: string) => void;
  /** Test timings for the radio connection (reboot waits, retries, handshake). */
  timings?: Omit<RadioConnectionOptions, 'transport' | 'log'>;
  /** Where sysfs is, for the port's USB id. Default /sys. */
  sysRoot?: string;
}

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

type Target = { kind: 'serial'; path: string } | { kind: 'tcp'; host: string; port: number };

/** `host`, `host:port`, `[v6]` or `[v6]:port`; the port defaults to meshtasticd's 4403. */
export function parseHost(text: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  const port = m?.[2] === undefined ? 4403 : Number(m[2]);
  if (m?.[1] === undefined || !Number.isInteger(port) || port < 1 || port > 65_535)
    throw new KitError(
      'CLI_USAGE',
      `--host: expected HOST or HOST:PORT (an IPv6 address in brackets), not ${text}`,
    );
  return { host: m[1], port };
}

function targetOf(values: { port?: string; host?: string }): Target {
  if ((values.port === undefined) === (values.host === undefined))
    throw new KitError(
      'CLI_USAGE',
      'give the radio as --port PATH (USB serial, its /dev/serial/by-id name) or --host HOST[:PORT] (TCP)',
    );
  if (values.port !== undefined) return { kind: 'serial', path: values.port };
  return { kind: 'tcp', ...parseHost(values.host ?? '') };
}

function timeoutMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const s = Number(text);
  if (!Number.isFinite(s) || s <= 0)
    throw new KitError('CLI_USAGE', `--timeout: expected seconds, not ${text}`);
  return s * 1000;
}

export async function radioApplyCommand(
  args: string[],
  verify: boolean,
  io: RadioCommandIo = {},
): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    verify ? { port: OPTIONS.port, host: OPTIONS.host, json: OPTIONS.json } : OPTIONS,
  );
  const word = verify ? 'verify' : 'apply';
  if (positionals.length !== 1)
    throw new KitError(
      'CLI_USAGE',
      `${word} takes one PROFILE file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`,
    );
  const target = targetOf(values);
  const timeout = timeoutMs((values as { timeout?: string }).timeout);
  const out = io.out ?? ((t: string) => process.stdout.write(t));
  const err = io.err ?? ((t: string) => process.stderr.write(t));
  const profile = await readProfileFile(positionals[0] as string, await loadProfileVocabulary());
  const json = values.json === true;
  if (profile.kind === 'rockblock-9603') {
    if (target.kind !== 'serial')
      throw new KitError(
        'CLI_USAGE',
        'a RockBLOCK is reached on its serial port: give --port PATH, not --host',
      );
    const { modemCommand } = await import('./radio-modem-command.js');
    return modemCommand(profile, target.path, verify, json, out);
  }
  return meshtasticCommand(profile, target, {
    verify,
    json,
    out,
    err,
    timeout,
    timings: io.timings,
    sysRoot: io.sysRoot,
  });
}

const jsonHead = (file: DeviceProfileFile, on: string) => ({
  on,
  profile: { path: file.path, kind: file.kind, county: file.county },
});

interface MeshRun {
  verify: boolean;
  json: boolean;
  out: (t: string) => void;
  err: (t: string) => void;
  timeout: number | undefined;
  timings: Omit<RadioConnectionOptions, 'transport' | 'log'> | undefined;
  sysRoot: string | undefined;
}

async function meshtasticCommand(
  file: Extract<DeviceProfileFile, { kind: 'meshtastic' }>,
  target: Target,
  run: MeshRun,
): Promise<number> {
  const [{ RadioConnection }, { applyProfile, verifyProfile }, { showValue }] = await Promise.all([
    import('../../../radio/src/profile/radio-connection.js'),
    import('../../../radio/src/profile/profile-apply.js'),
    import('../../../radio/src/profile/meshtastic-profile.js'),
  ]);
  const transport =
    target.kind === 'serial'
      ? new (await import('../../../radio/src/transports/serial-transport.js')).SerialTransport({
          path: target.path,
        })
      : new (await import('../../../radio/src/transports/tcp-transport.js')).TcpTransport(target);
  const radio = new RadioConnection({
    transport,
    ...(run.timeout === undefined ? {} : { rebootTimeoutMs: run.timeout }),
    ...run.timings,
  });
  const show: ShowValue = showValue;
  const usb = target.kind === 'serial' ? await usbLine(target.path, file.path, run.sysRoot) : undefined;
  const head = (r: Parameters<typeof radioLine>[0]) => [
    radioLine(r, transport.description),
    ...(usb === undefined ? [] : [usb]),
    profileLine(file.path, file.kind, file.county),
  ];
  try {
    if (run.verify) {
      const report = await verifyProfile(radio, file.profile);
      run.out(
        run.json
          ? verifyJson(report, jsonHead(file, transport.description), show)
          : verifyText(report, head(report.radio), show),
      );
      if (!report.ok)
        throw mismatch(
          report.fields.filter((f) => f.status === 'mismatch'),
          show,
          transport.description,
          true,
        );
      return 0;
    }
    const report = await applyProfile(radio, file.profile, {
      progress: (p) =>
        run.err(`${p.step === 'write' ? writeLine(p.index, p.plan) : backLine(p.index, p.record, show)}\n`),
    });
    run.out(
      run.json
        ? applyJson(report, jsonHead(file, transport.description), show)
        : applyText(report, head(report.radio), show),
    );
    if (!report.ok)
      throw mismatch(
        report.fields.filter((f) => f.status === 'mismatch').map((f) => ({ ...f, read: f.after })),
        show,
        transport.description,
        false,
      );
    return 0;
  } catch (err) {
    throw portHeld(err);
  } finally {
    await radio.close();
  }
}

function mismatch(
  fields: {
    field: string;
    spec: Parameters<ShowValue>[0];
    wanted: Parameters<ShowValue>[1];
    read: Parameters<ShowValue>[1];
  }[],
  show: ShowValue,
  where: string,
  verify: boolean,
): KitError {
  const n = fields.length;
  const list = mismatchList(
    fields.map((f) => ({ field: f.field, wanted: show(f.spec, f.wanted), read: show(f.spec, f.read) })),
  );
  const fix = verify
    ? 'run `fieldnode radio apply` with the same profile to set them'
    : 'the radio refused the write or reports something else than it keeps: apply again, and if they still differ ' +
      'check its firmware version and whether it is managed (security.is_managed makes it ignore its own host)';
  return new KitError(
    'RADIO_MISMATCH',
    `${n} field${n === 1 ? '' : 's'} of the radio on ${where} read${n === 1 ? 's' : ''} back different from the profile: ${list}; ${fix}`,
  );
}

/** A port another program locked (serialport's "Cannot lock port"): most likely the daemon. */
function portHeld(err: unknown): unknown {
  if (!isKitError(err, 'MESH_PORT') || !/lock/i.test(err.message)) return err;
  return new KitError(
    'MESH_PORT',
    `${err.message}: another program holds the port, most likely the fieldnode daemon: ` +
      'stop it first (systemctl stop fieldnode), then run this again',
    { cause: err },
  );
}

/**
 * What the port's USB id says it is and which profile that suggests (docs/profiles.md §Which
 * profile: USB fingerprints), when it says anything.
 */
async function usbLine(
  port: string,
  profilePath: string,
  sysRoot: string | undefined,
): Promise<string | undefined> {
  const [{ usbIdentityOf }, { fingerprintsOf }] = await Promise.all([
    import('../../../radio/src/transports/usb-identity.js'),
    import('../../../radio/src/transports/usb-fingerprints.js'),
  ]);
  const id = await usbIdentityOf(port, sysRoot === undefined ? {} : { sysRoot });
  if (id === undefined) return undefined;
  const [known] = fingerprintsOf(id.vendorId, id.productId);
  if (known === undefined) return `USB ${id.vendorId}:${id.productId}: not a device fieldnode knows`;
  const other = profilePath.endsWith(`/${known.profile}`) ? '' : `, not this one`;
  return `USB ${id.vendorId}:${id.productId}: ${known.device}; its fingerprint suggests ${known.profile}${other}`;
}
