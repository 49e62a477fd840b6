import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CheckCatalog } from '../core/catalog.js';
import { loadInventory } from '../inventory/index.js';
import { runChecks } from '../workloads/check.js';
import { inventoryFromYaml } from '../../test/support.js';
import { ACCESS_ANALYZER, ACCESS_CHECKS, accessCheckMetas, analyzeAccess } from './index.js';
import { DEFINITIONS, validateDefinitions } from './definitions.js';
import data from './cis-control-plane.json' with { type: 'json' };

const DIR = 'test/fixtures/control-plane';
const MANUAL = DEFINITIONS.checks.filter((d) => d.assessment === 'manual').map((d) => d.id);

/** 1-based line of the first line of `file` that contains `needle`. */
const lineOf = (file: string, needle: string): number => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

test('the catalog: KW-API-001 … KW-API-050 in order, complete entries, category access, aliases users search for', () => {
  const metas = accessCheckMetas();
  assert.deepEqual(metas.map((m) => m.id), Array.from({ length: 50 }, (_, i) => `KW-API-${String(i + 1).padStart(3, '0')}`));
  const catalog = new CheckCatalog(metas);
  for (const m of metas) {
    assert.equal(m.category, 'access');
    for (const field of ['title', 'description', 'rationale', 'remediation'] as const) assert.ok(m[field].length > 10, `${m.id} ${field}`);
    assert.ok(m.references.length > 0 && m.references.every((r) => r.startsWith('https://')), `${m.id} references`);
    assert.equal(new Set(m.aliases.map((a) => `${a.framework} ${a.id}`)).size, m.aliases.length, `${m.id} duplicate alias`);
  }
  assert.deepEqual(catalog.byAlias('CIS', '1.2.6').map((m) => m.id), ['KW-API-006']);
  assert.deepEqual(catalog.byAlias('KCV', 'KCV-0043').map((m) => m.id), ['KW-API-045']);
  assert.deepEqual(catalog.byAlias('Kubescape', 'C-0113').map((m) => m.id), ['KW-API-001']);
  assert.deepEqual(catalog.byAlias('CIS', '1.2.28').map((m) => m.id), ['KW-API-032', 'KW-API-033', 'KW-API-034']);
  assert.match(catalog.get('KW-API-001')!.description, /Manual, so kubeward never reports it as a finding or a pass/);
  assert.equal(ACCESS_ANALYZER.name, 'access');
  assert.equal(ACCESS_ANALYZER.checks().length, 50);
});

test('every recommendation of CIS 1.12 sections 1.2, 1.3, 1.4 and 2 is covered by a check', () => {
  const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  const ids = [...range('1.2.', 30), ...range('1.3.', 7), ...range('1.4.', 2), ...range('2.', 7), '3.2.1'];
  const covered = new Set(DEFINITIONS.checks.flatMap((d) => d.aliases.cis));
  assert.deepEqual(ids.filter((id) => !covered.has(id)), []);
});

test('the definitions file is validated: a bad op, an unknown flag or a duplicate id is refused', () => {
  const clone = (): typeof data => JSON.parse(JSON.stringify(data)) as typeof data;
  const badOp = clone();
  (badOp.checks[1]!.tests[0] as { op: string }).op = 'looks-fine';
  assert.throws(() => validateDefinitions(badOp), /unknown op looks-fine/);
  const badFlag = clone();
  badFlag.checks[1]!.tests[0]!.flag = 'no-such-flag';
  assert.throws(() => validateDefinitions(badFlag), /--no-such-flag is not described/);
  const dup = clone();
  dup.checks[2]!.id = dup.checks[1]!.id;
  assert.throws(() => validateDefinitions(dup), /defined twice/);
});

