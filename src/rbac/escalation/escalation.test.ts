// Escalation chains on test/fixtures/rbac-risky/escalation: 1, 2 and 3 steps, cycles, dead ends,
// named targets, group members, bootstrap subjects, and the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../inventory/index.js';
import type { Subject } from '../index.js';
import { runEscalations } from '../../cli/rbac-escalations.js';
import { analyzeEscalations, chainJson, formatChain, formatReaching, isBootstrapChain, parseSubject, type EscalationAnalysis, type EscalationChain } from './index.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/rbac-risky', import.meta.url));
const escalationFile = path.join(fixtures, 'escalation', 'escalation.yaml');

async function analysisOf(...files: string[]): Promise<EscalationAnalysis> {
  const loaded = await loadInventory(files);
  assert.deepEqual(loaded.errors, []);
  return analyzeEscalations(loaded.inventory);
}

const analysis = await analysisOf(escalationFile);
const user = (name: string): Subject => ({ kind: 'User', name });
const sa = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', namespace, name });

function chainOf(subject: Subject, target?: Subject | 'cluster-admin'): EscalationChain {
  const chain = analysis.escalationsOf(subject, target);
  assert.ok(chain, `${subject.kind} ${subject.name} should reach ${target === undefined ? 'cluster-admin' : JSON.stringify(target)}`);
  return chain;
}

/** `kind → to` per step. */
const shape = (chain: EscalationChain): string[] => chain.steps.map((s) => `${s.kind} → ${s.to}`);

test('one step: holding cluster-admin, binding it, issuing a certificate, escalating a role, impersonating system:masters', () => {
  assert.deepEqual(shape(chainOf(sa('ops', 'deployer'))), ['holds → cluster-admin']);
  assert.deepEqual(shape(chainOf(user('granter'))), ['bind → cluster-admin']);
  assert.deepEqual(shape(chainOf(user('signer'))), ['issue-certificate → cluster-admin']);
  assert.deepEqual(shape(chainOf(user('esc'))), ['escalate → cluster-admin']);
  const imp = chainOf(user('imp'));
  assert.deepEqual(shape(imp), ['impersonate → cluster-admin']);
  assert.match(imp.steps[0]!.action, /^impersonates Group system:masters/);
  assert.deepEqual(imp.steps[0]!.then, ['members of system:masters are allowed everything by the API server, before RBAC is asked']);
  assert.equal(imp.steps[0]!.grants.length, 2, 'the group and the user it impersonates with');

  const step = chainOf(sa('ops', 'deployer')).steps[0]!;
  assert.equal(step.grants[0]!.binding.name, 'deployer-admin');
  assert.equal(path.basename(step.grants[0]!.binding.source.file), 'escalation.yaml');
  assert.equal(step.grants[0]!.binding.source.line, 8);
  assert.equal(step.grants[0]!.role.name, 'cluster-admin');
  assert.equal(step.grants[0]!.rule.text, '{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}');
});

test('two steps: through a pod, a token request, a token Secret, the kubelet', () => {
  assert.deepEqual(shape(chainOf(user('two'))), ['create-pods → ServiceAccount ops/deployer', 'holds → cluster-admin']);
  assert.deepEqual(shape(chainOf(user('token'))), ['token-request → ServiceAccount ops/deployer', 'holds → cluster-admin']);
  const peeker = chainOf(user('peeker'));
  assert.deepEqual(shape(peeker), ['read-secrets → ServiceAccount legacy/old-admin', 'holds → cluster-admin']);
  assert.deepEqual(peeker.steps[0]!.then, ['ServiceAccount legacy/old-admin (the token in Secret legacy/old-admin-token)']);
  const prober = chainOf(user('kubelet-prober'));
  assert.deepEqual(shape(prober), ['nodes-proxy → ServiceAccount ops/deployer', 'holds → cluster-admin']);
  assert.match(prober.steps[0]!.then.at(-1)!, /the token of Deployment ops\/release-bot/);
});

