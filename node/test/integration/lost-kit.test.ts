/**
 * A kit that goes quiet, is lost, revoked and replaced (docs/kits.md), across three whole nodes
 * built by createNode from their configuration files: a county centre and two village kits on UDP
 * over 127.0.0.1, each with its own data directory, real LevelDB store, key files made as the
 * centre makes them, and its HTTP API, driven as the duty officer and the village's people would.
 *
 * 1. Kit 2107 tells the centre its health every second; its 灾害信息员 files a 初报; the duty
 *    officer issues a warning to the village, which kit 2107 receives.
 * 2. Kit 2107 goes quiet (stopped): the centre's kit board raises the silence and the centre's
 *    alarm sounds it, as it does a 未叫应.
 * 3. The duty officer revokes 2107. When the thief switches it on and files a report, the centre
 *    refuses its frames (AUTH_REVOKED) and records nothing.
 * 4. The duty officer names 2111, a spare kit enrolled for the same village and already out, as its
 *    replacement: the open incident and the unanswered warning go to it; its operator stops it,
 *    adopts the handover file (`fieldnode kits adopt`) and starts it again.
 * 5. On 2111 the 灾害信息员 files the next 续报 of the lost kit's incident, which the centre takes
 *    into the same chain, and the village's 防汛责任人 answers the warning, which moves their call.
 * 6. At the centre the operator lists the kits and tries to revoke 2107 again over the control
 *    socket (`fieldnode kits …`), as `fieldnode start` serves it.
 * 7. `fieldnode backup` is made by the running centre; `fieldnode restore` writes it into a fresh
 *    data directory: every journal a whole-line prefix of the live one, the audit chain whole with
 *    the revocation and the replacement, the story's messages byte for byte, and the kit board
 *    rebuilt from the restored journal knowing the lost kit and its successor.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createNode } from '../../src/app.js';
import type { NodeApp } from '../../src/app-contract.js';
import { silentLogger } from '../../src/base/logger.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load.js';
import type { NodeCore } from '../../src/core/node-core.js';
import { loadOrCreateIdentity } from '../../src/crypto/identity.js';
import { formatIssuerKeyFile } from '../../src/crypto/issuer-key-file.js';
import { formatKitKeyFile, formatMasterSecretFile } from '../../src/crypto/key-file-formats.js';
import { writeKeyFile } from '../../src/crypto/key-files.js';
import { deriveKitKey } from '../../src/crypto/kit-keys.js';
import { generateMasterSecret } from '../../src/crypto/mac.js';
import { ControlServer } from '../../src/daemon/control-socket.js';
import { freeTcpPort, freeUdpPorts } from '../../src/demo/free-ports.js';
import { TEST_PIN_PARAMS } from '../../src/demo/test/county-test-support.js';
import { AUDIT_FILE_NAME, AuditLog } from '../../src/domain/audit/audit-log.js';
import { verifyAuditLog } from '../../src/domain/audit/audit-verify.js';
import { KitBoard } from '../../src/domain/kits/kit-board.js';
import { Roster } from '../../src/domain/roster/roster.js';
import { checkRosterConfig } from '../../src/domain/roster/roster-config.js';
import { ROSTER_FILE_NAME } from '../../src/domain/roster/roster-file.js';
import { ApiClient } from '../../src/http/api-fixtures.js';
import { MessageStore } from '../../src/store/message-store.js';

const CENTRE = 1;
const LOST = 2107;
const NEW = 2111;
const VILLAGE = 430121101201;
const DUTY_OFFICER = 9;
const INFO_OFFICER = 7;
const FLOOD_RESPONSIBLE = 4;
const PIN = '482913';
const ISSUER = 1;

const ROSTER = {
  areas: { '430121': '演示县', '430121101': '青山镇', '430121101201': '青山村' },
  people: [
    { id: DUTY_OFFICER, name: '县值班员', roles: ['duty-officer'], areas: [430121] },
    { id: INFO_OFFICER, name: '李秀英', roles: ['info-officer'], areas: [VILLAGE] },
    { id: FLOOD_RESPONSIBLE, name: '王建国', roles: ['flood-responsible'], areas: [VILLAGE] },
  ],
};

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

interface Place {
  id: number;
  role: 'centre' | 'kit';
  dataDir: string;
  config: string;
  udp: number;
  web: number;
  publicKey: string;
}

/** The county's files, made as a centre makes them: keys, identities, configurations, PINs. */
async function county(dir: string) {
  const master = generateMasterSecret();
  await mkdir(join(dir, 'keys'), { mode: 0o700 });
  await writeKeyFile(join(dir, 'keys', 'master.secret'), formatMasterSecretFile(master));
  const enrolledDay = Math.floor(Date.now() / 86_400_000) * 86_400;
  for (const kit of [LOST, NEW])
    await writeKeyFile(
      join(dir, 'keys', `kit-${kit}.key`),
      formatKitKeyFile({ node: kit, enrolledDay, seqFloor: 0, kitKey: deriveKitKey(master, kit) }),
    );
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  await writeKeyFile(
    join(dir, 'keys', 'issuer.key'),
    formatIssuerKeyFile({ issuer: ISSUER, name: '演示县防汛办', privateKey }),
  );
  const issuerPublic = Buffer.from(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)).toString(
    'base64',
  );
  const udp = await freeUdpPorts(3);
  const places = new Map<number, Place>();
  for (const [i, [id, role]] of (
    [
      [CENTRE, 'centre'],
      [LOST, 'kit'],
      [NEW, 'kit'],
    ] as const
  ).entries()) {
    const dataDir = join(dir, `node-${id}`);
    const { identity } = await loadOrCreateIdentity(dataDir, { nodeId: id, role });
    places.set(id, {
      id,
      role,
      dataDir,
      config: join(dir, `node-${id}.yaml`),
      udp: udp[i] as number,
      web: await freeTcpPort(),
      publicKey: Buffer.from(identity.publicKey).toString('base64'),
    });
  }
  const place = (id: number) => places.get(id) as Place;
  const common = (p: Place) => ({
    node: { id: p.id, role: p.role, ...(p.role === 'kit' ? { area: VILLAGE } : {}) },
    data_dir: p.dataDir,
    centre_nodes: [CENTRE],
    http: { listen: { host: '127.0.0.1', port: p.web } },
    roster: ROSTER,
    retry: { initial_s: 0.2, max_s: 1 },
    alarm: { sounders: [{ type: 'recorded', file: join(p.dataDir, 'alarm-events.jsonl') }] },
    kits: { health_interval_s: 1, silence_intervals: 2 },
  });
  const issuers = [
    { id: ISSUER, public_key: issuerPublic, powers: ['warning', 'control'], name: '演示县防汛办' },
  ];
  const centre = place(CENTRE);
  await writeFile(
    centre.config,
    stringify({
      ...common(centre),
      keys: {
        master_secret_file: join(dir, 'keys', 'master.secret'),
        issuer_key_file: join(dir, 'keys', 'issuer.key'),
        issuers,
        nodes: [LOST, NEW].map((id) => ({ id, public_key: place(id).publicKey, area: VILLAGE, role: 'kit' })),
      },
      links: [
        {
          id: 'udp0',
          type: 'udp',
          bind: { host: '127.0.0.1', port: centre.udp },
          peers: Object.fromEntries(
            [LOST, NEW].map((id) => [`k${id}`, { host: '127.0.0.1', port: place(id).udp, node: id }]),
          ),
        },
      ],
      routes: [
        { dest: `node:${LOST}`, via: 'udp0', next_hop: `k${LOST}` },
        { dest: `node:${NEW}`, via: 'udp0', next_hop: `k${NEW}` },
        // The village's broadcasts went to its kit before it was lost.
        { dest: 'all', via: 'udp0', next_hop: `k${LOST}` },
      ],
    }),
  );
  for (const id of [LOST, NEW]) {
    const kit = place(id);
    await writeFile(
      kit.config,
      stringify({
        ...common(kit),
        keys: {
          kit_key_file: join(dir, 'keys', `kit-${id}.key`),
          issuers,
          nodes: [{ id: CENTRE, public_key: centre.publicKey, role: 'centre' }],
        },
        links: [
          {
            id: 'udp0',
            type: 'udp',
            bind: { host: '127.0.0.1', port: kit.udp },
            peers: { centre: { host: '127.0.0.1', port: centre.udp, node: CENTRE } },
          },
        ],
        routes: [{ dest: 'centre', via: 'udp0', next_hop: 'centre' }],
      }),
    );
  }
  // Every person's PIN at every node, set through the roster as an admin would (cheap hashes).
  const { roster } = checkRosterConfig(ROSTER);
  for (const p of places.values()) {
    const audit = await AuditLog.open({
      path: join(p.dataDir, AUDIT_FILE_NAME),
      nodeId: p.id,
      log: silentLogger,
    });
    const r = await Roster.open({
      config: roster,
      file: join(p.dataDir, ROSTER_FILE_NAME),
      audit,
      log: silentLogger,
      pinParams: TEST_PIN_PARAMS,
    });
    await r.setPins('system', new Map(ROSTER.people.map((person) => [person.id, PIN])));
    await audit.close();
  }
  return { place };
}