test('hardened kubeadm control plane: no finding; only the manual checks, as not evaluated', async () => {
  const { inventory } = await loadInventory([`${DIR}/hardened`]);
  const out = analyzeAccess(inventory);
  assert.deepEqual(out.findings.map((f) => `${f.checkId} ${f.message}`), []);
  assert.deepEqual(out.notEvaluated.map((n) => n.target).sort(), [...MANUAL].sort());
  for (const n of out.notEvaluated) assert.match(n.reason, /^CIS [\d.]+ \(Manual\) — .* Manual step: /);
  const etcdCa = out.notEvaluated.find((n) => n.target === 'KW-API-050')!;
  assert.match(etcdCa.reason, /differs from --client-ca-file of kube-apiserver/);
});

test('weak control plane: the findings, each pointing at the argument (or where it would go) with file and line', async () => {
  const { inventory } = await loadInventory([`${DIR}/weak`]);
  const out = analyzeAccess(inventory);
  const ids = out.findings.map((f) => f.checkId);
  assert.deepEqual(ids, [
    'KW-API-002', 'KW-API-004', 'KW-API-005', 'KW-API-006', 'KW-API-007', 'KW-API-008', 'KW-API-010', 'KW-API-012', 'KW-API-013',
    'KW-API-014', 'KW-API-015', 'KW-API-017', 'KW-API-018', 'KW-API-019', 'KW-API-021', 'KW-API-022', 'KW-API-023', 'KW-API-024',
    'KW-API-026', 'KW-API-029', 'KW-API-031', 'KW-API-036', 'KW-API-037', 'KW-API-038', 'KW-API-039', 'KW-API-040', 'KW-API-041',
    'KW-API-042', 'KW-API-043', 'KW-API-044', 'KW-API-045', 'KW-API-046', 'KW-API-047', 'KW-API-048', 'KW-API-049',
    'KW-API-032', 'KW-API-034',
  ]);
  for (const id of MANUAL) assert.ok(!ids.includes(id), `${id} is manual: never a finding`);
  const f = (id: string) => out.findings.find((x) => x.checkId === id)!;
  const api = `${DIR}/weak/kube-apiserver.yaml`;

  // the exact argument, its value, file:line
  const allow = f('KW-API-006');
  assert.equal(allow.severity, 'critical');
  assert.equal(allow.container, 'apiserver');
  assert.equal(allow.resource.name, 'kube-apiserver-legacy');
  assert.deepEqual(allow.evidence.map((e) => [e.path, e.value, e.position?.file, e.position?.line]), [
    ['spec.containers[0].args[3]', '--authorization-mode=AlwaysAllow', api, lineOf(api, '--authorization-mode=AlwaysAllow')],
  ]);
  // `--flag value`: the value's argument
  assert.deepEqual(f('KW-API-012').evidence.map((e) => [e.path, e.value, e.position?.line]), [['spec.containers[0].args[8]', 'ServiceAccount,NamespaceLifecycle', lineOf(api, '- ServiceAccount,NamespaceLifecycle')]]);
  assert.match(f('KW-API-012').message, /`--disable-admission-plugins ServiceAccount,NamespaceLifecycle` \(args\[7\] and args\[8\]\) turns off the ServiceAccount admission plugin/);
  // missing flags: where they would go, no value
  const kubelet = f('KW-API-004');
  assert.deepEqual(kubelet.evidence.map((e) => [e.path, e.value, e.position?.line]), [
    ['spec.containers[0].args', undefined, lineOf(api, '    args:')],
    ['spec.containers[0].args', undefined, lineOf(api, '    args:')],
  ]);
  assert.match(kubelet.evidence[1]!.detail!, /--kubelet-client-key is not set; add it to spec.containers\[0\]\.args/);
  // defaults stated
  assert.match(f('KW-API-029').message, /--service-account-extend-token-expiration is not set, so its default true applies/);
  assert.match(f('KW-API-022').message, /when absent, kube-apiserver verifies service-account tokens with --tls-private-key-file/);
  // bare boolean
  assert.deepEqual(f('KW-API-015').evidence.map((e) => [e.path, e.value]), [['spec.containers[0].args[9]', '--profiling']]);
  // image-recognised controller manager, feature gate inside a map flag
  assert.match(f('KW-API-040').message, /sets RotateKubeletServerCertificate=false/);
  // the scheduler runs from a shell script: evidence is the script line
  const sched = `${DIR}/weak/kube-scheduler.yaml`;
  assert.deepEqual(f('KW-API-043').evidence.map((e) => [e.path, e.position?.line]), [['spec.containers[0].command[2]', lineOf(sched, 'exec /usr/local/bin/kube-scheduler')]]);
  assert.match(f('KW-API-043').message, /default 0\.0\.0\.0 applies; expected 127\.0\.0\.1; add it to the kube-scheduler command in the script at command\[2\]/);
  // etcd from env: the env entry
  const etcd = `${DIR}/weak/etcd.yaml`;
  assert.deepEqual(f('KW-API-045').evidence.map((e) => [e.path, e.value, e.position?.line]), [['spec.containers[0].env[3].value', 'false', lineOf(etcd, 'value: "false"')]]);
  assert.deepEqual(f('KW-API-044').evidence.map((e) => e.path), ['spec.containers[0].command', 'spec.containers[0].command', 'spec.containers[0].env[0].value']);
  // the encryption configuration named by --encryption-provider-config is among the inputs: evaluated
  assert.equal(f('KW-API-032').resource.source?.file, `${DIR}/weak/encryption-config.yaml`);
  assert.ok(!out.notEvaluated.some((n) => ['KW-API-032', 'KW-API-033', 'KW-API-034'].includes(n.target)));
  // manual checks report what the manifest shows
  const anon = out.notEvaluated.find((n) => n.target === 'KW-API-001')!;
  assert.match(anon.reason, /^CIS 1\.2\.1 \(Manual\) — kube-apiserver in Pod kube-system\/kube-apiserver-legacy \(test\/fixtures\/control-plane\/weak\/kube-apiserver\.yaml:\d+\), container apiserver: `--anonymous-auth=true` \(args\[2\]\)/);
  const ciphers = out.notEvaluated.find((n) => n.target === 'KW-API-028')!;
  assert.match(ciphers.reason, /allows TLS_RSA_WITH_AES_128_CBC_SHA, outside the allowed list/);
  const gc = out.notEvaluated.find((n) => n.target === 'KW-API-035')!;
  assert.match(gc.reason, /--terminated-pod-gc-threshold is not set \(default 12500\)/);
});

