/**
 * What is measured is what is shipped (node-flags.ts): the `fieldnode` command's first line and
 * `npm start` run Node with exactly a kit's V8 flags, and the centre's are V8's defaults.
 */
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { repoPath } from '../../test/fieldnode-binary.js';
import { CENTRE_NODE_FLAGS, KIT_NODE_FLAGS } from './node-flags.js';

it('runs the fieldnode command and npm start with the kit’s flags, and the centre with none', async () => {
  const bin = await readFile(repoPath('node/src/cli/bin.ts'), 'utf8');
  expect(bin.split('\n')[0]).toBe(`#!/usr/bin/env -S node ${KIT_NODE_FLAGS.join(' ')}`);
  const pkg = JSON.parse(await readFile(repoPath('package.json'), 'utf8')) as { scripts: { start: string } };
  expect(pkg.scripts.start).toContain(`node ${KIT_NODE_FLAGS.join(' ')} dist/node/src/cli/bin.js demo`);
  expect(CENTRE_NODE_FLAGS).toEqual([]);
});
