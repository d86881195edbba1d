/**
 * A whole centre built by the composition root (node/src/app.ts), over real HTTP on 127.0.0.1,
 * a real LevelDB store and real files in a temporary data directory (docs/centre-doors.md §What
 * the doors keep, §Duplicates and restarts, §Receiving only, §A link that cannot start):
 *
 * - without MT credentials the RockBLOCK door still receives, and the status says MT is off and why;
 * - a link whose verify key file is missing is listed down with the reason, and comes up by itself
 *   once the file is there;
 * - what the doors and the core keep is in foreign-payloads.jsonl with where it came from, counted
 *   in the status with the latest few, and still there after a restart;
 * - a push replayed after a restart is a duplicate: nothing is kept twice.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNode } from '../app.js';
import type { NodeApp, NodeStatus } from '../app-contract.js';
import { silentLogger } from '../base/logger.js';
import { parseConfig } from '../config/load.js';
import { readForeignPayloadFile } from '../store/foreign-payload-reader.js';

const IMEI = '300534060000001';
const AT = Date.UTC(2026, 6, 13, 19, 20, 5);

let dir: string;
const cleanups: Array<() => Promise<unknown>> = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-centre-'));
  const saved = process.env;
  const { FIELDNODE_ROCKBLOCK_USERNAME: _u, FIELDNODE_ROCKBLOCK_PASSWORD: _p, ...without } = saved;
  process.env = without; // no MT credentials
  cleanups.push(async () => {
    process.env = saved;
  });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A started node; stopped after the test unless the test stopped it. */
async function started(raw: Record<string, unknown>): Promise<NodeApp> {
  const config = parseConfig(raw, { baseDir: dir, env: {}, cwd: dir });
  const app = await createNode(config, { log: silentLogger });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= app.stop();
    return stopping;
  };
  cleanups.push(stop);
  await app.start();
  return {
    ...app,
    start: (s) => app.start(s),
    status: () => app.status(),
    release: (i) => app.release(i),
    stop,
  };
}

const linkOf = (s: NodeStatus, id: string) => s.links.find((l) => l.id === id);

describe('a centre’s satellite doors, built from configuration', () => {
  it('receives without MT credentials, lists a link it cannot build yet, and keeps what it took across a restart', async () => {
    const { TEST_ROCK7_PUBLIC_KEY_PEM } = await import('../../../satellite/sim/rockblock/test-key.js');
    const { pushBody, pushFields } = await import('../../../satellite/sim/rockblock/push-request.js');
    const { signCompact, testRock7PrivateKey } = await import(
      '../../../satellite/sim/rockblock/sign-push-token.js'
    );
    const keyFile = join(dir, 'sim.pem');
    const laterKeyFile = join(dir, 'later.pem');
    await writeFile(keyFile, TEST_ROCK7_PUBLIC_KEY_PEM);
    const [port, laterPort] = [await freePort(), await freePort()];
    const rockblock = (id: string, p: number, verify: string) => ({
      id,
      type: 'rockblock',
      listen: { host: '127.0.0.1', port: p },
      path: '/push',
      mt_endpoint: 'http://127.0.0.1:9/rockblock/MT',
      verify_key_file: verify,
      imeis: { [IMEI]: 2107 },
    });
    const raw = {
      node: { id: 1, role: 'centre' },
      data_dir: join(dir, 'data'),
      links: [rockblock('rb0', port, keyFile), rockblock('rb1', laterPort, laterKeyFile)],
    };
    const post = async (body: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    };
    const text = pushBody(
      pushFields(
        {
          imei: IMEI,
          serial: 1,
          momsn: 40,
          at: AT,
          data: new TextEncoder().encode('test from the portal'),
          latitude: 28.1234,
          longitude: 112.9876,
          cepKm: 3,
        },
        1_784_000_000,
      ),
      'json',
    );
    const odd = JSON.stringify({
      JWT: signCompact(
        '{"alg":"RS256"}',
        JSON.stringify({
          iss: 'Rock 7',
          imei: 'not-an-imei',
          momsn: '41',
          transmit_time: '26-07-13 19:20:05',
          data: 'c0ffee',
        }),
        testRock7PrivateKey(),
      ),
    });

    const app = await started(raw);
    let status = app.status();
    expect(linkOf(status, 'rb0')).toMatchObject({
      state: { status: 'up' },
      mt: { on: false, reason: expect.stringContaining('no RockBLOCK MT credentials') },
    });
    expect(linkOf(status, 'rb1')).toMatchObject({
      kind: 'iridium-sbd',
      state: { status: 'down', reason: 'config-mismatch', detail: expect.stringContaining(laterKeyFile) },
    });

    expect(await post(odd)).toBe(200);
    expect(await post(text)).toBe(200);
    await until(() => (app.status().kept?.count ?? 0) === 2, 'two kept');
    status = app.status();
    expect(status.kept).toMatchObject({
      file: join(dir, 'data', 'foreign-payloads.jsonl'),
      count: 2,
      byReason: { 'unexpected-claims': 1 },
      notWritten: 0,
    });
    expect(status.kept?.latest[0]).toMatchObject({
      n: 1,
      link: 'rb0',
      from: 'not-an-imei',
      reason: 'unexpected-claims',
      bytes: 3,
      source: { carrier: 'rockblock', momsn: 41, sessionTime: AT },
    });
    expect(status.kept?.latest[1]).toMatchObject({
      n: 2,
      link: 'rb0',
      from: IMEI,
      bytes: 20,
      source: {
        carrier: 'rockblock',
        momsn: 40,
        sessionTime: AT,
        latitude: 28.1234,
        longitude: 112.9876,
        cepKm: 3,
      },
    });

    // The missing key file arrives: the supervisor builds the link and it comes up by itself.
    await writeFile(laterKeyFile, TEST_ROCK7_PUBLIC_KEY_PEM);
    await until(
      () => (linkOf(app.status(), 'rb1')?.state as { status?: string } | undefined)?.status === 'up',
      'rb1 up',
    );
    expect(linkOf(app.status(), 'rb1')?.mt).toMatchObject({ on: false });
    await app.stop();

    // After a restart: the same two, and the text replayed is a duplicate, not kept again.
    const again = await started(raw);
    expect(again.status().kept).toMatchObject({ count: 2, latest: [{ n: 1 }, { n: 2 }] });
    expect(await post(text)).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    await again.stop();
    const listing = await readForeignPayloadFile(join(dir, 'data', 'foreign-payloads.jsonl'));
    expect(listing.entries.map((e) => [e.n, e.record.reason, e.record.source?.momsn])).toEqual([
      [1, 'unexpected-claims', 41],
      [2, expect.any(String), 40],
    ]);
  });
});
