import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportValidator, sarifValidator } from '../schemas.js';
import { etcdMissing, etcdPost, startEtcd, type RunningEtcd } from '../../src/probe/fixtures.test.js';
import { controlPlaneParts, hardenedControlPlane, hardenedFlags, PID, weakControlPlane, worker, writeNodeRoot, type NodeRoot, type NodeRootSpec } from './fixture-root.js';

// `kubeward node` end to end: the built CLI run as a child process on node roots the tests write to
// disk (modes and owners set here), on the real /proc with a real etcd, and `kubeward report merge`.
// Expected statuses come from the CIS Kubernetes Benchmark text of each recommendation.

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'dist/cli/main.js');

interface Run { status: number | null; stdout: string; stderr: string }
function kubeward(args: string[], cwd = repo): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Check { id: string; checkId: string; section: string; status: string; reason?: string }
interface NodeJson { hostname: string; roles: string[]; kubernetesVersion?: { version: string; source: string }; benchmark: { id: string; version: string; chosenBy: string }; checks: Check[]; summary: Record<string, number> }
interface Evidence { path: string; value?: unknown; detail?: string; position?: { file: string; line: number } }
interface FindingJson { checkId: string; message: string; resource: { kind: string; name: string }; evidence: Evidence[]; benchmark?: { id: string; version: string; control: string } }
interface ReportJson { nodes: NodeJson[]; findings: FindingJson[] }

const benchmarkData = (id: string): { recommendations: { id: string; section: string; assessment: string }[] } =>
  JSON.parse(readFileSync(path.join(repo, `src/nodes/benchmark/${id}.json`), 'utf8'));
const check = (node: NodeJson, id: string): Check => node.checks.find((c) => c.id === id) ?? assert.fail(`no check ${id}`);
const cisFindings = (report: ReportJson, control: string): FindingJson[] => report.findings.filter((f) => f.benchmark?.control === control);
const cisFailures = (node: NodeJson): string[] => node.checks.filter((c) => c.status === 'fail' && c.section !== 'host').map((c) => c.id).sort();

let scratch: string;
const nodes: Record<string, NodeRoot> = {};
const validateReport = reportValidator();

async function scan(name: string, spec: NodeRootSpec): Promise<NodeRoot> {
  nodes[name] = await writeNodeRoot(path.join(scratch, name), spec);
  return nodes[name]!;
}
function nodeArgs(n: NodeRoot): string[] {
  return ['node', '--root', n.root, '--proc', n.proc, '--sys', n.sys];
}
function jsonScan(n: NodeRoot, extra: string[] = []): ReportJson {
  const r = kubeward([...nodeArgs(n), '-f', 'json', ...extra]);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as ReportJson;
  assert.ok(validateReport(report), JSON.stringify(validateReport.errors?.slice(0, 3)));
  return report;
}

before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'kubeward-node-cli-'));
  await scan('hardened', hardenedControlPlane({ hostname: 'cp-hardened', version: '1.31.4' }));
  await scan('hardened-133', hardenedControlPlane({ hostname: 'cp-new', version: '1.33.1' }));
  await scan('weak', weakControlPlane({ hostname: 'cp-weak', version: '1.33.1' }));
  await scan('worker', worker({ hostname: 'worker-1' }));
  await scan('worker-flags', worker({ hostname: 'worker-2', flagsOnly: true }));
  await scan('etcd-refused', hardenedControlPlane({ hostname: 'cp-refused', etcdServers: 'http://127.0.0.1:1' }));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function assertHardened(node: NodeJson, benchmark: 'cis-1.11' | 'cis-1.12', version: string, cisVersion: string): void {
  assert.deepEqual(node.roles, ['control-plane', 'etcd']);
  assert.equal(node.kubernetesVersion?.version, version);
  assert.equal(node.benchmark.id, benchmark);
  assert.equal(node.benchmark.version, cisVersion);
  assert.match(node.benchmark.chosenBy, new RegExp(`registry\\.k8s\\.io/kube-apiserver:v${version.replaceAll('.', '\\.')}`));
  const recs = benchmarkData(benchmark).recommendations;
  assert.deepEqual([...new Set(recs.map((r) => r.section))].sort(), ['1.1', '1.2', '1.3', '1.4', '2', '3.1', '3.2', '4.1', '4.2', '4.3']);
  for (const rec of recs) {
    const result = check(node, rec.id);
    // Automated recommendations pass; manual ones are manual with what to check — none passes silently.
    assert.equal(result.status, rec.assessment === 'automated' ? 'pass' : 'manual', `${rec.id}: ${result.reason}`);
    if (result.status === 'manual') assert.ok((result.reason ?? '').length > 20, `${rec.id} says what to check`);
  }
  // The host is hardened too: / read-only, /var on LUKS, SME active, sshd keys only, no passwordless sudo.
  for (const c of node.checks.filter((x) => x.section === 'host')) assert.equal(c.status, 'pass', `${c.id}: ${c.reason}`);
  assert.equal(node.summary.fail, 0);
  assert.equal(node.summary['not-evaluated'], 0);
}

