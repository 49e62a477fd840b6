// The evaluator on test/fixtures/rbac: a small default policy (aggregated admin/edit/view with empty
// stored rules, the scheduler, discovery), application teams, and broken bindings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inventory, loadInventory } from '../inventory/index.js';
import { buildRbacIndex, type RbacIndex, type RequestArgs, type UserInfo } from './index.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/rbac', import.meta.url));
const loaded = await loadInventory([fixtures]);
const index = buildRbacIndex(loaded.inventory);

function can(user: string | UserInfo, verb: string, resource: string, extra: Omit<RequestArgs, 'verb' | 'resource'> = {}): boolean {
  return decide(user, verb, resource, extra).allowed;
}

function decide(user: string | UserInfo, verb: string, resource: string, extra: Omit<RequestArgs, 'verb' | 'resource'> = {}): ReturnType<RbacIndex['canI']> {
  const { request } = index.request({ verb, resource, ...extra });
  return index.canI({ ...request, user });
}

const sa = (ns: string, name: string): string => `system:serviceaccount:${ns}:${name}`;

test('the fixtures load without input errors', () => {
  assert.deepEqual(loaded.errors, []);
  assert.equal(index.stats.aggregatedClusterRoles, 3);
});

test('view cannot read secrets, edit can, admin aggregates both (and its own rules)', () => {
  // bob: RoleBinding prod → view; ci: RoleBinding dev → edit; alice: RoleBinding dev → admin
  assert.equal(can('bob', 'get', 'pods', { namespace: 'prod' }), true);
  assert.equal(can('bob', 'get', 'secrets', { namespace: 'prod' }), false);
  assert.equal(can('bob', 'get', 'pods/exec', { namespace: 'prod' }), false);
  assert.equal(can(sa('dev', 'ci'), 'get', 'secrets', { namespace: 'dev' }), true);
  assert.equal(can(sa('dev', 'ci'), 'get', 'pods/log', { namespace: 'dev' }), true, 'view aggregated into edit');
  assert.equal(can(sa('dev', 'ci'), 'create', 'rolebindings', { namespace: 'dev' }), false, 'admin-only');
  assert.equal(can('alice', 'get', 'secrets', { namespace: 'dev' }), true, 'edit aggregated into admin');
  assert.equal(can('alice', 'list', 'cronjobs', { namespace: 'dev' }), true, 'view aggregated into edit, into admin');
  assert.equal(can('alice', 'create', 'rolebindings', { namespace: 'dev' }), true);
  assert.equal(can('alice', 'impersonate', 'serviceaccounts', { namespace: 'dev' }), true);

  const grant = decide('alice', 'list', 'cronjobs', { namespace: 'dev' }).grants[0]!;
  assert.equal(grant.role.name, 'admin');
  assert.equal(grant.role.aggregated, true);
  assert.equal(grant.rule.aggregatedFrom, 'system:aggregate-to-view', 'the rule names the ClusterRole it was aggregated from');
});

test('every yes names its grant: binding with file and line, role, rule index and text', () => {
  const d = decide('system:kube-scheduler', 'create', 'pods/binding', { namespace: 'default' });
  assert.equal(d.allowed, true);
  const g = d.grants[0]!;
  assert.deepEqual([g.binding.kind, g.binding.name, path.basename(g.binding.source.file), g.binding.source.line], ['ClusterRoleBinding', 'system:kube-scheduler', 'default-policy.yaml', 203]);
  assert.deepEqual([g.role.kind, g.role.name], ['ClusterRole', 'system:kube-scheduler']);
  assert.equal(g.rule.index, 2);
  assert.equal(g.rule.text, '{apiGroups: [""], resources: [bindings, pods/binding], verbs: [create]}');
  assert.deepEqual(g.subject, { kind: 'User', name: 'system:kube-scheduler' });
  assert.equal(g.scope, '*');
});

test('the scheduler: pods/binding but not pods/exec; its lease by name only', () => {
  assert.equal(can('system:kube-scheduler', 'create', 'bindings', { namespace: 'x' }), true);
  assert.equal(can('system:kube-scheduler', 'create', 'pods/exec', { namespace: 'x' }), false);
  assert.equal(can('system:kube-scheduler', 'get', 'pods', { namespace: 'x' }), true);
  assert.equal(can('system:kube-scheduler', 'list', 'nodes'), true);
  assert.equal(can('system:kube-scheduler', 'update', 'leases', { namespace: 'kube-system', name: 'kube-scheduler' }), true);
  assert.equal(can('system:kube-scheduler', 'update', 'leases', { namespace: 'kube-system', name: 'kube-controller-manager' }), false);
  assert.equal(can('system:kube-scheduler', 'get', 'configmaps', { namespace: 'kube-system', name: 'extension-apiserver-authentication' }), true, 'Role + RoleBinding in kube-system');
  assert.equal(can('system:kube-scheduler', 'list', 'configmaps', { namespace: 'kube-system' }), false, 'resourceNames: a list has no name');
  assert.equal(can('system:kube-scheduler', 'get', 'configmaps', { namespace: 'default', name: 'extension-apiserver-authentication' }), false, 'a Role grants in its namespace only');
});

