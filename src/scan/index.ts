import { applyExceptions, type ExceptionRule } from '../core/exceptions.js';
import type { Finding } from '../core/finding.js';
import type { InputError, InputNote, NotEvaluated } from '../core/coverage.js';
import type { CheckMeta } from '../core/catalog.js';
import type { ImageReport } from '../images/model.js';
import { SCAN_RESULT_SCHEMA_VERSION, summarizeFindings, type ScanResult } from '../core/scan-result.js';
import { severityRank, type Severity } from '../core/severity.js';
import { loadInventory, podTemplateOf, type HelmOptions, type Inventory } from '../inventory/index.js';
import { evaluateCompliance } from '../compliance/index.js';
import { MANIFEST_ANALYZERS } from './analyzers.js';

export interface ScanOptions {
  inputs: string[];
  helm?: HelmOptions;
  maxFileBytes?: number;
  /** Severities to report; others are dropped before exceptions and compliance. */
  severities?: Set<Severity>;
  exceptions?: ExceptionRule[];
  /** Errors found while reading the ignore file (reported with the input errors). */
  settingsErrors?: InputError[];
  compliance?: string;
  stdin?: NodeJS.ReadableStream;
  onProgress?: (filesRead: number) => void;
  version: string;
  /** The command line, as reports show it. */
  command?: string;
  now?: Date;
  /** `--images`: scans the images the inventory's workloads run (kept out of this module so manifest scans load fast). */
  scanImages?: (inventory: Inventory) => Promise<ImageScanHookResult>;
}

/** What the `--images` hook adds to a manifest scan. */
export interface ImageScanHookResult {
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  notes: InputNote[];
  checks: CheckMeta[];
  images: ImageReport[];
}

/** Runs one manifest scan end to end: inventory → analyzers → exceptions → compliance. */
export async function scanManifests(options: ScanOptions): Promise<ScanResult> {
  const started = options.now ?? new Date();
  const t0 = performance.now();
  const loaded = await loadInventory(options.inputs, {
    ...(options.helm ? { helm: options.helm } : {}),
    ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const outputs = MANIFEST_ANALYZERS.map((analyzer) => analyzer.analyze(loaded.inventory));
  const images = options.scanImages ? await options.scanImages(loaded.inventory) : undefined;
  const raw = [...outputs.flatMap((o) => o.findings), ...(images?.findings ?? [])];
  const notEvaluated = [...loaded.notEvaluated, ...outputs.flatMap((o) => o.notEvaluated), ...(images?.notEvaluated ?? [])];
  const reported = options.severities ? raw.filter((f) => options.severities!.has(f.severity)) : raw;
  const outcome = applyExceptions(reported, options.exceptions ?? [], annotationLookup(loaded.inventory), started);
  const findings = sortFindings(outcome.findings);
  const workloads = countWorkloads(loaded.inventory);

  const result: ScanResult = {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'kubeward', version: options.version },
    command: options.command ?? `kubeward scan ${options.inputs.join(' ')}`,
    startedAt: started.toISOString(),
    durationMs: 0,
    inputs: options.inputs,
    summary: summarizeFindings(loaded.inventory.objects.length, workloads, findings, outcome.suppressed.length),
    findings,
    suppressed: sortFindings(outcome.suppressed),
    notEvaluated,
    inputErrors: [...(options.settingsErrors ?? []), ...loaded.errors],
    notes: [...loaded.notes, ...(images?.notes ?? [])],
    expiredExceptions: outcome.expired,
    checks: [...MANIFEST_ANALYZERS.flatMap((a) => a.checks()), ...(images?.checks ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
  if (images) result.images = images.images;
  if (options.compliance) {
    result.compliance = evaluateCompliance(options.compliance, { findings: outcome.findings, notEvaluated, workloads });
  }
  result.durationMs = Math.round(performance.now() - t0);
  return result;
}

/** Annotations that can carry `kubeward.io/ignore`: the object's own, and its pod template's (computed once per object). */
function annotationLookup(inventory: Inventory): (finding: Finding) => Record<string, string> {
  const byRef = new Map<string, Record<string, string>>();
  for (const obj of inventory.objects) {
    const templateAnnotations = podTemplateOf(obj)?.metadata.annotations;
    const fromTemplate = templateAnnotations && typeof templateAnnotations === 'object' ? (templateAnnotations as Record<string, string>) : {};
    byRef.set(refKey(obj.kind, obj.namespace, obj.name, obj.source.file, obj.source.line), { ...fromTemplate, ...obj.annotations });
  }
  return (finding) => {
    const r = finding.resource;
    return byRef.get(refKey(r.kind, r.namespace, r.name, r.source?.file, r.source?.line)) ?? {};
  };
}

function refKey(kind: string, namespace: string | undefined, name: string, file: string | undefined, line: number | undefined): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name}\u0000${file ?? ''}\u0000${line ?? ''}`;
}

function countWorkloads(inventory: Inventory): number {
  let count = 0;
  for (const _ of inventory.podTemplates()) count++;
  return count;
}

/** Report order: category, severity (worst first), check, file, line, container. Code-point order, so output never depends on the locale. */
export function sortFindings<T extends Finding>(findings: T[]): T[] {
  const keyed = findings.map((f) => ({
    f,
    key: [f.category, String(severityRank(f.severity)), f.checkId, f.resource.source?.file ?? '', String(f.resource.source?.line ?? 0).padStart(9, '0'), f.container ?? ''],
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const x = a.key[i]!;
      const y = b.key[i]!;
      if (x !== y) return i === 1 ? (x < y ? 1 : -1) : x < y ? -1 : 1;
    }
    return 0;
  });
  return keyed.map((k) => k.f);
}
