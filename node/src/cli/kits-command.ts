/**
 * `fieldnode kits …` (docs/kits.md §From the command line): at the centre, the kit board, revoking
 * a lost kit, naming its replacement and writing the handover file, each asked of the running
 * daemon over its control socket (it holds the issuer key and the board; the audit log records
 * `system`); on a new kit, `adopt` takes the handover file into its incident book before its first
 * start.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KitError } from '../base/errors.js';
import { silentLogger } from '../base/logger.js';
import { writeNewPrivateFile } from '../base/new-private-file.js';
import { HAZARDS_FILE } from '../composition/node-hazards.js';
import { REQUESTS_FILE } from '../composition/node-requests.js';
import { SHELTERS_FILE } from '../composition/node-shelters.js';
import { TEAMS_FILE } from '../composition/node-teams.js';
import { INCIDENTS_FILE_NAME } from '../composition/node-web.js';
import { loadConfig } from '../config/load.js';
import { type CommandQuery, requestCommand } from '../daemon/control-socket.js';
import { checkNotInUse } from '../daemon/data-dir-check.js';
import { parseHandover } from '../domain/kits/kit-handover.js';
import { adoptOpenItems } from '../domain/kits/kit-handover-items.js';
import '../domain/kits/kits-errors.js';
import { FileIncidentLedger } from '../domain/reports/incident-file.js';
import type { KitView } from '../http/kits-service.js';
import { parseNodeId, parseOptions } from './args.js';
import { kitsText } from './kits-text.js';
import { nodePlaces } from './node-places.js';

const PLACES = { config: { type: 'string' }, 'data-dir': { type: 'string' } } as const;

export async function kitsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return list(rest);
    case 'revoke':
      return revoke(rest);
    case 'replace':
      return replace(rest);
    case 'handover':
      return handover(rest);
    case 'adopt':
      return adopt(rest);
    default:
      throw new KitError(
        'CLI_USAGE',
        `kits: ${sub === undefined ? 'a subcommand is needed' : `unknown subcommand ${JSON.stringify(sub)}`}; the subcommands are list, revoke, replace, handover, adopt`,
      );
  }
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, { ...PLACES, json: { type: 'boolean' } });
  noPositionals('kits list', positionals);
  const reply = await ask(values, { cmd: 'kits' });
  if (reply === undefined) return 1;
  const { at, kits } = reply as { at: number; kits: KitView[] };
  process.stdout.write(values.json ? `${JSON.stringify(kits, null, 2)}\n` : kitsText(kits, at));
  return 0;
}

async function revoke(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, { ...PLACES, json: { type: 'boolean' } });
  const kit = oneKit('kits revoke', positionals);
  const reply = await ask(values, { cmd: 'revoke', kit });
  if (reply === undefined) return 1;
  const { control } = reply as { control: string };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(reply, null, 2)}\n`
      : `kit ${kit} revoked: control message ${control} signed and queued to every node; this centre refuses its frames from now on\n`,
  );
  return 0;
}

async function replace(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    ...PLACES,
    by: { type: 'string' },
    handover: { type: 'string' },
    json: { type: 'boolean' },
  });
  const kit = oneKit('kits replace', positionals);
  const by = parseNodeId(values.by);
  if (by === undefined || by === 0)
    throw new KitError('CLI_USAGE', 'kits replace needs --by NEW: the kit that carries on');
  const reply = await ask(values, { cmd: 'replace', kit, by });
  if (reply === undefined) return 1;
  const { incidents, control } = reply as { incidents: string[]; control?: string };
  let file = '';
  if (values.handover !== undefined) {
    const got = await ask(values, { cmd: 'handover', kit });
    if (got === undefined) return 1;
    await writeNew(values.handover, (got as { text: string }).text);
    file = `\nhandover file: ${values.handover}: copy it to kit ${by} and run \`fieldnode kits adopt ${values.handover} --config FILE\` there before it starts`;
  }
  process.stdout.write(
    values.json
      ? `${JSON.stringify(reply, null, 2)}\n`
      : `kit ${by} carries on for kit ${kit}: ${incidents.length} open incidents handed over (${incidents.join(', ') || 'none'})` +
          `${control === undefined ? '' : `; the area's roster sent to it (control message ${control})`}${file}\n`,
  );
  return 0;
}

async function handover(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, { ...PLACES, out: { type: 'string' } });
  const kit = oneKit('kits handover', positionals);
  if (values.out === undefined) throw new KitError('CLI_USAGE', 'kits handover needs --out FILE');
  const got = await ask(values, { cmd: 'handover', kit });
  if (got === undefined) return 1;
  await writeNew(values.out, (got as { text: string }).text);
  process.stdout.write(`handover file for the kit that replaced ${kit}: ${values.out}\n`);
  return 0;
}

/** On the new kit, before its first start: the lost kit's open incidents into its incident book. */
async function adopt(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, { config: { type: 'string' } });
  if (positionals.length !== 1)
    throw new KitError('CLI_USAGE', 'kits adopt takes one FILE, the handover file');
  if (values.config === undefined)
    throw new KitError('CLI_USAGE', "kits adopt needs --config: this kit's configuration");
  const path = positionals[0] as string;
  const config = await loadConfig(values.config);
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new KitError('KIT_HANDOVER_INVALID', `${path} cannot be read: ${err.code ?? err.message}`, {
      cause: err,
    });
  });
  const h = parseHandover(text, path);
  if (h.to !== config.node.id)
    throw new KitError(
      'KIT_HANDOVER_INVALID',
      `${path} is for kit ${h.to}, this is node ${config.node.id}: ask the centre for this kit's file (fieldnode kits handover ${h.from} --out FILE)`,
    );
  if (h.area !== undefined && config.node.area !== undefined && h.area !== config.node.area)
    throw new KitError(
      'KIT_HANDOVER_INVALID',
      `${path} is for area ${h.area}, this kit serves ${config.node.area} (node.area): a replacement serves the lost kit's area`,
    );
  await checkNotInUse(config.dataDir);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const ledger = new FileIncidentLedger(join(config.dataDir, INCIDENTS_FILE_NAME));
  try {
    await ledger.apply({ put: h.incidents });
  } finally {
    await ledger.close();
  }
  // The other workflows' open items into their books' journals (docs/kits.md §Open items).
  const items = await adoptOpenItems(
    h,
    {
      requests: join(config.dataDir, REQUESTS_FILE),
      tasks: join(config.dataDir, TEAMS_FILE),
      shelters: join(config.dataDir, SHELTERS_FILE),
      hazards: join(config.dataDir, HAZARDS_FILE),
    },
    silentLogger,
  );
  process.stdout.write(
    `kit ${h.to} took over ${h.incidents.length} open incidents of the lost kit ${h.from}: ${h.incidents.map((i) => i.id).join(', ') || 'none'}\n` +
      `and ${items.requests} messages of its open requests, ${items.tasks} of its open tasks, ${items.rollcalls} shelter counts, ${items.hazards} of its open hazards\n`,
  );
  return 0;
}

