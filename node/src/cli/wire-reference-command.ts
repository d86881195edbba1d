/**
 * `fieldnode wire reference [--json]`: the reference messages R1–R5 (docs/wire-format.md §9) with
 * what each costs on the two scarce media: RockBLOCK credits of 50 bytes, and time on the air on a
 * Meshtastic mesh with the LONG_FAST preset, the firmware's default (docs/meshtastic.md).
 */
import { KitError } from '../base/errors.js';
import { referenceFrames } from '../wire/fixtures/reference-frames.js';
import { parseOptions } from './args.js';
import { table } from './text-table.js';

/** The preset the airtime is computed for: the Meshtastic firmware's default. */
const PRESET = 'LONG_FAST';

export async function wireReferenceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, { json: { type: 'boolean' } });
  if (positionals.length > 0)
    throw new KitError('CLI_USAGE', `wire reference takes no arguments, got ${positionals.join(' ')}`);
  // What each frame costs on the two media: the adapters know, and load only for this command.
  const [{ LONG_FAST, loraTimeOnAirMs, meshtasticPhyBytes }, { rockblockCredits }] = await Promise.all([
    import('../../../radio/src/lora/airtime.js'),
    import('../../../satellite/src/rockblock/credits.js'),
  ]);
  const rows = referenceFrames().map(({ id, message, frame }) => ({
    id,
    kind: message.kind,
    bytes: frame.length,
    credits: rockblockCredits(frame.length),
    airtimePreset: PRESET,
    airtimeMsLongFast: Math.round(loraTimeOnAirMs(meshtasticPhyBytes(frame.length), LONG_FAST)),
    hex: Buffer.from(frame).toString('hex'),
  }));
  if (values.json) {
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  const lines = table([
    ['ID', 'KIND', 'BYTES', 'CREDITS', `AIRTIME ${PRESET}`],
    ...rows.map((r) => [r.id, r.kind, String(r.bytes), String(r.credits), `${r.airtimeMsLongFast} ms`]),
  ]);
  const hex = rows.map((r) => `${r.id}  ${r.hex}`);
  process.stdout.write(`${[...lines, '', ...hex].join('\n')}\n`);
  return 0;
}