test('runChecks over ACCESS_CHECKS finds what analyzeAccess finds', async () => {
  const { inventory } = await loadInventory([`${DIR}/weak`]);
  const key = (f: { checkId: string; resource: { name: string }; evidence: { path: string }[] }) => `${f.checkId} ${f.resource.name} ${f.evidence.map((e) => e.path).join(',')}`;
  assert.deepEqual(runChecks(ACCESS_CHECKS, { inventory }).map(key).sort(), analyzeAccess(inventory).findings.map(key).sort());
});

test('--encryption-provider-config names a file that is not among the inputs: not evaluated, never passed', () => {
  const api = readFileSync(`${DIR}/hardened/kube-apiserver.yaml`, 'utf8');
  const alone = analyzeAccess(inventoryFromYaml(api, 'kube-apiserver.yaml'));
  const enc = alone.notEvaluated.filter((n) => ['KW-API-032', 'KW-API-033', 'KW-API-034'].includes(n.target));
  assert.equal(enc.length, 3);
  assert.match(enc[0]!.reason, /reads its encryption configuration from \/etc\/kubernetes\/enc\/encryption-config\.yaml \(`--encryption-provider-config=\/etc\/kubernetes\/enc\/encryption-config\.yaml` \(command\[14\]\)\), which is not among the inputs: encryption at rest could not be evaluated/);
  const other = readFileSync(`${DIR}/encryption/aescbc.yaml`, 'utf8');
  const inventory = inventoryFromYaml(`${api}\n---\n${other}`, 'all-in-one.yaml');
  const mismatch = analyzeAccess(inventory).notEvaluated.find((n) => n.target === 'KW-API-032')!;
  assert.match(mismatch.reason, /the inputs hold all-in-one\.yaml, under other file names/);
});

