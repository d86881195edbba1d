/**
 * The signed state (signed-state.ts; docs/control-messages.md), on a real MessageStore in a temp
 * dir and real Ed25519 keys, every message signed and checked by verifyFrame through the wrapped
 * ring: warning threads delivered out of order, control messages ordered per issuer, revocations
 * kept across a restart, keys added then revoked, floors that only move up, revoked nodes' keys
 * refused, seqFloors for other nodes ignored, threads pruned, a corrupt saved state refused.
 */
import type { KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kitErrorCode } from '../../test/kit-errors.js';
import { recordingLogger } from '../../test/recording-logger.js';
import { silentLogger } from '../base/logger.js';
import { type KeyRing, signatureAuthenticator, verifyFrame } from '../crypto/authenticate.js';
import { generateSigningKeyPair, publicKeyFromRaw } from '../crypto/ed25519.js';
import { MessageStore } from '../store/message-store.js';
import {
  FIXTURE_ISSUER_ID,
  FIXTURE_ISSUER_KEY,
  FIXTURE_ISSUER_PUBLIC,
} from '../wire/fixtures/fixture-keys.js';
import type { ControlBody } from '../wire/kinds/control.js';
import type { WarningBody } from '../wire/kinds/warning.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../wire/message.js';
import { SignedState, type SignedStateOptions } from './signed-state.js';

const CENTRE = 1;
const BACKUP_CENTRE = 2;
const ME = 2107;
const STOLEN = 2110;
const T0 = 1_784_000_000; // unix seconds
/** A configured issuer with the warning power only. */
const WARNER = generateSigningKeyPair();
const WARNER_ID = 4;
const KIT_KEYS = new Map([ME, STOLEN].map((n) => [n, generateSigningKeyPair()]));

const base: KeyRing = {
  macKey: () => new Uint8Array(32).fill(7),
  relayKey: () => new Uint8Array(32).fill(8),
  nodeKey: (n) => {
    const pair = KIT_KEYS.get(n);
    return pair && publicKeyFromRaw(pair.publicKey);
  },
  isCentre: (n) => n === CENTRE || n === BACKUP_CENTRE,
  revoked: () => false,
  issuerFloor: () => 0,
  issuerKey: (id) => {
    if (id === FIXTURE_ISSUER_ID)
      return { publicKey: publicKeyFromRaw(FIXTURE_ISSUER_PUBLIC), powers: ['warning', 'control'] };
    if (id === WARNER_ID) return { publicKey: publicKeyFromRaw(WARNER.publicKey), powers: ['warning'] };
    return undefined;
  },
};

let dir: string;
let store: MessageStore;
let nowMs: number;
let trusted: boolean;
let calls: { time: number[]; seq: number[]; revoked: number[] };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-signed-state-'));
  store = await MessageStore.open(dir);
  nowMs = (T0 + 60) * 1000;
  trusted = true;
  calls = { time: [], seq: [], revoked: [] };
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function makeState(
  over: Partial<SignedStateOptions> = {},
): Promise<{ state: SignedState; ring: KeyRing }> {
  const state = new SignedState({
    store,
    nodeId: ME,
    clock: { now: () => nowMs, trusted: () => trusted },
    onSignedTime: (ms) => calls.time.push(ms),
    onSeqFloor: (f) => calls.seq.push(f),
    onRevokedNode: (n) => calls.revoked.push(n),
    log: silentLogger,
    ...over,
  });
  await state.start();
  return { state, ring: state.keys(base) };
}

async function restart(): Promise<{ state: SignedState; ring: KeyRing }> {
  await store.close();
  store = await MessageStore.open(dir);
  return makeState();
}

const envelope = (origin: number, seq: number, createdAt = T0) => ({
  origin,
  seq,
  createdAt,
  clockUntrusted: false,
  priority: 0 as const,
  lifetimeMin: 24 * 60,
  dest: { to: 'all' as const },
  flags: [],
});

function control(seq: number, body: Omit<ControlBody, 'issuer'>, origin = CENTRE): MessageOf<'control'> {
  return { kind: 'control', ...envelope(origin, seq), body: { issuer: FIXTURE_ISSUER_ID, ...body } };
}