test('three steps: impersonate a user who can create pods where an admin account lives', () => {
  const three = chainOf(user('three'));
  assert.deepEqual(shape(three), ['impersonate → User two', 'create-pods → ServiceAccount ops/deployer', 'holds → cluster-admin']);
  assert.deepEqual(three.steps.map((s) => s.actor), ['User three', 'User two', 'ServiceAccount ops/deployer']);
  assert.equal(three.steps[0]!.grants[0]!.rule.text, '{apiGroups: [""], resources: [users], resourceNames: [two], verbs: [impersonate]}');
});

test('cycles: ring/a and ring/b impersonate each other; the shortest way out is found, the loop that goes nowhere ends', () => {
  assert.deepEqual(shape(chainOf(sa('ring', 'b'))), ['create-pods → ServiceAccount ops/deployer', 'holds → cluster-admin']);
  assert.deepEqual(shape(chainOf(sa('ring', 'a'))), ['impersonate → ServiceAccount ring/b', 'create-pods → ServiceAccount ops/deployer', 'holds → cluster-admin']);
  assert.equal(analysis.escalationsOf(sa('loop', 'left')), undefined);
  assert.deepEqual(shape(chainOf(sa('loop', 'left'), sa('loop', 'right'))), ['impersonate → ServiceAccount loop/right']);
  assert.deepEqual(shape(chainOf(sa('loop', 'right'), sa('loop', 'left'))), ['impersonate → ServiceAccount loop/left']);
});

test('unreachable: a reader, group impersonation without a user to impersonate, strangers', () => {
  assert.equal(analysis.escalationsOf(user('watcher')), undefined);
  assert.equal(analysis.escalationsOf(user('grp-only')), undefined, 'Impersonate-Group needs an impersonated user');
  assert.equal(analysis.escalationsOf(user('stranger')), undefined);
  assert.equal(analysis.escalationsOf(user('two'), user('nobody-at-all')), undefined);
  assert.equal(analysis.escalationsOf(user('watcher'), user('three')), undefined, 'a reader becomes nobody');
  assert.deepEqual(shape(chainOf(sa('ops', 'deployer'), user('three'))), ['impersonate → User three'], 'cluster-admin impersonates anyone');
});

test('named targets: a ServiceAccount, a user', () => {
  assert.deepEqual(shape(chainOf(user('three'), sa('ops', 'deployer'))), ['impersonate → User two', 'create-pods → ServiceAccount ops/deployer']);
  assert.deepEqual(shape(chainOf(user('three'), user('two'))), ['impersonate → User two']);
});

test('group members: a ServiceAccount acts through its namespace group, even one the input does not define', () => {
  const builder = chainOf(sa('ci', 'builder'));
  assert.deepEqual(shape(builder), ['create-pods → ServiceAccount ops/deployer', 'holds → cluster-admin']);
  assert.deepEqual(builder.steps[0]!.via, ['Group system:serviceaccounts:ci']);
  assert.deepEqual(shape(chainOf(sa('ci', 'ghost'))), ['create-pods → ServiceAccount ops/deployer', 'holds → cluster-admin']);
  const masters = chainOf({ kind: 'Group', name: 'system:masters' });
  assert.equal(masters.steps.length, 0);
  assert.ok(isBootstrapChain(masters));
});

test('every subject that can reach cluster-admin, shortest first; members of a listed group are summed up', () => {
  const all = analysis.reaching();
  const bySubject = new Map(all.map((c) => [c.subject, c.steps.length]));
  assert.deepEqual(Object.fromEntries([...bySubject].filter(([, n]) => n === 1).sort()), {
    'ServiceAccount legacy/old-admin': 1, 'ServiceAccount ops/deployer': 1, 'User esc': 1, 'User granter': 1, 'User imp': 1, 'User signer': 1,
  });
  assert.equal(bySubject.get('User three'), 3);
  assert.equal(bySubject.get('ServiceAccount ring/a'), 3);
  assert.equal(bySubject.get('Group system:serviceaccounts:ci'), 2);
  for (const none of ['User watcher', 'User grp-only', 'ServiceAccount loop/left', 'Group system:masters', 'ServiceAccount ci/ghost', 'User stranger']) assert.ok(!bySubject.has(none), none);
  const lengths = all.map((c) => c.steps.length);
  assert.deepEqual(lengths, [...lengths].sort((a, b) => a - b));

  const text = formatReaching('cluster-admin', all);
  assert.match(text, /^\d+ subject\(s\) can become cluster-admin:/);
  assert.match(text, /Group system:serviceaccounts:ci — 2 steps\n {2}1\. Group system:serviceaccounts:ci creates a pod/);
  assert.match(text, /Every member reaches it the same way: ServiceAccount ci\/builder, ServiceAccount ci\/default, ServiceAccount ci\/tester\./);
  assert.doesNotMatch(text, /\nServiceAccount ci\/builder — /);
});