test('components missing while others are present are reported per check; inputs without a control plane produce nothing', async () => {
  const { inventory } = await loadInventory([`${DIR}/weak/kube-apiserver.yaml`]);
  const out = analyzeAccess(inventory);
  const missing = out.notEvaluated.filter((n) => /among the inputs \(found kube-apiserver\)/.test(n.reason)).map((n) => n.target);
  const expected = DEFINITIONS.checks.filter((d) => ['kube-controller-manager', 'kube-scheduler', 'etcd'].includes(d.component)).map((d) => d.id);
  assert.deepEqual(missing, expected);
  assert.match(out.notEvaluated.find((n) => n.target === 'KW-API-045')!.reason, /etcd may be external or managed/);
  const app = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } });
  assert.deepEqual(analyzeAccess(inventoryFromYaml(app)), { findings: [], notEvaluated: [] });
});

test('values that cannot be known become not-evaluated entries naming the check and why', () => {
  const yaml = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 's', namespace: 'kube-system' }, spec: { containers: [{ name: 's', image: 'registry.k8s.io/kube-scheduler:v1.32.0', command: ['kube-scheduler', '--config=/etc/kubernetes/scheduler-config.yaml', '--bind-address=127.0.0.1'] }] } });
  const out = analyzeAccess(inventoryFromYaml(yaml));
  assert.deepEqual(out.findings, []);
  const profiling = out.notEvaluated.find((n) => n.target === 'KW-API-042')!;
  assert.match(profiling.reason, /`--config=\/etc\/kubernetes\/scheduler-config\.yaml` \(command\[1\]\) names a configuration file that takes over this flag/);
});

test('an HA control plane gets findings per API server; a stray `false` after a boolean flag is explained', () => {
  const apiserver = (name: string, argv: string[]) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'kube-system' }, spec: { containers: [{ name: 'kube-apiserver', image: 'registry.k8s.io/kube-apiserver:v1.32.0', command: ['kube-apiserver', ...argv] }] } });
  const out = analyzeAccess(inventoryFromYaml([apiserver('a', ['--profiling', 'false']), apiserver('b', ['--profiling=false'])].join('\n---\n')));
  const profiling = out.findings.filter((f) => f.checkId === 'KW-API-015');
  assert.deepEqual(profiling.map((f) => f.resource.name), ['a']);
  assert.match(profiling[0]!.message, /`false` after it is not its value: a boolean flag takes a value only as --profiling=false/);
  assert.equal(out.findings.filter((f) => f.checkId === 'KW-API-006').length, 2, 'both default to AlwaysAllow');
});

test('etcd trusting the cluster CA is pointed out in the manual CA check', () => {
  const pod = (name: string, command: string[]) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'kube-system' }, spec: { containers: [{ name, image: 'x', command }] } });
  const yaml = [pod('kube-apiserver', ['kube-apiserver', '--client-ca-file=/etc/kubernetes/pki/ca.crt']), pod('etcd', ['etcd', '--trusted-ca-file=/etc/kubernetes/pki/ca.crt'])].join('\n---\n');
  const reason = analyzeAccess(inventoryFromYaml(yaml)).notEvaluated.find((n) => n.target === 'KW-API-050')!.reason;
  assert.match(reason, /is the same file as --client-ca-file of kube-apiserver .* etcd trusts every certificate the cluster CA signs/);
});

test('an API server without --encryption-provider-config stores Secrets in plaintext: KW-API-032 on the API server pod', () => {
  const api = readFileSync(`${DIR}/hardened/kube-apiserver.yaml`, 'utf8').split('\n').filter((l) => !l.includes('--encryption-provider-config')).join('\n');
  const { findings } = analyzeAccess(inventoryFromYaml(api, 'kube-apiserver.yaml'));
  const plaintext = findings.filter((f) => f.checkId === 'KW-API-032');
  assert.equal(plaintext.length, 1);
  assert.equal(plaintext[0]!.resource.kind, 'Pod');
  assert.match(plaintext[0]!.message, /no --encryption-provider-config: every Secret is stored in etcd \(and its backups\) in plaintext/);
  assert.match(plaintext[0]!.evidence[0]!.path, /^spec\.containers\[0\]\.(command|args)$/);
});
