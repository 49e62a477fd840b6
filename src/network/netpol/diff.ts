/**
 * Connectivity diff between two sets of manifests: connections added, removed, and changed (the allowed set differs).
 * External ranges are compared on the common refinement of both runs' partitions, so a range split differently
 * on each side is not reported as a change unless what it allows changed.
 */
import type { ConnSet } from './connset.js';
import type { Connection, Connectivity } from './engine.js';
import { formatRange, partition, rangeContains, type IpRange } from './ip.js';

export type DiffKind = 'added' | 'removed' | 'changed';

export interface ConnectionDiff {
  src: string;
  dst: string;
  kind: DiffKind;
  /** What the old manifests allow (undefined: nothing). */
  old?: ConnSet;
  /** What the new manifests allow (undefined: nothing). */
  new?: ConnSet;
}

export interface ConnectivityDiff {
  diffs: ConnectionDiff[];
  workloadsAdded: string[];
  workloadsRemoved: string[];
}

export const DIFF_FORMATS = ['txt', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

const EXTERNAL = '[External]';

/** Connections re-keyed on the refined external ranges. */
function refine(result: Connectivity, pieces: IpRange[]): Map<string, Connection> {
  const byId = new Map(result.externals.map((e) => [e.id, e.range]));
  const split = (id: string): string[] => {
    const range = byId.get(id);
    if (!range) return [id];
    return pieces.filter((p) => rangeContains(range, p)).map((p) => `${formatRange(p)}${EXTERNAL}`);
  };
  const out = new Map<string, Connection>();
  for (const c of result.connections) {
    for (const src of split(c.src)) for (const dst of split(c.dst)) out.set(`${src}\u0000${dst}`, { src, dst, conns: c.conns });
  }
  return out;
}

export function diffConnectivity(before: Connectivity, after: Connectivity): ConnectivityDiff {
  const pieces = partition([...before.externals, ...after.externals].map((e) => e.range));
  const a = refine(before, pieces);
  const b = refine(after, pieces);
  const diffs: ConnectionDiff[] = [];
  for (const [key, old] of a) {
    const now = b.get(key);
    if (!now) diffs.push({ src: old.src, dst: old.dst, kind: 'removed', old: old.conns });
    else if (!now.conns.equals(old.conns)) diffs.push({ src: old.src, dst: old.dst, kind: 'changed', old: old.conns, new: now.conns });
  }
  for (const [key, now] of b) if (!a.has(key)) diffs.push({ src: now.src, dst: now.dst, kind: 'added', new: now.conns });
  diffs.sort((x, y) => cmp(x.src, y.src) || cmp(x.dst, y.dst));
  const ids = (c: Connectivity): Set<string> => new Set(c.workloads.map((w) => w.id));
  const oldIds = ids(before);
  const newIds = ids(after);
  return {
    diffs,
    workloadsAdded: [...newIds].filter((id) => !oldIds.has(id)).sort(cmp),
    workloadsRemoved: [...oldIds].filter((id) => !newIds.has(id)).sort(cmp),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** txt: `+ src => dst : conns`, `- src => dst : conns`, `~ src => dst : old -> new`; json: a list of objects. */
export function formatDiff(diff: ConnectivityDiff, format: DiffFormat): string {
  if (format === 'json') {
    return `${JSON.stringify({
      added: diff.diffs.filter((d) => d.kind === 'added').map((d) => ({ src: d.src, dst: d.dst, new: d.new!.toString() })),
      removed: diff.diffs.filter((d) => d.kind === 'removed').map((d) => ({ src: d.src, dst: d.dst, old: d.old!.toString() })),
      changed: diff.diffs.filter((d) => d.kind === 'changed').map((d) => ({ src: d.src, dst: d.dst, old: d.old!.toString(), new: d.new!.toString() })),
      workloadsAdded: diff.workloadsAdded,
      workloadsRemoved: diff.workloadsRemoved,
    }, null, 2)}\n`;
  }
  const lines = diff.diffs.map((d) => {
    switch (d.kind) {
      case 'added': return `+ ${d.src} => ${d.dst} : ${d.new!.toString()}`;
      case 'removed': return `- ${d.src} => ${d.dst} : ${d.old!.toString()}`;
      case 'changed': return `~ ${d.src} => ${d.dst} : ${d.old!.toString()} -> ${d.new!.toString()}`;
    }
  });
  for (const w of diff.workloadsAdded) lines.push(`# workload added: ${w}`);
  for (const w of diff.workloadsRemoved) lines.push(`# workload removed: ${w}`);
  const count = (k: DiffKind): number => diff.diffs.filter((d) => d.kind === k).length;
  lines.push(`# ${count('added')} added, ${count('removed')} removed, ${count('changed')} changed`);
  return lines.join('\n') + '\n';
}
