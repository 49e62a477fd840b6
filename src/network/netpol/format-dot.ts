/** Connectivity as a Graphviz digraph: workloads clustered by namespace, external ranges apart, edges labelled with connections. */
import type { Connectivity } from './engine.js';

/** A DOT double-quoted string (backslashes, quotes and newlines escaped). */
export function dotString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

export function formatConnectivityDot(result: Connectivity): string {
  const lines = ['digraph connectivity {', '  rankdir=LR;', '  node [shape=box, fontsize=10];', '  edge [fontsize=9];'];
  const byNs = new Map<string, Connectivity['workloads']>();
  for (const w of result.workloads) byNs.set(w.namespace, [...(byNs.get(w.namespace) ?? []), w]);
  let i = 0;
  for (const ns of [...byNs.keys()].sort()) {
    lines.push(`  subgraph ${dotString(`cluster_${i++}`)} {`, `    label=${dotString(ns)};`, '    style=rounded;');
    for (const w of byNs.get(ns)!.sort((a, b) => a.id.localeCompare(b.id))) lines.push(`    ${dotString(w.id)} [label=${dotString(`${w.name}\n${w.kind}`)}];`);
    lines.push('  }');
  }
  const used = new Set(result.connections.flatMap((c) => [c.src, c.dst]));
  for (const e of result.externals) if (used.has(e.id)) lines.push(`  ${dotString(e.id)} [label=${dotString(e.id.replace(/\[External\]$/, ''))}, shape=ellipse, style=dashed];`);
  for (const c of result.connections) lines.push(`  ${dotString(c.src)} -> ${dotString(c.dst)} [label=${dotString(c.conns.toString())}];`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