function assertUsageError(args: string[], message: RegExp): void {
  const r = kubeward(args);
  assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout.slice(0, 200)}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^kubeward: /);
  assert.match(lines[0]!, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

describe('kubeward node on fixture node roots', () => {
  test('hardened control plane (v1.31.4 images): cis-1.11, every automated check passes, manual ones are manual', () => {
    const report = jsonScan(nodes.hardened!);
    assert.equal(report.nodes.length, 1);
    assertHardened(report.nodes[0]!, 'cis-1.11', '1.31.4', '1.11.1');
    assert.deepEqual(report.findings, []);
  });

  test('hardened control plane (v1.33.1 images): cis-1.12; --benchmark overrides the choice', () => {
    assertHardened(jsonScan(nodes['hardened-133']!).nodes[0]!, 'cis-1.12', '1.33.1', '1.12.0');
    const forced = jsonScan(nodes['hardened-133']!, ['--benchmark', 'cis-1.11']).nodes[0]!;
    assert.equal(forced.benchmark.id, 'cis-1.11');
  });

  test('weak control plane: exactly the planted CIS failures, each with benchmark version and evidence naming the file', () => {
    const report = jsonScan(nodes.weak!);
    const node = report.nodes[0]!;
    assert.equal(node.hostname, 'cp-weak');
    assert.equal(node.benchmark.id, 'cis-1.12');
    assert.deepEqual(cisFailures(node), [
      '1.1.1', // kube-apiserver.yaml 0644 (600 or stricter)
      '1.1.11', // /var/lib/etcd 0755 (700 or stricter)
      '1.1.12', // /var/lib/etcd root:root (etcd:etcd)
      '1.1.13', // admin.conf 0644
      '1.1.6', // kube-scheduler.yaml owned by ubuntu
      '1.2.15', // --profiling=true
      '1.2.17', // --audit-log-maxage=7 (< 30)
      '1.2.6', '1.2.7', '1.2.8', // --authorization-mode=AlwaysAllow: has AlwaysAllow, lacks Node and RBAC
      '1.3.2', // controller manager: --profiling unset (default true)
      '1.4.2', // scheduler --bind-address=0.0.0.0
      '2.2', // etcd --client-cert-auth=false
      '2.3', // etcd --auto-tls=true
      '4.1.1', // 10-kubeadm.conf 0644
      '4.1.10', '4.1.9', // /var/lib/kubelet 0775: a group-writable parent of config.yaml
      '4.2.10', // rotateCertificates: false
      '4.2.2', // authorization.mode: AlwaysAllow
      '4.3.1', // kube-proxy metricsBindAddress 0.0.0.0:10249
    ].sort());
    for (const f of report.findings.filter((x) => x.benchmark)) {
      assert.deepEqual({ id: f.benchmark!.id, version: f.benchmark!.version }, { id: 'cis-1.12', version: '1.12.0' });
      assert.match(f.message, new RegExp(`^CIS ${f.benchmark!.control.replaceAll('.', '\\.')} \\(CIS Kubernetes Benchmark 1\\.12\\.0\\)`));
      assert.deepEqual({ kind: f.resource.kind, name: f.resource.name }, { kind: 'Node', name: 'cp-weak' });
    }
    const [manifest] = cisFindings(report, '1.1.1');
    assert.equal(manifest!.checkId, 'KW-NODE-001');
    assert.deepEqual(manifest!.evidence.map((e) => [e.path, e.value]), [['/etc/kubernetes/manifests/kube-apiserver.yaml', '0644 root:root']]);
    assert.deepEqual(cisFindings(report, '1.1.6')[0]!.evidence.map((e) => [e.path, e.value]), [['/etc/kubernetes/manifests/kube-scheduler.yaml', '0600 ubuntu:ubuntu']]);
    assert.deepEqual(cisFindings(report, '1.1.12')[0]!.evidence.map((e) => [e.path, e.value]), [['/var/lib/etcd', '0755 root:root']]);
    // config.yaml itself is 0600 root:root: only its group-writable parent fails 4.1.9, on its own evidence line.
    const parent = cisFindings(report, '4.1.9')[0]!.evidence;
    assert.deepEqual(parent.map((e) => [e.path, e.value]), [['/var/lib/kubelet', '0775 root:root']]);
    assert.match(parent[0]!.detail!, /group-writable/);
    assert.match(parent[0]!.detail!, /\/var\/lib\/kubelet\/config\.yaml/);
    // A flag of the running kube-apiserver: evidence at /proc/<pid>/cmdline of the fixture's /proc.
    const profiling = cisFindings(report, '1.2.15')[0]!;
    assert.equal(profiling.checkId, 'KW-API-015');
    assert.equal(profiling.evidence[0]!.value, '--profiling=true');
    assert.equal(profiling.evidence[0]!.position!.file, path.join(nodes.weak!.proc, String(PID.apiserver), 'cmdline'));
    assert.equal(cisFindings(report, '2.3')[0]!.evidence[0]!.position!.file, path.join(nodes.weak!.proc, String(PID.etcd), 'cmdline'));
    // 1.2.1 is Manual in CIS 1.12: reported as manual, saying what the process runs with.
    const anonymous = check(node, '1.2.1');
    assert.equal(anonymous.status, 'manual');
    assert.match(anonymous.reason!, /--anonymous-auth=true/);
    // Kubelet config values with their line: `rotateCertificates: false` is line 18 of the config file.
    assert.deepEqual(cisFindings(report, '4.2.10')[0]!.evidence[0]!.position, { file: '/var/lib/kubelet/config.yaml', line: 18, column: 1 });
    // Host: every hardening check fails on this node.
    assert.deepEqual(node.checks.filter((c) => c.section === 'host').map((c) => [c.id, c.status]),
      ['201', '202', '203', '204', '205', '206', '207', '208', '209'].map((n) => [`KW-NODE-${n}`, 'fail']));
  });

  test('worker: control-plane sections not evaluated with a reason, 4.2.1 fails on the flag overriding the config file', () => {
    const report = jsonScan(nodes.worker!);
    const node = report.nodes[0]!;
    assert.deepEqual(node.roles, ['worker']);
    assert.equal(node.benchmark.id, 'cis-1.12'); // v1.32.3 stamped in /usr/bin/kubelet
    assert.equal(node.kubernetesVersion?.version, '1.32.3');
    for (const c of node.checks.filter((x) => /^[123]\./.test(x.id))) {
      assert.equal(c.status, 'not-evaluated', c.id);
      assert.match(c.reason!, c.id.startsWith('2.') ? /etcd does not run on this node/ : /no kube-apiserver on this node/, c.id);
    }
    assert.deepEqual(cisFailures(node), ['4.2.1']);
    const [anonymous] = cisFindings(report, '4.2.1');
    assert.equal(anonymous!.checkId, 'KW-NODE-036');
    const evidence = anonymous!.evidence[0]!;
    assert.equal(evidence.value, true);
    assert.equal(evidence.path, path.join(nodes.worker!.proc, String(PID.kubelet), 'cmdline'));
    assert.match(evidence.detail!, /--anonymous-auth=true/);
    // `enabled: false` is line 5 of the fixture's config.yaml
    assert.match(evidence.detail!, /overriding false \(config-file, \/var\/lib\/kubelet\/config\.yaml:5\)/);
    // Host checks run on workers: sshd_config line 3 is `PermitRootLogin yes`.
    assert.equal(check(node, 'KW-NODE-205').status, 'fail');
    const ssh = report.findings.find((f) => f.checkId === 'KW-NODE-205')!;
    assert.deepEqual([ssh.evidence[0]!.position!.file, ssh.evidence[0]!.position!.line, ssh.evidence[0]!.value], ['/etc/ssh/sshd_config', 3, 'PermitRootLogin yes']);
    assert.equal(check(node, 'KW-NODE-201').status, 'pass');
  });

  test('worker with a flags-only kubelet: the kubelet\'s flag defaults apply (anonymous auth on, AlwaysAllow, read-only port 10255)', () => {
    const node = jsonScan(nodes['worker-flags']!).nodes[0]!;
    for (const id of ['4.2.1', '4.2.2', '4.2.4', '4.2.10']) assert.equal(check(node, id).status, 'fail', id);
    assert.match(check(node, '4.2.4').reason!, /10255/);
    assert.equal(check(node, '4.2.3').status, 'pass'); // --client-ca-file is given
    assert.equal(check(node, '4.1.9').status, 'not-evaluated');
    assert.match(check(node, '4.1.9').reason!, /without a --config file/);
  });

  test('every report format carries the node findings with their CIS id', async () => {
    const out = (ext: string) => path.join(scratch, `weak.${ext}`);
    const r = kubeward([...nodeArgs(nodes.weak!), '-f', 'json', '-o', `sarif=${out('sarif')}`, '-o', `junit=${out('xml')}`, '-o', `html=${out('html')}`]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as ReportJson;
    const sarif = JSON.parse(await readFile(out('sarif'), 'utf8')) as { runs: { results: { ruleId: string; properties?: { benchmark?: { control: string; version: string } } }[] }[] };
    const validateSarif = sarifValidator();
    assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 3)));
    const withBenchmark = sarif.runs[0]!.results.filter((x) => x.properties?.benchmark);
    const expected = report.findings.filter((f) => f.benchmark).map((f) => `${f.checkId} ${f.benchmark!.control}`).sort();
    assert.ok(expected.length >= 20);
    assert.deepEqual(withBenchmark.map((x) => `${x.ruleId} ${x.properties!.benchmark!.control}`).sort(), expected);
    assert.ok(withBenchmark.every((x) => x.properties!.benchmark!.version === '1.12.0'));
    const junit = await readFile(out('xml'), 'utf8');
    assert.match(junit, /CIS 1\.1\.1\b/);
    assert.match(junit, /CIS 4\.2\.10\b/);
    const html = await readFile(out('html'), 'utf8');
    assert.match(html, /kw-node-matrix/);
    assert.match(html, /cp-weak/);
    const table = kubeward([...nodeArgs(nodes.weak!), '-f', 'table']);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /Nodes/);
    assert.match(table.stdout, /cp-weak · control-plane, etcd · CIS Kubernetes Benchmark v1\.12\.0/);
    assert.match(table.stdout, /NODE +1\.1 +1\.2/);
  });

  test('report merge: three node reports become one with the node × section matrix; a foreign JSON file is named and skipped', async () => {
    const files: string[] = [];
    for (const name of ['hardened', 'weak', 'worker']) {
      const r = kubeward([...nodeArgs(nodes[name]!), '-f', 'json']);
      assert.equal(r.status, 0, r.stderr);
      files.push(path.join(scratch, `${name}.json`));
      await writeFile(files.at(-1)!, r.stdout);
    }
    const merged = kubeward(['report', 'merge', ...files, '-f', 'json']);
    assert.equal(merged.status, 0, merged.stderr);
    const report = JSON.parse(merged.stdout) as ReportJson;
    assert.ok(validateReport(report), JSON.stringify(validateReport.errors?.slice(0, 3)));
    assert.deepEqual(report.nodes.map((n) => n.hostname), ['cp-hardened', 'cp-weak', 'worker-1']);
    assert.ok(report.findings.some((f) => f.resource.name === 'cp-weak') && report.findings.some((f) => f.resource.name === 'worker-1'));
    const table = kubeward(['report', 'merge', ...files, '-f', 'table']);
    assert.equal(table.status, 0, table.stderr);
    const rows = table.stdout.split('\n').map((l) => l.trim());
    assert.ok(rows.some((l) => /^NODE\s+1\.1\s+1\.2\s+1\.3\s+1\.4\s+2\s/.test(l)), table.stdout);
    for (const host of ['cp-hardened', 'cp-weak', 'worker-1']) assert.ok(rows.some((l) => l.startsWith(`${host} `) && /✓|✗|n\/e/.test(l)), host);
    assert.ok(rows.some((l) => /^worker-1\s+n\/e\s+n\/e/.test(l)), 'control-plane sections of the worker: nothing evaluated');

    const foreign = path.join(scratch, 'foreign.json');
    await writeFile(foreign, '{"apiVersion": "v1", "kind": "List", "items": []}\n');
    const partial = kubeward(['report', 'merge', files[0]!, foreign, files[1]!, files[2]!, '-f', 'json']);
    assert.equal(partial.status, 2);
    const lines = partial.stderr.trim().split('\n').filter((l) => !l.includes('note:'));
    assert.equal(lines.length, 1, partial.stderr);
    assert.ok(lines[0]!.includes(foreign), lines[0]);
    assert.match(lines[0]!, /not a kubeward/);
    assert.equal((JSON.parse(partial.stdout) as ReportJson).nodes.length, 3);
  });

  test('etcd-encryption --root/--proc: the endpoint defaults to the node\'s kube-apiserver --etcd-servers', () => {
    // Nothing listens on port 1: the error must name the endpoint taken from the fixture's manifest.
    const r = kubeward(['node', 'etcd-encryption', '--root', nodes['etcd-refused']!.root, '--proc', nodes['etcd-refused']!.proc]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /http:\/\/127\.0\.0\.1:1\b/);
  });

  test('bad input: --root that does not exist', () => {
    assertUsageError(['node', '--root', '/nonexistent-kubeward-root'], /nonexistent-kubeward-root/);
  });

  test('bad input: exit 2 with one line, no stack trace', () => {
    const cases: [string[], RegExp][] = [
      [['node', '--root', nodes.hardened!.root, '--benchmark', 'cis-0.1'], /cis-1\.12.*cis-1\.11|cis-1\.11.*cis-1\.12/],
      [['node', '--root', nodes.hardened!.root, '--targets', 'bogus'], /master, etcd, controlplane, node/],
    ];
    for (const [args, message] of cases) assertUsageError(args, message);
  });
});

