/**
 * The roster at run time (docs/domain-model.md §The roster, §The roster file, §PINs): the people
 * configured, with the changes an admin made since on top, and their PINs.
 *
 * - Looking people up, by id or by area, and projecting the roster for the air (air-roster.ts).
 * - Checking a PIN at sign-in, and hashing it again when its parameters are old.
 * - Changes (add, change, remove a person; set or reset PINs) are made one at a time. Each is
 *   written to the roster file, synced, before it takes effect, and then recorded in the audit
 *   log; it resolves once both are durable. A power cut between the two leaves the change made and
 *   not recorded: the file is the truth about the roster, the log about who did what.
 *
 * Who may change the roster (`roster.manage`, permissions.ts) is the API's check, made before it
 * calls here; this records whoever it is told acted.
 */
import { KitError } from '../../base/errors.js';
import type { Logger } from '../../base/logger.js';
import { Problems, Section } from '../../config/reader.js';
import type { AuditActor, AuditDraft, AuditSink } from '../audit/audit-entry.js';
import { type AirRoster, airRoster } from './air-roster.js';
import { type AreaCode, areaContains } from './area-code.js';
import { AreaDirectory } from './area-directory.js';
import type { Person, RosterId } from './person.js';
import { generatePin, pinProblem } from './pin.js';
import { hashPin, needsRehash, PIN_HASH_PARAMS, type PinHashParams, verifyPin } from './pin-hash.js';
import './roster-audit-actions.js';
import type { RosterConfig } from './roster-config.js';
import './roster-errors.js';
import { type RosterChanges, readRosterFile, writeRosterFile } from './roster-file.js';
import { PERSON_KEYS, readPerson } from './roster-reading.js';

export interface RosterOptions {
  /** The roster configured (roster-config.ts). */
  config: RosterConfig;
  /** The roster file, `<data_dir>/roster.json`. */
  file: string;
  /** Where changes are recorded. */
  audit: AuditSink;
  log: Logger;
  /** The parameters new PIN hashes are made with. Default PIN_HASH_PARAMS. */
  pinParams?: PinHashParams;
}

/** Owns the people in effect and the changes saved in the roster file. */
export class Roster {
  readonly areas: AreaDirectory;
  readonly #o: RosterOptions;
  readonly #known: ReadonlySet<AreaCode>;
  #changes: RosterChanges;
  #people: ReadonlyMap<RosterId, Person>;
  #turn: Promise<unknown> = Promise.resolve();

  private constructor(o: RosterOptions, changes: RosterChanges) {
    this.#o = o;
    this.areas = new AreaDirectory(o.config.areas);
    this.#known = new Set(o.config.areas.map((a) => a.code));
    this.#changes = changes;
    this.#people = inEffect(o.config, changes);
  }