function warning(
  seq: number,
  action: WarningBody['action'],
  root?: number,
  over: { origin?: number; createdAt?: number; expires?: number; issuer?: number } = {},
): MessageOf<'warning'> {
  return {
    kind: 'warning',
    ...envelope(over.origin ?? CENTRE, seq, over.createdAt ?? T0 + seq),
    body: {
      action,
      issuer: over.issuer ?? FIXTURE_ISSUER_ID,
      event: '11B03',
      level: 1,
      colour: 'red',
      areas: [520_102],
      roles: [4],
      onset: T0,
      expires: over.expires ?? T0 + 6 * 3600,
      instruction: '危险区域人员立即转移',
      ...(root !== undefined ? { references: { origin: CENTRE, seq: root } } : {}),
    },
  };
}

/** Signs a message and checks it as a receiver would, through `ring`. */
function verified<M extends MessageOf<'control' | 'warning'>>(
  message: M,
  ring: KeyRing,
  key = FIXTURE_ISSUER_KEY,
): M {
  const frame = encodeMessage(message, signatureAuthenticator(key));
  const opts = { keys: ring, replay: { accept: () => 'new' as const }, now: T0 + 60, clockTrusted: true };
  return verifyFrame(decodeFrame(frame), opts) as M;
}

describe('warning threads', () => {
  it('issue 10, update 12, cancel 11 delivered in that order: 11 is history, 12 stays current', async () => {
    const { state, ring } = await makeState();
    const thread = `${FIXTURE_ISSUER_ID}:${CENTRE}/10`;
    for (const m of [warning(10, 'issue'), warning(12, 'update', 10)]) {
      const v = await state.recordWarning(verified(m, ring));
      expect(v).toEqual({ current: true, thread, closed: false });
    }
    const late = verified(warning(11, 'cancel', 10), ring);
    const verdict = state.classifyWarning(late);
    expect(verdict).toMatchObject({ current: false, thread, closed: false });
    expect(verdict.reason).toContain(`${CENTRE}/12 (update) is current`);
    expect(await state.recordWarning(late)).toMatchObject({ current: false });
    // The current state is still 12, and the thread is not closed by the late cancel.
    expect(state.classifyWarning(warning(12, 'update', 10))).toEqual({
      current: true,
      thread,
      closed: false,
    });

    const again = (await restart()).state;
    expect(again.classifyWarning(late).current).toBe(false);
    expect(again.classifyWarning(warning(12, 'update', 10)).current).toBe(true);
  });

  it('a cancel closes the thread; a newer update re-opens it; older ones never become current', async () => {
    const { log, lines } = recordingLogger();
    const { state, ring } = await makeState({ log });
    await state.recordWarning(verified(warning(10, 'issue'), ring));
    expect(await state.recordWarning(verified(warning(13, 'cancel', 10), ring))).toMatchObject({
      current: true,
      closed: true,
    });
    expect(state.classifyWarning(warning(12, 'update', 10))).toMatchObject({ current: false, closed: true });
    expect(await state.recordWarning(verified(warning(14, 'update', 10), ring))).toMatchObject({
      current: true,
      closed: false,
    });
    expect(lines.some((l) => l.msg === 'warning thread re-opened by its issuer')).toBe(true);
    // The issue itself, heard again late by another path, is older than everything after it.
    expect(state.classifyWarning(warning(10, 'issue')).current).toBe(false);
  });

  it('threads are per issue: a second warning of the same issuer is its own thread', async () => {
    const { state, ring } = await makeState();
    await state.recordWarning(verified(warning(20, 'issue'), ring));
    const other = await state.recordWarning(verified(warning(15, 'issue'), ring));
    expect(other).toEqual({ current: true, thread: `${FIXTURE_ISSUER_ID}:${CENTRE}/15`, closed: false });
  });

  it('across two centre nodes, the later signed creation time is newer (sequences do not compare)', async () => {
    const { state, ring } = await makeState();
    await state.recordWarning(verified(warning(30, 'issue'), ring));
    const fromBackup = warning(5, 'update', 30, { origin: BACKUP_CENTRE, createdAt: T0 + 40 });
    expect((await state.recordWarning(verified(fromBackup, ring))).current).toBe(true);
    const olderFromPrimary = warning(31, 'update', 30, { createdAt: T0 + 35 });
    expect(state.classifyWarning(olderFromPrimary).current).toBe(false);
  });

  it('threads long expired are pruned by a trusted clock only, never a live one', async () => {
    const { state, ring } = await makeState({ keepThreadsDays: 1 });
    await state.recordWarning(verified(warning(10, 'issue', undefined, { expires: T0 + 3600 }), ring));
    await state.recordWarning(verified(warning(12, 'update', 10, { expires: T0 + 3600 }), ring));
    nowMs = (T0 + 3 * 86_400) * 1000;
    trusted = false;
    await state.recordWarning(warning(50, 'issue', undefined, { expires: T0 + 5 * 86_400 }));
    expect(state.classifyWarning(warning(11, 'cancel', 10)).current).toBe(false);
    trusted = true;
    await state.recordWarning(warning(51, 'issue', undefined, { expires: T0 + 5 * 86_400 }));
    expect(state.classifyWarning(warning(11, 'cancel', 10)).current).toBe(true); // forgotten
    expect(state.classifyWarning(warning(49, 'update', 50)).current).toBe(false); // kept
  });
});

