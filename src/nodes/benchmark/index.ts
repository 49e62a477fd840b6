import type { NotEvaluated } from '../../core/coverage.js';
import type { BenchmarkRef, Evidence, Finding, ResourceRef } from '../../core/finding.js';
import type { NodeCheckResult, NodeCheckStatus, NodeReport, NodeSnapshot } from '../model.js';
import { nodeCheckMeta } from './catalog.js';
import { runControlPlaneChecks, type ControlPlaneRun } from './control-plane.js';
import { TARGETS, type Benchmark, type FlagEvaluation, type Recommendation, type SettingEvaluation, type Target } from './data.js';
import { evaluateFiles } from './files.js';
import { evaluateTest, settingEvidence } from './settings.js';
import { chooseBenchmark } from './versions.js';

// `kubeward node`'s CIS Kubernetes Benchmark: every recommendation of the chosen benchmark is
// pass, fail, manual or not evaluated (with the reason) on this node — never a silent pass.

export interface BenchmarkOptions {
  /** `--benchmark cis-1.11`: overrides the version detected on the node. */
  benchmark?: string;
  /** `--targets`: only these parts of the benchmark; by default, those whose components run here. */
  targets?: Target[];
}

export interface BenchmarkOutput {
  report: NodeReport;
  findings: Finding[];
  notEvaluated: NotEvaluated[];
}

interface Outcome {
  status: NodeCheckStatus;
  checkId: string;
  reason?: string;
  findings: Finding[];
}

interface Context {
  snapshot: NodeSnapshot;
  benchmark: Benchmark;
  node: ResourceRef;
  controlPlane: () => ControlPlaneRun;
}

const has = (s: NodeSnapshot, component: string): boolean => s.components.some((c) => c.component === component);

/** Why a target is not evaluated on this node, or undefined when it is. */
function targetGates(snapshot: NodeSnapshot, requested: readonly Target[] | undefined): Record<Target, string | undefined> {
  const apiserver = has(snapshot, 'kube-apiserver') ? undefined : 'no kube-apiserver on this node (neither a running process nor a static pod manifest): not a control-plane node';
  const gates: Record<Target, string | undefined> = {
    master: apiserver,
    controlplane: apiserver,
    etcd: has(snapshot, 'etcd') ? undefined : 'etcd does not run on this node (no process, no static pod manifest): it may be on other nodes, external or managed',
    node: snapshot.kubelet || has(snapshot, 'kubelet') ? undefined : 'kubelet not running on this node (no kubelet process or configuration found)',
    policies: 'section 5 (policies) is about cluster objects, not node files: run `kubeward scan` against the cluster',
  };
  if (!requested) return gates;
  const out = {} as Record<Target, string | undefined>;
  for (const t of TARGETS) {
    // An explicitly requested target is evaluated as far as it can be: what is missing is then said per check.
    out[t] = !requested.includes(t) ? `not among the requested targets (--targets ${requested.join(',')})` : t === 'policies' ? gates.policies : undefined;
  }
  return out;
}

function roles(snapshot: NodeSnapshot): NodeReport['roles'] {
  const out: NodeReport['roles'] = [];
  const controlPlane = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].some((c) => has(snapshot, c));
  if (controlPlane) out.push('control-plane');
  if (has(snapshot, 'etcd')) out.push('etcd');
  if (!controlPlane && (snapshot.kubelet || has(snapshot, 'kubelet'))) out.push('worker');
  return out;
}

const refOf = (b: Benchmark, control: string): BenchmarkRef => ({ id: b.id, title: b.title, version: b.version, control });
const cisLabel = (ctx: Context, rec: Recommendation): string => `CIS ${rec.id} (${ctx.benchmark.title} ${ctx.benchmark.version})`;