test('bootstrap subjects are reached through, but not listed unless asked', async () => {
  const withBootstrap = await analysisOf(escalationFile, path.join(fixtures, 'bootstrap.yaml'));
  const controller = sa('kube-system', 'daemon-set-controller');
  const chain = withBootstrap.escalationsOf(controller);
  assert.ok(chain);
  assert.deepEqual(chain.steps.map((s) => s.kind), ['create-pods', 'holds']);
  assert.equal(chain.steps[0]!.bootstrap, true);
  assert.ok(!withBootstrap.reaching().some((c) => c.subject === 'ServiceAccount kube-system/daemon-set-controller'));
  assert.ok(withBootstrap.reaching(undefined, { includeBootstrap: true }).some((c) => c.subject === 'ServiceAccount kube-system/daemon-set-controller'));
  // a later step may be a bootstrap grant: whoever runs a pod as the aggregation controller can escalate roles
  assert.deepEqual(shape(withBootstrap.escalationsOf(sa('kube-system', 'clusterrole-aggregation-controller'))!), ['escalate → cluster-admin']);
});

test('text and JSON renderings name every step and its grants', () => {
  const text = formatChain('User three', 'cluster-admin', chainOf(user('three')));
  assert.match(text, /^User three can become cluster-admin in 3 steps:\n {2}1\. User three impersonates User two → User two\n {7}via ClusterRoleBinding three-impersonates-two \(.*escalation\.yaml:28\) → ClusterRole impersonate-two → rules\[0\]/);
  assert.match(text, /\n {2}3\. ServiceAccount ops\/deployer holds every permission cluster-wide .* → cluster-admin\n/);
  assert.equal(formatChain('User watcher', 'cluster-admin', undefined), 'User watcher cannot become cluster-admin: no escalation path in the input.\n');
  const json = chainJson(chainOf(user('two'))) as { steps: { kind: string; grants: { binding: { name: string; line: number }; rule: { text: string } }[] }[] };
  assert.deepEqual(json.steps.map((s) => s.kind), ['create-pods', 'holds']);
  assert.deepEqual([json.steps[0]!.grants[0]!.binding.name, json.steps[0]!.grants[0]!.binding.line], ['two-creates-pods', 18]);
});

test('parseSubject', () => {
  assert.deepEqual(parseSubject('alice'), { kind: 'User', name: 'alice' });
  assert.deepEqual(parseSubject('system:serviceaccount:ops:deployer'), { kind: 'ServiceAccount', namespace: 'ops', name: 'deployer' });
  assert.deepEqual(parseSubject('group:system:masters'), { kind: 'Group', name: 'system:masters' });
  assert.deepEqual(parseSubject('Group:devs'), { kind: 'Group', name: 'devs' });
  assert.deepEqual(parseSubject('ServiceAccount:ops/deployer'), { kind: 'ServiceAccount', namespace: 'ops', name: 'deployer' });
  assert.deepEqual(parseSubject('user:group:odd'), { kind: 'User', name: 'group:odd' });
  assert.equal(parseSubject('system:serviceaccount:bad'), undefined);
  assert.equal(parseSubject('ServiceAccount:nonamespace'), undefined);
  assert.equal(parseSubject(''), undefined);
});

function capture(): { io: { stdout: (t: string) => void; stderr: (t: string) => void }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t) }, out: () => out, err: () => err };
}

