/**
 * A lost kit's open items beyond its incidents (docs/kits.md §Open items): what the centre's books
 * hold of them, for the duty officer's record when a replacement is named (LostKits) and for the
 * handover file (kit-handover.ts); and, at the new kit, the same messages put into its own books'
 * journals by `fieldnode kits adopt`, while its daemon is stopped, so that it starts holding them.
 *
 * - Open requests: every request the lost kit made that is neither released nor declined, with
 *   every reply the centre holds of it. At the new kit they show as they stand, and its people may
 *   say arrived or release them, which the centre accepts from the lost kit's successor.
 * - Open tasks of a lost team kit: each task not done or declined, its assignment and its steps.
 *   The new kit takes the next step; the centre takes a step from any kit.
 * - Shelters: the latest roll-call of each shelter whose latest count the lost kit made. The
 *   centre's figures stay as counted; the new kit's next count goes on from these figures
 *   (present and arrived), not from zero, which would empty the shelter at the centre.
 * - Open hazards: every hazard the lost kit reported that is not yet handled or closed (reported
 *   or verified: it still needs someone on site), with every message the centre holds of it. At
 *   the new kit it shows in its village with the opening report's details, and its people may
 *   mark it handled or close it, which the centre accepts from the lost kit's successor.
 *
 * Each book's journal dedupes by message id at replay, so adopting the same file twice changes
 * nothing more.
 */
import type { Logger } from '../../base/logger.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../../wire/message.js';
import type { HazardBook } from '../hazards/hazard-book.js';
import { HazardJournal } from '../hazards/hazard-journal.js';
import type { RequestBook } from '../requests/request-book.js';
import { RequestJournal } from '../requests/request-journal.js';
import type { ShelterBook } from '../shelters/shelter-book.js';
import { ShelterJournal } from '../shelters/shelter-journal.js';
import { MessageJournal } from '../teams/message-journal.js';
import type { TaskBook } from '../teams/task-book.js';
import type { HandedMessage, Handover } from './kit-handover.js';

/** The books of this centre that hold open items; each is read when asked, absent when not kept. */
export interface OpenItemBooks {
  requests?: () => RequestBook | undefined;
  tasks?: () => TaskBook | undefined;
  shelters?: () => ShelterBook | undefined;
  hazards?: () => HazardBook | undefined;
}

export type HandedItems = Required<Pick<Handover, 'requests' | 'tasks' | 'rollcalls' | 'hazards'>>;

/** What the books hold of `kit`'s open items: the ids LostKits names, and the messages a handover file carries. */
export function openItemsOf(
  books: OpenItemBooks,
  kit: number,
): { requests: string[]; tasks: string[]; shelters: number[]; hazards: string[]; handed: HandedItems } {
  const requests = books.requests?.()?.openOf(kit) ?? [];
  const tasks = books.tasks?.()?.openFor(kit) ?? [];
  const counts = books.shelters?.()?.lastCountedBy(kit) ?? [];
  const hazards = books.hazards?.()?.openOf(kit) ?? [];
  return {
    requests: requests.map((r) => r.request.id),
    tasks: tasks.map((t) => t.task.id),
    shelters: counts.map((m) => m.body.shelter),
    hazards: hazards.map((h) => h.hazard.id),
    handed: {
      requests: requests.flatMap((r) => r.lines),
      tasks: tasks.flatMap((t) => t.messages.map((m) => handed(m))),
      rollcalls: counts.map((m) => handed(m)),
      hazards: hazards.flatMap((h) => h.lines),
    },
  };
}

/** The hooks LostKits asks (lost-kits.ts), over the books. */
export function lostKitHooks(books: OpenItemBooks) {
  return {
    openRequests: async (kit: number) => openItemsOf(books, kit).requests,
    openTasks: async (kit: number) => openItemsOf(books, kit).tasks,
    countedShelters: async (kit: number) => openItemsOf(books, kit).shelters,
    openHazards: async (kit: number) => openItemsOf(books, kit).hazards,
  };
}

function handed(m: MessageOf<'task'> | MessageOf<'rollcall'>): HandedMessage {
  return { at: m.createdAt * 1000, frame: Buffer.from(encodeMessage(m, { scheme: 'none' })).toString('hex') };
}

/** Where the new kit's books keep their journals (node-requests.ts, node-teams.ts, node-shelters.ts, node-hazards.ts). */
export interface OpenItemFiles {
  requests: string;
  tasks: string;
  shelters: string;
  hazards: string;
}

/**
 * At the new kit, stopped: the handover's open items into its books' journals. Resolves to how
 * many messages each took.
 */
export async function adoptOpenItems(
  h: Handover,
  files: OpenItemFiles,
  log: Logger,
): Promise<{ requests: number; tasks: number; rollcalls: number; hazards: number }> {
  const requests = h.requests ?? [];
  const hazards = h.hazards ?? [];
  const tasks = h.tasks ?? [];
  const rollcalls = h.rollcalls ?? [];
  if (requests.length > 0) {
    const { journal } = await RequestJournal.open(files.requests, log);
    try {
      for (const m of requests)
        await journal.append({
          t: 'message',
          at: m.at,
          frame: m.frame,
          ...(m.refused === undefined ? {} : { refused: m.refused }),
        });
    } finally {
      await journal.close();
    }
  }
  if (tasks.length > 0) {
    const { journal } = await MessageJournal.open<'task', never>({
      path: files.tasks,
      kinds: ['task'],
      isOther: (_line): _line is never => false,
      log,
    });
    try {
      // Not made here: the kit's own steps are the ones it makes from now on.
      for (const m of tasks) await journal.appendMessage(m.frame, m.at, false);
    } finally {
      await journal.close();
    }
  }
  if (rollcalls.length > 0) {
    const { journal } = await ShelterJournal.open(files.shelters, log);
    try {
      for (const m of rollcalls) {
        const message = decodeFrame(Buffer.from(m.frame, 'hex')).message;
        // parseHandover checked each frame's kind; a line that is not a roll-call is not written.
        if (message?.kind === 'rollcall') await journal.append(message, m.at);
      }
    } finally {
      await journal.close();
    }
  }
  if (hazards.length > 0) {
    const { journal, reading } = await HazardJournal.open(files.hazards, log);
    // The hazard journal keeps every line it is given; the book dedupes at replay, and a message
    // held already is not written again, so adopting twice leaves the file as it was.
    const held = new Set(reading.messages.map((m) => `${m.message.origin}/${m.message.seq}`));
    try {
      for (const m of hazards) {
        const message = decodeFrame(Buffer.from(m.frame, 'hex')).message;
        // parseHandover checked each frame's kind; a line that is not a hazard is not written.
        if (message?.kind !== 'hazard' || held.has(`${message.origin}/${message.seq}`)) continue;
        held.add(`${message.origin}/${message.seq}`);
        await journal.append({
          t: 'message',
          at: m.at,
          frame: m.frame,
          ...(m.refused === undefined ? {} : { refused: m.refused }),
        });
      }
    } finally {
      await journal.close();
    }
  }
  return {
    requests: requests.length,
    tasks: tasks.length,
    rollcalls: rollcalls.length,
    hazards: hazards.length,
  };
}
