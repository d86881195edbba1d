/**
 * What `fieldnode start` tells the operator when a start fails (docs/operating.md §When a start
 * fails): the one place that turns the error of a start, a KitError with its code and cause or a
 * file system error with its errno code and path, into plain text: what is wrong, where (the
 * configuration key or the file), and the fix.
 *
 * The cases are told apart by codes, never by the words of a message: the KitError's code, the
 * errno codes in its cause chain (ENOSPC, EROFS, EACCES…), and the path a file system error names
 * (start-error-chain.ts reads them, and the file a LevelDB error names).
 *
 * Configuration errors do not come here: they are refused before the start, with their own text.
 */
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { isKitError } from '../base/errors.js';
import type { Config } from '../config/schema.js';
import { IDENTITY_FILE, type IdentityOwner, readIdentity } from '../crypto/identity.js';
import { lockHolder, PID_FILE, type PidFileState, pidFilePath, readPidFile } from '../daemon/pid-file.js';
import { heldByAnother, levelDbFile, systemError } from './start-error-chain.js';

/** What the explanation needs to know about the start that failed. */
export interface StartFailureContext {
  config: Config;
  /** The configuration file, absolute; undefined when the built-in default was used (no --config). */
  configFile: string | undefined;
  /** Where the data directory was named: "--data-dir", "FIELDNODE_DATA_DIR", "data_dir in FILE"… */
  dataDirFrom?: string;
  /** For a store held by another process: what its pid file says and who holds the lock. */
  other?: { pidFile: PidFileState; holder: number | undefined };
  /** For a data directory of another node: the owner its identity records. */
  owner?: IdentityOwner;
  /** For a file system problem: the nearest directory that exists on the data directory's path. */
  existingDir?: string;
  /** The daemon's user, for permission problems. Default: this process's. */
  user?: { uid: number; name: string };
}

/** The text of a failed start, in parts. */
export interface StartFailureText {
  /** The error code, for the log. */
  code: string;
  /** What is wrong, one sentence. */
  problem: string;
  /** Where: the configuration key or the file, and what else was seen. */
  where: string[];
  /** What to do; empty when the problem says it already. */
  fix: string[];
}

/**
 * Gathers what the explanation of `err` needs from disk: for a store held by another process, its
 * pid file and the lock's holder. Never throws.
 */
export async function startFailureContext(
  err: unknown,
  base: StartFailureBase,
): Promise<StartFailureContext> {
  const { dataDir } = base.config;
  if (heldByAnother(err)) {
    const pidFile = await readPidFile(dataDir);
    const holder = await lockHolder(join(dataDir, 'store', 'LOCK'));
    return { ...base, other: { pidFile, holder } };
  }
  if (isKitError(err, 'DATA_DIR_OTHER_NODE')) {
    const owner = await readIdentity(dataDir).then(
      (found) => found?.owner,
      () => undefined,
    );
    return owner === undefined ? base : { ...base, owner };
  }
  if (systemError(err) !== undefined || isKitError(err, 'STORE_FULL')) {
    let dir = dataDir;
    while (!(await isDirectory(dir)) && dirname(dir) !== dir) dir = dirname(dir);
    return { ...base, existingDir: dir };
  }
  return base;
}

/** What the start command knows of itself; {@link startFailureContext} adds what it finds on disk. */
export type StartFailureBase = Pick<StartFailureContext, 'config' | 'configFile' | 'dataDirFrom'>;

/** Explains the error of a failed start. */
export function explainStartFailure(err: unknown, ctx: StartFailureContext): StartFailureText {
  return (
    keyFileProblem(err, ctx) ??
    anotherDaemon(err, ctx) ??
    anotherNode(err, ctx) ??
    cannotListen(err, ctx) ??
    fileSystemProblem(err, ctx) ??
    asItSays(err)
  );
}

