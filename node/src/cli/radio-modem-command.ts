/**
 * `fieldnode radio apply|verify PROFILE --port PATH` for a RockBLOCK 9603 profile
 * (docs/profiles.md §The RockBLOCK 9603 profile): the modem's port at 19200 baud, the AT channel,
 * the settings written and read back (satellite/src/sbd/modem-settings.ts), the report, and
 * RADIO_MISMATCH (exit 1) when a setting reads back different. The satellite modules are loaded
 * when the command runs.
 */
import { KitError } from '../base/errors.js';
import type { DeviceProfileFile } from './radio-profile-file.js';
import { mismatchList, modemText, profileLine } from './radio-report-text.js';
import './radio-errors.js';

export async function modemCommand(
  file: Extract<DeviceProfileFile, { kind: 'rockblock-9603' }>,
  path: string,
  verify: boolean,
  json: boolean,
  out: (t: string) => void,
): Promise<number> {
  const [{ openModemPort }, { AtChannel }, settings] = await Promise.all([
    import('../../../satellite/src/modem/serial-port.js'),
    import('../../../satellite/src/at/at-channel.js'),
    import('../../../satellite/src/sbd/modem-settings.js'),
  ]);
  const port = await openModemPort(path);
  const at = new AtChannel(port);
  try {
    const report = verify
      ? await settings.verifyModemSettings(at, file.settings)
      : await settings.applyModemSettings(at, file.settings);
    const head = [`modem on serial ${path}`, profileLine(file.path, file.kind, file.county)];
    out(
      json
        ? `${JSON.stringify({ on: `serial ${path}`, profile: { path: file.path, kind: file.kind, county: file.county }, ...report }, null, 2)}\n`
        : modemText(report, head, verify),
    );
    if (!report.ok) {
      const bad = report.fields.filter((f) => f.status === 'mismatch');
      throw new KitError(
        'RADIO_MISMATCH',
        `${bad.length} setting${bad.length === 1 ? '' : 's'} of the modem on ${path} read back different from the profile: ` +
          mismatchList(
            bad.map((f) => ({
              field: f.field,
              wanted: String(f.wanted),
              read: String(f.after ?? '(not reported)'),
            })),
          ) +
          (verify
            ? '; run `fieldnode radio apply` with the same profile to set them'
            : '; the modem refused them: check it is a 9602/9603'),
      );
    }
    return 0;
  } finally {
    at.close();
    await new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
  }
}