test('CLI: one subject, every subject, --to, JSON', async () => {
  let c = capture();
  assert.equal(await runEscalations('three', { filename: [escalationFile], format: 'table' }, c.io), 0);
  assert.match(c.out(), /^User three can become cluster-admin in 3 steps:/);
  assert.equal(c.err(), '');

  c = capture();
  assert.equal(await runEscalations('watcher', { filename: [escalationFile] }, c.io), 0, 'no path is an answer, not an error');
  assert.match(c.out(), /cannot become cluster-admin/);

  c = capture();
  assert.equal(await runEscalations(undefined, { filename: [escalationFile] }, c.io), 0);
  assert.match(c.out(), /subject\(s\) can become cluster-admin:/);

  c = capture();
  assert.equal(await runEscalations('three', { filename: [escalationFile], to: 'system:serviceaccount:ops:deployer', format: 'json' }, c.io), 0);
  const answer = JSON.parse(c.out()) as { subject: string; target: string; reachable: boolean; chain: { steps: unknown[] } };
  assert.deepEqual([answer.subject, answer.target, answer.reachable, answer.chain.steps.length], ['User three', 'ServiceAccount ops/deployer', true, 2]);

  c = capture();
  assert.equal(await runEscalations(undefined, { filename: [escalationFile], format: 'json' }, c.io), 0);
  const list = JSON.parse(c.out()) as { target: string; subjects: { subject: string }[]; omittedBootstrap: number };
  assert.equal(list.target, 'cluster-admin');
  assert.ok(list.subjects.some((s) => s.subject === 'User three'));
});

test('CLI: usage errors and input errors exit 2, one line each', async () => {
  let c = capture();
  assert.equal(await runEscalations('three', {}, c.io), 2);
  assert.equal(c.err(), 'kubeward: no input: give manifests with -f PATH (files, directories, - for stdin)\n');

  c = capture();
  assert.equal(await runEscalations('system:serviceaccount:broken', { filename: [escalationFile] }, c.io), 2);
  assert.match(c.err(), /^kubeward: invalid subject "system:serviceaccount:broken": expected/);
  assert.equal(c.out(), '');

  c = capture();
  assert.equal(await runEscalations('three', { filename: [escalationFile], to: 'ServiceAccount:x' }, c.io), 2);
  assert.match(c.err(), /^kubeward: invalid --to "ServiceAccount:x"/);

  c = capture();
  const missing = path.join(fixtures, 'escalation', 'does-not-exist.yaml');
  assert.equal(await runEscalations('three', { filename: [escalationFile, missing] }, c.io), 2);
  assert.match(c.out(), /^User three can become cluster-admin in 3 steps:/, 'what could be read is still answered');
  const lines = c.err().trimEnd().split('\n');
  assert.equal(lines[0], 'kubeward: 1 input error(s); the rest was read:');
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /^ {2}.*does-not-exist\.yaml: /);
});

test('namespace escalations: bind or escalate in a namespace reach its ServiceAccounts; exec reaches the accounts of its pods', async () => {
  const risky = await analysisOf(path.join(fixtures, 'risky.yaml'), path.join(fixtures, 'workloads.yaml'));
  const devDefault = sa('dev', 'default');
  assert.deepEqual(risky.escalationsOf(user('dev-binder'), devDefault)?.steps.map((s) => s.kind), ['bind']);
  assert.deepEqual(risky.escalationsOf(user('dev-escalator'), devDefault)?.steps.map((s) => s.kind), ['escalate']);
  assert.deepEqual(risky.escalationsOf(user('dev-impersonator'), devDefault)?.steps.map((s) => s.kind), ['impersonate']);
  assert.deepEqual(risky.escalationsOf(user('dev-token'), devDefault)?.steps.map((s) => s.kind), ['token-request']);
  assert.equal(risky.escalationsOf(user('dev-attach'), devDefault), undefined, 'no pod of dev runs as default in the input');
  assert.deepEqual(risky.escalationsOf(user('exec-all'), sa('monitoring', 'collector'))?.steps.map((s) => s.kind), ['exec']);
  assert.equal(risky.escalationsOf(user('exec-all'), sa('shop', 'web')), undefined, 'shop/web mounts no token');
  // a RoleBinding in kube-system that delegates binding ClusterRoles: any ServiceAccount of kube-system
  assert.deepEqual(risky.escalationsOf(user('ks-binder'), sa('kube-system', 'default'))?.steps.map((s) => s.kind), ['bind']);
  assert.equal(risky.escalationsOf(user('dev-binder'), sa('kube-system', 'default')), undefined);
});