/** The text for standard error: `fieldnode: cannot start: …`, then where and the fix, indented. */
export function formatStartFailure(t: StartFailureText): string {
  const lines = [`fieldnode: cannot start: ${t.problem}`, ...t.where.map((w) => `  ${w}`)];
  t.fix.forEach((f, i) => {
    lines.push(`${i === 0 ? '  fix: ' : '       '}${f}`);
  });
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// The cases, most specific first.

interface KeyFileKind {
  field: 'kitKeyFile' | 'relayKeysFile' | 'masterSecretFile';
  setting: string;
  name: string;
  /** How the file is made, for a missing one. */
  make(file: string, config: Config): string[];
}

const KEY_FILES: readonly KeyFileKind[] = [
  {
    field: 'kitKeyFile',
    setting: 'keys.kit_key_file',
    name: 'kit key file',
    make: (file, config) => [
      'type in the key the centre reads out, which writes the file:',
      `  fieldnode keys enter --node ${config.node.id} --out ${file}`,
      `or copy here the file the centre made with \`fieldnode keys kit --node ${config.node.id}\``,
      '(docs/keys.md §Enrolment step by step)',
    ],
  },
  {
    field: 'relayKeysFile',
    setting: 'keys.relay_keys_file',
    name: 'relay keys file',
    make: (file) => [
      "the centre makes it for this gateway's kits:",
      '  fieldnode keys relay --master FILE --nodes N,N,… --out relay.keys',
      `copy it here as ${file} (docs/keys.md §Enrolment step by step)`,
    ],
  },
  {
    field: 'masterSecretFile',
    setting: 'keys.master_secret_file',
    name: 'master secret file',
    make: (file) => [
      `a county makes its master secret once: fieldnode keys new-master --out ${file}`,
      'if this county has one already, do not make another (every kit would need enrolling again):',
      'bring back its file (docs/keys.md §Enrolment step by step)',
    ],
  },
];

/** A key file named in the configuration that is missing or cannot be read. */
function keyFileProblem(err: unknown, ctx: StartFailureContext): StartFailureText | undefined {
  if (!isKitError(err, 'KEYS_UNREADABLE')) return undefined;
  const sys = systemError(err);
  if (sys?.path === undefined) return undefined;
  const kind = KEY_FILES.find((k) => ctx.config.keys[k.field] === sys.path);
  if (kind === undefined) return undefined;
  const file = sys.path;
  const where = [`${kind.setting} ${inFile(ctx)} names it`];
  if (sys.code === 'ENOENT')
    return {
      code: err.code,
      problem: `the ${kind.name} ${file} does not exist`,
      where,
      fix: kind.make(file, ctx.config),
    };
  if (sys.code === 'EACCES' || sys.code === 'EPERM') {
    const user = ctx.user ?? currentUser();
    return {
      code: err.code,
      problem: `the ${kind.name} ${file} cannot be read by this user, ${user.name} (uid ${user.uid})`,
      where,
      fix: [
        `give it to the daemon's user, keeping it private: chown ${user.name} ${file} && chmod 600 ${file}`,
        `(or check that the directory ${dirname(file)} lets ${user.name} in)`,
      ],
    };
  }
  return {
    code: err.code,
    problem: `the ${kind.name} ${file} cannot be read: ${errnoWords(sys)}`,
    where,
    fix: [`check the file and the disk it is on; ${kind.setting} must name a readable key file`],
  };
}

/** The store's lock is held: another daemon runs on this data directory. */
function anotherDaemon(err: unknown, ctx: StartFailureContext): StartFailureText | undefined {
  if (!heldByAnother(err)) return undefined;
  const { dataDir } = ctx.config;
  const pidFile = ctx.other?.pidFile ?? { state: 'none' };
  const holder = ctx.other?.holder;
  const named = pidFile.state === 'running' || pidFile.state === 'stale' ? pidFile.pid : undefined;
  const pid = holder ?? (pidFile.state === 'running' ? pidFile.pid : undefined);
  const where = [
    `its store ${join(dataDir, 'store')} is locked by ${pid === undefined ? 'it' : `pid ${pid}`}`,
  ];
  if (named !== undefined && pid !== undefined && named !== pid)
    where.push(
      `the pid file ${pidFilePath(dataDir)} names pid ${named}, ` +
        `${pidFile.state === 'stale' ? 'which is not running' : 'another process'}: it is stale`,
    );
  else if (pidFile.state === 'stale')
    where.push(
      `the pid file ${pidFilePath(dataDir)} names pid ${pidFile.pid}, which is not running: it is stale`,
    );
  else if (pidFile.state === 'none')
    where.push(`it wrote no ${PID_FILE}: it is starting or stopping right now, or is an older fieldnode`);
  else if (pidFile.state === 'unreadable')
    where.push(`its pid file ${pidFilePath(dataDir)} cannot be read: ${pidFile.detail}`);
  const see =
    ctx.configFile === undefined
      ? `fieldnode status --data-dir ${dataDir}`
      : `fieldnode status --config ${ctx.configFile}`;
  const stop = pid === undefined ? 'stop it' : `stop it: kill ${pid} (it stops cleanly)`;
  return {
    code: isKitError(err) ? err.code : 'STORE_LOCKED',
    problem: `another fieldnode${pid === undefined ? '' : ` (pid ${pid})`} is running on the data directory ${dataDir}`,
    where,
    fix: [
      `see it: ${see}`,
      `${stop}, or \`systemctl stop fieldnode\` if systemd runs it; then start this one again`,
      '(or give this one a data directory of its own: data_dir, --data-dir)',
    ],
  };
}

/** The data directory's identity records another node. */
function anotherNode(err: unknown, ctx: StartFailureContext): StartFailureText | undefined {
  if (!isKitError(err, 'DATA_DIR_OTHER_NODE')) return undefined;
  const { node, dataDir } = ctx.config;
  const owner = ctx.owner === undefined ? '' : ` says node ${ctx.owner.nodeId} (${ctx.owner.role})`;
  const where = [`${join(dataDir, IDENTITY_FILE)}${owner}`];
  if (ctx.configFile === undefined) {
    where.push(
      `no --config was given: the built-in default is node ${node.id} (${node.role}), a standalone node`,
    );
    return {
      code: err.code,
      problem: err.message,
      where,
      fix: ["start it with the node's configuration: fieldnode start --config FILE"],
    };
  }
  where.push(
    `${ctx.configFile} is node ${node.id} (${node.role}), and ${dataDirFrom(ctx)} names this directory`,
  );
  return {
    code: err.code,
    problem: err.message,
    where,
    fix: [
      "point data_dir (or --data-dir) at this node's own directory;",
      `or, to move this directory to node ${node.id} on purpose: fieldnode start --config ${ctx.configFile} --adopt`,
      '(docs/operating.md §The data directory belongs to one node)',
    ],
  };
}

/** A full disk, a read-only file system, a directory of another user. */
/** The API's address is taken or not this machine's (docs/api.md §Configuration). */
function cannotListen(err: unknown, ctx: StartFailureContext): StartFailureText | undefined {
  const sys = systemError(err);
  if (sys?.syscall !== 'listen' || ctx.config.http === undefined) return undefined;
  const { host, port } = ctx.config.http.listen;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const why: Record<string, string> = {
    EADDRINUSE: 'another program is listening there',
    EADDRNOTAVAIL: 'this machine has no such address (is the Wi-Fi access point up?)',
    EACCES: `ports below 1024 need privileges the daemon's user, ${(ctx.user ?? currentUser()).name}, lacks`,
  };
  return {
    code: sys.code,
    problem: `cannot listen for the web UI and API on ${address}: ${why[sys.code] ?? sys.code}`,
    where: [`http.listen ${inFile(ctx)}`],
    fix: [
      sys.code === 'EADDRINUSE'
        ? `choose another http.listen.port, or stop the program that has it (\`ss -ltnp 'sport = :${port}'\` shows it)`
        : 'change http.listen in the configuration',
    ],
  };
}

function fileSystemProblem(err: unknown, ctx: StartFailureContext): StartFailureText | undefined {
  const sys = systemError(err);
  const code = sys?.code ?? (isKitError(err, 'STORE_FULL') ? 'ENOSPC' : undefined);
  if (code === undefined || !['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM'].includes(code))
    return undefined;
  const errCode = isKitError(err) ? err.code : code;
  const { dataDir } = ctx.config;
  const path = sys?.path ?? levelDbFile(err);
  const user = ctx.user ?? currentUser();
  const words =
    code === 'EACCES' || code === 'EPERM'
      ? `permission denied to the daemon's user, ${user.name}`
      : errnoWords({ code });
  // An identity that cannot be opened is read; everything else a start does here is a write.
  const verb = isKitError(err, 'KEYS_UNREADABLE') ? 'read' : 'write';
  let problem: string;
  const where: string[] = [];
  if (isKitError(err, 'DATA_DIR_UNWRITABLE')) {
    problem = `${err.message}: ${words}`;
    where.push(`${dataDirFrom(ctx)} names ${dataDir}`);
  } else if (path !== undefined) {
    problem = `cannot ${verb} ${path} (${placeOf(path, ctx.config)}): ${words}`;
  } else {
    problem = words;
    where.push(isKitError(err) || err instanceof Error ? err.message : String(err));
  }
  // The directory the fix names: the one checked, or the one a file outside the data directory is
  // in, or the data directory (or, when this start made it and removed it again, its parent).
  const dir = isKitError(err, 'DATA_DIR_UNWRITABLE')
    ? (sys?.path ?? dataDir)
    : path !== undefined && path !== dataDir && !inside(path, dataDir)
      ? dirname(path)
      : (ctx.existingDir ?? dataDir);
  const fix =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? [`free some space on the disk of ${dir} (\`df -h ${dir}\` shows how full it is), then start again`]
      : code === 'EROFS'
        ? [
            `remount it read-write (\`findmnt -T ${dir}\` shows the mount),`,
            'or choose a writable data directory: data_dir in the configuration, --data-dir or FIELDNODE_DATA_DIR',
          ]
        : [
            `give the daemon's user the directory: chown -R ${user.name} ${dir}`,
            'or choose a data directory of its own: data_dir in the configuration, --data-dir or FIELDNODE_DATA_DIR',
          ];
  return { code: errCode, problem, where, fix };
}

/** Any other error: a KitError's message says what is wrong and what to do already. */
function asItSays(err: unknown): StartFailureText {
  if (isKitError(err)) return { code: err.code, problem: err.message, where: [], fix: [] };
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'UNCODED',
    problem: `unexpected error: ${message}`,
    where: [],
    fix: [
      'this is a bug in fieldnode: start it again with FIELDNODE_LOG_LEVEL=debug, which logs the',
      'stack trace, and report it with that log',
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/** What a path is, in the node's terms. */
function placeOf(path: string, config: Config): string {
  const { dataDir } = config;
  if (path === dataDir) return 'the data directory';
  const kind = KEY_FILES.find((k) => config.keys[k.field] === path);
  if (kind !== undefined) return `the ${kind.name}, ${kind.setting}`;
  if (path === config.control.socket) return 'the control socket';
  if (inside(path, join(dataDir, 'store')) || path === join(dataDir, 'store')) return 'the store';
  const name = relative(dataDir, path);
  if (name === IDENTITY_FILE || name.startsWith(`.${IDENTITY_FILE}.`)) return 'the node identity';
  if (name === PID_FILE || name.startsWith(`${PID_FILE}.`)) return 'the pid file';
  if (inside(path, dataDir)) return 'in the data directory';
  return 'a file the node needs';
}

function inside(path: string, dir: string): boolean {
  return path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

function errnoWords(e: { code: string }): string {
  switch (e.code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return "the disk quota of the daemon's user is used up";
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOENT':
      return 'it does not exist';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return e.code;
  }
}

function dataDirFrom(ctx: StartFailureContext): string {
  return ctx.dataDirFrom ?? (ctx.configFile === undefined ? 'the default' : `data_dir in ${ctx.configFile}`);
}

/** "in FILE", or "in the built-in default" when no --config was given. */
function inFile(ctx: StartFailureContext): string {
  return ctx.configFile === undefined ? '(the built-in default, no --config)' : `in ${ctx.configFile}`;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

function currentUser(): { uid: number; name: string } {
  try {
    const u = userInfo();
    return { uid: u.uid, name: u.username };
  } catch {
    return { uid: process.getuid?.() ?? -1, name: 'the daemon user' };
  }
}
