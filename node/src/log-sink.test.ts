/** The log sink: a reader that went away never takes the daemon down (log-sink.ts). */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { LogSink } from './log-sink.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

it('writes whole lines to its descriptor', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-sink-'));
  dirs.push(dir);
  const fd = openSync(join(dir, 'out'), 'w');
  const sink = new LogSink(fd);
  sink.write('{"a":1}\n');
  sink.write(`${'x'.repeat(100_000)}\n`);
  closeSync(fd);
  const text = readFileSync(join(dir, 'out'), 'utf8');
  expect(text.startsWith('{"a":1}\n')).toBe(true);
  expect(text.length).toBe(8 + 100_001);
  expect(sink.dropped).toBe(0);
});

it('drops and counts lines once the reader is gone, and throws nothing', () => {
  // A closed descriptor: EBADF, as after the daemon's terminal was closed under it.
  const sink = new LogSink(1_000_000);
  expect(() => sink.write('one\n')).not.toThrow();
  expect(() => sink.write('two\n')).not.toThrow();
  expect(sink.dropped).toBe(2);
});

it('stops writing once the reader of a pipe has gone (EPIPE), and throws nothing', async () => {
  // A real pipe (a FIFO) whose only reader closed its end, as a log reader that exited.
  const dir = await mkdtemp(join(tmpdir(), 'fieldnode-sink-'));
  dirs.push(dir);
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  const sink = new LogSink(writer);
  sink.write('read\n');
  expect(sink.dropped).toBe(0);
  closeSync(reader);
  for (let i = 0; i < 3; i++) expect(() => sink.write(`line ${i}\n`)).not.toThrow();
  expect(sink.dropped).toBe(3);
  closeSync(writer);
});
