import assert from 'node:assert/strict';
import { test } from 'node:test';
import { component, dir, effectiveConfig, fakeSnapshot, file } from './fake-snapshot.js';
import { HARDENED_APISERVER, hardenedFiles, hardenedInput, hardenedKubelet, hardenedNode } from './fixtures.js';
import { BENCHMARKS, evaluateBenchmark } from './index.js';

const statusOf = (out: ReturnType<typeof evaluateBenchmark>, id: string) => out.report.checks.find((c) => c.id === id)!;
const findingsOf = (out: ReturnType<typeof evaluateBenchmark>, control: string) => out.findings.filter((f) => f.benchmark?.control === control);

test('hardened control-plane node: every automated recommendation passes, every manual one is manual', () => {
  const out = evaluateBenchmark(hardenedNode());
  const bench = BENCHMARKS.find((b) => b.id === 'cis-1.12')!;
  assert.equal(out.report.benchmark.id, 'cis-1.12');
  assert.equal(out.report.checks.length, bench.recommendations.length);
  for (const rec of bench.recommendations) {
    const result = statusOf(out, rec.id);
    assert.equal(result.status, rec.assessment === 'automated' ? 'pass' : 'manual', `${rec.id}: ${result.reason}`);
    if (result.status === 'manual') assert.match(result.reason!, new RegExp(`CIS ${rec.id.replaceAll('.', '\\.')} \\(CIS Kubernetes Benchmark 1\\.12\\.0\\) is Manual`));
  }
  assert.deepEqual(out.findings, []);
  assert.deepEqual(out.report.roles, ['control-plane', 'etcd']);
  assert.equal(out.report.summary.fail, 0);
  assert.equal(out.report.summary['not-evaluated'], 0);
  // manual checks are coverage entries, never silent passes
  assert.equal(out.notEvaluated.length, out.report.summary.manual);
  assert.ok(out.notEvaluated.some((n) => n.target === 'cis-1.12 4.2.4'));
});

function weakNode() {
  const input = hardenedInput();
  const files = hardenedFiles();
  files['/etc/kubernetes'] = dir(0o775); // group-writable parent of every manifest and kubeconfig
  files['/etc/kubernetes/manifests/kube-apiserver.yaml'] = file(0o644);
  files['/etc/kubernetes/manifests/kube-scheduler.yaml'] = file(0o600, 'ubuntu:ubuntu');
  input.files = files;
  input.components = input.components!.map((c) => (c.component === 'kube-apiserver' ? component('kube-apiserver', [...HARDENED_APISERVER.filter((a) => !a.startsWith('--anonymous-auth')), '--anonymous-auth=true'], 'process', {}, 101) : c));
  const kubelet = hardenedKubelet();
  // The config file says false, the command line says true: the flag wins.
  (kubelet.settings as Map<string, unknown>).set('authentication.anonymous.enabled', {
    path: 'authentication.anonymous.enabled', value: true, origin: 'flag', where: '--anonymous-auth=true (/proc/500/cmdline)',
    overridden: [{ value: false, origin: 'config-file', where: '/var/lib/kubelet/config.yaml:4' }],
  });
  input.kubelet = kubelet;
  return fakeSnapshot(input);
}

test('weak node: 644 manifest fails 1.1.1 with the mode and the expected 600', () => {
  const out = evaluateBenchmark(weakNode());
  assert.equal(statusOf(out, '1.1.1').status, 'fail');
  const [finding] = findingsOf(out, '1.1.1');
  assert.equal(finding!.checkId, 'KW-NODE-001');
  assert.deepEqual(finding!.resource, { apiVersion: 'v1', kind: 'Node', name: 'cp-1' });
  assert.deepEqual(finding!.benchmark, { id: 'cis-1.12', title: 'CIS Kubernetes Benchmark', version: '1.12.0', control: '1.1.1' });
  assert.match(finding!.message, /CIS 1\.1\.1 \(CIS Kubernetes Benchmark 1\.12\.0\)/);
  const own = finding!.evidence.find((e) => e.path === '/etc/kubernetes/manifests/kube-apiserver.yaml')!;
  assert.equal(own.value, '0644 root:root');
  assert.equal(own.detail, 'mode 0644 allows group/other read; CIS 1.1.1 expects 600 or stricter');
});

