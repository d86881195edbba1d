import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureOutput } from '../../test/capture-output.js';
import { StubNodeApp } from '../../test/stub-node.js';
import { ControlServer } from '../daemon/control-socket.js';
import { createRootLogger } from '../log.js';
import type { ForeignPayloadRecord } from '../store/foreign-payload-file.js';
import { runCli } from './main.js';

let dir: string;
let file: string;
const io = captureOutput();
let server: ControlServer | undefined;
let app: StubNodeApp;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-foreign-'));
  file = join(dir, 'foreign-payloads.jsonl');
  app = new StubNodeApp();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A daemon stand-in: the real control socket, releasing into a stub NodeApp that records it. */
async function serve(socketPath = join(dir, 'control.sock'), withRelease = true): Promise<void> {
  const log = createRootLogger({ level: 'fatal' }, new Writable({ write: (_c, _e, done) => done() }));
  server = new ControlServer({
    socketPath,
    status: () => app.status(),
    ...(withRelease ? { release: (item) => app.release(item) } : {}),
    log,
  });
  await server.start();
}

const AT = Date.UTC(2026, 6, 13, 19, 20, 0);
const unknownSender: ForeignPayloadRecord = {
  link: 'rockblock0',
  from: '300434060000099',
  source: { carrier: 'rockblock', momsn: 17 },
  hex: '5003bb10b20204c33b84e8',
  reason: 'unknown-sender',
  detail: 'IMEI 300434060000099 is not enrolled, and no key here checks the frame',
  receivedAt: AT,
};
const malformed: ForeignPayloadRecord = {
  link: 'directip0',
  from: '300434060000001',
  hex: Buffer.from('test\x1b[31m').toString('hex'),
  reason: 'malformed',
  detail: 'not CBOR: \x1b[2J',
  receivedAt: AT + 60_000,
};
const line = (r: ForeignPayloadRecord) => `${JSON.stringify(r)}\n`;

/** The file as the daemon leaves it after a power cut: two records, then a torn third. */
async function keptFile(): Promise<void> {
  await writeFile(file, line(unknownSender) + line(malformed) + line(unknownSender).slice(0, 50));
}

