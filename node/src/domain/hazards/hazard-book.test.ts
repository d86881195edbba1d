/**
 * The hazard ledger on disk (hazard-book.ts, hazard-journal.ts; docs/hazards.md §The ledger on
 * disk): what was recorded is there again after a restart, refusals included, the decision kept
 * rather than taken again; a message held already changes nothing; a torn line, a line that is not
 * a record, a frame that does not decode or is not a hazard are skipped and the rest is kept; the
 * file is private (0600).
 */
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../base/logger.js';
import { HAZARD_VILLAGE, Z1, Z2, z1Change } from '../../wire/fixtures/hazard-messages.js';
import { R1 } from '../../wire/fixtures/reference-messages.js';
import { encodeMessage } from '../../wire/message.js';
import { HazardBook, type HazardBookOptions } from './hazard-book.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-hazard-book-'));
  file = join(dir, 'hazards.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const Z1_ID = `${Z1.origin}/${Z1.seq}`;

function options(o: Partial<HazardBookOptions> = {}): HazardBookOptions {
  return {
    file,
    nodeId: 1,
    kitArea: (node) => (node === Z1.origin ? HAZARD_VILLAGE : undefined),
    now: () => 1_784_000_000_000,
    log: silentLogger,
    ...o,
  };
}

describe('the hazard ledger on disk', () => {
  it('is there again after a restart, with a refusal kept as it was decided', async () => {
    let refuse = true;
    const book = await HazardBook.open(options({ accepts: () => (refuse ? 'person 4 may not' : undefined) }));
    expect((await book.record(Z1, { local: false })).added).toBe(true);
    expect((await book.record(Z2, { local: false })).refused).toBe('person 4 may not');
    expect((await book.record(Z1, { local: false })).added).toBe(false);
    const before = book.get(Z1_ID);
    expect(before?.status).toBe('reported');
    // The point as the wire carries it, as every other node reads it: not the sender's own digits.
    expect(before?.point).not.toEqual(Z1.body.point);
    await book.close();
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    // The roster changed since: the decision kept stands, it is not taken again.
    refuse = false;
    const again = await HazardBook.open(options({ accepts: () => undefined }));
    expect(again.get(Z1_ID)).toEqual(before);
    expect(again.get(Z1_ID)?.steps.map((s) => s.refused)).toEqual([undefined, 'person 4 may not']);
    expect((await again.record(Z2, { local: false })).added).toBe(false);
    await again.close();
  });

  it('applies an accepted change, and a local one without asking', async () => {
    const asked: string[] = [];
    const book = await HazardBook.open(
      options({
        accepts: (entry) => {
          asked.push(entry.id);
          return undefined;
        },
      }),
    );
    await book.record(Z1, { local: true });
    await book.record(Z2, { local: false });
    await book.record(z1Change(330, 'mitigated', 5), { local: true });
    expect(asked).toEqual([`${Z2.origin}/${Z2.seq}`]);
    expect(book.get(Z1_ID)).toMatchObject({
      status: 'handled',
      severity: Z2.body.severity,
      area: HAZARD_VILLAGE,
    });
    await book.close();
  });

  it('skips what it cannot read and keeps the rest', async () => {
    const book = await HazardBook.open(options());
    await book.record(Z1, { local: false });
    await book.close();
    const notHazard = Buffer.from(encodeMessage(R1, { scheme: 'none' })).toString('hex');
    await appendFile(
      file,
      [
        '{"t":"message","at":1,"fr', // torn
        '',
        '[1,2,3]',
        '{"t":"message","at":1,"frame":"zz"}',
        '{"t":"message","at":1,"frame":"0102"}',
        JSON.stringify({ t: 'message', at: 1, frame: notHazard }),
        '{"t":"photo","at":1,"hazard":"2107/320","n":1,"file":"../../etc/passwd","type":"jpeg","bytes":1,"sha256":"00","by":4}',
        '{"t":"later","at":1}',
        '',
      ].join('\n'),
    );
    const again = await HazardBook.open(options());
    expect(again.list().map((h) => h.id)).toEqual([Z1_ID]);
    expect(again.photos(Z1_ID)).toEqual([]);
    // Still writable after the damage: a new line lands on a line of its own.
    await again.record(Z2, { local: false });
    await again.close();
    const third = await HazardBook.open(options());
    expect(third.get(Z1_ID)?.status).toBe('verified');
    await third.close();
    expect((await readFile(file, 'utf8')).endsWith('\n')).toBe(true);
  });
});
