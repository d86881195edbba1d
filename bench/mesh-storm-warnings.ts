/**
 * The warnings workflow of the 叫应 storm's nodes (docs/warnings.md; docs/mesh-simulator.md §The 叫应
 * storm), wired to the real cores as node/src/composition/node-warnings.ts wires a daemon's: at the
 * centre the warning desk, signing with the issuer's key, fed the cores' receipts ('state') and the
 * kits' acks; at each kit the kit's warning book with its alarm (a recorded sounder), fed the
 * warnings and control messages its core delivers, sending its acks through its core. Each kit's
 * people answer at their seeded times once the warning is in their book (mesh-storm-county.ts).
 *
 * Time: the cores run on wall time with their timings scaled to the mesh (mesh-fieldnode.ts). The
 * warnings workflow runs on the mesh's own simulated time instead: its clock is the paced clock
 * with a unix epoch, and its timers are the paced clock's. So it keeps its real defaults, five
 * minutes to answer and a 10 s bundling window, against what happens on air, as a county's would;
 * a warning's times (signed onset and expiry) are on that clock too. The one figure it takes from a
 * core, the confirmation wait toward a kit, is the core's wall milliseconds times the speedup.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../node/src/base/logger.js';
import { DEFAULTS } from '../node/src/config/schema.js';
import { DEFAULT_WARNINGS } from '../node/src/config/warnings-section.js';
import { AlarmController } from '../node/src/domain/warnings/alarm/alarm-controller.js';
import { WarningDesk } from '../node/src/domain/warnings/desk/warning-desk.js';
import { KitWarnings } from '../node/src/domain/warnings/kit/kit-warnings.js';
import type { Clock, Timer } from '../node/src/link/clock.js';
import { RecordedSounder } from '../node/src/sounders/recorded-sounder.js';
import type { Authenticator, Message } from '../node/src/wire/message.js';
import type { PacedClock } from '../radio/sim/meshtastic/paced-clock.js';
import type { FieldNodes } from './mesh-fieldnode.js';
import { CENTRE, KITS } from './mesh-scenario.js';
import { answersAt, peopleOf, STORM_ISSUER, STORM_PEOPLE, villageOf } from './mesh-storm-county.js';

/**
 * The county's `warnings:` settings for a run, where they differ from the defaults: what a county
 * could change today without a new version (node/src/config/warnings-section.ts).
 */
export interface StormSettings {
  /** `answer_within_s`, ms: how long the desk waits for a person before the re-alarm. */
  answerWithinMs?: number;
  /** `answer_window_s`, ms: how long a kit bundles the answers after the first. */
  answerWindowMs?: number;
}

export interface StormWarnings {
  desk: WarningDesk;
  books: Map<number, KitWarnings>;
  /** Unix ms on the simulated clock. */
  now(): number;
  /** Answers the people made (the book took them); what the workflow refused or failed at, in words. */
  answered: number;
  refused: string[];
  close(): Promise<void>;
}

