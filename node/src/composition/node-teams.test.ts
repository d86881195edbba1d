/**
 * A team task and a text across whole nodes (docs/teams.md, docs/texts.md): the centre and a
 * rescue team's kit, each a real NodeCore on LevelDB with its own HTTP API, joined by a fake IP
 * link, wired by node-teams.ts. The duty officer assigns a task at the centre; it reaches the
 * team's kit, where the leader accepts it, reaches the scene and finishes it, each step going back
 * to the centre, audited at both ends and told to the event streams; a decline carries its reason.
 * The leader's phone sends positions, rate-limited, which the centre shows with their age. A
 * Chinese text goes from the kit to the centre and a reply comes back, with unread counts and the
 * delivery state of each text sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '../../test/integration/harness.js';
import { startTeamNetwork, TEAM_KIT, type TeamNetwork } from '../../test/team-network.js';
import { VILLAGE } from '../http/api-fixtures.js';
import type { ApiEvent, FeedEvent } from '../http/event-hub.js';

let h: TeamNetwork;
const centreEvents: FeedEvent[] = [];
const kitEvents: FeedEvent[] = [];

beforeEach(async () => {
  centreEvents.length = 0;
  kitEvents.length = 0;
  h = await startTeamNetwork();
  h.centre.feed.subscribe((e) => centreEvents.push(e));
  h.kit.feed.subscribe((e) => kitEvents.push(e));
});
afterEach(async () => {
  await h.stop();
});

async function signedIn(node: 'centre' | 'kit', person: number) {
  const client = h[node].api.client();
  expect((await client.signIn(person)).status).toBe(200);
  return client;
}

type Task = {
  id: string;
  status: string;
  steps: Array<{ step: string; by?: number }>;
  next: string[];
  reason?: string;
  what?: string;
  teamName?: string;
};

describe('a team task across the centre and the team’s kit', () => {
  it('is assigned at the centre, accepted, on scene and done at the kit, each step back at the centre', async () => {
    const officer = await signedIn('centre', 3);
    const leader = await signedIn('kit', 6);
    const due = Date.now() + 3600_000;
    const assigned = await officer.request('POST', '/api/teams/tasks', {
      body: {
        team: TEAM_KIT,
        what: '搜救三组被困群众',
        point: { lat: 28.2311, lon: 112.9402 },
        area: VILLAGE,
        due,
      },
    });
    expect(assigned.status).toBe(201);
    const id = (assigned.json as { task: Task }).task.id;
    expect((assigned.json as { task: Task }).task).toMatchObject({
      status: 'assigned',
      teamName: '县救援一队',
      next: [],
    });
    expect(id.startsWith('1/')).toBe(true);

    // At the team's kit: the task arrives with what, where and by when, and may be accepted.
    await eventually(
      'the task at the kit',
      async () =>
        (await leader.request('GET', '/api/teams/tasks')).json !== undefined &&
        ((await leader.request('GET', '/api/teams/tasks')).json as { tasks: Task[] }).tasks.some(
          (t) => t.id === id,
        ),
    );
    const atKit = (await leader.request('GET', `/api/teams/tasks/${id}`)).json as Task & {
      due: number;
      area: number;
    };
    expect(atKit).toMatchObject({
      what: '搜救三组被困群众',
      status: 'assigned',
      area: VILLAGE,
      next: ['accepted', 'declined'],
    });
    expect(Math.abs(atKit.due - due)).toBeLessThan(1000);

    // The centre cannot take the team's steps, nor the team skip ahead to an impossible one.
    expect(
      (await officer.request('POST', `/api/teams/tasks/${id}/steps`, { body: { step: 'accepted' } })).status,
    ).toBe(409);
    const early = await leader.request('POST', `/api/teams/tasks/${id}/steps`, {
      body: { step: 'on-scene' },
    });
    expect(early.status).toBe(409);
    expect((early.json as { code: string }).code).toBe('TEAM_STEP_INVALID');

    for (const step of ['accepted', 'on-scene', 'done'] as const) {
      const r = await leader.request('POST', `/api/teams/tasks/${id}/steps`, {
        body: { step, ...(step === 'done' ? { note: '救出3人' } : {}) },
      });
      expect(r.status, step).toBe(201);
    }
    await eventually(
      'the centre sees it done',
      async () => ((await officer.request('GET', `/api/teams/tasks/${id}`)).json as Task).status === 'done',
    );
    const atCentre = (await officer.request('GET', `/api/teams/tasks/${id}`)).json as Task;
    expect(atCentre.steps.map((s) => s.step)).toEqual(['assigned', 'accepted', 'on-scene', 'done']);
    expect(atCentre.steps.slice(1).every((s) => s.by === 6)).toBe(true);
    expect(atCentre.steps.at(-1)).toMatchObject({ note: '救出3人' });

    // Audited at both ends: the assignment and the steps heard at the centre, the steps taken at the kit.
    expect(h.centre.audit.entries.map((e) => e.action).filter((a) => a.startsWith('team.'))).toEqual([
      'team.task-assigned',
      'team.task-step-received',
      'team.task-step-received',
      'team.task-step-received',
    ]);
    expect(
      h.kit.audit.entries.filter((e) => e.action === 'team.task-step').map((e) => e.details?.step),
    ).toEqual(['accepted', 'on-scene', 'done']);
    // Told to the centre's streams, the last state done.
    const told = centreEvents.flatMap((e) => (e.type === 'team' && 'task' in e.team ? [e.team.task] : []));
    expect(told.at(-1)?.status).toBe('done');
    // No name went on air: the frames carry roster ids only.
    const frame = await h.centre.node.store.getFrame(id);
    expect(Buffer.from(frame!).includes(Buffer.from('陈刚'))).toBe(false);
  });

  it('is declined only with a reason, and the centre sees the reason', async () => {
    const officer = await signedIn('centre', 3);
    const leader = await signedIn('kit', 6);
    const r = await officer.request('POST', '/api/teams/tasks', {
      body: { team: TEAM_KIT, what: '转移二组老人' },
    });
    const id = (r.json as { task: Task }).task.id;
    await eventually('the task at the kit', () => h.kit.teams.tasks.get(id) !== undefined);
    const bare = await leader.request('POST', `/api/teams/tasks/${id}/steps`, { body: { step: 'declined' } });
    expect(bare.status).toBe(400);
    expect(
      (
        await leader.request('POST', `/api/teams/tasks/${id}/steps`, {
          body: { step: 'declined', note: '道路中断' },
        })
      ).status,
    ).toBe(201);
    await eventually(
      'the centre sees the decline',
      () => h.centre.teams.tasks.get(id)?.status === 'declined',
    );
    expect(h.centre.teams.tasks.get(id)).toMatchObject({ reason: '道路中断', open: false });
    // A task for a kit with no team is refused.
    const none = await officer.request('POST', '/api/teams/tasks', { body: { team: 2107, what: '巡查' } });
    expect(none.status).toBe(404);
    expect((none.json as { code: string }).code).toBe('TEAM_UNKNOWN');
  });
});

describe('member positions', () => {
  it('go from the leader’s phone to the centre’s team board, rate-limited at the kit', async () => {
    const officer = await signedIn('centre', 3);
    const leader = await signedIn('kit', 6);
    const first = await leader.request('POST', '/api/teams/positions', {
      body: { lat: 28.19, lon: 112.97, accuracyM: 12 },
    });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ sent: true });
    const again = await leader.request('POST', '/api/teams/positions', {
      body: { lat: 28.1901, lon: 112.9701 },
    });
    expect(again.json).toMatchObject({ sent: false });
    expect((again.json as { nextAt: number }).nextAt).toBeGreaterThan(Date.now() + 100_000);
    type Teams = {
      teams: Array<{
        members: Array<{
          id: number;
          name?: string;
          position?: { point: { lat: number }; at: number; accuracyM?: number };
        }>;
      }>;
    };
    await eventually(
      'the centre has the position',
      async () =>
        ((await officer.request('GET', '/api/teams')).json as Teams).teams[0]?.members.find((m) => m.id === 6)
          ?.position !== undefined,
    );
    const member = ((await officer.request('GET', '/api/teams')).json as Teams).teams[0]!.members.find(
      (m) => m.id === 6,
    )!;
    expect(member).toMatchObject({ name: '陈刚', position: { accuracyM: 12 } });
    expect(member.position!.point.lat).toBeCloseTo(28.19, 4);
    expect(Date.now() - member.position!.at).toBeLessThan(60_000);
    // Only one went on air.
    expect(h.centre.node.delivered.filter((m) => m.kind === 'position')).toHaveLength(1);
  });
});

describe('a short text between a team’s kit and the centre', () => {
  it('goes both ways with unread counts and each sent text’s delivery state', async () => {
    const officer = await signedIn('centre', 3);
    const member = await signedIn('kit', 1);
    const long = await member.request('POST', '/api/texts', {
      body: { to: 'centre', text: '水'.repeat(54) },
    });
    expect(long.status).toBe(400);
    expect((long.json as { code: string }).code).toBe('TEXT_TOO_LONG');
    const sent = await member.request('POST', '/api/texts', {
      body: { to: 'centre', text: '桥已冲毁，请绕行' },
    });
    expect(sent.status).toBe(201);
    const text = (sent.json as { text: { id: string; bytes: number; conversation: string } }).text;
    expect(text).toMatchObject({ bytes: 24, conversation: 'centre' });

    type Conversations = {
      unread: number;
      conversations: Array<{
        conversation: string;
        unread: number;
        label: string;
        last: { text: string; name?: string };
      }>;
    };
    await eventually(
      'the centre has the text',
      async () => ((await officer.request('GET', '/api/texts')).json as Conversations).unread === 1,
    );
    const list = (await officer.request('GET', '/api/texts')).json as Conversations;
    expect(list.conversations[0]).toMatchObject({
      conversation: `node-${TEAM_KIT}`,
      unread: 1,
      label: '县救援一队',
      last: { text: '桥已冲毁，请绕行', name: '张伟' },
    });
    expect((await officer.request('POST', `/api/texts/node-${TEAM_KIT}/read`)).status).toBe(204);
    expect(((await officer.request('GET', '/api/texts')).json as Conversations).unread).toBe(0);

    // The centre writes to kits and areas, never to itself.
    expect(
      (await officer.request('POST', '/api/texts', { body: { to: 'centre', text: '自己' } })).status,
    ).toBe(400);
    const reply = await officer.request('POST', '/api/texts', {
      body: { to: `node-${TEAM_KIT}`, text: '收到，已通知', replyTo: text.id },
    });
    expect(reply.status).toBe(201);
    await eventually(
      'the kit has the reply',
      async () => ((await member.request('GET', '/api/texts')).json as Conversations).unread === 1,
    );
    type Texts = {
      texts: Array<{
        id: string;
        text: string;
        mine: boolean;
        replyTo?: string;
        delivery?: { step: string };
      }>;
    };
    const thread = (await member.request('GET', '/api/texts/centre')).json as Texts;
    expect(thread.texts.map((t) => [t.text, t.mine])).toEqual([
      ['桥已冲毁，请绕行', true],
      ['收到，已通知', false],
    ]);
    expect(thread.texts[1]?.replyTo).toBe(text.id);
    // The kit's own text was confirmed by the centre's receipt.
    await eventually('the kit’s text is received', async () => {
      const t = ((await member.request('GET', '/api/texts/centre')).json as Texts).texts[0];
      return t?.delivery?.step === 'received' || t?.delivery?.step === 'acknowledged';
    });
    expect(kitEvents.some((e) => e.type === 'team' && 'text' in e.team && e.team.unread === 1)).toBe(true);
  });
});

describe('the event streams', () => {
  it('tell signed-in pages of tasks and texts, and never a page not signed in (they carry names)', async () => {
    const officer = await signedIn('centre', 3);
    const { port } = h.centre.api.server.address!;
    const origin = h.centre.api.origin;
    const open = (cookie?: string) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, {
        headers: { origin, ...(cookie === undefined ? {} : { cookie }) },
      });
      const events: ApiEvent[] = [];
      ws.on('message', (data) => events.push(JSON.parse(String(data)) as ApiEvent));
      return {
        ws,
        events,
        opened: new Promise<void>((resolve, reject) => ws.on('open', () => resolve()).on('error', reject)),
      };
    };
    const signed = open(officer.cookie);
    const anonymous = open();
    await Promise.all([signed.opened, anonymous.opened]);
    await eventually(
      'both streams said hello',
      () => signed.events.length > 0 && anonymous.events.length > 0,
    );
    await officer.request('POST', '/api/teams/tasks', { body: { team: TEAM_KIT, what: '巡查堤坝' } });
    await eventually('the signed-in stream heard the task', () =>
      signed.events.some((e) => e.type === 'team' && 'task' in e),
    );
    const member = await signedIn('kit', 1);
    await member.request('POST', '/api/texts', { body: { to: 'centre', text: '堤坝渗水' } });
    await eventually('the signed-in stream heard the text', () =>
      signed.events.some((e) => e.type === 'team' && 'text' in e),
    );
    expect(anonymous.events.some((e) => e.type === 'team')).toBe(false);
    signed.ws.close();
    anonymous.ws.close();
  });
});
