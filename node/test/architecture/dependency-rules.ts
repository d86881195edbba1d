/**
 * The dependency rule of docs/architecture.md §The dependency rule, as data: which part of the
 * repository a file belongs to, and which imports break which named rule. The test
 * (dependency-rule.test.ts) reads the import graph and reports every breach by rule name.
 */
import type { ImportEdge } from './import-graph.js';

/** The parts of the house. */
export type Part =
  | 'base' // node/src/base: coded errors and the logger interface; imports nothing of ours
  | 'contract' // node/src/link: the link contract, skeleton, clock, duplex pair, contract suite, fake link
  | 'wire' // node/src/wire: the wire codec, shared with the adapters
  | 'adapter:radio' // radio/: the Meshtastic link and its simulators
  | 'adapter:satellite' // satellite/: the Iridium links and their simulators
  | 'adapter:ip' // node/src/ip: the UDP link
  | 'root' // the composition root: node/src/composition, node/src/cli, node/src/demo, node/src/app.ts
  | 'core' // everything else in node/src: store, core, crypto, config, daemon, domain
  | 'rig' // node/test, bench: integration tests and benchmarks, which wire everything together
  | 'other';

export function partOf(file: string): Part {
  if (file.startsWith('node/src/base/')) return 'base';
  if (file.startsWith('node/src/link/')) return 'contract';
  if (file.startsWith('node/src/wire/')) return 'wire';
  if (file.startsWith('radio/')) return 'adapter:radio';
  if (file.startsWith('satellite/')) return 'adapter:satellite';
  if (file.startsWith('node/src/ip/')) return 'adapter:ip';
  if (
    file.startsWith('node/src/composition/') ||
    file.startsWith('node/src/cli/') ||
    file.startsWith('node/src/demo/') ||
    file === 'node/src/app.ts'
  )
    return 'root';
  if (file.startsWith('node/src/')) return 'core';
  if (file.startsWith('node/test/') || file.startsWith('bench/')) return 'rig';
  return 'other';
}

const isAdapter = (p: Part): boolean => p.startsWith('adapter:');

export interface Breach {
  rule: string;
  edge: ImportEdge;
}

/** The named rule an import breaks, if any. */
export function breachOf(edge: ImportEdge): string | undefined {
  const from = partOf(edge.from);
  const to = partOf(edge.to);
  if (from === 'base' && to !== 'base') return 'base-imports-nothing';
  if (from === 'contract' && to !== 'contract' && to !== 'base') return 'contract-imports-only-base';
  // The codec's own fixtures and tests sign and check reference frames: they may use the keys.
  const codecItself = !edge.from.endsWith('.test.ts') && !edge.from.startsWith('node/src/wire/fixtures/');
  if (from === 'wire' && codecItself && to !== 'wire' && to !== 'base') return 'wire-imports-only-base';
  if (isAdapter(from)) {
    if (to === from || to === 'contract' || to === 'base' || to === 'wire') return undefined;
    if (isAdapter(to)) return 'adapters-never-import-each-other';
    return 'adapters-import-only-the-contract';
  }
  if (from === 'core' && (isAdapter(to) || to === 'root')) return 'core-knows-no-adapter';
  // A rig may import anything, so code that imports a rig could reach an adapter through it.
  const shipped = !edge.from.endsWith('.test.ts');
  if ((from === 'core' || from === 'root') && shipped && to === 'rig') return 'shipped-code-imports-no-rig';
  if (from === 'root' && isAdapter(to) && !edge.lazy && !edge.typeOnly) return 'adapters-load-lazily';
  return undefined;
}

export function breaches(edges: readonly ImportEdge[]): Breach[] {
  const out: Breach[] = [];
  for (const edge of edges) {
    const rule = breachOf(edge);
    if (rule !== undefined) out.push({ rule, edge });
  }
  return out;
}