/** Asks the daemon; prints why and resolves to undefined when it did not answer or refused. */
async function ask(
  values: { config?: string; 'data-dir'?: string },
  request: { cmd: string } & Record<string, unknown>,
): Promise<object | undefined> {
  const { socketPath } = await nodePlaces(values);
  const result: CommandQuery = await requestCommand(socketPath, request);
  if (result.ok) return result.reply;
  if (result.reason === 'refused') {
    const detail =
      result.code === 'UNKNOWN_COMMAND'
        ? `the daemon on ${socketPath} has no kit board: is it the centre, and a fieldnode with kit health?`
        : result.detail;
    process.stderr.write(`fieldnode: ${result.code}: ${detail}\n`);
    return undefined;
  }
  const why = {
    'no-daemon': `no fieldnode daemon answers on ${socketPath}: start the centre (\`fieldnode start\`, or \`systemctl start fieldnode\`); check --config or --data-dir`,
    denied: `not allowed to use ${socketPath}: run this as the daemon's user (or root)`,
    timeout: `the daemon on ${socketPath} did not answer in time: look in its log before asking again`,
    protocol: `the daemon on ${socketPath} gave an unexpected answer`,
  }[result.reason];
  process.stderr.write(`fieldnode: ${why} (${result.detail})\n`);
  return undefined;
}

function oneKit(cmd: string, positionals: string[]): number {
  const kit = positionals.length === 1 ? parseNodeId(positionals[0]) : undefined;
  if (kit === undefined || kit === 0)
    throw new KitError(
      'CLI_USAGE',
      `${cmd} takes one KIT, the kit's node id, got ${positionals.join(' ') || 'none'}`,
    );
  return kit;
}

function noPositionals(cmd: string, positionals: string[]): void {
  if (positionals.length > 0)
    throw new KitError('CLI_USAGE', `${cmd} takes no arguments, got ${positionals.join(' ')}`);
}

async function writeNew(path: string, text: string): Promise<void> {
  await writeNewPrivateFile(path, text).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST')
      throw new KitError('KEYS_EXISTS', `${path} exists: it is never written over; name a new file`);
    throw err;
  });
}
