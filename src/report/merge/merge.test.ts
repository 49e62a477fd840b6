import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CheckMeta } from '../../core/catalog.js';
import type { Finding, ResourceRef } from '../../core/finding.js';
import type { ScanResult } from '../../core/scan-result.js';
import type { Severity } from '../../core/severity.js';
import type { NodeCheckResult, NodeReport } from '../../nodes/model.js';
import { mergeScanResultFiles, mergeScanResults, readScanResultFile } from './merge.js';

const meta = (id: string): CheckMeta => ({ id, title: id, severity: 'high', category: 'nodes', description: '', rationale: '', remediation: '', references: [], aliases: [] });
const nodeRef = (name: string): ResourceRef => ({ apiVersion: 'v1', kind: 'Node', name });
const fileRef = (file: string): ResourceRef => ({ apiVersion: 'kubeward.io/node', kind: 'File', name: file });

function finding(checkId: string, severity: Severity, resource: ResourceRef, path = 'argv'): Finding {
  return { checkId, severity, category: 'nodes', title: checkId, resource, message: `${checkId} on ${resource.name}`, evidence: [{ path }], remediation: '', references: [] };
}

function node(hostname: string, statuses: NodeCheckResult['status'][]): NodeReport {
  const checks = statuses.map((status, i): NodeCheckResult => ({ id: `4.2.${i + 1}`, checkId: 'KW-NODE-042', section: '4.2', title: 'kubelet', status }));
  const summary = { pass: 0, fail: 0, manual: 0, 'not-evaluated': 0 };
  for (const c of checks) summary[c.status]++;
  return { hostname, roles: ['worker'], benchmark: { id: 'cis-1.10', title: 'CIS Kubernetes Benchmark', version: '1.10.0', chosenBy: 'Kubernetes 1.31' }, checks, summary };
}

function result(over: Partial<ScanResult>): ScanResult {
  return {
    schemaVersion: '1.0.0', tool: { name: 'kubeward', version: '9.9.9' }, command: 'node', startedAt: '2026-01-01T10:00:00.000Z', durationMs: 100, inputs: [],
    summary: { objects: 0, workloads: 0, findings: 0, bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, byCategory: { images: 0, workloads: 0, nodes: 0, access: 0, network: 0 }, suppressed: 0 },
    findings: [], suppressed: [], notEvaluated: [], inputErrors: [], notes: [], expiredExceptions: [], checks: [], ...over,
  };
}

const CP = result({
  startedAt: '2026-01-01T10:00:05.000Z', inputs: ['/host'], nodes: [node('cp-1', ['pass', 'fail'])], checks: [meta('KW-NODE-001'), meta('KW-NODE-301')],
  findings: [finding('KW-NODE-301', 'critical', nodeRef('cp-1')), finding('KW-NODE-010', 'medium', fileRef('/etc/kubernetes/admin.conf'))],
  notEvaluated: [{ target: 'KW-NODE-302', reason: 'etcd was not read' }],
});
const W1 = result({
  startedAt: '2026-01-01T09:59:00.000Z', durationMs: 50, inputs: ['/host'], nodes: [node('worker-1', ['pass'])], checks: [meta('KW-NODE-001'), meta('KW-NODE-042')],
  findings: [finding('KW-NODE-042', 'high', nodeRef('worker-1')), finding('KW-NODE-010', 'medium', fileRef('/etc/kubernetes/admin.conf'))],
  inputErrors: [{ file: '/etc/kubernetes/kubelet.conf', line: 3, message: 'bad YAML' }],
  notes: [{ file: '/proc/1/environ', message: 'unreadable' }],
});
const W2 = result({
  durationMs: 25, inputs: ['/host'], nodes: [node('worker-2', ['manual', 'not-evaluated'])], checks: [meta('KW-NODE-042')],
  // The same node finding twice in one file (e.g. two evidence sources): kept once.
  findings: [finding('KW-NODE-042', 'high', nodeRef('worker-2')), finding('KW-NODE-042', 'high', nodeRef('worker-2')), finding('KW-NODE-201', 'low', nodeRef('worker-2'), 'mounts')],
});

test('three nodes: findings of every node (same file finding on two nodes kept twice), lists prefixed, summary recomputed', () => {
  const merged = mergeScanResults([CP, W1, W2], ['cp-1.json', 'worker-1.json', 'worker-2.json']);
  assert.equal(merged.schemaVersion, '1.0.0');
  assert.equal(merged.command, 'report merge');
  assert.equal(merged.startedAt, '2026-01-01T09:59:00.000Z');
  assert.equal(merged.durationMs, 175);
  assert.deepEqual(merged.inputs, ['/host']);
  assert.deepEqual(merged.nodes!.map((n) => n.hostname), ['cp-1', 'worker-1', 'worker-2']);
  assert.deepEqual(merged.findings.map((f) => `${f.checkId} ${f.resource.name}`), [
    'KW-NODE-301 cp-1', 'KW-NODE-010 /etc/kubernetes/admin.conf', 'KW-NODE-042 worker-1', 'KW-NODE-010 /etc/kubernetes/admin.conf', 'KW-NODE-042 worker-2', 'KW-NODE-201 worker-2',
  ]);
  // 1 critical, 2 high, 2 medium, 1 low; all nodes.
  assert.deepEqual(merged.summary, { objects: 0, workloads: 0, findings: 6, bySeverity: { critical: 1, high: 2, medium: 2, low: 1, info: 0 }, byCategory: { images: 0, workloads: 0, nodes: 6, access: 0, network: 0 }, suppressed: 0 });
  assert.deepEqual(merged.checks.map((c) => c.id), ['KW-NODE-001', 'KW-NODE-301', 'KW-NODE-042']);
  assert.deepEqual(merged.notEvaluated, [{ target: 'KW-NODE-302', reason: 'cp-1.json: etcd was not read' }]);
  assert.deepEqual(merged.inputErrors, [{ file: '/etc/kubernetes/kubelet.conf', line: 3, message: 'worker-1.json: bad YAML' }]);
  assert.deepEqual(merged.notes, [{ file: '/proc/1/environ', message: 'worker-1.json: unreadable' }]);
  assert.equal(merged.images, undefined);
});

