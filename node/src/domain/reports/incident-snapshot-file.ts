/**
 * The snapshot a compaction of the incident file writes (docs/reports.md §Storage), written beside
 * the file while changes go on being appended to it: a header and the incidents one per line, a
 * few hundred at a time, each part its own write, then synced.
 *
 * The part at a time is the point: a centre holds tens of thousands of incidents, and serialising
 * them in one go held its event loop for some 200 ms, during which no request was answered
 * (docs/api.md §Measured). Between parts the loop serves requests, so a compaction costs filings
 * nothing but disk bandwidth.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Incident } from './incident.js';
import { snapshotHeader, snapshotLines } from './incident-journal.js';

/** Incidents serialised and written per write. */
const PART = 256;

/**
 * Writes a version 2 file of `incidents` (an empty journal) to `path`, mode 0600, synced, and
 * leaves it open for the caller to append the journal written meanwhile; returns its handle and
 * the snapshot's bytes. On failure the file is closed, and the caller removes it.
 */
export async function writeSnapshotFile(
  open: (path: string, flags: string, mode?: number) => Promise<FileHandle>,
  path: string,
  incidents: readonly Incident[],
): Promise<{ file: FileHandle; bytes: number }> {
  const file = await open(path, 'w', 0o600);
  try {
    await file.chmod(0o600); // a temporary file left by a crash keeps its mode otherwise
    let text = snapshotHeader(incidents.length);
    let bytes = 0;
    for (let at = 0; at <= incidents.length; at += PART) {
      text += snapshotLines(incidents.slice(at, at + PART));
      const part = Buffer.from(text, 'utf8');
      await file.writeFile(part); // at the current position, looping over short writes
      bytes += part.length;
      text = '';
    }
    await file.sync();
    return { file, bytes };
  } catch (err) {
    await file.close().catch(() => {});
    throw err;
  }
}