/** A control plane whose API server talks to the test's etcd; etcd itself is not in the fixture (no manifest, no process). */
function controlPlaneWithoutEtcd(etcdUrl: string): NodeRootSpec {
  const spec = hardenedControlPlane({ hostname: 'cp-real-etcd', version: '1.33.1' });
  const flags = hardenedFlags('cp-real-etcd', etcdUrl);
  // Plain HTTP etcd: the API server has no etcd client certificate to present.
  flags.apiserver = flags.apiserver.filter((f) => !/^--etcd-(cafile|certfile|keyfile)=/.test(f));
  const cp = controlPlaneParts('1.33.1', flags, false);
  delete spec.files['/etc/kubernetes/manifests/etcd.yaml'];
  Object.assign(spec.files, Object.fromEntries(Object.entries(cp.files).filter(([p]) => !p.endsWith('/etcd.yaml'))));
  spec.processes = [{ pid: PID.init, argv: ['/sbin/init'] }];
  return spec;
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return ''; // the process exited meanwhile
  }
}

const SECRET_TEXT = 'correct-horse-battery-staple-PLAINTEXT';
const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64');

describe('kubeward node with a real etcd', { skip: etcdMissing() }, () => {
  let etcd: RunningEtcd;
  let root: NodeRoot;
  before(async () => {
    etcd = await startEtcd(path.join(scratch, 'etcd-data'));
    root = await writeNodeRoot(path.join(scratch, 'real-etcd'), controlPlaneWithoutEtcd(etcd.url));
    const values: [string, Buffer][] = [
      ['/registry/secrets/shop/db', Buffer.from(`k8s\u0000\n\u000c\n\u0002v1\u0012\u0006Secret${SECRET_TEXT}`, 'latin1')],
      ['/registry/secrets/shop/api', Buffer.from(`k8s\u0000\n\u000c\n\u0002v1\u0012\u0006Secret${SECRET_TEXT}-2`, 'latin1')],
      ['/registry/secrets/kube-system/token', Buffer.from(`k8s\u0000\n\u000c\n\u0002v1\u0012\u0006Secret${SECRET_TEXT}-3`, 'latin1')],
      ['/registry/secrets/bank/a', Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), Buffer.alloc(48, 7)])],
      ['/registry/secrets/bank/b', Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), Buffer.alloc(48, 9)])],
    ];
    for (const [key, value] of values) {
      const r = await etcdPost(etcd.url, '/v3/kv/put', { key: b64(key), value: b64(value) });
      assert.equal(r.status, 200, `put ${key}`);
    }
  });
  after(async () => {
    await etcd?.stop();
  });

  test('the etcd process is read from the real /proc and its flags are checked (2.x)', { timeout: 60_000 }, () => {
    const r = kubeward(['node', '--root', root.root, '--proc', '/proc', '--sys', root.sys, '-f', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as ReportJson;
    const node = report.nodes[0]!;
    assert.deepEqual(node.roles, ['control-plane', 'etcd']);
    // `etcd --listen-client-urls http://…` without TLS: 2.1 (cert/key), 2.2 (client-cert-auth), 2.4 (peer cert/key) and
    // 2.5 (peer-client-cert-auth) fail; auto-tls is not set (2.3, 2.6 pass); 2.7 is Manual.
    assert.deepEqual(['2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '2.7'].map((id) => [id, check(node, id).status]),
      [['2.1', 'fail'], ['2.2', 'fail'], ['2.3', 'pass'], ['2.4', 'fail'], ['2.5', 'fail'], ['2.6', 'pass'], ['2.7', 'manual']]);
    const ours = `/proc/${etcd.process.pid}/cmdline`;
    assert.ok(cisFindings(report, '2.1').some((f) => f.evidence.some((e) => e.position?.file === ours)), `2.1 names ${ours}`);
    // The data dir named by the real process is not inside the fixture root: not evaluated, naming it.
    assert.equal(check(node, '1.1.11').status, 'not-evaluated');
    // (Another etcd running on this machine may be found first: then its data dir is named.)
    assert.match(check(node, '1.1.11').reason!, /\/\S+ \(from .*\) does not exist/);
    const etcdProcesses = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && readFileSafe(`/proc/${p}/cmdline`).split('\0')[0]?.endsWith('etcd'));
    if (etcdProcesses.length === 1) assert.ok(check(node, '1.1.11').reason!.includes(path.join(scratch, 'etcd-data')), check(node, '1.1.11').reason);
  });

  test('etcd-encryption (table) counts plaintext and aescbc Secrets on the data, never printing a value', { timeout: 60_000 }, () => {
    const table = kubeward(['node', 'etcd-encryption', '--endpoints', etcd.url]);
    assert.equal(table.status, 0, table.stderr);
    // RESOURCE TOTAL PLAINTEXT aescbc/key1 UNKNOWN
    assert.match(table.stdout, /aescbc\/key1/);
    assert.match(table.stdout, /^secrets\s+5\s+3\s+2\s+0\s*$/m);
    assert.ok(!table.stdout.includes(SECRET_TEXT) && !table.stderr.includes(SECRET_TEXT));
  });

  test('etcd-encryption --format json', { timeout: 60_000 }, () => {
    const r = kubeward(['node', 'etcd-encryption', '--endpoints', etcd.url, '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { resources: { resource: string; total: number; plaintext: number; byProvider: { provider: string; keyName: string; count: number }[] }[] };
    const secrets = out.resources.find((x) => x.resource === 'secrets')!;
    assert.deepEqual([secrets.total, secrets.plaintext, secrets.byProvider], [5, 3, [{ provider: 'aescbc', keyName: 'key1', count: 2 }]]);
    assert.ok(!r.stdout.includes(SECRET_TEXT) && !r.stderr.includes(SECRET_TEXT));
  });

  test('kubeward node --etcd-data follows the API server\'s --etcd-servers and fails KW-NODE-301', { timeout: 60_000 }, () => {
    const r = kubeward([...nodeArgs(root), '--etcd-data', '-f', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as ReportJson;
    assert.ok(validateReport(report), JSON.stringify(validateReport.errors?.slice(0, 3)));
    assert.equal(check(report.nodes[0]!, 'KW-NODE-301').status, 'fail');
    assert.equal(check(report.nodes[0]!, 'KW-NODE-302').status, 'fail'); // aescbc envelopes
    const finding = report.findings.find((f) => f.checkId === 'KW-NODE-301')!;
    assert.match(JSON.stringify(finding), /3 of 5/);
    assert.ok(!r.stdout.includes(SECRET_TEXT));
  });
});
