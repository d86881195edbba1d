/**
 * The alarm's rules touch no device (docs/warnings.md §The alarm at the kit): nothing shipped in
 * this folder imports a process, file, network or GPIO module, nor the sounders that do. A sounder
 * that crept in here would make the alarm untestable on a stepping clock.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const shipped = readdirSync(here).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'alarm-fixtures.ts',
);

describe('the alarm folder', () => {
  it('imports no I/O', () => {
    expect(shipped).toContain('alarm-controller.ts');
    const found = shipped.flatMap((f) =>
      [...readFileSync(`${here}/${f}`, 'utf8').matchAll(/from '([^']+)'/g)]
        .map((m) => m[1] as string)
        .filter((spec) => /^node:(?!util)|\/sounders\/|^serialport/.test(spec))
        .map((spec) => `${f}: ${spec}`),
    );
    expect(found).toEqual([]);
  });
});
