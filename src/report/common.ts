import type { BenchmarkRef, Finding, ResourceRef, SourcePosition } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import { CATEGORIES, SEVERITIES, compareSeverityDesc, type Category, type Severity } from '../core/severity.js';

/** Findings ordered the way every human-facing report shows them: category, severity (worst first), check, resource. */
export function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort(
    (a, b) =>
      categoryOrder(a.category) - categoryOrder(b.category) ||
      compareSeverityDesc(a.severity, b.severity) ||
      a.checkId.localeCompare(b.checkId) ||
      resourceKey(a.resource).localeCompare(resourceKey(b.resource)) ||
      (a.container ?? '').localeCompare(b.container ?? ''),
  );
}

function categoryOrder(category: Category): number {
  const i = (CATEGORIES as readonly string[]).indexOf(category);
  return i < 0 ? CATEGORIES.length : i;
}

/** A key identifying a Kubernetes object (kind, namespace, name); apiVersion is left out so upgrades keep it. */
export function resourceKey(resource: ResourceRef): string {
  return `${resource.kind}\u0000${resource.namespace ?? ''}\u0000${resource.name}`;
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}

export function countByCategory(findings: readonly Finding[]): Record<Category, number> {
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const f of findings) counts[f.category] = (counts[f.category] ?? 0) + 1;
  return counts;
}

/** Where a finding points: its first evidence position, else the object's own position. */
export function primaryPosition(finding: Finding): SourcePosition | undefined {
  return finding.evidence.find((e) => e.position)?.position ?? finding.resource.source;
}

const RENDERED = /^(.*) \(rendered by ([\w-]+)\)$/;

/** Splits a source label like `deploy/overlay (rendered by kustomize)` into the path and the renderer. */
export function parseSourceLabel(file: string): { path: string; renderedBy?: string } {
  const m = RENDERED.exec(file);
  return m ? { path: m[1]!, renderedBy: m[2]! } : { path: file };
}

/** A JSON value shown inline, cut to `max` characters. */
export function valueLabel(value: unknown, max = 80): string {
  let text: string;
  if (value === undefined) return '(missing)';
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return shorten(text, max);
}

export function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** True for http(s) URLs, the only ones reports turn into links. */
export function isWebUrl(text: string): boolean {
  return /^https?:\/\/[^\s<>"']+$/i.test(text);
}

/**
 * "Not evaluated" entries with the same reason, merged: `KW-RBAC-001…035` rather than 35 lines.
 * Consecutive ids of one area collapse into a range; other targets are listed.
 */
export function groupNotEvaluated(items: readonly { target: string; reason: string }[]): { targets: string; reason: string }[] {
  const byReason = new Map<string, string[]>();
  for (const { target, reason } of items) byReason.set(reason, [...(byReason.get(reason) ?? []), target]);
  return [...byReason.entries()].map(([reason, targets]) => ({ targets: compressIds(targets), reason }));
}

function compressIds(targets: string[]): string {
  const parts: string[] = [];
  let run: { prefix: string; from: number; to: number; width: number } | undefined;
  const flush = (): void => {
    if (!run) return;
    const pad = (n: number): string => String(n).padStart(run!.width, '0');
    parts.push(run.from === run.to ? `${run.prefix}${pad(run.from)}` : `${run.prefix}${pad(run.from)}…${pad(run.to)}`);
    run = undefined;
  };
  for (const target of targets) {
    const m = /^(KW-[A-Z]+-)(\d+)$/.exec(target);
    if (m && run && run.prefix === m[1] && Number(m[2]) === run.to + 1) {
      run.to++;
      continue;
    }
    flush();
    if (m) run = { prefix: m[1]!, from: Number(m[2]), to: Number(m[2]), width: m[2]!.length };
    else parts.push(target);
  }
  flush();
  return parts.join(', ');
}

/** What a scan covered, for report headers: `12 objects (5 workloads), 3 images`, `1 image`, `2 nodes`. */
export function scopeLabel(result: ScanResult): string {
  const parts: string[] = [];
  const { objects, workloads } = result.summary;
  if (objects > 0 || (!result.images?.length && !result.nodes?.length)) parts.push(`${plural(objects, 'object')} (${plural(workloads, 'workload')})`);
  if (result.images?.length) parts.push(plural(result.images.length, 'image'));
  if (result.nodes?.length) parts.push(plural(result.nodes.length, 'node'));
  return parts.join(', ');
}

/** `CIS 1.2.6 · CIS Kubernetes Benchmark v1.12.0 (cis-1.12)`: how every format names a node finding's recommendation. */
export function benchmarkLabel(ref: BenchmarkRef): string {
  return `CIS ${ref.control} · ${ref.title} v${ref.version} (${ref.id})`;
}