/** A node started from its configuration file; stopped after the test unless stopped before. */
async function start(p: Place): Promise<{ app: NodeApp & { core: NodeCore }; stop(): Promise<void> }> {
  const app = (await createNode(await loadConfig(p.config), { log: silentLogger })) as NodeApp & {
    core: NodeCore;
  };
  await app.start();
  app.markReady?.();
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= app.stop();
    return stopped;
  };
  cleanups.push(stop);
  return { app, stop };
}

/** A browser signed in at node `p` as `person`: keeps its cookie and CSRF token, sends a key with each write. */
async function signedIn(p: Place, person: number) {
  const api = new ApiClient(p.web, `http://127.0.0.1:${p.web}`);
  expect((await api.signIn(person, PIN)).status).toBe(200);
  return {
    async get<T>(path: string): Promise<{ status: number; body: T; text: string }> {
      const res = await api.request('GET', path);
      return { status: res.status, body: res.json as T, text: res.text };
    },
    async post<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
      const res = await api.request('POST', path, { body });
      return { status: res.status, body: res.json as T };
    },
  };
}

async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await check();
    if (got !== undefined && got !== false) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface KitJson {
  id: number;
  state: string;
  alerts: Array<{ kind: string }>;
  health?: { power: { source: string } };
  revoked?: unknown;
  replacedBy?: { kit: number; incidents: string[] };
  replaces?: number;
}

