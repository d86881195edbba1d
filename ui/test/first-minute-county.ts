/**
 * The demonstration county as a newcomer meets it, for first-minute.browser.test.ts
 * (docs/demo-county.md §The banner, §Tests): the real `fieldnode demo --dir DIR` in a child
 * process, and what its banner tells a reader: each node's web address, who signs in there with
 * which roster number and PIN, and the guide's village and centre. Nothing is taken from the
 * county's files or its plan: only what the banner prints.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningFieldnode, type RunResult, startFieldnode } from '../../node/test/fieldnode-binary.js';

/** One line of the banner's table. */
export interface BannerRow {
  role: string;
  name: string;
  /** Its web page, as printed: `http://127.0.0.1:8102/`. */
  url: string;
  /** The person who signs in there, and their roles, as printed. */
  person: string;
  /** The roster number the sign-in page asks for. */
  number: number;
  pin: string;
}

export interface Banner {
  rows: BannerRow[];
  /** The row of the kit the guide sends the newcomer to, and the person it names there. */
  kit: BannerRow;
  /** The row of the centre the guide says to watch. */
  centre: BannerRow;
}

/** What the banner says, read as a person reads it; throws saying what a reader would miss. */
export function readBanner(output: string): Banner {
  // The daemon's own log lines (JSON when piped) may come before and after it.
  const lines = output.split('\n').filter((l) => !l.startsWith('{'));
  const cells = (line: string) => line.trim().split(/\s{2,}/);
  const at = lines.findIndex((l) => l.includes('网址 URL'));
  if (at < 0) throw new Error(`no banner table in the output:\n${output}`);
  const header = cells(lines[at] as string);
  const column = (name: string) => header.findIndex((h) => h.startsWith(name));
  const [nameAt, urlAt, signInAt, numberAt, pinAt] = ['名称', '网址', '登录', '编号', 'PIN'].map(column);
  if (numberAt === -1)
    throw new Error(
      'the banner names each person and their PIN but not their roster number, and the sign-in page ' +
        `asks for the number (人员编号) and the PIN: the guide cannot be followed. The table's header: ${lines[at]}`,
    );
  const rows: BannerRow[] = [];
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === '') break;
    // The role column has no header: each row has one cell more than the header.
    const [role = '', ...rest] = cells(line);
    const cell = (i: number | undefined) => (i === undefined || i < 0 ? '' : (rest[i] ?? ''));
    rows.push({
      role,
      name: cell(nameAt),
      url: cell(urlAt),
      person: cell(signInAt),
      number: Number(cell(numberAt)),
      pin: cell(pinAt),
    });
  }
  for (const r of rows) {
    if (!/^http:\/\/127\.0\.0\.1:\d+\/$/.test(r.url))
      throw new Error(`the banner gives ${r.name} the address ${r.url}, not one on this machine's loopback`);
    if (!Number.isInteger(r.number) || r.number < 1 || !/^\d{6}$/.test(r.pin))
      throw new Error(
        `the banner's line for ${r.name} has no roster number and 6-digit PIN: ${JSON.stringify(r)}`,
      );
  }
  const guide = lines
    .map((l) => /Open (.+?)'s page :(\d+), sign in as (.+?), file a 初报.* reach the centre :(\d+)/.exec(l))
    .find((m) => m !== null);
  if (guide == null) throw new Error(`no guide line in the banner:\n${output}`);
  const [, , kitPort, who, centrePort] = guide as unknown as [string, string, string, string, string];
  const port = (r: BannerRow) => new URL(r.url).port;
  const kit = rows.find((r) => port(r) === kitPort && r.person.startsWith(who));
  const centre = rows.find((r) => port(r) === centrePort);
  if (kit === undefined)
    throw new Error(`the guide says sign in as ${who} at :${kitPort}, and no line of the table says so`);
  if (centre === undefined) throw new Error(`the guide names the centre :${centrePort}, which no line has`);
  return { rows, kit, centre };
}

/** `fieldnode demo` running in a temporary folder, its banner read. */
export interface DemoProcess {
  dir: string;
  fieldnode: RunningFieldnode;
  banner: Banner;
  /** Ctrl-C, as the banner says, then the folder removed; resolves with how the process ended. */
  stop(): Promise<RunResult>;
}

/** Starts `fieldnode demo --dir TMP` as a newcomer's shell would, and waits for its banner. */
export async function startDemo(bannerWithinMs: number): Promise<DemoProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'fn-first-minute-'));
  // The child's own kill timer is only a backstop: stop() ends it with SIGINT.
  const fieldnode = startFieldnode(['demo', '--dir', dir], { timeoutMs: 10 * 60_000 });
  const stop = async () => {
    try {
      return await fieldnode.stop('SIGINT');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    await fieldnode.waitFor('Ctrl-C 停止', bannerWithinMs);
    return { dir, fieldnode, banner: readBanner(fieldnode.stdout), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