  /**
   * Reads the roster file over the configured roster.
   * @throws KitError ROSTER_INVALID, KEYS_INSECURE, KEYS_UNREADABLE (roster-file.ts).
   */
  static async open(o: RosterOptions): Promise<Roster> {
    const changes = await readRosterFile(o.file, new Set(o.config.areas.map((a) => a.code)));
    const roster = new Roster(o, changes);
    o.log.info(
      {
        people: roster.#people.size,
        changed: changes.people.length,
        removed: changes.removed.length,
        pins: [...roster.#people.keys()].filter((id) => changes.pins.has(id)).length,
      },
      'roster loaded',
    );
    return roster;
  }

  get(id: RosterId): Person | undefined {
    return this.#people.get(id);
  }

  /** Everyone, by id. */
  list(): Person[] {
    return [...this.#people.values()].sort((a, b) => a.id - b.id);
  }

  /** The people who answer for an area within `area`. */
  within(area: AreaCode): Person[] {
    return this.list().filter((p) => p.areas.some((a) => areaContains(area, a)));
  }

  /** The roster a kit of `area` may be sent on air: ids, role numbers and names only. */
  airRoster(area: AreaCode): AirRoster {
    return airRoster(area, this.#people.values());
  }

  hasPin(id: RosterId): boolean {
    return this.#people.has(id) && this.#changes.pins.has(id);
  }

  /** An id never used on this roster: one more than the highest, removed people included. */
  nextId(): RosterId {
    return Math.max(0, ...this.#people.keys(), ...this.#changes.removed) + 1;
  }

  /**
   * Whether `pin` is the PIN of person `id`; false for someone not on the roster or without a PIN.
   * A PIN hashed with older parameters is hashed again with the current ones (best effort).
   */
  async checkPin(id: RosterId, pin: string): Promise<boolean> {
    const stored = this.#people.has(id) ? this.#changes.pins.get(id) : undefined;
    if (stored === undefined) return false;
    if (!(await verifyPin(pin, stored))) return false;
    if (needsRehash(stored, this.#params)) {
      await this.#serial(() => this.#rehash(id, pin, stored)).catch((err: unknown) =>
        this.#o.log.warn(
          { err, person: id },
          'could not hash a PIN again; keeps the old hash until the next sign-in',
        ),
      );
    }
    return true;
  }

  /** Adds a person under an id never used here. @throws KitError ROSTER_INVALID, ROSTER_UNWRITABLE. */
  add(by: AuditActor, person: Person): Promise<void> {
    return this.#serial(async () => {
      const p = this.#check(person);
      if (this.#people.has(p.id)) throw invalid(`id ${p.id} is already ${this.#people.get(p.id)?.name}'s`);
      if (this.#changes.removed.includes(p.id))
        throw invalid(
          `id ${p.id} belonged to someone removed, and ids are never reused: use ${this.nextId()}`,
        );
      await this.#commit({ ...this.#changes, people: [...this.#changes.people, p] }, [
        {
          actor: by,
          action: 'roster.person-added',
          subject: subject(p.id),
          details: { roles: [...p.roles], areas: [...p.areas] },
        },
      ]);
    });
  }

  /** Replaces what is known of a person. @throws KitError ROSTER_UNKNOWN_PERSON, ROSTER_INVALID, ROSTER_UNWRITABLE. */
  change(by: AuditActor, person: Person): Promise<void> {
    return this.#serial(async () => {
      const p = this.#check(person);
      const before = this.#person(p.id);
      const fields = (['name', 'phone', 'roles', 'areas'] as const).filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(p[k]),
      );
      if (fields.length === 0) return;
      await this.#commit(
        { ...this.#changes, people: [...this.#changes.people.filter((q) => q.id !== p.id), p] },
        [{ actor: by, action: 'roster.person-changed', subject: subject(p.id), details: { fields } }],
      );
    });
  }

  /** Removes a person and their PIN; the id is never used again. */
  remove(by: AuditActor, id: RosterId): Promise<void> {
    return this.#serial(async () => {
      this.#person(id);
      const pins = new Map(this.#changes.pins);
      pins.delete(id);
      await this.#commit(
        {
          people: this.#changes.people.filter((p) => p.id !== id),
          removed: [...new Set([...this.#changes.removed, id])],
          pins,
        },
        [{ actor: by, action: 'roster.person-removed', subject: subject(id) }],
      );
    });
  }

  /**
   * Sets the PIN of each person named: the one given, or a random one (pin.ts) where none is.
   * Resolves with the PINs set, to be shown once to whoever gives them out; they are kept nowhere.
   * @throws KitError ROSTER_UNKNOWN_PERSON, ROSTER_PIN_INVALID, ROSTER_UNWRITABLE.
   */
  setPins(by: AuditActor, pins: ReadonlyMap<RosterId, string | undefined>): Promise<Map<RosterId, string>> {
    return this.#serial(async () => {
      const chosen = new Map<RosterId, string>();
      for (const [id, pin] of pins) {
        this.#person(id);
        const wrong = pin === undefined ? undefined : pinProblem(pin);
        if (wrong !== undefined) throw new KitError('ROSTER_PIN_INVALID', `person ${id}: ${wrong}`);
        chosen.set(id, pin ?? generatePin());
      }
      const hashes = new Map(this.#changes.pins);
      for (const [id, pin] of chosen) hashes.set(id, await hashPin(pin, this.#params));
      await this.#commit(
        { ...this.#changes, pins: hashes },
        [...chosen.keys()].map((id) => ({
          actor: by,
          action: 'roster.pin-set',
          subject: subject(id),
          details: { random: pins.get(id) === undefined },
        })),
      );
      return chosen;
    });
  }

  get #params(): PinHashParams {
    return this.#o.pinParams ?? PIN_HASH_PARAMS;
  }

  async #rehash(id: RosterId, pin: string, stored: string): Promise<void> {
    if (this.#changes.pins.get(id) !== stored) return; // reset meanwhile: nothing to redo
    const pins = new Map(this.#changes.pins).set(id, await hashPin(pin, this.#params));
    await this.#commit({ ...this.#changes, pins }, [
      { actor: 'system', action: 'roster.pin-rehashed', subject: subject(id), details: { ...this.#params } },
    ]);
  }

  /** The person checked by the rules of the configuration (roster-reading.ts). */
  #check(person: Person): Person {
    const problems = new Problems();
    const raw = Object.fromEntries(
      PERSON_KEYS.filter((k) => person[k] !== undefined).map((k) => [k, person[k]]),
    );
    const read = readPerson(Section.of(problems, raw, 'person', PERSON_KEYS), this.#known);
    if (read === undefined || problems.list.length > 0) throw invalid(problems.list.join('; '));
    return read;
  }

  #person(id: RosterId): Person {
    const person = this.#people.get(id);
    if (person === undefined) throw new KitError('ROSTER_UNKNOWN_PERSON', `no person ${id} on the roster`);
    return person;
  }

  /** Saves `next`, then makes it the roster, then records why. */
  async #commit(next: RosterChanges, entries: AuditDraft[]): Promise<void> {
    const people = inEffect(this.#o.config, next);
    const pins = new Map([...next.pins].filter(([id]) => people.has(id)));
    const saved = { ...next, pins };
    try {
      await writeRosterFile(this.#o.file, saved);
    } catch (cause) {
      throw new KitError(
        'ROSTER_UNWRITABLE',
        `cannot write ${this.#o.file} (${(cause as Error).message}): the change was not made`,
        { cause },
      );
    }
    this.#changes = saved;
    this.#people = people;
    this.#o.log.info({ actions: entries.map((e) => e.action), by: entries[0]?.actor }, 'roster changed');
    await Promise.all(entries.map((e) => this.#o.audit.append(e)));
  }

  /** One change at a time, in the order asked. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(fn, fn);
    this.#turn = run.catch(() => {});
    return run;
  }
}

function inEffect(config: RosterConfig, changes: RosterChanges): Map<RosterId, Person> {
  const removed = new Set(changes.removed);
  const people = new Map<RosterId, Person>();
  for (const p of config.people) if (!removed.has(p.id)) people.set(p.id, p);
  for (const p of changes.people) people.set(p.id, p);
  return people;
}

function subject(id: RosterId): string {
  return `person:${id}`;
}

function invalid(problem: string): KitError {
  return new KitError('ROSTER_INVALID', problem);
}
