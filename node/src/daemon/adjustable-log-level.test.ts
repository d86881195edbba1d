/** Tests for adjustable-log-level.ts: one level for a tree of loggers, changed while they run. */
import { expect, it } from 'vitest';
import { recordingLogger } from '../../test/recording-logger.js';
import { AdjustableLogLevel } from './adjustable-log-level.js';

it('drops lines below the level, in children made before a change too', () => {
  const { log: inner, lines } = recordingLogger();
  const level = new AdjustableLogLevel('info');
  const root = level.wrap(inner);
  const child = root.child({ mod: 'store' });
  child.debug({ n: 1 }, 'hidden');
  child.info({ n: 2 }, 'shown');
  level.level = 'debug';
  child.debug({ n: 3 }, 'now shown');
  level.level = 'silent';
  root.error('nothing at all');
  expect(lines.map((l) => l.msg)).toEqual(['shown', 'now shown']);
  expect(level.level).toBe('silent');
});
