/**
 * A drill node built by the composition root from its configuration (docs/ui.md §Drill mode;
 * docs/demo-county.md §Safe defaults): `node.drill: true` reaches the status the daemon and the
 * API give, the public subset included, and the reports service, so that a report filed over HTTP
 * whose draft says it is no exercise is stored with the envelope's `exercise` flag all the same. A
 * real LevelDB store, real files in a temporary data directory, real HTTP on 127.0.0.1.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createNode } from '../app.js';
import type { NodeApp } from '../app-contract.js';
import { silentLogger } from '../base/logger.js';
import { parseConfig } from '../config/load.js';
import { formatKitKeyFile } from '../crypto/key-file-formats.js';
import { writeKeyFile } from '../crypto/key-files.js';
import { deriveKitKey } from '../crypto/kit-keys.js';
import { generateMasterSecret } from '../crypto/mac.js';
import { AUDIT_FILE_NAME, AuditLog } from '../domain/audit/audit-log.js';
import { Roster } from '../domain/roster/roster.js';
import { checkRosterConfig } from '../domain/roster/roster-config.js';
import { ROSTER_FILE_NAME } from '../domain/roster/roster-file.js';
import { ApiClient, PIN } from '../http/api-fixtures.js';
import { MessageStore } from '../store/message-store.js';
import { decodeFrame } from '../wire/message.js';

const KIT = 2107;
const VILLAGE = 430121101201;
const ROSTER = {
  areas: { [String(VILLAGE)]: '青龙村（演练）' },
  people: [{ id: 1, name: '赵小红（演练）', roles: ['info-officer'], areas: [VILLAGE] }],
};

let dir: string;
let app: NodeApp | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-drill-'));
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A kit enrolled with a fresh key, its officer's PIN set as an admin would, serving its API. */
async function kit(drill: boolean | undefined): Promise<ApiClient> {
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, 'kit.key');
  const enrolledDay = Math.floor(Date.now() / 86_400_000) * 86_400;
  await writeKeyFile(
    keyFile,
    formatKitKeyFile({
      node: KIT,
      enrolledDay,
      seqFloor: 0,
      kitKey: deriveKitKey(generateMasterSecret(), KIT),
    }),
  );
  const audit = await AuditLog.open({ path: join(dataDir, AUDIT_FILE_NAME), nodeId: KIT, log: silentLogger });
  try {
    const roster = await Roster.open({
      config: checkRosterConfig(ROSTER).roster,
      file: join(dataDir, ROSTER_FILE_NAME),
      audit,
      log: silentLogger,
      pinParams: { ln: 10, r: 8, p: 1 },
    });
    await roster.setPins('system', new Map([[1, PIN]]));
  } finally {
    await audit.close();
  }
  const port = await freePort();
  const config = parseConfig(
    {
      node: {
        id: KIT,
        role: 'kit',
        area: VILLAGE,
        name: '青龙村应急点',
        ...(drill === undefined ? {} : { drill }),
      },
      data_dir: dataDir,
      keys: { kit_key_file: keyFile },
      http: { listen: { host: '127.0.0.1', port } },
      roster: ROSTER,
    },
    { baseDir: dir, env: {}, cwd: dir },
  );
  app = await createNode(config, { log: silentLogger });
  await app.start();
  app.markReady?.();
  return new ApiClient(port, `http://127.0.0.1:${port}`);
}

/** Files a 初报 whose draft says it is no exercise; its envelope flags as the store kept them. */
async function fileNotAnExercise(client: ApiClient): Promise<string[]> {
  expect((await client.signIn(1)).status).toBe(200);
  const res = await client.request('POST', '/api/reports', {
    body: { stage: 'initial', hazard: 18, indicators: { affected: 12 }, exercise: false },
  });
  expect(res.status).toBe(201);
  const id: string = res.json.report.id;
  await app?.stop();
  app = undefined;
  const store = await MessageStore.open(join(dir, 'data', 'store'), { log: silentLogger });
  try {
    const frame = await store.getFrame(id);
    if (frame === undefined) throw new Error(`${id} is not in the store`);
    return decodeFrame(frame).envelope.flags;
  } finally {
    await store.close();
  }
}

it('a drill node says so in its status, public too, and files every report as an exercise', async () => {
  const client = await kit(true);
  expect(app?.status().node).toEqual({ id: KIT, role: 'kit', name: '青龙村应急点', drill: true });
  const pub = await client.request('GET', '/api/status/public');
  expect(pub.json.node).toEqual({ id: KIT, role: 'kit', name: '青龙村应急点', drill: true });
  expect(await fileNotAnExercise(client)).toEqual(['exercise']);
});

it('a node that is not a drill says nothing of it, and files the report as the draft says', async () => {
  const client = await kit(undefined);
  expect(app?.status().node).toEqual({ id: KIT, role: 'kit', name: '青龙村应急点' });
  const pub = await client.request('GET', '/api/status/public');
  expect(pub.json.node).toEqual({ id: KIT, role: 'kit', name: '青龙村应急点' });
  expect(await fileNotAnExercise(client)).toEqual([]);
});