test('a RoleBinding to admin grants nothing outside its namespace', () => {
  const d = decide('alice', 'get', 'secrets', { namespace: 'prod' });
  assert.equal(d.allowed, false);
  assert.equal(d.reason?.code, 'no-matching-rule');
  assert.equal(d.elsewhere[0]?.grant.binding.name, 'alice-admin');
  assert.match(d.elsewhere[0]!.why, /only in its namespace \(dev\), not in prod/);
  assert.equal(can('alice', 'list', 'secrets'), false, 'cluster-wide list: RoleBindings are not visited');
  assert.match(decide('alice', 'list', 'secrets').elsewhere[0]!.why, /all namespaces/);
});

test('a RoleBinding never grants cluster-scoped resources or non-resource URLs', () => {
  assert.equal(can('carol', 'get', 'pods', { namespace: 'dev' }), true, 'the namespaced part works');
  assert.equal(can('carol', 'get', 'nodes', { namespace: 'dev' }), false);
  assert.equal(can('carol', 'list', 'nodes'), false);
  // even when asked directly with a namespace (the API server never puts one on a node request)
  assert.equal(index.canI({ user: 'carol', verb: 'get', apiGroup: '', resource: 'nodes', name: 'n1', namespace: 'dev' }).allowed, false);
  assert.match(decide('carol', 'get', 'nodes').elsewhere[0]!.why, /never grant cluster-scoped/);
  assert.equal(can('carol', 'get', '/metrics'), false);
  assert.match(decide('carol', 'get', '/metrics').elsewhere[0]!.why, /only by ClusterRoleBindings/);
  assert.equal(can('carol', 'get', '/healthz'), true, 'through system:authenticated and a ClusterRoleBinding');
  assert.equal(index.whoCan({ verb: 'get', nonResourceURL: '/metrics' }).entries.some((e) => e.subject.name === 'carol'), false);
  // the one exception: GET /api/v1/namespaces/dev carries namespace dev
  assert.equal(can('carol', 'get', 'namespaces', { name: 'dev' }), true);
  assert.equal(can('carol', 'get', 'namespaces', { name: 'prod' }), false);
  assert.equal(can('carol', 'list', 'namespaces'), false);
  // a cluster-scoped custom resource, granted by a RoleBinding: nothing
  assert.equal(can('erin', 'get', 'widgets', { namespace: 'dev' }), true);
  assert.equal(can('erin', 'get', 'gadgets', { namespace: 'dev' }), false);
});

test('*/scale covers the scale subresource of every resource, and nothing else', () => {
  const autoscaler = sa('kube-system', 'autoscaler');
  assert.equal(can(autoscaler, 'update', 'deployments/scale', { namespace: 'dev' }), true);
  assert.equal(can(autoscaler, 'patch', 'statefulsets.apps/scale', { namespace: 'dev' }), true);
  assert.equal(can(autoscaler, 'get', 'widgets/scale', { namespace: 'dev' }), true);
  assert.equal(can(autoscaler, 'update', 'deployments', { namespace: 'dev' }), false);
  assert.equal(can(autoscaler, 'update', 'deployments/status', { namespace: 'dev' }), false);
  assert.equal(can(autoscaler, 'update', 'deployments/scale', { namespace: 'prod' }), false);
});

test('resourceNames: the named object only, and never a request without a name', () => {
  assert.equal(can('dave', 'get', 'configmaps', { namespace: 'dev', name: 'app-config' }), true);
  assert.equal(can('dave', 'delete', 'configmaps', { namespace: 'dev', name: 'app-config' }), true);
  assert.equal(can('dave', 'get', 'configmaps', { namespace: 'dev', name: 'other' }), false);
  assert.equal(can('dave', 'list', 'configmaps', { namespace: 'dev' }), false);
  const d = decide('dave', 'list', 'configmaps', { namespace: 'dev' });
  assert.equal(d.reason?.code, 'no-matching-rule');
  assert.ok(d.reason?.code === 'no-matching-rule' && d.reason.closest[0]!.mismatches.some((m) => /has no name/.test(m)));
});

