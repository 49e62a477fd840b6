/** Namespace-to-namespace reachability: for each ordered pair of namespaces, how many workload pairs connect, and on what. */
import { ConnSet } from './connset.js';
import type { Connectivity } from './engine.js';

export interface NamespacePair {
  src: string;
  dst: string;
  /** Workload pairs (src ≠ dst) that can connect on something. */
  connected: number;
  /** All workload pairs (src ≠ dst) between the two namespaces. */
  pairs: number;
  /** Union of what the connected pairs allow. */
  conns: ConnSet;
  /** Distinct connection sets and how many pairs allow exactly that, most frequent first. */
  breakdown: { conns: string; count: number }[];
}

export interface NamespaceSummaryOptions {
  /** Also list pairs within one namespace (default: cross-namespace pairs only). */
  includeSameNamespace?: boolean;
}

export const SUMMARY_FORMATS = ['txt', 'json'] as const;
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

export function summarizeNamespaces(result: Connectivity, options: NamespaceSummaryOptions = {}): NamespacePair[] {
  const nsOf = new Map(result.workloads.map((w) => [w.id, w.namespace]));
  const counts = new Map<string, number>();
  for (const w of result.workloads) counts.set(w.namespace, (counts.get(w.namespace) ?? 0) + 1);
  const namespaces = [...counts.keys()].sort();
  const pairs = new Map<string, NamespacePair>();
  for (const src of namespaces) {
    for (const dst of namespaces) {
      if (src === dst && !options.includeSameNamespace) continue;
      const n = counts.get(src)! * counts.get(dst)! - (src === dst ? counts.get(src)! : 0);
      pairs.set(`${src}\u0000${dst}`, { src, dst, connected: 0, pairs: n, conns: ConnSet.empty(), breakdown: [] });
    }
  }
  const breakdowns = new Map<string, Map<string, number>>();
  for (const c of result.connections) {
    const s = nsOf.get(c.src);
    const d = nsOf.get(c.dst);
    if (s === undefined || d === undefined) continue;
    const key = `${s}\u0000${d}`;
    const pair = pairs.get(key);
    if (!pair) continue;
    pair.connected++;
    pair.conns = pair.conns.union(c.conns);
    const b = breakdowns.get(key) ?? new Map<string, number>();
    b.set(c.conns.toString(), (b.get(c.conns.toString()) ?? 0) + 1);
    breakdowns.set(key, b);
  }
  for (const [key, b] of breakdowns) {
    pairs.get(key)!.breakdown = [...b].map(([conns, count]) => ({ conns, count })).sort((x, y) => y.count - x.count || x.conns.localeCompare(y.conns));
  }
  return [...pairs.values()];
}

/** txt: `src => dst : connected/pairs workload pairs : conns`; json: the pairs with conns as text. */
export function formatNamespaceSummary(pairs: NamespacePair[], format: SummaryFormat): string {
  if (format === 'json') {
    return `${JSON.stringify(pairs.map((p) => ({ src: p.src, dst: p.dst, connected: p.connected, pairs: p.pairs, conns: p.conns.toString(), breakdown: p.breakdown })), null, 2)}\n`;
  }
  return pairs.map((p) => {
    const detail = p.breakdown.length > 1 ? ` (${p.breakdown.map((b) => `${b.count}: ${b.conns}`).join('; ')})` : '';
    return `${p.src} => ${p.dst} : ${p.connected}/${p.pairs} workload pairs : ${p.conns.toString()}${detail}`;
  }).join('\n') + (pairs.length ? '\n' : '');
}
