/**
 * Requests and SOS across whole nodes (docs/requests.md): a village kit and the centre, each a
 * NodeCore on a real LevelDB store joined by a fake IP link, each with its request book on disk and
 * its own HTTP API (node/test/request-network.ts). A supplies request carried from the kit through
 * two partial commits, a dispatch and its arrival to its release, every step back at the kit; an
 * SOS that sounds the centre's alarm again and again until a duty officer acknowledges it, the kit
 * seeing that the centre has it and who answered; an SOS sent behind a backlog of requests while
 * the link is down goes first when it returns.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/integration/harness.js';
import { KIT, type RequestNetwork, startRequestNetwork } from '../../test/request-network.js';
import { parseCsv } from '../domain/reports/test/csv-reader.js';
import { VILLAGE } from '../http/api-fixtures.js';
import type { FeedEvent } from '../http/event-hub.js';
import { Q1 } from '../wire/fixtures/request-messages.js';

let n: RequestNetwork;
beforeEach(async () => {
  n = await startRequestNetwork();
});
afterEach(async () => {
  await n.stop();
});

async function signedIn(node: 'centre' | 'kit', person: number) {
  const client = n[node].api.client();
  expect((await client.signIn(person)).status).toBe(200);
  return client;
}

type Client = Awaited<ReturnType<typeof signedIn>>;

async function statusAt(client: Client, id: string): Promise<string | undefined> {
  const got = await client.request('GET', `/api/requests/${id}`);
  return got.status === 200 ? got.json.status : undefined;
}

describe('a request across a kit and the centre', () => {
  it('is carried from requested through partial commits, dispatch and arrival to released, each step shown at the kit', async () => {
    const kitEvents: FeedEvent[] = [];
    n.kit.feed.subscribe((e) => kitEvents.push(e));
    const officer = await signedIn('kit', 1);
    const asked = await officer.request('POST', '/api/requests', {
      body: {
        type: 'supplies',
        urgency: 'urgent',
        people: 40,
        // As vector Q1: 50 boxes of water and 10 tents.
        items: Q1.body.items,
        point: { lat: 28.2311, lon: 112.9402 },
        note: '三组40人缺水缺帐篷',
      },
    });
    expect(asked.status).toBe(201);
    const id: string = asked.json.request.id;
    expect(id.startsWith(`${KIT}/`)).toBe(true);
    expect(asked.json.request).toMatchObject({
      status: 'requested',
      sos: false,
      area: VILLAGE,
      requestedByName: '张伟',
    });

    // The kit may not commit to its own request.
    expect(
      (await officer.request('POST', `/api/requests/${id}/replies`, { body: { status: 'committed' } }))
        .status,
    ).toBe(403);

    const duty = await signedIn('centre', 3);
    await eventually(
      'the request reaches the centre',
      async () => (await statusAt(duty, id)) === 'requested',
    );
    const board = await duty.request('GET', '/api/requests/board');
    expect(board.json.items.map((r: { request: { id: string } }) => r.request.id)).toEqual([id]);
    expect(board.json.items[0].overdue).toBe(false);

    // Two partial commits: 30 then 20 boxes of water and the 10 tents: they add up.
    const eta = Date.now() + 3 * 3_600_000;
    const c1 = await duty.request('POST', `/api/requests/${id}/replies`, {
      body: { status: 'committed', items: [{ item: 1, quantity: 30 }], eta, note: '县仓库先发30箱' },
    });
    expect(c1.status).toBe(201);
    const c2 = await duty.request('POST', `/api/requests/${id}/replies`, {
      body: {
        status: 'committed',
        items: [
          { item: 1, quantity: 20 },
          { item: 3, quantity: 10 },
        ],
      },
    });
    expect(c2.status).toBe(201);
    expect(c2.json.request.committed).toEqual([
      { item: 1, quantity: 50 },
      { item: 3, quantity: 10 },
    ]);
    await eventually('both commits reach the kit', async () => {
      const r = (await officer.request('GET', `/api/requests/${id}`)).json;
      return r.status === 'committed' && r.committed.length === 2 && r.committed[0].quantity === 50;
    });
    const atKit = (await officer.request('GET', `/api/requests/${id}`)).json;
    expect(atKit.answeredByName).toBe('王强');
    expect(Math.abs(atKit.eta - eta)).toBeLessThan(1000);

    expect(
      (await duty.request('POST', `/api/requests/${id}/replies`, { body: { status: 'dispatched' } })).status,
    ).toBe(201);
    await eventually(
      'the dispatch reaches the kit',
      async () => (await statusAt(officer, id)) === 'dispatched',
    );

    // The kit says it arrived; the centre hears it.
    expect(
      (await officer.request('POST', `/api/requests/${id}/replies`, { body: { status: 'arrived' } })).status,
    ).toBe(201);
    await eventually('the arrival reaches the centre', async () => (await statusAt(duty, id)) === 'arrived');
    // A request only moves forward.
    const back = await duty.request('POST', `/api/requests/${id}/replies`, { body: { status: 'committed' } });
    expect(back.status).toBe(409);
    expect(back.json.code).toBe('REQUEST_STATUS_INVALID');

    expect(
      (await duty.request('POST', `/api/requests/${id}/replies`, { body: { status: 'released' } })).status,
    ).toBe(201);
    await eventually('the release reaches the kit', async () => (await statusAt(officer, id)) === 'released');

    // The same life at both ends, step by step.
    const steps = (c: Client) =>
      c
        .request('GET', `/api/requests/${id}`)
        .then((r) => r.json.steps.map((s: { status: string }) => s.status));
    const expected = ['requested', 'committed', 'committed', 'dispatched', 'arrived', 'released'];
    expect(await steps(officer)).toEqual(expected);
    expect(await steps(duty)).toEqual(expected);
    expect((await duty.request('GET', '/api/requests/board')).json.items).toEqual([]);

    // Audited at each end for what was done there; every step told to the kit's event stream.
    expect(n.kit.api.audit.entries.map((e) => e.action).filter((a) => a.startsWith('request.'))).toEqual([
      'request.requested',
      'request.arrived',
    ]);
    expect(n.centre.api.audit.entries.map((e) => e.action).filter((a) => a.startsWith('request.'))).toEqual([
      'request.committed',
      'request.committed',
      'request.dispatched',
      'request.released',
    ]);
    const told = kitEvents.flatMap((e) =>
      e.type === 'request' && e.request.id === id ? [e.request.status] : [],
    );
    expect(told).toEqual(['requested', 'committed', 'committed', 'dispatched', 'arrived', 'released']);

    const csv = await duty.request('GET', '/api/export/requests.csv');
    const rows = parseCsv(csv.text);
    expect(rows[1]).toContain(id);
    expect(rows[1]).toContain('饮用水50箱；帐篷10顶');
    expect(rows[1]).toContain('已完结');
    // The public counts: none open now, and never a name or a word typed.
    const pub = await n.kit.api.client().request('GET', '/api/public/requests');
    expect(pub.json).toEqual({ open: { rescue: 0, medical: 0, supplies: 0, evacuation: 0, other: 0 } });
  });

  it('shows the public only counts of the open requests by type', async () => {
    const officer = await signedIn('kit', 1);
    await officer.request('POST', '/api/requests', {
      body: { type: 'medical', urgency: 'urgent', note: '李大爷心脏病' },
    });
    const pub = await n.kit.api.client().request('GET', '/api/public/requests');
    expect(pub.json).toEqual({ open: { rescue: 0, medical: 1, supplies: 0, evacuation: 0, other: 0 } });
    expect(pub.text).not.toContain('李');
    expect(pub.text).not.toContain('张伟');
  });
});

describe('an SOS', () => {
  it('sounds the centre alarm until a duty officer acknowledges it, and the kit sees it received and answered', async () => {
    const member = await signedIn('kit', 2);
    const sent = await member.request('POST', '/api/sos', {
      body: { point: { lat: 28.2311, lon: 112.9402 } },
    });
    expect(sent.status).toBe(201);
    const id: string = sent.json.request.id;
    expect(sent.json.request).toMatchObject({
      sos: true,
      type: 'rescue',
      urgency: 'immediate',
      status: 'requested',
    });
    // P0 on the wire.
    expect((await n.kit.node.store.getMeta(id))?.priority).toBe(0);

    // The centre has it (the end-to-end receipt), as the kit's delivery page shows.
    await eventually('the centre confirms the SOS', async () => {
      const m = await member.request('GET', `/api/messages/${id}`);
      return m.json.state === 'received';
    });

    // The alarm sounds, and again, naming the place.
    await eventually('the alarm sounds at least three times', () => n.spoken().length >= 3);
    expect(n.spoken()[0]).toContain('青龙村');
    expect(n.spoken()[0]).toContain('SOS');
    const duty = await signedIn('centre', 3);
    const board = (await duty.request('GET', '/api/requests/board')).json.items;
    expect(board[0].request).toMatchObject({ id, sos: true, sounding: true });

    // A grid member at the kit may not acknowledge it.
    expect((await member.request('POST', `/api/requests/${id}/acknowledge`, { body: {} })).status).toBe(403);

    const ack = await duty.request('POST', `/api/requests/${id}/acknowledge`, { body: {} });
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ wasSounding: true, request: { sounding: false, status: 'committed' } });
    const after = n.spoken().length;
    await new Promise((r) => setTimeout(r, 600));
    expect(n.spoken().length).toBeLessThanOrEqual(after + 1);
    const settled = n.spoken().length;
    await new Promise((r) => setTimeout(r, 600));
    expect(n.spoken().length).toBe(settled);

    // The answer goes back at P0 and the kit shows who answered.
    expect((await n.centre.node.store.getMeta(ack.json.message.id))?.priority).toBe(0);
    await eventually('the kit hears the answer', async () => {
      const r = (await member.request('GET', `/api/requests/${id}`)).json;
      return r.status === 'committed' && r.answeredByName === '王强';
    });
    expect(n.centre.api.audit.entries.map((e) => e.action).filter((a) => a.startsWith('request.'))).toEqual([
      'request.acknowledged',
    ]);
    expect(n.kit.api.audit.entries.map((e) => e.action).filter((a) => a.startsWith('request.'))).toEqual([
      'request.sos',
    ]);
  });

  it('goes first when the link returns, ahead of the requests queued before it', async () => {
    const officer = await signedIn('kit', 1);
    n.links.kit.setUp(false);
    const queued: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await officer.request('POST', '/api/requests', {
        body: { type: 'supplies', urgency: 'routine', people: i },
      });
      expect(r.status).toBe(201);
      queued.push(r.json.request.id);
    }
    const sos = (await officer.request('POST', '/api/sos', { body: {} })).json.request.id as string;
    n.links.kit.setUp(true);
    await eventually('everything reaches the centre', () =>
      [...queued, sos].every((id) => n.centre.node.delivered.some((m) => `${m.origin}/${m.seq}` === id)),
    );
    const order = n.centre.node.delivered
      .filter((m) => m.kind === 'request')
      .map((m) => `${m.origin}/${m.seq}`);
    expect(order[0]).toBe(sos);
  });
});
