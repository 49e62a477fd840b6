import type { CheckMeta } from '../core/catalog.js';
import type { NotEvaluated } from '../core/coverage.js';
import type { Finding } from '../core/finding.js';
import { accessCheckMetas } from '../access/index.js';
import { evaluateBenchmark, nodeBenchmarkCheckMetas, type BenchmarkOptions } from './benchmark/index.js';
import { collectNode } from './collect/index.js';
import { checkEtcdEncryption, defaultsFromNode, etcdEncryptionCheckMetas, etcdEncryptionFindings } from './etcd-encryption/index.js';
import { evaluateHost, hostCheckMetas } from './host/index.js';
import type { NodeCheckResult, NodeCheckStatus, NodeReport, NodeSnapshot } from './model.js';

// `kubeward node`: collect the node once, then the CIS benchmark, the host checks and (on request)
// etcd encryption verified on the data. Returns data; never prints.

export interface NodeScanOptions extends BenchmarkOptions {
  root?: string;
  proc?: string;
  sys?: string;
  hostname?: string;
  /** Also read etcd's keys and count how many Secrets are stored in plaintext (control-plane nodes). */
  etcdData?: boolean;
}

export interface NodeScanOutput {
  report: NodeReport;
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  notes: string[];
  snapshot: NodeSnapshot;
}

/** Every check `kubeward node` can report: benchmark files/kubelet/proxy, the control plane's flags (KW-API), host hardening, etcd data. */
export function nodeCheckMetas(): CheckMeta[] {
  return [...nodeBenchmarkCheckMetas(), ...accessCheckMetas(), ...hostCheckMetas(), ...etcdEncryptionCheckMetas()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function scanNode(options: NodeScanOptions = {}): Promise<NodeScanOutput> {
  const snapshot = await collectNode({
    ...(options.root ? { root: options.root } : {}),
    ...(options.proc ? { proc: options.proc } : {}),
    ...(options.sys ? { sys: options.sys } : {}),
    ...(options.hostname ? { hostname: options.hostname } : {}),
  });
  return evaluateNode(snapshot, options);
}

/** The checks on a snapshot already collected (tests build snapshots from fixture roots). */
export async function evaluateNode(snapshot: NodeSnapshot, options: NodeScanOptions = {}): Promise<NodeScanOutput> {
  const benchmark = evaluateBenchmark(snapshot, { ...(options.benchmark ? { benchmark: options.benchmark } : {}), ...(options.targets ? { targets: options.targets } : {}) });
  const host = evaluateHost(snapshot);
  const checks: NodeCheckResult[] = [...benchmark.report.checks, ...host.checks];
  const findings = [...benchmark.findings, ...host.findings];
  const notEvaluated = [...benchmark.notEvaluated, ...host.notEvaluated];
  if (options.etcdData) {
    const etcd = await etcdData(snapshot);
    checks.push(...etcd.checks);
    findings.push(...etcd.findings);
    notEvaluated.push(...etcd.notEvaluated);
  }
  const report: NodeReport = { ...benchmark.report, checks, summary: summarize(checks) };
  return { report, findings, notEvaluated, notes: snapshot.notes, snapshot };
}

/** etcd's own data, read with the client certificate the API server uses (or etcd's own flags). */
async function etcdData(snapshot: NodeSnapshot): Promise<Pick<NodeScanOutput, 'findings' | 'notEvaluated'> & { checks: NodeCheckResult[] }> {
  const metas = etcdEncryptionCheckMetas();
  const defaults = defaultsFromNode(snapshot);
  const checkOf = (status: NodeCheckStatus, reason: string | undefined) =>
    metas.map((m): NodeCheckResult => ({ id: m.id, checkId: m.id, section: 'etcd-data', title: m.title, status, ...(reason ? { reason } : {}) }));
  if (!defaults) {
    const reason = 'no etcd endpoint known on this node (no kube-apiserver --etcd-servers and no etcd process or manifest): use `kubeward node etcd-encryption --endpoints URL`';
    return { checks: checkOf('not-evaluated', reason), findings: [], notEvaluated: metas.map((m) => ({ target: m.id, reason })) };
  }
  const report = await checkEtcdEncryption({
    endpoints: defaults.endpoints,
    ...(defaults.cacert ? { cacert: defaults.cacert } : {}),
    ...(defaults.cert ? { cert: defaults.cert } : {}),
    ...(defaults.key ? { key: defaults.key } : {}),
  });
  const out = etcdEncryptionFindings(report, snapshot.hostname);
  const failed = new Set(out.findings.map((f) => f.checkId));
  const skipped = new Map(out.notEvaluated.map((n) => [n.target, n.reason]));
  const checks = metas.map((m): NodeCheckResult => {
    const reason = skipped.get(m.id);
    const status: NodeCheckStatus = reason ? 'not-evaluated' : failed.has(m.id) ? 'fail' : 'pass';
    return { id: m.id, checkId: m.id, section: 'etcd-data', title: m.title, status, ...(reason ? { reason } : {}) };
  });
  return { checks, findings: out.findings, notEvaluated: out.notEvaluated };
}

function summarize(checks: readonly NodeCheckResult[]): NodeReport['summary'] {
  const summary: NodeReport['summary'] = { pass: 0, fail: 0, manual: 0, 'not-evaluated': 0 };
  for (const c of checks) summary[c.status]++;
  return summary;
}
