/**
 * The control socket's further commands (docs/operating.md §Backup and restore; docs/kits.md §From
 * the command line): what `fieldnode backup` and `fieldnode kits …` ask a running daemon. The socket
 * is local and 0600, so whoever reaches it is the daemon's own operator; each request is still
 * checked field by field, every problem named, before anything is done.
 *
 * - `backup` `{out, keys?}`: a backup of the data directory into `out` (data-backup.ts), made by
 *   the daemon, which holds the store; with `keys`, the key files the configuration names too.
 * - at a centre, `kits` `{}`: the kit board; `revoke` `{kit}`; `replace` `{kit, by}`; `handover`
 *   `{kit}`: what the API's kit routes do, by `system` (the audit log says the command line).
 */
import { isAbsolute } from 'node:path';
import { writeBackup } from '../backup/data-backup.js';
import type { Logger } from '../base/logger.js';
import type { Config } from '../config/schema.js';
import type { ControlCommand } from '../daemon/control-socket.js';
import type { KitsService } from '../http/kits-service.js';
import type { MessageStore } from '../store/message-store.js';

export interface ControlCommandsOptions {
  config: Config;
  store: MessageStore;
  version: string;
  /** The centre's kits, once the web side is built; none at a kit. */
  kits: () => KitsService | undefined;
  now: () => number;
  log: Logger;
}

/** The commands, by name. */
export function controlCommands(o: ControlCommandsOptions): Record<string, ControlCommand> {
  const commands: Record<string, ControlCommand> = {
    backup: async (request) => {
      const { problems, out, keys } = backupRequest(request);
      if (problems.length > 0) return badRequest('backup', problems);
      const manifest = await writeBackup({
        store: o.store,
        dataDir: o.config.dataDir,
        out,
        node: { id: o.config.node.id, role: o.config.node.role },
        version: o.version,
        ...(keys ? { keyFiles: keyFilesOf(o.config) } : {}),
        now: o.now,
        log: o.log.child({ mod: 'backup' }),
      });
      return { ok: true, out, manifest };
    },
  };
  if (o.config.node.role !== 'centre') return commands;
  const kits = () => {
    const service = o.kits();
    if (service === undefined) throw new TypeError('the centre serves no kit board: it has no http: section');
    return service;
  };
  commands.kits = async (request) => {
    const problems = fieldsOf(request, []);
    return problems.length > 0 ? badRequest('kits', problems) : { at: o.now(), kits: kits().list() };
  };
  commands.revoke = async (request) => {
    const problems = fieldsOf(request, ['kit']);
    if (problems.length > 0) return badRequest('revoke', problems);
    return { ok: true, ...(await kits().revoke(request.kit as number, 'system')) };
  };
  commands.replace = async (request) => {
    const problems = fieldsOf(request, ['kit', 'by']);
    if (problems.length > 0) return badRequest('replace', problems);
    return { ok: true, ...(await kits().replace(request.kit as number, request.by as number, 'system')) };
  };
  commands.handover = async (request) => {
    const problems = fieldsOf(request, ['kit']);
    if (problems.length > 0) return badRequest('handover', problems);
    const file = await kits().handover(request.kit as number);
    return file === undefined
      ? badRequest('handover', [`kit ${request.kit} was not replaced`])
      : { ok: true, ...file };
  };
  return commands;
}

/** The key files the configuration names, by the setting that names them. */
export function keyFilesOf(config: Config): Array<{ setting: string; path: string }> {
  const k = config.keys;
  return [
    ['keys.master_secret_file', k.masterSecretFile],
    ['keys.issuer_key_file', k.issuerKeyFile],
    ['keys.kit_key_file', k.kitKeyFile],
    ['keys.relay_keys_file', k.relayKeysFile],
  ].flatMap(([setting, path]) => (path === undefined ? [] : [{ setting: setting as string, path }]));
}

function backupRequest(r: Record<string, unknown>): { problems: string[]; out: string; keys: boolean } {
  const problems = Object.keys(r)
    .filter((k) => !['cmd', 'out', 'keys'].includes(k))
    .map((k) => `unknown field ${k}`);
  if (typeof r.out !== 'string' || !isAbsolute(r.out))
    problems.push('out: the backup directory, an absolute path');
  if (r.keys !== undefined && typeof r.keys !== 'boolean') problems.push('keys: true or false');
  return { problems, out: String(r.out), keys: r.keys === true };
}

/** The problems with a request whose other fields are all node ids. */
function fieldsOf(r: Record<string, unknown>, ids: readonly string[]): string[] {
  const problems = Object.keys(r)
    .filter((k) => k !== 'cmd' && !ids.includes(k))
    .map((k) => `unknown field ${k}`);
  for (const id of ids) {
    const v = r[id];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 0xffff_ffff)
      problems.push(`${id}: a node id, 1 to 4294967295`);
  }
  return problems;
}

function badRequest(cmd: string, problems: readonly string[]) {
  return { error: { code: 'BAD_REQUEST', message: `${cmd}: ${problems.join('; ')}` } };
}