test('non-resource URLs: exact, prefix with a trailing *, verbs', () => {
  assert.equal(can({ name: 'zoe', groups: ['sre'] }, 'get', '/metrics'), true);
  assert.equal(can({ name: 'zoe', groups: ['sre'] }, 'get', '/debug/pprof/heap'), true);
  assert.equal(can({ name: 'zoe', groups: ['sre'] }, 'get', '/debug'), false, '/debug/* needs the slash');
  assert.equal(can({ name: 'zoe', groups: ['sre'] }, 'post', '/metrics'), false);
  assert.equal(can('anyone', 'get', '/api/v1'), true, '/api/* via system:discovery');
  assert.equal(can('anyone', 'get', '/apis'), true);
  assert.equal(can('anyone', 'get', '/metrics'), false);
});

test('ServiceAccount subjects: namespace defaulted from the RoleBinding; explicit namespaces cross namespaces', () => {
  assert.equal(can(sa('dev', 'ci'), 'update', 'deployments', { namespace: 'dev' }), true);
  assert.equal(can(sa('prod', 'ci'), 'update', 'deployments', { namespace: 'dev' }), false);
  assert.equal(can(sa('monitoring', 'prometheus'), 'list', 'pods'), true, 'ClusterRoleBinding, namespace given');
  assert.deepEqual(decide(sa('dev', 'ci'), 'get', 'secrets', { namespace: 'dev' }).grants[0]!.subject, { kind: 'ServiceAccount', name: 'ci', namespace: 'dev' });
});

test('a ClusterRoleBinding ServiceAccount subject without namespace matches nobody, and is reported', () => {
  assert.equal(can(sa('default', 'default'), 'get', 'secrets', { namespace: 'default' }), false);
  const d = index.diagnostics.find((x) => x.code === 'service-account-without-namespace')!;
  assert.equal(d.object.name, 'sa-without-namespace');
  assert.equal(index.whoCan({ verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'default' }).entries.some((e) => e.subject.kind === 'ServiceAccount'), false);
});

test('implicit groups: system:authenticated, system:unauthenticated, system:serviceaccounts[:NS]', () => {
  assert.equal(can('system:anonymous', 'get', '/healthz'), true, 'system:public-info-viewer binds system:unauthenticated');
  assert.equal(can('system:anonymous', 'get', '/api'), false, 'system:discovery binds only system:authenticated');
  assert.equal(can('system:anonymous', 'create', 'selfsubjectaccessreviews'), false);
  assert.equal(can('alice', 'create', 'selfsubjectaccessreviews.authorization.k8s.io'), true);
  assert.equal(can(sa('dev', 'builder'), 'list', 'serviceaccounts', { namespace: 'dev' }), true, 'Group system:serviceaccounts:dev');
  assert.equal(can(sa('prod', 'builder'), 'list', 'serviceaccounts', { namespace: 'dev' }), false);
  assert.equal(can('system:serviceaccount-ish', 'list', 'serviceaccounts', { namespace: 'dev' }), false);
  const grant = decide(sa('dev', 'builder'), 'list', 'serviceaccounts', { namespace: 'dev' }).grants[0]!;
  assert.deepEqual(grant.subject, { kind: 'Group', name: 'system:serviceaccounts:dev' });
});

test('system:masters: allowed by the API server before RBAC, and by the cluster-admin binding', () => {
  const d = decide({ name: 'root', groups: ['system:masters'] }, 'escalate', 'clusterroles');
  assert.equal(d.allowed, true);
  assert.equal(d.privilegedGroup, 'system:masters');
  assert.equal(d.grants[0]!.binding.name, 'cluster-admin');
  assert.equal(can({ name: 'root', groups: ['system:masters'] }, 'get', '/anything'), true);
});

