/**
 * What a command reads from a file named on the command line, or from standard input for "-"
 * (docs/operating.md §The command line). A file that cannot be read says so with its path, as a
 * coded error, not a stack trace.
 */
import { readFile } from 'node:fs/promises';
import { KitError } from '../base/errors.js';
import './cli-errors.js';

/** The text of FILE, or all of standard input for "-". */
export async function readInputFile(source: string | undefined, what: string): Promise<string> {
  if (!source) throw new KitError('CLI_USAGE', `${what} expected: a file, or - for standard input`);
  if (source === '-') return readStdin();
  try {
    return await readFile(source, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new KitError('CLI_INPUT_UNREADABLE', `cannot read ${source} (${code})`, { cause });
  }
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
