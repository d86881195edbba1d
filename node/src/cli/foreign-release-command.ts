/**
 * `fieldnode foreign release N [--config FILE | --data-dir DIR]`: hands payload N of
 * <data dir>/foreign-payloads.jsonl back to the running daemon over its control socket, which
 * takes it in again without asking whether the sending device is enrolled (docs/centre-doors.md
 * §Releasing a kept frame; docs/security.md §The centre's doors).
 *
 * Only a payload kept as 'unknown-sender' can be released: every other reason says the bytes are
 * not a fieldnode frame at all, and the daemon would only keep them again. Exit 1 with a plain
 * sentence when no daemon answers or it refuses; 2 for a bad N.
 */
import { join } from 'node:path';
import { KitError } from '../base/errors.js';
import { requestRelease } from '../daemon/control-socket.js';
import { parseReleaseRequest, type ReleaseRequest } from '../daemon/release-request.js';
import type { ForeignPayloadRecord } from '../store/foreign-payload-file.js';
import { parseOptions } from './args.js';
import './foreign-errors.js';
import { FOREIGN_PAYLOAD_FILE, readListing } from './foreign-list-command.js';
import { printable } from './foreign-text.js';
import { nodePlaces } from './node-places.js';

export async function foreignReleaseCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    config: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  if (positionals.length !== 1)
    throw new KitError(
      'CLI_USAGE',
      `foreign release takes one N, the number \`fieldnode foreign list\` shows, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`,
    );
  const n = entryNumber(positionals[0] ?? '');
  const places = await nodePlaces(values);
  const file = join(places.dataDir, FOREIGN_PAYLOAD_FILE);
  const record = await entry(file, n);
  const request = releasable(record, n);

  const { socketPath } = places;
  const result = await requestRelease(socketPath, request);
  if (!result.ok) {
    const why = {
      'no-daemon': `no fieldnode daemon answers on ${socketPath}, so nothing was released. Start it (\`fieldnode start\`, or \`systemctl start fieldnode\`) and release again; check --config or --data-dir.`,
      denied: `not allowed to use ${socketPath}: run this as the daemon's user (or root).`,
      timeout: `the daemon on ${socketPath} did not answer in time; it may still take the frame in: look in its log for "a kept frame released by the duty officer" before releasing again.`,
      protocol: `the daemon on ${socketPath} gave an unexpected answer`,
      refused: refusal(result.reason === 'refused' ? result.code : '', socketPath),
    }[result.reason];
    process.stderr.write(`fieldnode: ${why} (${result.detail})\n`);
    return 1;
  }
  const from = request.from === undefined ? '' : ` from ${printable(request.from)}`;
  const outcome =
    result.outcome?.map((o) => `  ${printable(o)}\n`).join('') ??
    '  (this daemon does not say; its log does)\n';
  process.stdout.write(
    `released ${n} (${printable(request.link)}${from}, ${request.hex.length / 2} B): the daemon checked it ` +
      `again, all but the sending device's enrolment:\n${outcome}`,
  );
  return 0;
}

/** N as a line number, from 1. */
function entryNumber(text: string): number {
  const n = /^[1-9]\d{0,8}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new KitError(
      'CLI_USAGE',
      `bad N ${JSON.stringify(text)}: give the number \`fieldnode foreign list\` shows, 1 or more`,
    );
  return n;
}

/** Entry N of the file: a bad N is a usage error; a torn line, FOREIGN_UNREADABLE. */
async function entry(file: string, n: number): Promise<ForeignPayloadRecord> {
  const listing = await readListing(file);
  const found = listing.entries.find((e) => e.n === n);
  if (found !== undefined) return found.record;
  if (listing.unreadable.includes(n))
    throw new KitError(
      'FOREIGN_UNREADABLE',
      `line ${n} of ${file} is not a whole record (a write cut short by a power cut, or an edit): nothing to release`,
    );
  const last = Math.max(listing.entries.at(-1)?.n ?? 0, listing.unreadable.at(-1) ?? 0);
  const what = listing.missing
    ? `${file} does not exist`
    : `${file} has ${last} line${last === 1 ? '' : 's'}`;
  throw new KitError('CLI_USAGE', `no entry ${n}: ${what}; see \`fieldnode foreign list\``);
}

/** The release request for a record, if a release means anything for it. */
function releasable(record: ForeignPayloadRecord, n: number): ReleaseRequest {
  if (record.reason !== 'unknown-sender') {
    throw new KitError(
      'FOREIGN_NOT_RELEASABLE',
      `entry ${n} was kept as ${printable(record.reason)} (${printable(record.detail)}): it is not a fieldnode ` +
        `frame, so the daemon has nothing to take in; only entries kept as unknown-sender (a device that is ` +
        `not enrolled) can be released`,
    );
  }
  const request: ReleaseRequest = {
    link: record.link,
    ...(record.from !== undefined ? { from: record.from } : {}),
    hex: record.hex,
  };
  // The daemon checks the same; checked here too, to say which entry is at fault.
  const checked = parseReleaseRequest({ cmd: 'release', ...request });
  if (!checked.ok)
    throw new KitError(
      'FOREIGN_NOT_RELEASABLE',
      `entry ${n} cannot be released: ${checked.problems.join('; ')}`,
    );
  return request;
}

/** What an error reply to a release means, for the duty officer. */
function refusal(code: string, socketPath: string): string {
  if (code === 'UNKNOWN_COMMAND')
    return `the daemon on ${socketPath} does not take releases: it is older than this command; restart it on this version`;
  if (code === 'BAD_REQUEST') return `the daemon on ${socketPath} refused the request as malformed`;
  return `the daemon on ${socketPath} could not take the frame in: ${code}`;
}
