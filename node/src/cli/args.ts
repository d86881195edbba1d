/** Small helpers shared by the command modules: options, data directory, input. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { KitError } from '../base/errors.js';

export function parseOptions<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new KitError('CLI_USAGE', (cause as Error).message, { cause });
  }
}

export function dataDir(option: string | undefined): string {
  return resolve(option ?? process.env.FIELDNODE_DATA_DIR ?? '.fieldnode');
}

/** The text of FILE, or standard input for "-". */
export async function readInput(source: string | undefined, what: string): Promise<string> {
  if (!source) throw new KitError('CLI_USAGE', `${what} expected (a file, or - for standard input)`);
  if (source !== '-') return readFile(source, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseNodeId(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff)
    throw new KitError('CLI_USAGE', `bad node id ${text}`);
  return n;
}