export async function stormWarnings(
  nodes: FieldNodes,
  o: { clock: PacedClock; speedup: number; sign: Authenticator; settings?: StormSettings },
): Promise<StormWarnings> {
  const { clock } = o;
  const epoch = Date.now() - clock.now();
  const now = () => epoch + clock.now();
  const timers = {
    setTimer: (fn: () => void, ms: number) => clock.after(ms, fn),
    clearTimer: (t: unknown) => (t as Timer).cancel(),
  };
  const simClock: Clock = { now, after: (ms, fn) => clock.after(ms, fn) };
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-storm-'));
  const centre = nodes.node(CENTRE);
  const p0 = DEFAULTS.latencyBoundS.p0 * 1000;
  const desk = await WarningDesk.open({
    nodeId: CENTRE,
    file: join(dir, 'warning-desk.jsonl'),
    core: centre.core,
    frame: (id) => centre.store.getFrame(id),
    issuer: { id: STORM_ISSUER, sign: o.sign },
    people: () => STORM_PEOPLE,
    kits: KITS.map((k) => ({ id: k.id, area: villageOf(k.id) })),
    policy: {
      answerWithinMs: o.settings?.answerWithinMs ?? DEFAULT_WARNINGS.answerWithinMs,
      resendsBeforeSuperior: DEFAULT_WARNINGS.resendsBeforeSuperior,
      resendAfterMs: DEFAULT_WARNINGS.resendAfterMs,
    },
    latencyMs: (kit) => {
      const wait = centre.core.confirmationWaitToward(kit);
      return wait === undefined ? p0 : wait * o.speedup;
    },
    now,
    drill: false,
    ...timers,
    log: silentLogger,
  });
  const alarms: AlarmController[] = [];
  const state: StormWarnings = {
    desk,
    books: new Map(),
    now,
    answered: 0,
    refused: [],
    close: async () => {
      for (const book of state.books.values()) await book.close();
      for (const alarm of alarms) await alarm.close();
      await desk.close();
      await rm(dir, { recursive: true, force: true });
    },
  };

  const failed = (what: string) => (err: unknown) => state.refused.push(`${what}: ${String(err)}`);
  centre.core.on('state', (meta) => {
    desk.receipts(meta.id, meta.receivedBy).catch(failed(`the desk's receipt of ${meta.id}`));
  });
  centre.core.on('delivered', (m: Message) => {
    if (m.kind === 'ack') desk.ack(m).catch(failed(`the desk's ack from ${m.origin}`));
  });

  for (const k of KITS) {
    const kit = nodes.node(k.id);
    const alarm = new AlarmController({
      sounders: [new RecordedSounder({ now, log: silentLogger })],
      clock: simClock,
      log: silentLogger,
    });
    await alarm.start();
    alarms.push(alarm);
    const people = peopleOf(k.id);
    const book = await KitWarnings.open({
      file: join(dir, `kit-warnings-${k.id}.jsonl`),
      nodeId: k.id,
      area: villageOf(k.id),
      people: () => people,
      // As the daemon wires it (node/src/composition/node-warnings.ts): the ack's id, and below,
      // the core's word that an ack of the kit is confirmed onward.
      sendAck: (body, sending) =>
        kit.core.submit({
          kind: 'ack',
          body,
          dest: { to: 'centre' },
          priority: sending.priority,
          lifetimeMin: sending.lifetimeMin,
          flags: sending.exercise ? ['exercise'] : [],
        }),
      alarm,
      now,
      answerWindowMs: o.settings?.answerWindowMs ?? DEFAULT_WARNINGS.answerWindowMs,
      answerWithinMs: o.settings?.answerWithinMs ?? DEFAULT_WARNINGS.answerWithinMs,
      setTimer: timers.setTimer as unknown as (fn: () => void, ms: number) => ReturnType<typeof setTimeout>,
      clearTimer: timers.clearTimer,
      log: silentLogger,
    });
    state.books.set(k.id, book);
    kit.core.on('state', (meta) => {
      if (meta.local && (meta.custodyBy !== undefined || meta.done)) book.ackOnward(meta.id);
    });
    const answered = new Set<string>();
    kit.core.on('delivered', (m, _meta, standing) => {
      if (m.kind === 'control') {
        book.control(m, standing);
        return;
      }
      if (m.kind !== 'warning') return;
      const id = `${m.origin}/${m.seq}`;
      book.delivered(m, standing, now()).then(
        () => {
          if (!standing.current || answered.has(id) || m.body.issuer !== STORM_ISSUER) return;
          answered.add(id);
          for (const a of answersAt(k.id)) {
            clock.after(a.afterMs, () => {
              book
                .answer(id, a.person, a.input)
                .then(() => {
                  state.answered++;
                })
                .catch(failed(`the answer of ${a.person} at ${k.id}`));
            });
          }
        },
        failed(`the warning at ${k.id}`),
      );
    });
  }
  return state;
}
