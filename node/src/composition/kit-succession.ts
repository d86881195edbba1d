/**
 * The warning desk follows a lost kit to the kit that replaced it (docs/kits.md §Open items; the
 * desk is node/src/domain/warnings/desk/, which knows kits only by id). The desk's calls name the
 * kit that served a person when the warning went out, and its journal keeps them so; rather than
 * rewrite that record, what the desk does with a kit goes to its successor:
 *
 * - the kits it places new calls on leave out every revoked kit, so a replacement enrolled for the
 *   same area serves it (`servingKits`: the desk reads the list each time it places a call);
 * - a warning sent again toward a lost kit, or a re-alarm for its persons, goes to the kit that
 *   replaced it (`deskCore`), and how long a confirmation takes is that kit's route's;
 * - the replacement's receipt of a warning counts for the lost kit's calls too (`withFormerKits`),
 *   so they move from sent to delivered and the escalation stops re-sending.
 *
 * A person's answer moves their call whichever kit it came from (the desk matches answers by person).
 */
import type { Draft } from '../core/core-types.js';
import type { Authenticator } from '../wire/message.js';

/** Who answers for a kit now (the kit board: node/src/domain/kits/kit-board.ts). */
export interface KitSuccession {
  successorOf(kit: number): number;
  formerOf(kit: number): number[];
  isRevoked(kit: number): boolean;
}

/** What the desk asks of the core. */
export interface DeskCore {
  submit(draft: Draft, auth?: Authenticator): Promise<string>;
  sendToward(id: string, node: number): Promise<string[]>;
}

/** The core as the desk sees it, with every send toward a lost kit going to its successor. */
export function deskCore(core: DeskCore, s: KitSuccession): DeskCore {
  return {
    submit: (draft, auth) =>
      core.submit(
        draft.dest.to === 'node'
          ? { ...draft, dest: { to: 'node', node: s.successorOf(draft.dest.node) } }
          : draft,
        auth,
      ),
    sendToward: (id, node) => core.sendToward(id, s.successorOf(node)),
  };
}

/** The kits whose receipts these are, with every lost kit each answers for. */
export function withFormerKits(
  receivedBy: readonly number[] | undefined,
  s: KitSuccession,
): number[] | undefined {
  if (receivedBy === undefined) return undefined;
  return [...new Set(receivedBy.flatMap((k) => [k, ...s.formerOf(k)]))];
}

/**
 * The kits that serve an area, without the revoked ones: `kits` is the array the desk is given and
 * reads as it is each time it places a call; `refresh()` brings it up to date in place when a kit is
 * revoked.
 */
export function servingKits<K extends { id: number }>(
  all: readonly K[],
  s: KitSuccession,
): { kits: K[]; refresh(): void } {
  const kits: K[] = [];
  const refresh = () => {
    kits.splice(0, kits.length, ...all.filter((k) => !s.isRevoked(k.id)));
  };
  refresh();
  return { kits, refresh };
}