test('cluster-wide findings repeated in two reports are kept once', () => {
  const pod = finding('KW-WL-001', 'high', { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'shop' });
  const merged = mergeScanResults([result({ findings: [pod], command: 'scan' }), result({ findings: [{ ...pod, message: 'same, other wording' }], command: 'scan' })], ['a.json', 'b.json']);
  assert.equal(merged.findings.length, 1);
  assert.equal(merged.summary.findings, 1);
});

test('the same hostname twice: the later file wins, its earlier findings are dropped, and a note says so', () => {
  const old = result({ nodes: [node('cp-1', ['fail'])], findings: [finding('KW-NODE-301', 'critical', nodeRef('cp-1')), finding('KW-NODE-010', 'medium', fileRef('/etc/kubernetes/admin.conf'))] });
  const fresh = result({ nodes: [node('cp-1', ['pass'])], findings: [finding('KW-NODE-042', 'high', nodeRef('cp-1'))] });
  const merged = mergeScanResults([old, W1, fresh], ['monday/cp-1.json', 'worker-1.json', 'tuesday/cp-1.json']);
  assert.deepEqual(merged.nodes!.map((n) => [n.hostname, n.summary.pass]), [['worker-1', 1], ['cp-1', 1]]);
  assert.deepEqual(merged.findings.map((f) => `${f.checkId} ${f.resource.name}`), ['KW-NODE-042 worker-1', 'KW-NODE-010 /etc/kubernetes/admin.conf', 'KW-NODE-042 cp-1']);
  assert.deepEqual(merged.notes.at(-1), { file: 'tuesday/cp-1.json', message: 'node cp-1 is also in monday/cp-1.json; the result of tuesday/cp-1.json (given later) is used' });
});

test('an incompatible schema version is refused, naming the file', () => {
  assert.throws(() => mergeScanResults([CP, { ...W1, schemaVersion: '2.0.0' }], ['cp-1.json', 'worker-1.json']), {
    message: 'worker-1.json: report schema version 2.0.0 is not compatible with this kubeward (schema 1.0.0); rescan with the same kubeward version',
  });
  // A newer minor version of the same major merges.
  assert.equal(mergeScanResults([{ ...CP, schemaVersion: '1.7.0' }], ['cp-1.json']).schemaVersion, '1.0.0');
});

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kubeward-merge-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('reading files: clear one-line errors; one bad file does not stop the rest', async () => {
  const f = (name: string) => path.join(dir, name);
  await writeFile(f('cp-1.json'), JSON.stringify(CP));
  await writeFile(f('worker-1.json'), JSON.stringify(W1));
  await writeFile(f('table.txt'), 'NODE  1.1\n');
  await writeFile(f('other.json'), JSON.stringify({ version: 2, runs: [] }));
  await writeFile(f('future.json'), JSON.stringify({ ...W2, schemaVersion: '2.1.0' }));
  await writeFile(f('damaged.json'), JSON.stringify({ ...W2, findings: {} }));

  assert.equal((await readScanResultFile(f('cp-1.json'))).nodes![0]!.hostname, 'cp-1');
  await assert.rejects(readScanResultFile(f('table.txt')), { message: new RegExp(`^${f('table.txt')}: not JSON \\(.*\\); merge reads reports written with --format json$`) });
  await assert.rejects(readScanResultFile(f('other.json')), { message: `${f('other.json')}: not a kubeward JSON report (no tool.name "kubeward" and schemaVersion); merge reads reports written with --format json` });
  await assert.rejects(readScanResultFile(f('future.json')), { message: /future\.json: report schema version 2\.1\.0 is not compatible/ });
  await assert.rejects(readScanResultFile(f('damaged.json')), { message: `${f('damaged.json')}: "findings" is not a list; the report is damaged` });
  await assert.rejects(readScanResultFile(f('missing.json')), { message: `${f('missing.json')}: cannot read: ENOENT` });

  const { result: merged, errors } = await mergeScanResultFiles([f('cp-1.json'), f('table.txt'), f('worker-1.json')]);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /table\.txt: not JSON/);
  assert.deepEqual(merged!.nodes!.map((n) => n.hostname), ['cp-1', 'worker-1']);
  assert.equal(merged!.notEvaluated[0]!.reason, `${f('cp-1.json')}: etcd was not read`);
  assert.deepEqual(await mergeScanResultFiles([f('other.json')]), { errors: [`${f('other.json')}: not a kubeward JSON report (no tool.name "kubeward" and schemaVersion); merge reads reports written with --format json`] });
});

test('a report from an older minor version without some lists still merges', async () => {
  const { notes: _n, expiredExceptions: _e, ...old } = W2;
  await writeFile(path.join(dir, 'old.json'), JSON.stringify(old));
  const read = await readScanResultFile(path.join(dir, 'old.json'));
  assert.deepEqual([read.notes, read.expiredExceptions], [[], []]);
  assert.equal(mergeScanResults([read], ['old.json']).findings.length, 2);
});
