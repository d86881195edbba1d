/**
 * A node serving its API and web UI as the daemon builds it, for the API and UI benchmarks
 * (docs/api.md §Measured, docs/ui.md §Measured): a configuration with an `http:` section on
 * 127.0.0.1 port 0 and a `roster:`, read by the daemon's own parser and handed to createNode
 * (node/src/app.ts), with fresh keys in a temporary directory and every person's PIN set through the
 * roster as an admin would (docs/domain-model.md §PINs). The port the API took is read from the
 * daemon's own "API listening" log line, as an operator would read it.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode } from '../node/src/app.js';
import type { NodeApp } from '../node/src/app-contract.js';
import { type Logger, silentLogger } from '../node/src/base/logger.js';
import { parseConfig } from '../node/src/config/load.js';
import type { NodeCore } from '../node/src/core/node-core.js';
import { formatKitKeyFile, formatMasterSecretFile } from '../node/src/crypto/key-file-formats.js';
import { writeKeyFile } from '../node/src/crypto/key-files.js';
import { deriveKitKey } from '../node/src/crypto/kit-keys.js';
import { generateMasterSecret } from '../node/src/crypto/mac.js';
import { AUDIT_FILE_NAME, AuditLog } from '../node/src/domain/audit/audit-log.js';
import { Roster } from '../node/src/domain/roster/roster.js';
import { checkRosterConfig } from '../node/src/domain/roster/roster-config.js';
import { ROSTER_FILE_NAME } from '../node/src/domain/roster/roster-file.js';

export const COUNTY = 430121;
export const VILLAGE = 430121101201;

/** A county duty officer and a village information officer, the people of both benchmarks. */
export const PEOPLE = [
  { id: 1, name: '张伟', roles: ['info-officer'], areas: [VILLAGE] },
  { id: 3, name: '王强', roles: ['duty-officer'], areas: [COUNTY] },
];
export const PIN = '482913';

export interface HttpNodePlan {
  id: number;
  role: 'kit' | 'centre';
  area?: number;
  name: string;
  /** More of the `keys:` section (`issuers`…). */
  keys?: Record<string, unknown>;
  /** More configuration sections (`links`, `routes`…), as a configuration file has them. */
  more?: Record<string, unknown>;
  /** Called with the data directory, its keys and roster made, before the node is built. */
  prepare?: (dataDir: string, master: Uint8Array | undefined) => Promise<void>;
}

export interface HttpNode {
  app: NodeApp & { core: NodeCore };
  origin: string;
  port: number;
  dataDir: string;
  /** The centre's master secret (a kit's keys derive from it); undefined at a kit. */
  master: Uint8Array | undefined;
  stop(): Promise<void>;
}

export async function startHttpNode(plan: HttpNodePlan): Promise<HttpNode> {
  const dir = await mkdtemp(join(tmpdir(), `fieldnode-bench-http-${plan.id}-`));
  try {
    const dataDir = join(dir, 'data');
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const keyFile = join(dir, plan.role === 'centre' ? 'master.key' : 'kit.key');
    const secret = generateMasterSecret();
    const enrolledDay = Math.floor(Date.now() / 86_400_000) * 86_400;
    await writeKeyFile(
      keyFile,
      plan.role === 'centre'
        ? formatMasterSecretFile(secret)
        : formatKitKeyFile({
            node: plan.id,
            enrolledDay,
            seqFloor: 0,
            kitKey: deriveKitKey(secret, plan.id),
          }),
    );
    const roster = {
      areas: { [String(COUNTY)]: '某县', [String(VILLAGE)]: '青龙村' },
      people: PEOPLE,
    };
    await setPins(dataDir, plan.id, roster);
    const master = plan.role === 'centre' ? secret : undefined;
    await plan.prepare?.(dataDir, master);
    const config = parseConfig(
      {
        node: { id: plan.id, role: plan.role, name: plan.name, ...(plan.area ? { area: plan.area } : {}) },
        data_dir: dataDir,
        centre_nodes: [1],
        keys: {
          ...(plan.role === 'centre' ? { master_secret_file: keyFile } : { kit_key_file: keyFile }),
          ...plan.keys,
        },
        http: { listen: { host: '127.0.0.1', port: 0 } },
        roster,
        ...plan.more,
      },
      { baseDir: dir, env: {}, cwd: dir },
    );
    let port: number | undefined;
    const app = (await createNode(config, {
      log: listeningLogger((p) => {
        port = p;
      }),
    })) as NodeApp & { core: NodeCore };
    await app.start();
    app.markReady?.();
    if (port === undefined) throw new Error('the node did not say where its API listens');
    return {
      app,
      origin: `http://127.0.0.1:${port}`,
      port,
      dataDir,
      master,
      async stop() {
        await app.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Every person's PIN set through the roster at the node's data directory, the change audited there. */
async function setPins(dataDir: string, nodeId: number, section: unknown): Promise<void> {
  const audit = await AuditLog.open({ path: join(dataDir, AUDIT_FILE_NAME), nodeId, log: silentLogger });
  try {
    const checked = checkRosterConfig(section);
    if (checked.problems.length > 0) throw new TypeError(`bench roster: ${checked.problems.join('; ')}`);
    const roster = await Roster.open({
      config: checked.roster,
      file: join(dataDir, ROSTER_FILE_NAME),
      audit,
      log: silentLogger,
    });
    await roster.setPins('system', new Map(PEOPLE.map((p) => [p.id, PIN])));
  } finally {
    await audit.close();
  }
}

/** A logger that keeps nothing but the port of the daemon's "API listening" line. */
function listeningLogger(onPort: (port: number) => void): Logger {
  const log: Logger = {
    child: () => log,
    trace: () => {},
    debug: () => {},
    info: (obj, msg) => {
      const address = (obj as { address?: { port?: unknown } }).address;
      if (msg === 'API listening' && typeof address?.port === 'number') onPort(address.port);
    },
    warn: () => {},
    error: () => {},
  };
  return log;
}