/** A KW-NODE finding for a recommendation that fails, one evidence line per problem. */
function nodeFinding(ctx: Context, rec: Recommendation, checkId: string, evidence: Evidence[]): Finding {
  const meta = nodeCheckMeta(checkId)!;
  const more = evidence.length > 1 ? ` (and ${evidence.length - 1} more)` : '';
  return {
    checkId,
    severity: meta.severity,
    category: 'nodes',
    title: meta.title,
    resource: ctx.node,
    message: `${cisLabel(ctx, rec)} fails on node ${ctx.snapshot.hostname}: ${evidence[0]!.detail}${more}`,
    evidence,
    remediation: rec.remediation,
    references: meta.references,
    benchmark: refOf(ctx.benchmark, rec.id),
  };
}

/** A failing test is a failure even for a Manual recommendation; a good value still needs a person's look. */
function settle(ctx: Context, rec: Recommendation, checkId: string, status: 'pass' | 'fail' | 'not-evaluated', evidence: Evidence[], seen: string, reason?: string): Outcome {
  if (status === 'fail') return { status, checkId, reason: evidence[0]!.detail, findings: [nodeFinding(ctx, rec, checkId, evidence)] };
  if (status === 'not-evaluated') return { status, checkId, reason, findings: [] };
  if (rec.assessment === 'manual') return { status: 'manual', checkId, reason: `${cisLabel(ctx, rec)} is Manual — seen: ${seen || 'nothing wrong'}. Manual step: ${rec.check ?? rec.expected}`, findings: [] };
  return { status: 'pass', checkId, findings: [] };
}

function evaluateSettings(ctx: Context, rec: Recommendation, e: SettingEvaluation): Outcome {
  const config = e.kind === 'kubelet' ? ctx.snapshot.kubelet : ctx.snapshot.kubeProxy;
  const name = e.kind === 'kubelet' ? 'kubelet' : 'kube-proxy';
  if (!config) {
    const running = has(ctx.snapshot, name);
    return { status: 'not-evaluated', checkId: e.checkId, findings: [], reason: running ? `the ${name} runs but its configuration was not collected` : `${name} not running on this node` };
  }
  const evidence: Evidence[] = [];
  const unknown: string[] = [];
  const seen: string[] = [];
  let holds = false;
  for (const group of e.anyOf) {
    const results = group.map((test) => ({ test, result: evaluateTest(config, test) }));
    if (results.every((r) => r.result.status === 'pass')) holds = true;
    for (const { test, result } of results) {
      if (result.status === 'unknown') unknown.push(result.reason);
      else if (result.status === 'fail') evidence.push(settingEvidence(result, test, rec.id, `${ctx.benchmark.id}`));
      else seen.push(result.detail);
    }
  }
  if (holds) return settle(ctx, rec, e.checkId, 'pass', [], seen.join('; '));
  if (unknown.length > 0) return settle(ctx, rec, e.checkId, 'not-evaluated', [], '', unknown.join('; '));
  return settle(ctx, rec, e.checkId, 'fail', evidence, '');
}

/** A control-plane recommendation: the KW-API checks' findings and coverage entries, labelled with the CIS id. */
function evaluateFlags(ctx: Context, rec: Recommendation, e: FlagEvaluation): Outcome {
  const checkId = e.checks[0]!;
  if (!has(ctx.snapshot, e.component)) return { status: 'not-evaluated', checkId, findings: [], reason: `no ${e.component} on this node` };
  const run = ctx.controlPlane();
  const findings = run.output.findings.filter((f) => e.checks.includes(f.checkId)).map((f): Finding => ({
    ...f,
    resource: ctx.node,
    message: `${cisLabel(ctx, rec)} fails on node ${ctx.snapshot.hostname}: ${f.message}`,
    benchmark: refOf(ctx.benchmark, rec.id),
  }));
  if (findings.length > 0) return { status: 'fail', checkId: findings[0]!.checkId, reason: findings[0]!.message, findings };
  const notes = run.output.notEvaluated.filter((n) => e.checks.includes(n.target)).map((n) => n.reason);
  if (rec.id === '1.2.28') notes.push(...run.problems);
  const note = e.note ? ` (${e.note})` : '';
  if (rec.assessment === 'manual') {
    const seen = notes.length > 0 ? notes.join(' | ') : `${e.checks.join(', ')} found nothing wrong`;
    return { status: 'manual', checkId, findings: [], reason: `${cisLabel(ctx, rec)} is Manual${note}: ${seen}. Manual step: ${rec.check ?? rec.expected}` };
  }
  if (notes.length > 0) return { status: 'not-evaluated', checkId, findings: [], reason: notes.join(' | ') };
  return { status: 'pass', checkId, findings: [] };
}

