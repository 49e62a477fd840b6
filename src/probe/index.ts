import type { CheckMeta } from '../core/catalog.js';
import type { NotEvaluated } from '../core/coverage.js';
import type { Finding } from '../core/finding.js';
import { SCAN_RESULT_SCHEMA_VERSION, type ScanResult, type ScanSummary } from '../core/scan-result.js';
import { CATEGORIES, SEVERITIES, type Severity } from '../core/severity.js';
import { sortFindings } from '../report/common.js';
import { probeApiServer } from './apiserver.js';
import { probeEtcd } from './etcd.js';
import type { SendOptions } from './http.js';
import { probeKubelet } from './kubelet.js';
import { DEFAULT_READ_ONLY_PORT, parseApiTarget, parseEtcdTarget, parseKubeletTarget, ProbeUsageError, targetLabel } from './targets.js';
import { toFindings, type TargetReport } from './verdict.js';

export { probeCheckMetas } from './checks.js';
export { ProbeUsageError } from './targets.js';

export const DEFAULT_TIMEOUT_MS = 5000;

export interface ProbeOptions {
  /** API server URL, e.g. https://10.0.0.1:6443. */
  api?: string;
  /** Kubelet HOST[:PORT] (HTTPS, default port 10250) or https:// URL. */
  kubelet?: string;
  /** Kubelet read-only HTTP port tried on the kubelet's host (default 10255); 0 skips it. */
  readOnlyPort?: number;
  /** etcd client URL, e.g. https://10.0.0.2:2379. */
  etcd?: string;
  /** Put (and delete) one throw-away key to test etcd write access (default true). */
  etcdWrite?: boolean;
  /** Deadline of each request (default 5000 ms). */
  timeoutMs?: number;
  /** Skip TLS certificate verification; every finding says so. */
  insecure?: boolean;
  /** PEM CA certificates to verify the targets with, instead of the system CAs. */
  caCert?: string;
  /** Severities to report; others are dropped. */
  severities?: Set<Severity>;
  version: string;
  /** The command line, as reports show it. */
  command?: string;
  now?: Date;
}

/**
 * Probes the named targets the way an unauthenticated attacker on the network would, and returns a
 * normal ScanResult (command `probe`). Nothing is sent anywhere but the targets named; a target that
 * cannot be reached, or whose certificate does not verify, leaves its checks *not evaluated*.
 * Throws ProbeUsageError when a target is malformed or none is given.
 */
export async function runProbe(options: ProbeOptions): Promise<ScanResult> {
  const started = options.now ?? new Date();
  const t0 = performance.now();
  const api = options.api !== undefined ? parseApiTarget(options.api) : undefined;
  const kubelet = options.kubelet !== undefined ? parseKubeletTarget(options.kubelet) : undefined;
  const etcd = options.etcd !== undefined ? parseEtcdTarget(options.etcd) : undefined;
  if (!api && !kubelet && !etcd) throw new ProbeUsageError('name at least one target: --api URL, --kubelet HOST[:PORT] or --etcd URL');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ProbeUsageError(`the timeout must be a positive whole number of milliseconds, not ${String(options.timeoutMs)}`);
  const send: SendOptions = { timeoutMs, tls: { insecure: options.insecure === true, ...(options.caCert ? { ca: options.caCert } : {}) } };

  const reports: TargetReport[] = await Promise.all([
    ...(api ? [probeApiServer(api, send)] : []),
    ...(kubelet ? [probeKubelet(kubelet, { ...send, readOnlyPort: options.readOnlyPort ?? DEFAULT_READ_ONLY_PORT })] : []),
    ...(etcd ? [probeEtcd(etcd, { ...send, write: options.etcdWrite !== false })] : []),
  ]);

  const raw: Finding[] = [];
  const notEvaluated: NotEvaluated[] = [];
  const checks = new Map<string, CheckMeta>();
  for (const report of reports) {
    const out = toFindings(report);
    raw.push(...out.findings);
    notEvaluated.push(...out.notEvaluated);
    for (const { meta } of report.verdicts) checks.set(meta.id, meta);
  }
  const findings = sortFindings(options.severities ? raw.filter((f) => options.severities!.has(f.severity)) : raw);
  const inputs = reports.flatMap((r) => r.inputs);

  const result: ScanResult = {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'kubeward', version: options.version },
    command: options.command ?? defaultCommand(options, api, kubelet, etcd),
    startedAt: started.toISOString(),
    durationMs: 0,
    inputs,
    summary: summarize(reports.length, findings),
    findings,
    suppressed: [],
    notEvaluated,
    inputErrors: [],
    notes: [],
    expiredExceptions: [],
    checks: [...checks.values()].sort((a, b) => a.id.localeCompare(b.id)),
  };
  result.durationMs = Math.round(performance.now() - t0);
  return result;
}

function defaultCommand(options: ProbeOptions, api?: URL, kubelet?: URL, etcd?: URL): string {
  return [
    'kubeward probe',
    ...(api ? [`--api ${targetLabel(api)}`] : []),
    ...(kubelet ? [`--kubelet ${kubelet.host}`] : []),
    ...(etcd ? [`--etcd ${targetLabel(etcd)}`] : []),
    ...(options.insecure ? ['--insecure'] : []),
  ].join(' ');
}

function summarize(targets: number, findings: Finding[]): ScanSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as ScanSummary['bySeverity'];
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as ScanSummary['byCategory'];
  for (const f of findings) {
    bySeverity[f.severity]++;
    byCategory[f.category]++;
  }
  // `objects` counts the components probed (API server, kubelet, etcd); nothing here runs pods.
  return { objects: targets, workloads: 0, findings: findings.length, bySeverity, byCategory, suppressed: 0 };
}