describe('fieldnode foreign list', () => {
  it('prints one numbered line per kept payload and counts the torn line on standard error', async () => {
    await keptFile();
    expect(await runCli(['foreign', 'list', '--data-dir', dir])).toBe(0);
    const lines = io.out.split('\n');
    expect(lines[0]).toMatch(/^# +WHEN +LINK +FROM +REASON +SIZE +CARRIER +DETAIL$/);
    expect(lines[1]).toMatch(
      /^1 +2026-07-13T19:20:00Z +rockblock0 +300434060000099 +unknown-sender +11 B +rockblock momsn 17 +IMEI 300434060000099 is not enrolled/,
    );
    // Control characters in what a stranger sent are shown, not obeyed.
    expect(lines[2]).toMatch(
      /^2 +2026-07-13T19:21:00Z +directip0 +300434060000001 +malformed +9 B +- +not CBOR: \\x1b\[2J$/,
    );
    expect(io.out).not.toContain('\x1b');
    expect(io.out).toContain(`2 kept in ${file}; once the device is known, release an unknown-sender one`);
    expect(io.err).toBe(
      `fieldnode: 1 line of ${file} could not be read (line 3): a write cut short by a power cut, or an edit\n`,
    );
  });

  it('shows where a satellite door’s payload came from: transport, MOMSN, session time, position and CEP', async () => {
    const quarantined: ForeignPayloadRecord = {
      link: 'rockblock0',
      from: '30043406000001',
      source: {
        carrier: 'rockblock',
        momsn: 41,
        sessionTime: Date.UTC(2026, 6, 13, 19, 20, 5),
        latitude: -33.5,
        longitude: 151.25,
        cepKm: 4,
        claims: { imei: '30043406000001', data: 'c0ffee' },
      },
      hex: 'c0ffee',
      reason: 'unexpected-claims',
      detail: 'push claims refused: imei "30043406000001" is not 15 digits',
      receivedAt: AT,
    };
    await writeFile(file, line(quarantined));
    expect(await runCli(['foreign', 'list', '--data-dir', dir])).toBe(0);
    expect(io.out.split('\n')[1]).toMatch(
      /^1 +2026-07-13T19:20:00Z +rockblock0 +30043406000001 +unexpected-claims +3 B +rockblock momsn 41 2026-07-13T19:20:05Z at -33\.5,151\.25 ±4 km +push claims refused/,
    );
    // Not a frame the daemon could take in: a release says so.
    expect(await runCli(['foreign', 'release', '1', '--data-dir', dir])).toBe(1);
    expect(io.err).toContain('FOREIGN_NOT_RELEASABLE');
  });

  it('--json gives the records with their numbers and the unreadable lines', async () => {
    await keptFile();
    expect(await runCli(['foreign', 'list', '--data-dir', dir, '--json'])).toBe(0);
    expect(JSON.parse(io.out)).toEqual({
      file,
      entries: [
        { n: 1, ...unknownSender },
        { n: 2, ...malformed },
      ],
      unreadable: [3],
    });
  });

  it('says when nothing was ever kept', async () => {
    expect(await runCli(['foreign', 'list', '--data-dir', dir])).toBe(0);
    expect(io.out).toBe(`nothing kept: ${file} does not exist\n`);
    expect(io.err).toBe('');
  });

  it('--config reads the file in the data directory the configuration names', async () => {
    await mkdir(join(dir, 'data'));
    await writeFile(join(dir, 'data', 'foreign-payloads.jsonl'), line(malformed));
    const config = join(dir, 'node.yaml');
    await writeFile(config, 'node: { id: 2107, role: kit }\ndata_dir: data\n');
    expect(await runCli(['foreign', 'list', '--config', config, '--json'])).toBe(0);
    expect(JSON.parse(io.out).entries).toEqual([{ n: 1, ...malformed }]);
  });

  it('a file it may not read, arguments, or both --config and --data-dir: errors that say so', async () => {
    await mkdir(file);
    expect(await runCli(['foreign', 'list', '--data-dir', dir])).toBe(1);
    expect(io.err).toContain(`fieldnode: FOREIGN_UNREADABLE: cannot read ${file} (EISDIR)`);
    expect(await runCli(['foreign', 'list', 'extra', '--data-dir', dir])).toBe(2);
    expect(await runCli(['foreign', 'list', '--config', 'x.yaml', '--data-dir', dir])).toBe(2);
    expect(await runCli(['foreign', 'purge'])).toBe(2);
    expect(io.err).toContain('foreign: expected list or release, not "purge"');
  });
});

describe('fieldnode foreign release', () => {
  it('hands entry N to the running daemon, which takes in its link, sender and bytes', async () => {
    await keptFile();
    await serve();
    expect(await runCli(['foreign', 'release', '1', '--data-dir', dir])).toBe(0);
    expect(app.released).toEqual([
      {
        link: 'rockblock0',
        from: '300434060000099',
        bytes: new Uint8Array(Buffer.from(unknownSender.hex, 'hex')),
      },
    ]);
    expect(io.out).toContain('released 1 (rockblock0 from 300434060000099, 11 B): the daemon checked it');
    expect(io.out).toContain('11 B: taken in (stub)');
  });

  it('--config finds both the file and the socket the configuration names', async () => {
    await mkdir(join(dir, 'data'));
    await writeFile(join(dir, 'data', 'foreign-payloads.jsonl'), line(malformed) + line(unknownSender));
    const config = join(dir, 'node.yaml');
    await writeFile(
      config,
      'node: { id: 2107, role: kit }\ndata_dir: data\ncontrol: { socket: run/ctl.sock }\n',
    );
    await serve(join(dir, 'run', 'ctl.sock'));
    const code = await runCli(['foreign', 'release', '2', '--config', config]);
    expect(io.err).toBe('');
    expect(code).toBe(0);
    expect(app.released.map((r) => r.link)).toEqual(['rockblock0']);
  });

  it('refuses an entry not kept as unknown-sender: it is not a fieldnode frame', async () => {
    await keptFile();
    await serve();
    expect(await runCli(['foreign', 'release', '2', '--data-dir', dir])).toBe(1);
    expect(io.err).toContain(
      'fieldnode: FOREIGN_NOT_RELEASABLE: entry 2 was kept as malformed (not CBOR: \\x1b[2J): it is not a fieldnode frame',
    );
    expect(io.err).toContain(
      'only entries kept as unknown-sender (a device that is not enrolled) can be released',
    );
    expect(app.released).toEqual([]);
  });

  it('says plainly that no daemon answers, and exits 1', async () => {
    await keptFile();
    expect(await runCli(['foreign', 'release', '1', '--data-dir', dir])).toBe(1);
    expect(io.err).toContain(
      `fieldnode: no fieldnode daemon answers on ${join(dir, 'control.sock')}, so nothing was released`,
    );
    expect(io.out).toBe('');
  });

  it('says when the daemon is too old to take releases', async () => {
    await keptFile();
    await serve(join(dir, 'control.sock'), false);
    expect(await runCli(['foreign', 'release', '1', '--data-dir', dir])).toBe(1);
    expect(io.err).toContain('does not take releases: it is older than this command');
  });

  it('a bad N is a usage error; a torn line is unreadable; neither reaches the daemon', async () => {
    await keptFile();
    await serve();
    for (const bad of [['x'], ['0'], ['1.5'], ['4'], [], ['1', '2']]) {
      expect(await runCli(['foreign', 'release', ...bad, '--data-dir', dir])).toBe(2);
    }
    expect(io.err).toContain(
      'fieldnode: CLI_USAGE: foreign release: bad N "x": give the number `fieldnode foreign list` shows',
    );
    expect(io.err).toContain(
      `fieldnode: CLI_USAGE: foreign release: no entry 4: ${file} has 3 lines; see \`fieldnode foreign list\``,
    );
    expect(await runCli(['foreign', 'release', '3', '--data-dir', dir])).toBe(1);
    expect(io.err).toContain(`fieldnode: FOREIGN_UNREADABLE: line 3 of ${file} is not a whole record`);
    expect(app.released).toEqual([]);
  });
});
