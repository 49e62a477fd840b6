import { readFile } from 'node:fs/promises';
import type { CheckMeta } from '../../core/catalog.js';
import type { InputNote } from '../../core/coverage.js';
import type { Finding } from '../../core/finding.js';
import { SCAN_RESULT_SCHEMA_VERSION, summarizeFindings, type ScanResult } from '../../core/scan-result.js';
import type { NodeReport } from '../../nodes/model.js';
import { fingerprint } from '../sarif.js';

// `kubeward report merge`: per-node JSON reports (one Job per node) and cluster scans into one
// ScanResult. A node scanned twice keeps its later result (files are given oldest first); findings
// the same check raised on the same object of the same node are kept once.

const major = (version: string): string => version.split('.')[0] ?? version;

/** Throws, naming the file, when a report's schema major version differs from ours. */
export function assertCompatibleSchema(result: Pick<ScanResult, 'schemaVersion'>, source: string): void {
  if (major(result.schemaVersion) !== major(SCAN_RESULT_SCHEMA_VERSION)) {
    throw new Error(`${source}: report schema version ${result.schemaVersion} is not compatible with this kubeward (schema ${SCAN_RESULT_SCHEMA_VERSION}); rescan with the same kubeward version`);
  }
}

const ARRAYS = ['findings', 'suppressed', 'notEvaluated', 'inputErrors', 'notes', 'expiredExceptions', 'checks', 'inputs'] as const;

/** Reads a `--format json` report. Errors are one line naming the file. */
export async function readScanResultFile(path: string): Promise<ScanResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not JSON (${(error as Error).message.replace(/\s+/g, ' ')}); merge reads reports written with --format json`);
  }
  const object = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  const tool = object?.tool as Record<string, unknown> | undefined;
  if (!object || tool?.name !== 'kubeward' || typeof object.schemaVersion !== 'string') {
    throw new Error(`${path}: not a kubeward JSON report (no tool.name "kubeward" and schemaVersion); merge reads reports written with --format json`);
  }
  assertCompatibleSchema(object as { schemaVersion: string }, path);
  for (const key of ARRAYS) {
    if (object[key] === undefined) object[key] = []; // older minor versions may lack a list
    else if (!Array.isArray(object[key])) throw new Error(`${path}: "${key}" is not a list; the report is damaged`);
  }
  if (object.nodes !== undefined && !Array.isArray(object.nodes)) throw new Error(`${path}: "nodes" is not a list; the report is damaged`);
  return object as unknown as ScanResult;
}

/** The node a finding belongs to: a Node resource, or the only node of a per-node report. */
function nodeOf(finding: Finding, result: ScanResult): string | undefined {
  if (finding.resource.kind === 'Node') return finding.resource.name;
  return result.nodes?.length === 1 ? result.nodes[0]!.hostname : undefined;
}

/** For each hostname, the index of the last input that reports it (the one that wins). */
function nodeWinners(results: readonly ScanResult[]): Map<string, number> {
  const winners = new Map<string, number>();
  results.forEach((r, i) => r.nodes?.forEach((n) => winners.set(n.hostname, i)));
  return winners;
}

function mergeFindings<T extends Finding>(results: readonly ScanResult[], pick: (r: ScanResult) => readonly T[], winners: Map<string, number>): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  results.forEach((result, index) => {
    for (const finding of pick(result)) {
      const node = nodeOf(finding, result);
      // A node reported again later: the earlier file's findings about it are stale.
      if (node !== undefined && winners.has(node) && winners.get(node) !== index) continue;
      const key = `${fingerprint(finding)}\u0000${node ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(finding);
    }
  });
  return out;
}

function mergeNodes(results: readonly ScanResult[], sources: readonly string[], notes: InputNote[]): NodeReport[] {
  const byHost = new Map<string, { node: NodeReport; source: string }>();
  results.forEach((result, i) => {
    for (const node of result.nodes ?? []) {
      const earlier = byHost.get(node.hostname);
      if (earlier) {
        notes.push({ file: sources[i]!, message: `node ${node.hostname} is also in ${earlier.source}; the result of ${sources[i]} (given later) is used` });
        byHost.delete(node.hostname); // re-inserted below: the node takes its later position
      }
      byHost.set(node.hostname, { node, source: sources[i]! });
    }
  });
  return [...byHost.values()].map((v) => v.node);
}

