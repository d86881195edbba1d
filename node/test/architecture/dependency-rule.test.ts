/**
 * The dependency rule holds (docs/architecture.md §The dependency rule): adapters depend on the
 * link contract and never on each other, the core knows no adapter, only the composition root loads
 * adapters and only lazily, and nothing imports in a circle. A new breach fails `npm test` with the
 * rule's name, the file and line, and the import.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { breaches, breachOf, partOf } from './dependency-rules.js';
import { cycles, type ImportEdge, importGraph, importsOf, withoutComments } from './import-graph.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const graph = importGraph(repo);

const edge = (from: string, to: string, more: Partial<ImportEdge> = {}): ImportEdge => ({
  from,
  to,
  typeOnly: false,
  lazy: false,
  line: 1,
  ...more,
});

describe('the dependency rule', () => {
  it('reads a graph of the whole repository', () => {
    // A reader that found nothing would pass every rule below.
    expect(graph.length).toBeGreaterThan(1000);
    expect(graph.some((e) => e.from.startsWith('radio/') && e.to.startsWith('node/src/link/'))).toBe(true);
    expect(graph.some((e) => e.from.startsWith('node/src/composition/') && e.lazy)).toBe(true);
  });

  it('has no breach', () => {
    const found = breaches(graph).map(
      ({ rule, edge: e }) => `${rule}: ${e.from}:${e.line} imports ${e.to}${e.lazy ? ' (lazily)' : ''}`,
    );
    expect(found).toEqual([]);
  });

  it('has no import cycle, type-only imports included', () => {
    expect(cycles(graph).map((c) => `no-import-cycles: ${c.join(' ↔ ')}`)).toEqual([]);
  });
});

describe('the rule checker', () => {
  it('names the rule each kind of breach breaks', () => {
    const cases: Array<[ImportEdge, string | undefined]> = [
      [
        edge('satellite/src/sbd/sbd-link.ts', 'radio/src/lora/airtime.ts'),
        'adapters-never-import-each-other',
      ],
      [edge('radio/sim/x.ts', 'satellite/sim/y.ts', { typeOnly: true }), 'adapters-never-import-each-other'],
      [edge('radio/src/a.ts', 'node/src/core/backoff.ts'), 'adapters-import-only-the-contract'],
      [
        edge('node/src/ip/udp-link.ts', 'node/src/store/message-store.ts'),
        'adapters-import-only-the-contract',
      ],
      [edge('node/src/core/dispatcher.ts', 'satellite/src/rockblock/credits.ts'), 'core-knows-no-adapter'],
      [
        edge('node/src/core/dispatcher.ts', 'node/src/ip/udp-link.ts', { lazy: true }),
        'core-knows-no-adapter',
      ],
      [edge('node/src/composition/link-factory.ts', 'radio/src/m.ts'), 'adapters-load-lazily'],
      [edge('node/src/link/link.ts', 'node/src/core/x.ts'), 'contract-imports-only-base'],
      [edge('node/src/base/errors.ts', 'node/src/link/link.ts'), 'base-imports-nothing'],
      [edge('node/src/wire/message.ts', 'node/src/crypto/mac.ts'), 'wire-imports-only-base'],
      [edge('node/src/core/dispatcher.ts', 'node/test/fake-capabilities.ts'), 'shipped-code-imports-no-rig'],
      [edge('node/src/app.ts', 'bench/satellite-rig.ts', { lazy: true }), 'shipped-code-imports-no-rig'],
      [edge('node/src/core/dispatcher.test.ts', 'node/test/fake-capabilities.ts'), undefined],
      // Allowed:
      [edge('node/src/composition/link-factory.ts', 'radio/src/m.ts', { lazy: true }), undefined],
      [edge('node/src/composition/link-factory.ts', 'radio/src/m.ts', { typeOnly: true }), undefined],
      [edge('satellite/src/a.ts', 'node/src/wire/batch.ts'), undefined],
      [edge('radio/src/a.ts', 'node/src/link/clock.ts'), undefined],
      [edge('node/test/integration/x.test.ts', 'radio/sim/meshtastic/rf-medium.ts'), undefined],
    ];
    for (const [e, rule] of cases) expect([e.from, e.to, breachOf(e)]).toEqual([e.from, e.to, rule]);
  });

  it('sorts files into parts', () => {
    expect(partOf('node/src/app.ts')).toBe('root');
    expect(partOf('node/src/cli/main.ts')).toBe('root');
    expect(partOf('node/src/core/node-core.ts')).toBe('core');
    expect(partOf('bench/run.ts')).toBe('rig');
  });

  it('finds static, type-only, re-exported, bare and lazy imports, and none in comments', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      "export type { D } from './d.js';",
      "import './side-effect.js';",
      "const m = await import('./lazy.js');",
      "// import { x } from './in-a-comment.js';",
      "/* import('./in-a-block.js') */",
      'const s = \'import { y } from "./in-a-string.js"\';',
      "import {\n  e,\n  type F,\n} from './multi-line.js';",
      "import { pino } from 'pino';",
      "import legacy = require('./required.js');",
      'const t = await import(`./template.js`);',
      "const w = await import('./with.js', { with: { type: 'json' } });",
    ].join('\n');
    const found = importsOf('x.ts', text).map((i) => [i.spec, i.typeOnly, i.lazy]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['./a.js', false, false],
        ['../b.js', true, false],
        ['./c.js', false, false],
        ['./d.js', true, false],
        ['./side-effect.js', false, false],
        ['./lazy.js', false, true],
        ['./multi-line.js', false, false],
        ['./required.js', false, false],
        ['./template.js', false, true],
        ['./with.js', false, true],
      ]),
    );
    expect(found.map((f) => f[0])).not.toContain('./in-a-comment.js');
    expect(found.map((f) => f[0])).not.toContain('./in-a-block.js');
    expect(found).toHaveLength(10);
    expect(withoutComments('a /* b\nc */ d').split('\n')).toHaveLength(2);
  });

  it('finds cycles, type-only ones included, and not chains', () => {
    expect(cycles([edge('a', 'b'), edge('b', 'c')])).toEqual([]);
    expect(cycles([edge('a', 'b'), edge('b', 'a', { typeOnly: true })])).toEqual([['a', 'b']]);
    expect(cycles([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd')])).toEqual([
      ['a', 'b', 'c'],
    ]);
    expect(cycles([edge('a', 'a')])).toEqual([['a']]);
  });
});
