/**
 * A lost kit revoked and replaced at the centre (lost-kits.ts; docs/kits.md §A lost or stolen kit),
 * over real cores, stores and a kit board in temporary directories, a gateway between the centre
 * and two village kits on a shared fake radio (node/test/integration/harness.ts):
 *
 * - the revocation is a control message signed by the centre's issuer that lists every kit revoked
 *   so far; the centre refuses the lost kit's frames at once, the gateway once it heard it;
 * - a replacement must be enrolled for the same area, and the lost kit revoked first;
 * - replacing hands the open incidents over and sends the area's roster to the new kit, signed,
 *   which the new kit takes in as any control message;
 * - without an issuer key with the control power, nothing is signed: KIT_NO_ISSUER.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CENTRE, eventually, report, TestNetwork } from '../../../test/integration/harness.js';
import {
  county,
  GATEWAY,
  issuerSigned,
  provisionIssuer,
  TOWNSHIP,
  VILLAGE,
} from '../../../test/integration/security-support.js';
import { kitFailure } from '../../../test/kit-errors.js';
import { silentLogger } from '../../base/logger.js';
import { FIXTURE_ISSUER_ID } from '../../wire/fixtures/fixture-keys.js';
import { decodeFrame, type MessageOf } from '../../wire/message.js';
import type { AuditDraft } from '../audit/audit-entry.js';
import { IncidentBook } from '../reports/incident-book.js';
import { MemoryIncidentLedger } from '../reports/incident-ledger.js';
import { airRoster } from '../roster/air-roster.js';
import type { Person } from '../roster/person.js';
import { KitBoard } from './kit-board.js';
import { LostKits } from './lost-kits.js';

const LOST = 2107;
const NEW = 2111;
const DUTY_OFFICER = 9;
const people: Person[] = [
  { id: 4, name: '王建国', roles: ['flood-responsible'], areas: [VILLAGE] },
  { id: 7, name: '李秀英', roles: ['info-officer'], areas: [VILLAGE] },
  { id: 9, name: '值班员', roles: ['duty-officer'], areas: [430121] },
];

let net: TestNetwork;
let dir: string | undefined;
afterEach(async () => {
  await net?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function centreSide(o: { issuer?: boolean; people?: Person[] } = {}) {
  dir = await mkdtemp(join(tmpdir(), 'lost-kits-'));
  const c = await county(net, [LOST, NEW]);
  const board = await KitBoard.open({
    file: join(dir, 'kit-board.jsonl'),
    kits: [
      { id: LOST, area: VILLAGE },
      { id: NEW, area: VILLAGE },
      { id: GATEWAY, area: TOWNSHIP },
    ],
    policy: {
      defaultIntervalMs: 900_000,
      silenceIntervals: 2,
      batteryLowPercent: 25,
      batteryCutoffPercent: 10,
      batteryWarnAheadMs: 7_200_000,
    },
    now: Date.now,
    log: silentLogger,
  });
  const book = new IncidentBook({ ledger: new MemoryIncidentLedger(), log: silentLogger });
  c.centre.core.on('delivered', (m) => {
    void board.heard(m);
    if (m.kind === 'report') void book.record(m);
  });
  const audit: AuditDraft[] = [];
  const lost = new LostKits({
    board,
    submit: (draft, auth) => c.centre.core.submit(draft, auth),
    issuer:
      o.issuer === false
        ? { missing: 'no issuer key here has the control power' }
        : { id: FIXTURE_ISSUER_ID, sign: issuerSigned },
    handOver: async (from, to) => (await book.handOver(from, to)).map((i) => i.id),
    roster: (area) => airRoster(area, o.people ?? people),
    // What the centre's request, task, shelter and hazard books hold of a kit (kit-handover-items.ts
    // reads them; its own test runs them through real books): here, of the lost kit only.
    openRequests: async (kit) => (kit === LOST ? ['2107/330'] : []),
    openTasks: async (kit) => (kit === LOST ? ['1/62'] : []),
    countedShelters: async (kit) => (kit === LOST ? [1] : []),
    openHazards: async (kit) => (kit === LOST ? ['2107/320'] : []),
    audit: {
      append: async (d) => {
        audit.push(d);
        return { ...d, seq: audit.length, at: 0, node: CENTRE, prev: '', hash: '' };
      },
    },
    now: Date.now,
    log: silentLogger,
  });
  await c.start();
  return { c, board, book, lost, audit };
}

describe('a lost kit, revoked and replaced', () => {
  it('is refused once revoked, and its replacement takes over its incidents and gets its area’s roster', async () => {
    net = new TestNetwork();
    provisionIssuer(net);
    const { c, board, book, lost, audit } = await centreSide();

    // Before it is lost, the kit files a 初报 the centre records.
    const first = await c.kit(LOST).core.submit(report(120));
    await eventually('the 初报 at the centre', async () => (await book.list()).some((i) => i.id === first));
    expect(board.kit(LOST)?.lastHeard?.msg).toBe(first);

    const { control, kit } = await lost.revoke(LOST, DUTY_OFFICER);
    expect(kit.revoked).toMatchObject({ by: DUTY_OFFICER, control });
    // Signed by the issuer, to everyone, listing the revoked kits.
    const signed = c.centre.delivered.length; // the centre delivers none of its own
    await eventually('the revocation at the other kit', () =>
      c.kit(NEW).delivered.some((m) => `${m.origin}/${m.seq}` === control),
    );
    const heard = c
      .kit(NEW)
      .delivered.find((m) => `${m.origin}/${m.seq}` === control) as MessageOf<'control'>;
    expect(heard.body).toMatchObject({ issuer: FIXTURE_ISSUER_ID, revokeNodes: [LOST] });
    expect(c.centre.delivered.length).toBe(signed);

    // The thief files a report: the gateway refuses it once it heard the revocation, and so would the centre.
    await eventually('the revocation at the gateway', () =>
      c.gateway.delivered.some((m) => `${m.origin}/${m.seq}` === control),
    );
    const forged = await c.kit(LOST).core.submit(report(999));
    await eventually('the gateway refuses the lost kit', () =>
      c.gateway.rejected.some((r) => r.startsWith('AUTH_REVOKED')),
    );
    expect(await c.centre.store.hasSeen(forged)).toBe(false);
    expect((await book.list()).map((i) => i.id)).toEqual([first]);

    expect(await kitFailure(lost.revoke(LOST, DUTY_OFFICER))).toMatchObject({ code: 'KIT_REVOKED' });
    expect(await kitFailure(lost.replace(LOST, LOST, DUTY_OFFICER))).toMatchObject({
      code: 'KIT_REPLACEMENT_INVALID',
    });
    expect(await kitFailure(lost.replace(LOST, 9999, DUTY_OFFICER))).toMatchObject({
      code: 'KIT_REPLACEMENT_INVALID',
      message: expect.stringContaining('add it to keys.nodes'),
    });
    expect(await kitFailure(lost.replace(LOST, GATEWAY, DUTY_OFFICER))).toMatchObject({
      code: 'KIT_REPLACEMENT_INVALID',
      message: expect.stringContaining('a replacement serves the same area'),
    });
    expect(await kitFailure(lost.replace(NEW, LOST, DUTY_OFFICER))).toMatchObject({
      code: 'KIT_NOT_REVOKED',
    });
    expect(await kitFailure(lost.revoke(4242, DUTY_OFFICER))).toMatchObject({ code: 'KIT_UNKNOWN' });

    const replaced = await lost.replace(LOST, NEW, DUTY_OFFICER);
    expect(replaced.incidents).toEqual([first]);
    // The other open items, named for the duty officer and the audit.
    expect(replaced).toMatchObject({
      requests: ['2107/330'],
      tasks: ['1/62'],
      shelters: [1],
      hazards: ['2107/320'],
    });
    expect((await book.get(first)).node).toBe(NEW);
    expect(board.successorOf(LOST)).toBe(NEW);
    expect(replaced.replacement.replaces).toBe(LOST);
    // The roster goes to the new kit alone, signed, with the standing revocations again.
    await eventually('the roster at the new kit', () =>
      c.kit(NEW).delivered.some((m) => `${m.origin}/${m.seq}` === replaced.control),
    );
    const roster = c
      .kit(NEW)
      .delivered.find((m) => `${m.origin}/${m.seq}` === replaced.control) as MessageOf<'control'>;
    expect(roster.dest).toEqual({ to: 'node', node: NEW });
    expect(roster.body.roster).toEqual({
      area: VILLAGE,
      persons: [
        { person: 4, roles: [4], name: '王建国' },
        { person: 7, roles: [1], name: '李秀英' },
      ],
    });
    expect(roster.body.revokeNodes).toEqual([LOST]);

    expect(audit.map((a) => [a.action, a.subject, a.actor])).toEqual([
      ['kit.revoked', `node:${LOST}`, DUTY_OFFICER],
      ['kit.replaced', `node:${LOST}`, DUTY_OFFICER],
    ]);
    expect(audit[1]?.details).toMatchObject({
      requests: ['2107/330'],
      tasks: ['1/62'],
      shelters: [1],
      hazards: ['2107/320'],
    });
    await board.close();
  });

  it('refuses, before anything changes, a replacement whose area has more people than one roster message carries', async () => {
    net = new TestNetwork();
    provisionIssuer(net);
    // 65 people answer for the village: one more than a control message's roster holds.
    const many: Person[] = Array.from({ length: 65 }, (_, i) => ({
      id: 100 + i,
      name: `村民${i + 1}`,
      roles: ['flood-responsible'],
      areas: [VILLAGE],
    }));
    const { c, board, book, lost, audit } = await centreSide({ people: many });
    const first = await c.kit(LOST).core.submit(report(120));
    await eventually('the 初报 at the centre', async () => (await book.list()).some((i) => i.id === first));
    await lost.revoke(LOST, DUTY_OFFICER);
    const submitted = c.centre.store;
    // What was open before (the 初报, the revocation): those may close meanwhile, nothing may join them.
    const before = new Set(await submitted.openIds());

    expect(await kitFailure(lost.replace(LOST, NEW, DUTY_OFFICER))).toMatchObject({
      code: 'KIT_REPLACEMENT_INVALID',
      message: expect.stringMatching(
        /area 430121101201 has 65 persons .* more than the 64 .* nothing was changed/,
      ),
    });
    // Nothing moved: the incident is still the lost kit's own (no other kit named), no roster went
    // out, nothing recorded.
    expect((await book.get(first)).node).toBeUndefined();
    expect(board.kit(LOST)?.replacedBy).toBeUndefined();
    expect(board.successorOf(LOST)).toBe(LOST);
    // The centre's receipt for the 初报 may be made meanwhile (on a busy machine, late); nothing else
    // may join them: no roster, no control message.
    const joined = (await submitted.openIds()).filter((id) => !before.has(id));
    const kinds = await Promise.all(
      joined.map(async (id) => {
        const frame = await submitted.getFrame(id);
        return frame === undefined ? 'gone' : decodeFrame(frame).message?.kind;
      }),
    );
    expect(kinds.filter((k) => k !== 'receipt' && k !== 'gone')).toEqual([]);
    expect(audit.map((a) => a.action)).toEqual(['kit.revoked']);
    await board.close();
  });

  it('signs nothing without an issuer key that has the control power', async () => {
    net = new TestNetwork();
    provisionIssuer(net);
    const { board, lost } = await centreSide({ issuer: false });
    expect(await kitFailure(lost.revoke(LOST, 'system'))).toEqual({
      code: 'KIT_NO_ISSUER',
      message: 'no issuer key here has the control power',
    });
    expect(board.isRevoked(LOST)).toBe(false);
    await board.close();
  });
});