describe('control messages', () => {
  it('an older control message after a newer one only tightens (revokes, floors, time); each origin is ordered alone', async () => {
    const { state, ring } = await makeState();
    const roster = (name: string) => ({ area: 520_102, persons: [{ person: 1, roles: [4], name }] });
    expect((await state.applyControl(verified(control(21, { roster: roster('新') }), ring))).applied).toBe(
      true,
    );
    const late = await state.applyControl(
      verified(control(20, { roster: roster('旧'), revokeNodes: [STOLEN], time: T0 - 99 }), ring),
    );
    // Its revocation and its time (a lower bound) still count: they only tighten. Its roster,
    // which the newer message replaced, does not.
    expect(late).toMatchObject({ applied: false, nodesRevoked: [STOLEN], keysAdded: [] });
    expect(late.reason).toContain(`${CENTRE}/21`);
    expect(state.roster(520_102)?.[0]?.name).toBe('新');
    expect(ring.revoked(STOLEN)).toBe(true);
    expect(calls.time).toEqual([(T0 - 99) * 1000]);
    // The same seq again (a replay the window missed) is history too.
    expect((await state.applyControl(control(21, { roster: roster('旧') }))).applied).toBe(false);
    // Another centre node numbers its own messages.
    expect((await state.applyControl(verified(control(3, { time: T0 }, BACKUP_CENTRE), ring))).applied).toBe(
      true,
    );
    expect(calls.time).toEqual([(T0 - 99) * 1000, T0 * 1000]);
  });

  it('revocations survive a restart (close and reopen the store)', async () => {
    const { state, ring } = await makeState();
    const changes = await state.applyControl(
      verified(control(40, { revokeNodes: [STOLEN], revokeIssuers: [WARNER_ID] }), ring),
    );
    expect(changes).toMatchObject({ applied: true, nodesRevoked: [STOLEN], issuersRevoked: [WARNER_ID] });
    expect(calls.revoked).toEqual([STOLEN]);

    const after = (await restart()).ring;
    expect(after.revoked(STOLEN)).toBe(true);
    expect(after.issuerKey(WARNER_ID)).toBeUndefined();
    // A revoked issuer's configured key is refused too.
    expect(
      kitErrorCode(() =>
        verified(warning(41, 'issue', undefined, { issuer: WARNER_ID }), after, WARNER.privateKey),
      ),
    ).toBe('AUTH_UNKNOWN_KEY');
  });

  it('an issuer key added by control signs warnings until it is revoked, and never comes back', async () => {
    const { state, ring } = await makeState();
    const added = generateSigningKeyPair();
    const key = { id: 9, publicKey: added.publicKey, powers: ['warning' as const], validUntil: T0 + 86_400 };
    expect(await state.applyControl(verified(control(50, { issuerKeys: [key] }), ring))).toMatchObject({
      keysAdded: [9],
    });
    const byNine = warning(51, 'issue', undefined, { issuer: 9 });
    expect(verified(byNine, ring, added.privateKey).body.issuer).toBe(9);
    expect(ring.issuerKey(9)?.validUntil).toBe(T0 + 86_400);
    const { state: s2, ring: ring2 } = await restart();
    expect(ring2.issuerKey(9)?.powers).toEqual(['warning']);
    await s2.applyControl(verified(control(52, { revokeIssuers: [9] }), ring2));
    expect(kitErrorCode(() => verified(byNine, ring2, added.privateKey))).toBe('AUTH_UNKNOWN_KEY');
    // A late message from another centre node that still adds key 9: refused, revocation is for good.
    const late = await s2.applyControl(verified(control(7, { issuerKeys: [key] }, BACKUP_CENTRE), ring2));
    expect(late).toMatchObject({ applied: true, keysAdded: [], keysRefused: [9] });
    expect(ring2.issuerKey(9)).toBeUndefined();
  });

  it('only a signer with the control power changes anything', async () => {
    const { state } = await makeState();
    const key = { id: 9, publicKey: WARNER.publicKey, powers: ['warning' as const, 'control' as const] };
    const bySelf = { ...control(60, { issuerKeys: [key] }), body: { issuer: WARNER_ID, issuerKeys: [key] } };
    await expect(state.applyControl(bySelf)).rejects.toMatchObject({ code: 'AUTH_NOT_AUTHORISED' });
    expect(state.keys(base).issuerKey(WARNER_ID)?.powers).toEqual(['warning']);
  });

  it('floors only move up', async () => {
    const { state, ring } = await makeState();
    await state.applyControl(control(70, { issuerFloors: [{ issuer: FIXTURE_ISSUER_ID, minSeq: 40 }] }));
    const lower = await state.applyControl(
      control(71, {
        issuerFloors: [{ issuer: FIXTURE_ISSUER_ID, minSeq: 30 }],
        seqFloors: [{ node: ME, floor: 4096 }],
      }),
    );
    expect(lower.floorsRaised).toEqual([]);
    expect(ring.issuerFloor(FIXTURE_ISSUER_ID)).toBe(40);
    const seqDown = await state.applyControl(control(72, { seqFloors: [{ node: ME, floor: 100 }] }));
    expect(seqDown.seqFloor).toBeUndefined();
    expect(state.seqFloor()).toBe(4096);
    expect(calls.seq).toEqual([4096]);
    await state.applyControl(control(73, { issuerFloors: [{ issuer: FIXTURE_ISSUER_ID, minSeq: 80 }] }));
    const after = (await restart()).state;
    expect(after.keys(base).issuerFloor(FIXTURE_ISSUER_ID)).toBe(80);
    expect(after.seqFloor()).toBe(4096);
    // Below the floor: a warning is history, a control message changes nothing.
    expect(after.classifyWarning(warning(79, 'issue')).reason).toContain('floor 80');
    expect((await after.applyControl(control(79, { revokeNodes: [STOLEN] }, BACKUP_CENTRE))).applied).toBe(
      false,
    );
  });

  it("a revoked node's keys are refused by the wrapped ring; the callback runs once", async () => {
    const { state, ring } = await makeState();
    expect(ring.nodeKey(STOLEN)).toBeDefined();
    await state.applyControl(control(80, { revokeNodes: [STOLEN] }));
    await state.applyControl(control(81, { revokeNodes: [STOLEN] }));
    expect([ring.macKey(STOLEN), ring.relayKey(STOLEN), ring.nodeKey(STOLEN)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(ring.revoked(STOLEN)).toBe(true);
    const text: MessageOf<'text'> = {
      kind: 'text',
      ...envelope(STOLEN, 5),
      dest: { to: 'node', node: ME },
      body: { text: '你好' },
    };
    const frame = encodeMessage(text, signatureAuthenticator(KIT_KEYS.get(STOLEN)?.privateKey as KeyObject));
    const opts = { keys: ring, replay: { accept: () => 'new' as const }, now: T0 + 60, clockTrusted: true };
    expect(kitErrorCode(() => verifyFrame(decodeFrame(frame), opts))).toMatch(/^AUTH_(REVOKED|UNKNOWN_KEY)$/);
    expect(ring.nodeKey(ME)).toBeDefined();
    expect(ring.revoked(ME)).toBe(false);
    expect(calls.revoked).toEqual([STOLEN]);
  });

  it('seqFloors for another node are ignored', async () => {
    const { state } = await makeState();
    const changes = await state.applyControl(control(90, { seqFloors: [{ node: ME + 1, floor: 5000 }] }));
    expect(changes).toMatchObject({ applied: true });
    expect(changes.seqFloor).toBeUndefined();
    expect(state.seqFloor()).toBe(0);
    expect(calls.seq).toEqual([]);
  });

  it('keeps roster indexes, roles and names only, and stores settings without acting on them', async () => {
    const { log, lines } = recordingLogger();
    const { state } = await makeState({ log });
    const person = { person: 2, roles: [4], name: '张三', pin: '1234' };
    const changes = await state.applyControl(
      control(95, { roster: { area: 520_102, persons: [person] }, settings: [{ key: 3, value: 600 }] }),
    );
    expect(changes).toMatchObject({ roster: { area: 520_102, persons: 1 }, settings: [3] });
    expect((await restart()).state.roster(520_102)).toEqual([{ person: 2, roles: [4], name: '张三' }]);
    expect(state.settings().get(3)).toBe(600);
    expect(lines.some((l) => l.msg === 'settings stored; nothing acts on them yet')).toBe(true);
  });
});

describe('a re-alarm', () => {
  const realarm = { warning: { origin: CENTRE, seq: 10 }, persons: [4, 7] };

  it('alone is applied without error and changes nothing but its place in its issuer order', async () => {
    const { state, ring } = await makeState();
    await state.applyControl(verified(control(100, { roster: { area: 520_102, persons: [] } }), ring));
    const keysBefore = ring.issuerKey(FIXTURE_ISSUER_ID);
    const changes = await state.applyControl(verified(control(101, { realarm }), ring));
    expect(changes).toEqual({
      applied: true,
      keysAdded: [],
      keysRefused: [],
      issuersRevoked: [],
      nodesRevoked: [],
      floorsRaised: [],
    });
    expect(state.roster(520_102)).toEqual([]);
    expect(ring.issuerKey(FIXTURE_ISSUER_ID)).toEqual(keysBefore);
    expect(calls).toEqual({ time: [], seq: [], revoked: [] });
    expect(state.controlStanding(control(101, { realarm }))).toEqual({ current: true });
    // Its place is kept across a restart: an older one is history after it, a newer one current.
    const again = (await restart()).state;
    expect((await again.applyControl(control(99, { realarm }))).applied).toBe(false);
    expect(again.controlStanding(control(99, { realarm }))).toMatchObject({ current: false });
    expect(again.controlStanding(control(99, { realarm })).reason).toContain(`${CENTRE}/101`);
    expect((await again.applyControl(control(102, { realarm }))).applied).toBe(true);
    expect(again.controlStanding(control(102, { realarm }))).toEqual({ current: true });
  });

  it('is history below its issuer floor; each origin is ordered alone', async () => {
    const { state } = await makeState();
    await state.applyControl(control(70, { issuerFloors: [{ issuer: FIXTURE_ISSUER_ID, minSeq: 40 }] }));
    expect(state.controlStanding(control(39, { realarm }, BACKUP_CENTRE)).reason).toContain('floor 40');
    await state.applyControl(control(45, { realarm }, BACKUP_CENTRE));
    expect(state.controlStanding(control(45, { realarm }, BACKUP_CENTRE))).toEqual({ current: true });
    expect(state.controlStanding(control(70, {}))).toEqual({ current: true });
  });
});

describe('the saved state', () => {
  it('a malformed saved state is refused: SIGNED_STATE_CORRUPT, not an empty start', async () => {
    await store.putKv({ 'signed-state': { v: 1, revokedNodes: 'all' } }, true);
    await expect(makeState()).rejects.toMatchObject({ code: 'SIGNED_STATE_CORRUPT' });
  });
});