test('weak node: a group-writable /etc/kubernetes fails every file check below it, with its own evidence line', () => {
  const out = evaluateBenchmark(weakNode());
  // 1.1.3: the controller-manager manifest itself is 0600 root:root — only its parent is wrong.
  assert.equal(statusOf(out, '1.1.3').status, 'fail');
  const evidence = findingsOf(out, '1.1.3')[0]!.evidence;
  assert.equal(evidence.length, 1);
  assert.equal(evidence[0]!.path, '/etc/kubernetes');
  assert.equal(evidence[0]!.value, '0775 root:root');
  assert.match(evidence[0]!.detail!, /group-writable/);
  for (const id of ['1.1.13', '1.1.15', '1.1.17', '1.1.19', '4.1.5']) assert.equal(statusOf(out, id).status, 'fail', id);
  // files outside /etc/kubernetes are unaffected
  for (const id of ['1.1.11', '4.1.1', '4.1.9']) assert.equal(statusOf(out, id).status, 'pass', id);
});

test('weak node: a manifest owned by another user fails its ownership check', () => {
  const out = evaluateBenchmark(weakNode());
  const evidence = findingsOf(out, '1.1.6')[0]!.evidence.find((e) => e.path.endsWith('kube-scheduler.yaml'))!;
  assert.equal(evidence.value, '0600 ubuntu:ubuntu');
  assert.match(evidence.detail!, /owned by ubuntu:ubuntu; CIS 1\.1\.6 expects root:root/);
});

test('weak node: anonymous-auth on the API server process is reported under the manual 1.2.1 with what was seen', () => {
  const out = evaluateBenchmark(weakNode());
  const result = statusOf(out, '1.2.1');
  assert.equal(result.status, 'manual');
  assert.equal(result.checkId, 'KW-API-001');
  assert.match(result.reason!, /--anonymous-auth=true/);
  assert.match(result.reason!, /\/proc\/101\/cmdline/);
});

test('weak node: the kubelet flag --anonymous-auth=true overrides the config file and fails 4.2.1, naming both', () => {
  const out = evaluateBenchmark(weakNode());
  assert.equal(statusOf(out, '4.2.1').status, 'fail');
  const [finding] = findingsOf(out, '4.2.1');
  assert.equal(finding!.checkId, 'KW-NODE-036');
  assert.equal(finding!.severity, 'critical');
  const [evidence] = finding!.evidence;
  assert.equal(evidence!.path, '/proc/500/cmdline');
  assert.equal(evidence!.value, true);
  assert.match(evidence!.detail!, /--anonymous-auth=true \(\/proc\/500\/cmdline\)/);
  assert.match(evidence!.detail!, /overriding false \(config-file, \/var\/lib\/kubelet\/config\.yaml:4\)/);
  assert.match(evidence!.detail!, /expects authentication\.anonymous\.enabled = false/);
});

test('control-plane flag findings carry the CIS id, the node and the process source', () => {
  const input = hardenedInput();
  input.components = input.components!.map((c) => (c.component === 'kube-apiserver' ? component('kube-apiserver', HARDENED_APISERVER.filter((a) => a !== '--profiling=false'), 'process', {}, 101) : c));
  const out = evaluateBenchmark(fakeSnapshot(input));
  assert.equal(statusOf(out, '1.2.15').status, 'fail');
  const [finding] = findingsOf(out, '1.2.15');
  assert.equal(finding!.checkId, 'KW-API-015');
  assert.deepEqual(finding!.resource, { apiVersion: 'v1', kind: 'Node', name: 'cp-1' });
  assert.equal(finding!.benchmark!.control, '1.2.15');
  assert.match(finding!.message, /^CIS 1\.2\.15 \(CIS Kubernetes Benchmark 1\.12\.0\) fails on node cp-1: /);
  assert.equal(finding!.evidence[0]!.position!.file, '/proc/101/cmdline');
  // every other API server check still passes
  assert.equal(statusOf(out, '1.2.16').status, 'pass');
});