test('missing and unsupported roles are reported with the binding\'s position, and grant nothing', () => {
  const missing = index.diagnostics.filter((d) => d.code === 'missing-role');
  assert.deepEqual(missing.map((d) => d.object.name).sort(), ['frank-missing', 'missing-cluster-role', 'role-of-other-namespace']);
  const frank = missing.find((d) => d.object.name === 'frank-missing')!;
  assert.equal(path.basename(frank.position.file), 'broken.yaml');
  assert.equal(frank.position.line, 10, 'the roleRef name');
  assert.equal(frank.severity, 'error');
  const unsupported = index.diagnostics.find((d) => d.code === 'unsupported-role-ref')!;
  assert.equal(unsupported.object.name, 'crb-to-role');
  assert.ok(index.diagnostics.some((d) => d.code === 'unsupported-subject' && d.object.name === 'lowercase-kind'));
  assert.equal(can('mallory', 'get', 'secrets', { namespace: 'dev' }), false);

  const d = decide('frank', 'get', 'pods', { namespace: 'dev' });
  assert.equal(d.allowed, false);
  assert.deepEqual(d.brokenBindings.map((b) => b.object.name).sort(), ['crb-to-role', 'frank-missing', 'missing-cluster-role']);
  assert.equal(index.permissions('frank').brokenBindings.length, 4);
});

test('a "no" without any binding says so', () => {
  const d = decide('system:anonymous', 'get', 'pods', { namespace: 'dev' });
  assert.equal(d.reason?.code, 'no-matching-rule'); // system:unauthenticated has the public-info binding
  const none = index.canI({ user: { name: 'x', groups: ['system:unauthenticated'] }, verb: 'get', apiGroup: '', resource: 'pods', namespace: 'nowhere' });
  assert.equal(none.allowed, false);
  const lonely = buildRbacIndex(loaded.inventory).canI({ user: 'system:kube-scheduler', verb: 'get', nonResourceURL: '/metrics' });
  assert.equal(lonely.reason?.code, 'no-matching-rule');
  const empty = buildRbacIndex(new Inventory([])).canI({ user: 'alice', verb: 'get', apiGroup: '', resource: 'pods', namespace: 'dev' });
  assert.equal(empty.reason?.code, 'no-bindings');
  assert.match(empty.reason!.message, /no ClusterRoleBinding, and no RoleBinding in namespace dev, applies to User alice/);
});

test('who-can lists every subject with binding → role → rule, scoped like can-i', () => {
  const secrets = index.whoCan({ verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'dev' });
  assert.deepEqual(secrets.entries.map((e) => `${e.subject.kind}:${e.subject.namespace ?? ''}:${e.subject.name}`), ['User::alice', 'Group::system:masters', 'ServiceAccount:dev:ci']);
  const alice = secrets.entries[0]!.grants[0]!;
  assert.deepEqual([alice.binding.name, alice.role.name, alice.scope], ['alice-admin', 'admin', 'dev']);
  assert.equal(secrets.privilegedGroups[0], 'system:masters');

  const prod = index.whoCan({ verb: 'get', apiGroup: '', resource: 'pods', namespace: 'prod' });
  assert.deepEqual(prod.entries.map((e) => e.subject.name).sort(), ['bob', 'prometheus', 'sre', 'system:kube-scheduler', 'system:masters']);
  const all = index.whoCan({ verb: 'get', apiGroup: '', resource: 'pods' }, { allNamespaces: true });
  for (const name of ['alice', 'bob', 'carol', 'ci']) assert.ok(all.entries.some((e) => e.subject.name === name), name);
  const clusterWide = index.whoCan({ verb: 'get', apiGroup: '', resource: 'pods' });
  assert.equal(clusterWide.entries.some((e) => e.subject.name === 'bob'), false);

  const nodes = index.whoCan({ verb: 'get', apiGroup: '', resource: 'nodes' }, { allNamespaces: true });
  assert.equal(nodes.allNamespaces, false, '-A does not make a RoleBinding grant a cluster-scoped resource');
  assert.deepEqual(nodes.entries.map((e) => e.subject.name).sort(), ['system:kube-scheduler', 'system:masters']);
});

test('permissions: effective rules per namespace, with what a RoleBinding cannot grant', () => {
  const carol = index.permissions('carol');
  assert.deepEqual(carol.namespaces.map((n) => n.namespace), ['*', 'dev']);
  const dev = carol.namespaces[1]!.rules;
  assert.deepEqual(dev[0]!.notes, ['cluster-scoped resources have no effect through a RoleBinding: nodes', 'namespaces: only the namespace dev itself']);
  assert.match(dev[1]!.notes[0]!, /non-resource URLs/);
  assert.ok(carol.namespaces[0]!.rules.every((r) => r.binding.kind === 'ClusterRoleBinding' && r.notes.length === 0));
  const alice = index.permissions('alice');
  const adminRules = alice.namespaces.find((n) => n.namespace === 'dev')!.rules;
  assert.ok(adminRules.length > 10);
  assert.ok(adminRules.every((r) => r.role.name === 'admin'));
});