it('a kit that goes quiet raises the alert; revoked, its frames are refused; its replacement carries on', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-lost-kit-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const { place } = await county(dir);
  const centre = await start(place(CENTRE));
  const refused: string[] = [];
  centre.app.core.on('rejected', (r) => refused.push(`${r.code}: ${r.detail}`));
  const lost = await start(place(LOST));
  const desk = await signedIn(place(CENTRE), DUTY_OFFICER);
  const kitOf = async (id: number) =>
    (await desk.get<{ kits: KitJson[] }>('/api/kits')).body.kits.find((k) => k.id === id) as KitJson;

  // 1. Heard, health and all; a 初报 and a warning.
  await eventually('kit 2107 heard with its health', async () => (await kitOf(LOST)).health !== undefined);
  expect((await kitOf(LOST)).state).toBe('ok');
  const villager = await signedIn(place(LOST), INFO_OFFICER);
  const filed = await villager.post<{ report: { id: string } }>('/api/reports', {
    stage: 'initial',
    hazard: 18,
    indicators: { affected: 120 },
  });
  expect(filed.status).toBe(201);
  const incident = filed.body.report.id;
  await eventually('the 初报 at the centre', async () => {
    const list = await desk.get<{ items: Array<{ id: string }> }>('/api/reports');
    return list.body.items.some((r) => r.id === incident);
  });
  const nowS = Math.floor(Date.now() / 1000);
  const issued = await desk.post<{ warning: { id: string } }>('/api/warnings', {
    action: 'issue',
    event: '11B03',
    level: 2,
    colour: 'orange',
    areas: [VILLAGE],
    roles: ['flood-responsible'],
    onset: nowS,
    expires: nowS + 6 * 3600,
    instruction: '山洪危险，请立即转移。',
  });
  expect(issued.status).toBe(201);
  const warning = issued.body.warning.id;
  await eventually('the warning at kit 2107', async () => {
    const got = await villager.get<{ id: string }>(`/api/warnings/${warning}`);
    return got.status === 200;
  });

  // 2. The kit goes quiet: the silence is raised and the centre's alarm says so.
  await lost.stop();
  await eventually('the silence of kit 2107 raised', async () =>
    (await kitOf(LOST)).alerts.some((a) => a.kind === 'silent'),
  );
  expect((await kitOf(LOST)).state).toBe('alert');
  const alarm = await eventually('the centre’s alarm', async () => {
    const text = await readFile(join(place(CENTRE).dataDir, 'alarm-events.jsonl'), 'utf8').catch(() => '');
    return text.split('\n').find((l) => l.includes(`应急设备${LOST}失联`));
  });
  expect(alarm).toContain('青山村');

  // 3. Revoked: the thief's report is refused, and the centre records nothing of it.
  const revoked = await desk.post<{ control: string; kit: KitJson }>(`/api/kits/${LOST}/revoke`, {});
  expect(revoked.status).toBe(201);
  expect(revoked.body.kit.state).toBe('revoked');
  const thief = await start(place(LOST));
  const thiefApi = await signedIn(place(LOST), INFO_OFFICER);
  const forged = await thiefApi.post<{ report: { id: string } }>('/api/reports', {
    stage: 'initial',
    hazard: 18,
    indicators: { affected: 99_999 },
  });
  expect(forged.status).toBe(201);
  await eventually('the forged report refused at the centre', async () =>
    refused.some((r) => r.startsWith('AUTH_REVOKED') && r.includes(`${LOST}`)),
  );
  const reports = await desk.get<{ items: Array<{ id: string }> }>('/api/reports');
  expect(reports.body.items.map((r) => r.id)).toEqual([incident]);
  await thief.stop();

  // 4. The replacement, a spare kit already out and heard: the incident and the warning go to it.
  const spare = await start(place(NEW));
  await eventually('kit 2111 heard at the centre', async () => (await kitOf(NEW)).health !== undefined);
  const replaced = await desk.post<{ incidents: string[]; warnings: string[]; control: string }>(
    `/api/kits/${LOST}/replace`,
    { by: NEW },
  );
  expect(replaced.status).toBe(201);
  expect(replaced.body.incidents).toEqual([incident]);
  expect(replaced.body.warnings).toEqual([warning]);
  const responsible = await signedIn(place(NEW), FLOOD_RESPONSIBLE);
  await eventually(
    'the warning at kit 2111',
    async () => (await responsible.get(`/api/warnings/${warning}`)).status === 200,
  );
  // Its operator stops it, takes in the handover file, and starts it again.
  await spare.stop();
  const handover = await desk.get<unknown>(`/api/kits/${LOST}/handover`);
  expect(handover.status).toBe(200);
  const file = join(dir, 'handover.jsonl');
  await writeFile(file, handover.text, { mode: 0o600 });
  expect(await runCli(['kits', 'adopt', file, '--config', place(NEW).config])).toBe(0);
  await start(place(NEW));

  // 5. The new kit carries on: the next 续报 joins the lost kit's chain, the warning is answered there.
  const newcomer = await signedIn(place(NEW), INFO_OFFICER);
  const update = await newcomer.post<{ report: { id: string; incidentId: string; version: number } }>(
    '/api/reports',
    {
      stage: 'update',
      incident,
      hazard: 18,
      indicators: { affected: 150 },
    },
  );
  expect(update.status).toBe(201);
  expect(update.body.report).toMatchObject({ incidentId: incident, version: 2 });
  await eventually('the 续报 in the same chain at the centre', async () => {
    const list = await desk.get<{
      items: Array<{ id: string; incidentId: string; origin: number; version: number }>;
    }>('/api/reports');
    const got = list.body.items.find((r) => r.id === update.body.report.id);
    return got?.incidentId === incident && got.origin === NEW && got.version === 2;
  });
  const answerer = await signedIn(place(NEW), FLOOD_RESPONSIBLE);
  const answered = await answerer.post(`/api/warnings/${warning}/answers`, { state: 'acknowledged' });
  expect(answered.status).toBe(201);
  await eventually('the call answered at the centre', async () => {
    const board = await desk.get<{ calls: Array<{ person: number; state: string }> }>(
      `/api/warnings/${warning}/calls`,
    );
    return board.body.calls.find((c) => c.person === FLOOD_RESPONSIBLE)?.state === 'acknowledged';
  });
  const lostNow = await kitOf(LOST);
  expect(lostNow).toMatchObject({ state: 'revoked', replacedBy: { kit: NEW, incidents: [incident] } });
  expect((await kitOf(NEW)).replaces).toBe(LOST);

  // 6. The operator asks the running centre over its control socket, as `fieldnode start` serves it.
  const centreConfig = await loadConfig(place(CENTRE).config);
  const control = new ControlServer({
    socketPath: centreConfig.control.socket,
    status: () => centre.app.status(),
    ...(centre.app.commands === undefined ? {} : { commands: centre.app.commands() }),
    log: silentLogger,
  });
  await control.start();
  cleanups.push(() => control.close());
  const listed = await cli(['kits', 'list', '--json', '--config', place(CENTRE).config]);
  expect(listed.code).toBe(0);
  expect(
    (JSON.parse(listed.out) as KitJson[]).map((k) => [k.id, k.state === 'revoked' ? 'revoked' : 'serving']),
  ).toEqual(
    expect.arrayContaining([
      [LOST, 'revoked'],
      [NEW, 'serving'],
    ]),
  );
  const again = await cli(['kits', 'revoke', String(LOST), '--config', place(CENTRE).config]);
  expect(again.code).toBe(1);
  expect(again.err).toContain('KIT_REVOKED');

  // 7. The centre is backed up while it runs, and restored into a fresh data directory: its store,
  // kit board, incidents, warning desk and audit log are there as they stood.
  const backup = join(dir, 'centre-backup');
  const made = await cli(['backup', '--config', place(CENTRE).config, '--out', backup]);
  expect(made.err).toBe('');
  expect(made.out).toContain('made by the running daemon');
  await control.close();
  await centre.stop();
  const fresh = join(dir, 'centre-restored');
  const restored = await cli(['restore', backup, '--data-dir', fresh]);
  expect([restored.code, restored.err]).toEqual([0, '']);
  const manifest = JSON.parse(await readFile(join(backup, 'manifest.json'), 'utf8')) as {
    files: Array<{ path: string }>;
  };
  const files = manifest.files.map((f) => f.path);
  expect(files).toEqual(
    expect.arrayContaining([
      'audit.jsonl',
      'identity.json',
      'incidents.jsonl',
      'kit-board.jsonl',
      'warning-desk.jsonl',
    ]),
  );
  // Each journal restored is the live one as it stood: a whole-line prefix of it (the centre went
  // on hearing kit 2111 until it stopped).
  for (const f of files.filter((f) => f.endsWith('.jsonl'))) {
    const back = await readFile(join(fresh, f), 'utf8');
    const live = await readFile(join(place(CENTRE).dataDir, f), 'utf8');
    expect(live.startsWith(back), f).toBe(true);
    expect(back === '' || back.endsWith('\n'), f).toBe(true);
  }
  const audit = await verifyAuditLog(join(fresh, AUDIT_FILE_NAME));
  expect(audit.ok).toBe(true);
  const actions = (await readFile(join(fresh, AUDIT_FILE_NAME), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { action: string }).action);
  expect(actions).toEqual(expect.arrayContaining(['kit.revoked', 'kit.replaced']));
  // The messages of the story, each frame as the centre held it.
  const live = await MessageStore.open(join(place(CENTRE).dataDir, 'store'));
  const back = await MessageStore.open(join(fresh, 'store'));
  try {
    for (const id of [
      incident,
      update.body.report.id,
      warning,
      revoked.body.control,
      replaced.body.control,
    ]) {
      const frame = await back.getFrame(id);
      expect(frame, id).toBeDefined();
      expect(frame, id).toEqual(await live.getFrame(id));
      expect((await back.getMeta(id))?.state, id).toBe((await live.getMeta(id))?.state);
    }
  } finally {
    await live.close();
    await back.close();
  }
  // The restored kit board still knows the lost kit, its successor and what was handed over.
  const board = await KitBoard.open({
    file: join(fresh, 'kit-board.jsonl'),
    kits: [
      { id: LOST, area: VILLAGE },
      { id: NEW, area: VILLAGE },
    ],
    policy: {
      defaultIntervalMs: 1000,
      silenceIntervals: 2,
      batteryLowPercent: 25,
      batteryCutoffPercent: 10,
      batteryWarnAheadMs: 7_200_000,
    },
    now: Date.now,
    log: silentLogger,
  });
  try {
    expect(board.kit(LOST)).toMatchObject({
      revoked: { by: DUTY_OFFICER },
      replacedBy: { kit: NEW, incidents: [incident] },
    });
    expect(board.successorOf(LOST)).toBe(NEW);
  } finally {
    await board.close();
  }
}, 120_000);

/** Runs the command line in this process; what it printed, and its exit code. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await runCli(args);
    return { code, out, err };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}
