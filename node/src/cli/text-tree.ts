/**
 * Indented label–value lines for a terminal, for what nests (a decoded frame: docs/operating.md
 * §The command line): siblings' values line up after the widest label among them.
 */

export interface TextNode {
  label: string;
  value?: string;
  children?: TextNode[];
}

/** Widest label that still pushes its siblings' values right; longer ones stand alone. */
const MAX_LABEL = 22;

export function renderTree(nodes: readonly TextNode[], indent = ''): string[] {
  const width = Math.min(MAX_LABEL, Math.max(0, ...nodes.map((n) => n.label.length)));
  const lines: string[] = [];
  for (const node of nodes) {
    const head = node.value === undefined ? node.label : `${node.label.padEnd(width)}  ${node.value}`;
    lines.push(`${indent}${head}`.trimEnd());
    if (node.children !== undefined) lines.push(...renderTree(node.children, `${indent}  `));
  }
  return lines;
}