test('a static-pod API server without encryption configuration fails 1.2.28 at the manifest', () => {
  const input = hardenedInput();
  input.components = input.components!.map((c) => (c.component === 'kube-apiserver' ? component('kube-apiserver', HARDENED_APISERVER.filter((a) => !a.startsWith('--encryption-provider-config')), 'static-pod') : c));
  const out = evaluateBenchmark(fakeSnapshot(input));
  assert.equal(statusOf(out, '1.2.28').status, 'fail');
  assert.equal(findingsOf(out, '1.2.28')[0]!.evidence[0]!.position!.file, '/etc/kubernetes/manifests/kube-apiserver.yaml');
  assert.equal(statusOf(out, '1.2.27').status, 'manual');
});

test('an encryption configuration with identity first fails 1.2.28; an unreadable one is reported, not passed', () => {
  const input = hardenedInput();
  input.files!['/etc/kubernetes/enc/enc.yaml'] = file(0o600, 'root:root', 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n      - identity: {}\n');
  assert.equal(statusOf(evaluateBenchmark(fakeSnapshot(input)), '1.2.28').status, 'fail');
  input.files!['/etc/kubernetes/enc/enc.yaml'] = file(0o600);
  const unreadable = statusOf(evaluateBenchmark(fakeSnapshot(input)), '1.2.28');
  assert.equal(unreadable.status, 'manual');
  assert.match(unreadable.reason!, /\/etc\/kubernetes\/enc\/enc\.yaml/);
  assert.match(unreadable.reason!, /could not be evaluated/);
  assert.match(unreadable.reason!, /missing or unreadable on this node/);
});

test('flag-only kubelet: readOnlyPort unset means the flag default 10255, and 4.2.4 fails', () => {
  const input = hardenedInput();
  input.kubelet = effectiveConfig('kubelet', undefined, {}, {
    kubeconfig: { value: '/etc/kubernetes/kubelet.conf', origin: 'flag', where: '--kubeconfig=/etc/kubernetes/kubelet.conf (/proc/500/cmdline)' },
  });
  const out = evaluateBenchmark(fakeSnapshot(input));
  assert.equal(statusOf(out, '4.2.4').status, 'fail');
  const detail = findingsOf(out, '4.2.4')[0]!.evidence[0]!.detail!;
  assert.match(detail, /readOnlyPort is 10255 \(kubelet default for readOnlyPort when started with flags only/);
  // the flags-only defaults: anonymous on, AlwaysAllow
  assert.equal(statusOf(out, '4.2.1').status, 'fail');
  assert.equal(statusOf(out, '4.2.2').status, 'fail');
  assert.equal(statusOf(out, '4.2.3').status, 'fail');
  assert.equal(statusOf(out, '4.2.6').status, 'pass'); // makeIPTablesUtilChains defaults to true
  assert.equal(statusOf(out, '4.2.10').status, 'fail'); // rotateCertificates defaults to false
  // no config file: 4.1.9/4.1.10 have nothing to check — said so, not passed
  assert.equal(statusOf(out, '4.1.9').status, 'not-evaluated');
  assert.match(statusOf(out, '4.1.9').reason!, /without a --config file/);
});

test('config-file kubelet: unset settings take the config-file defaults (anonymous false, Webhook, port 0)', () => {
  const input = hardenedInput();
  input.kubelet = effectiveConfig('kubelet', '/var/lib/kubelet/config.yaml', {
    'authentication.x509.clientCAFile': { value: '/etc/kubernetes/pki/ca.crt', origin: 'config-file', where: '/var/lib/kubelet/config.yaml:8' },
  });
  const out = evaluateBenchmark(fakeSnapshot(input));
  assert.equal(statusOf(out, '4.2.1').status, 'pass');
  assert.equal(statusOf(out, '4.2.2').status, 'pass');
  assert.equal(statusOf(out, '4.2.4').status, 'manual');
  assert.match(statusOf(out, '4.2.4').reason!, /readOnlyPort is 0 \(kubelet default for readOnlyPort when with its config file/);
});

test('worker node: master and etcd checks are not evaluated with the reason, node checks run', () => {
  const input = hardenedInput();
  input.hostname = 'worker-1';
  input.components = input.components!.filter((c) => c.component === 'kubelet' || c.component === 'kube-proxy');
  const files = hardenedFiles();
  for (const key of Object.keys(files)) if (key.includes('manifests/') || key.includes('admin.conf')) delete files[key];
  input.files = files;
  const out = evaluateBenchmark(fakeSnapshot(input));
  assert.deepEqual(out.report.roles, ['worker']);
  for (const c of out.report.checks) {
    if (c.section.startsWith('1.') || c.section.startsWith('3.')) {
      assert.equal(c.status, 'not-evaluated', c.id);
      assert.match(c.reason!, /no kube-apiserver on this node/);
    }
    if (c.section === '2') assert.match(c.reason!, /etcd does not run on this node/);
    if (c.section.startsWith('4.')) assert.notEqual(c.status, 'not-evaluated', c.id);
  }
  assert.equal(out.report.summary.fail, 0);
  assert.ok(out.notEvaluated.some((n) => n.target === 'cis-1.12 1.2.6' && /kube-apiserver/.test(n.reason)));
});

test('a node without a kubelet: section 4 is not evaluated, never passed', () => {
  const input = hardenedInput();
  input.components = input.components!.filter((c) => c.component !== 'kubelet' && c.component !== 'kube-proxy');
  delete input.kubelet;
  delete input.kubeProxy;
  const out = evaluateBenchmark(fakeSnapshot(input));
  for (const c of out.report.checks.filter((x) => x.section.startsWith('4.'))) {
    assert.equal(c.status, 'not-evaluated', c.id);
    assert.equal(c.reason, 'kubelet not running on this node (no kubelet process or configuration found)');
  }
});

test('kube-proxy absent on a kubelet node: 4.3.1 not evaluated with the reason', () => {
  const input = hardenedInput();
  input.components = input.components!.filter((c) => c.component !== 'kube-proxy');
  delete input.kubeProxy;
  const result = statusOf(evaluateBenchmark(fakeSnapshot(input)), '4.3.1');
  assert.equal(result.status, 'not-evaluated');
  assert.equal(result.reason, 'kube-proxy not running on this node');
});

test('kube-proxy metrics on all interfaces fail 4.3.1', () => {
  const input = hardenedInput();
  input.kubeProxy = effectiveConfig('kube-proxy', undefined, { metricsBindAddress: { value: '0.0.0.0:10249', origin: 'flag', where: '--metrics-bind-address=0.0.0.0:10249 (/proc/600/cmdline)' } });
  const out = evaluateBenchmark(fakeSnapshot(input));
  assert.equal(statusOf(out, '4.3.1').status, 'fail');
  assert.equal(findingsOf(out, '4.3.1')[0]!.checkId, 'KW-NODE-051');
});

test('--targets limits the evaluation; other targets say why', () => {
  const out = evaluateBenchmark(hardenedNode(), { targets: ['node', 'policies'] });
  assert.equal(statusOf(out, '1.1.1').status, 'not-evaluated');
  assert.equal(statusOf(out, '1.1.1').reason, 'not among the requested targets (--targets node,policies)');
  assert.equal(statusOf(out, '4.2.1').status, 'pass');
  assert.ok(out.notEvaluated.some((n) => n.target === 'policies'));
});

test('--targets master on a worker: file checks run and report missing files; flag checks name the missing component', () => {
  const input = hardenedInput();
  input.components = input.components!.filter((c) => c.component === 'kubelet');
  const files = hardenedFiles();
  delete files['/etc/kubernetes/manifests/kube-apiserver.yaml'];
  input.files = files;
  const out = evaluateBenchmark(fakeSnapshot(input), { targets: ['master'] });
  assert.equal(statusOf(out, '1.1.1').status, 'not-evaluated');
  assert.match(statusOf(out, '1.1.1').reason!, /no kube-apiserver static pod manifest on this node/);
  assert.equal(statusOf(out, '1.1.3').status, 'pass'); // its manifest is there, 0600 root:root
  assert.equal(statusOf(out, '1.2.6').reason, 'no kube-apiserver on this node');
});

test('a full evaluation is fast', () => {
  const start = performance.now();
  for (let i = 0; i < 5; i++) evaluateBenchmark(hardenedNode());
  assert.ok((performance.now() - start) / 5 < 200);
});
