/**
 * The status routes say when the node is a drill (docs/api.md §Status; docs/ui.md §Drill mode):
 * the whole status and the public subset both carry `node.drill` on a drill node, through the
 * routes' response schemas over real HTTP, and neither carries it on a node that is not one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeStatus } from '../app-contract.js';
import { nodeStatus, startTestApi, type TestApi } from './api-fixtures.js';
import { publicStatusView, statusView } from './status-view.js';

let dir: string;
let api: TestApi | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-status-view-'));
});
afterEach(async () => {
  await api?.server.stop();
  api = undefined;
  await rm(dir, { recursive: true, force: true });
});

const DRILL = nodeStatus({ node: { id: 2107, role: 'kit', name: '青龙村应急点（演练）', drill: true } });

async function statusOf(status: NodeStatus): Promise<{ pub: unknown; full: unknown }> {
  api = await startTestApi(dir, { status: () => status });
  api.server.markReady();
  const client = api.client();
  const pub = await client.request('GET', '/api/status/public');
  expect(pub.status).toBe(200);
  await client.signIn(1);
  const full = await client.request('GET', '/api/status');
  expect(full.status).toBe(200);
  return { pub: pub.json.node, full: full.json.node };
}

describe('a drill node’s status', () => {
  it('says drill in the whole status and in the public subset a villager sees', async () => {
    const { pub, full } = await statusOf(DRILL);
    expect(pub).toEqual({ id: 2107, role: 'kit', name: '青龙村应急点（演练）', drill: true });
    expect(full).toEqual({
      id: 2107,
      role: 'kit',
      name: '青龙村应急点（演练）',
      drill: true,
      version: '0.1.0-test',
    });
  });

  it('says nothing of drills on a node that is not one', async () => {
    const { pub, full } = await statusOf(nodeStatus());
    expect(pub).toEqual({ id: 2107, role: 'kit', name: '青龙村应急点' });
    expect(full).toEqual({ id: 2107, role: 'kit', name: '青龙村应急点', version: '0.1.0-test' });
  });
});

describe('the node’s fields in the views', () => {
  it('are named one by one: what else NodeStatus.node holds stays out of both', () => {
    const s = nodeStatus({
      node: { id: 9, role: 'kit', drill: false, secret: 'x' } as unknown as NodeStatus['node'],
    });
    expect(publicStatusView(s, { ready: true }).node).toEqual({ id: 9, role: 'kit' });
    expect(statusView(s, { ready: true, version: 'v' }).node).toEqual({ id: 9, role: 'kit', version: 'v' });
    expect(publicStatusView(DRILL, { ready: true }).node.drill).toBe(true);
  });
});
