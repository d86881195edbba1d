/** The child-process runner itself: it sees the real binary's text and exit code. */
import { expect, it } from 'vitest';
import { runFieldnode } from './fieldnode-binary.js';

it('runs the built fieldnode and reports its output and exit code', async () => {
  const version = await runFieldnode(['version']);
  expect(version.code).toBe(0);
  expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  const unknown = await runFieldnode(['no-such-command']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('unknown command "no-such-command"');
});