function evaluateRecommendation(ctx: Context, rec: Recommendation): Outcome {
  const e = rec.evaluation;
  switch (e.kind) {
    case 'flag': return evaluateFlags(ctx, rec, e);
    case 'kubelet':
    case 'proxy': return evaluateSettings(ctx, rec, e);
    case 'manual': return { status: 'manual', checkId: e.checkId, findings: [], reason: `${cisLabel(ctx, rec)} is Manual: ${rec.check ?? rec.expected}` };
    case 'file': {
      const out = evaluateFiles(ctx.snapshot, rec.id, e);
      return settle(ctx, rec, e.checkId, out.status, out.evidence, out.seen.join(', '), out.reason);
    }
  }
}

const checkIdOf = (rec: Recommendation): string => (rec.evaluation.kind === 'flag' ? rec.evaluation.checks[0]! : rec.evaluation.checkId);

/** Evaluates the CIS Kubernetes Benchmark on one node's snapshot. Throws only on an unknown `--benchmark`. */
export function evaluateBenchmark(snapshot: NodeSnapshot, options: BenchmarkOptions = {}): BenchmarkOutput {
  const { benchmark, chosenBy } = chooseBenchmark(snapshot.kubernetesVersion, options.benchmark);
  let run: ControlPlaneRun | undefined;
  const ctx: Context = {
    snapshot,
    benchmark,
    node: { apiVersion: 'v1', kind: 'Node', name: snapshot.hostname },
    controlPlane: () => (run ??= runControlPlaneChecks(snapshot)),
  };
  const gates = targetGates(snapshot, options.targets);
  const checks: NodeCheckResult[] = [];
  const findings: Finding[] = [];
  const notEvaluated: NotEvaluated[] = [];
  for (const rec of benchmark.recommendations) {
    const gate = gates[rec.target];
    const outcome: Outcome = gate ? { status: 'not-evaluated', checkId: checkIdOf(rec), reason: gate, findings: [] } : evaluateRecommendation(ctx, rec);
    const result: NodeCheckResult = { id: rec.id, checkId: outcome.checkId, section: rec.section, title: rec.title, status: outcome.status };
    if (outcome.reason) result.reason = outcome.reason;
    checks.push(result);
    findings.push(...outcome.findings);
    if (outcome.status === 'manual' || outcome.status === 'not-evaluated') notEvaluated.push({ target: `${benchmark.id} ${rec.id}`, reason: outcome.reason! });
  }
  if (options.targets?.includes('policies')) notEvaluated.push({ target: 'policies', reason: gates.policies! });
  const summary: Record<NodeCheckStatus, number> = { pass: 0, fail: 0, manual: 0, 'not-evaluated': 0 };
  for (const c of checks) summary[c.status]++;
  const report: NodeReport = {
    hostname: snapshot.hostname,
    roles: roles(snapshot),
    benchmark: { id: benchmark.id, title: benchmark.title, version: benchmark.version, chosenBy },
    checks,
    summary,
  };
  if (snapshot.kubernetesVersion) report.kubernetesVersion = snapshot.kubernetesVersion;
  return { report, findings, notEvaluated };
}

export { chooseBenchmark, type ChosenBenchmark } from './versions.js';
export { nodeBenchmarkCheckMetas } from './catalog.js';
export { BENCHMARKS, TARGETS, type Benchmark, type Recommendation, type Target } from './data.js';