const unique = <T>(items: T[], key: (item: T) => string): T[] => {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
};

export interface MergeOptions {
  /** kubeward version of the merged report (default: the first input's). */
  version?: string;
}

/** Merges scan results (in the order given: later files win for a node scanned twice). Throws on an incompatible schema. */
export function mergeScanResults(results: ScanResult[], sources: string[], options: MergeOptions = {}): ScanResult {
  if (results.length !== sources.length) throw new Error(`mergeScanResults: ${results.length} results but ${sources.length} source names`);
  results.forEach((r, i) => assertCompatibleSchema(r, sources[i]!));
  const winners = nodeWinners(results);
  const notes: InputNote[] = [];
  const prefixed = <T extends { message: string }>(items: readonly T[], source: string): T[] => items.map((item) => ({ ...item, message: `${source}: ${item.message}` }));
  const nodes = mergeNodes(results, sources, notes);
  const findings = mergeFindings(results, (r) => r.findings, winners);
  const suppressed = mergeFindings(results, (r) => r.suppressed, winners);
  const withCompliance = results.flatMap((r, i) => (r.compliance ? [sources[i]!] : []));
  if (withCompliance.length > 0) {
    notes.push({ file: withCompliance[0]!, message: `compliance reports are not merged (in ${withCompliance.join(', ')}); run the compliance scan on the merged inputs instead` });
  }
  const starts = results.map((r) => r.startedAt).filter((s) => typeof s === 'string').sort();
  const merged: ScanResult = {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'kubeward', version: options.version ?? results[0]?.tool.version ?? 'unknown' },
    command: 'report merge',
    startedAt: starts[0] ?? new Date(0).toISOString(),
    // Time spent scanning, summed over the inputs (the merge itself takes next to none).
    durationMs: results.reduce((n, r) => n + (r.durationMs ?? 0), 0),
    inputs: unique(results.flatMap((r) => r.inputs), (s) => s),
    summary: summarizeFindings(
      results.reduce((n, r) => n + (r.summary?.objects ?? 0), 0),
      results.reduce((n, r) => n + (r.summary?.workloads ?? 0), 0),
      findings,
      suppressed.length,
    ),
    findings,
    suppressed,
    notEvaluated: results.flatMap((r, i) => r.notEvaluated.map((n) => ({ ...n, reason: `${sources[i]}: ${n.reason}` }))),
    inputErrors: results.flatMap((r, i) => prefixed(r.inputErrors, sources[i]!)),
    notes: [...results.flatMap((r, i) => prefixed(r.notes, sources[i]!)), ...notes],
    expiredExceptions: unique(results.flatMap((r) => r.expiredExceptions), (e) => JSON.stringify(e)),
    checks: unique<CheckMeta>(results.flatMap((r) => r.checks), (c) => c.id),
  };
  const images = results.flatMap((r) => r.images ?? []);
  if (images.length > 0) merged.images = images;
  if (nodes.length > 0) merged.nodes = nodes;
  return merged;
}

/** Reads and merges report files; a bad file is reported and the rest are still merged. */
export async function mergeScanResultFiles(paths: string[], options: MergeOptions = {}): Promise<{ result?: ScanResult; errors: string[] }> {
  const read = await Promise.all(paths.map(async (p) => {
    try {
      return { path: p, result: await readScanResultFile(p) };
    } catch (error) {
      return { path: p, error: (error as Error).message };
    }
  }));
  const good = read.filter((r): r is { path: string; result: ScanResult } => 'result' in r);
  const errors = read.flatMap((r) => ('error' in r && r.error ? [r.error] : []));
  if (good.length === 0) return { errors: errors.length > 0 ? errors : ['no report files given'] };
  return { result: mergeScanResults(good.map((g) => g.result), good.map((g) => g.path), options), errors };
}
