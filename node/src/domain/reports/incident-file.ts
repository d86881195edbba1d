/**
 * The incident ledger as a JSON-lines file in the data directory (docs/reports.md §Storage): a
 * header line, then one incident per line. A county has tens of incidents a season, so every change
 * rewrites the file whole: to a temporary file of mode 0600, synced, renamed over the old one, and
 * the directory synced, so a power cut leaves the old ledger or the new one, never half of either.
 *
 * Unlike files that only save work (seen-deliveries-file.ts), this one holds the record of what
 * was reported: a file that cannot be read back is refused with REPORT_LEDGER_CORRUPT, naming the
 * line, and nothing is written over it until a person has looked.
 */
import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KitError } from '../../base/errors.js';
import type { Incident, IncidentId } from './incident.js';
import { incidentFromJson, incidentToJson } from './incident-json.js';
import type { IncidentLedger, LedgerChange } from './incident-ledger.js';

const HEADER = { fieldnode: 'incidents', v: 1 };

export class FileIncidentLedger implements IncidentLedger {
  readonly #path: string;
  #incidents: Map<IncidentId, Incident> | undefined;
  /** Changes are written one after another, never interleaved. */
  #queue: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  async all(): Promise<readonly Incident[]> {
    return [...(await this.#load()).values()].map((i) => structuredClone(i));
  }

  async get(id: IncidentId): Promise<Incident | undefined> {
    const i = (await this.#load()).get(id);
    return i === undefined ? undefined : structuredClone(i);
  }

  apply(change: LedgerChange): Promise<void> {
    const run = this.#queue.then(async () => {
      const next = new Map(await this.#load());
      for (const id of change.remove ?? []) next.delete(id);
      for (const i of change.put ?? []) next.set(i.id, structuredClone(i));
      await this.#write(next);
      this.#incidents = next;
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async #load(): Promise<Map<IncidentId, Incident>> {
    if (this.#incidents !== undefined) return this.#incidents;
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      text = '';
    }
    this.#incidents = parseLedger(text, this.#path);
    return this.#incidents;
  }

  async #write(incidents: Map<IncidentId, Incident>): Promise<void> {
    const lines = [JSON.stringify(HEADER), ...[...incidents.values()].map(incidentToJson)];
    const tmp = `${this.#path}.tmp`;
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(`${lines.join('\n')}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.#path);
    const dir = await open(dirname(this.#path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/** The incidents of a ledger file's text; an empty text is an empty ledger. */
export function parseLedger(text: string, path: string): Map<IncidentId, Incident> {
  const incidents = new Map<IncidentId, Incident>();
  if (text === '') return incidents;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const fix = 'move the file aside and restore the last good copy';
  let header: unknown;
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    header = undefined;
  }
  const h = header as { fieldnode?: unknown; v?: unknown } | undefined;
  if (h?.fieldnode !== HEADER.fieldnode || h.v !== HEADER.v)
    throw new KitError('REPORT_LEDGER_CORRUPT', `${path}:1: not an incident ledger of version 1; ${fix}`);
  for (let n = 1; n < lines.length; n++) {
    let incident: Incident;
    try {
      incident = incidentFromJson(lines[n] as string, `${path}:${n + 1}`);
    } catch (err) {
      throw new KitError('REPORT_LEDGER_CORRUPT', `${(err as Error).message}; ${fix}`, { cause: err });
    }
    if (incidents.has(incident.id))
      throw new KitError('REPORT_LEDGER_CORRUPT', `${path}:${n + 1}: incident ${incident.id} twice; ${fix}`);
    incidents.set(incident.id, incident);
  }
  return incidents;
}
