// Granted but never used: the current RBAC of test/fixtures/audit/rbac.yaml against what
// cluster.log shows each subject doing, riskiest first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../inventory/index.js';
import { buildRbacIndex } from '../index.js';
import { dedent, inventoryFromYaml } from '../../../test/support.js';
import { analyzeLeastPrivilege, rbacResourceNames, riskOf, type LeastPrivilegeReport, type UnusedPermission } from './index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/audit/${name}`, import.meta.url));

let report: LeastPrivilegeReport;
test.before(async () => {
  const loaded = await loadInventory([fixture('rbac.yaml')]);
  assert.deepEqual(loaded.errors, []);
  report = await analyzeLeastPrivilege({ sources: [{ name: fixture('cluster.log') }], index: buildRbacIndex(loaded.inventory) });
});

/** `risk scope verbs what via-binding [used as …]` */
const rows = (username: string, from = report): string[] => from.subjects.find((s) => s.username === username)!.unused!.map((u: UnusedPermission) => {
  const what = u.nonResourceURL ?? `${u.resource}${u.apiGroup ? `.${u.apiGroup}` : ''}${u.resourceNames ? `[${u.resourceNames}]` : ''}`;
  return `${u.risk} ${u.scope} ${u.verbs.join(',')} ${what} ${u.binding.kind}/${u.binding.name}${u.usedAs ? ` used as: ${u.usedAs.join('; ')}` : ''}`;
});

test('pod-watcher: secrets were never read (high), events never patched, gets and lists of nodes and pods never made', () => {
  assert.deepEqual(rows('system:serviceaccount:kube-system:pod-watcher'), [
    'high * get,list secrets ClusterRoleBinding/pod-watcher',
    'medium shop patch events RoleBinding/pod-watcher-events',
    'low * get,list nodes ClusterRoleBinding/pod-watcher', // watch nodes was used (counted from ResponseStarted)
    'low * get pods ClusterRoleBinding/pod-watcher',
    // leases (get, create, update) and the configmap it names were all used: not listed
  ]);
});

test('ci-bot: the wildcard verbs were used for a few verbs only, pods/exec never, services never', () => {
  assert.deepEqual(rows('ci-bot'), [
    'critical shop * deployments.apps RoleBinding/ci-bot used as: create deployments.apps; get deployments.apps; list deployments.apps; patch deployments.apps',
    'critical shop * deployments/scale.apps RoleBinding/ci-bot used as: get deployments.apps/scale; patch deployments.apps/scale',
    'high shop create,get pods/exec RoleBinding/ci-bot',
    'medium shop create,delete,get,list services RoleBinding/ci-bot',
    'low shop get pods RoleBinding/ci-bot', // create pods was used (authorized, then refused by admission)
  ]);
});

test('through groups: alice (developers) and ops-admin (ops)', () => {
  assert.deepEqual(rows('alice@example.com'), [
    'low * get /livez ClusterRoleBinding/health-readers',
    'low * get /readyz ClusterRoleBinding/health-readers',
    'low * get nodes ClusterRoleBinding/health-readers',
  ]);
  assert.deepEqual(rows('ops-admin'), [
    'critical * impersonate groups ClusterRoleBinding/ops-impersonators',
    'critical * impersonate users ClusterRoleBinding/ops-impersonators',
  ]);
  const unused = report.subjects.find((s) => s.username === 'ops-admin')!.unused![0]!;
  assert.equal(unused.via, 'Group ops');
  assert.deepEqual(unused.role, { kind: 'ClusterRole', name: 'impersonator', aggregated: false });
  assert.equal(unused.rule.text, '{apiGroups: [""], resources: [users, groups, serviceaccounts], verbs: [impersonate]}');
  assert.match(unused.binding.file, /rbac\.yaml$/);
});

test('a subject with no request in the log: everything it is granted is unused', async () => {
  const loaded = await loadInventory([fixture('rbac.yaml')]);
  const empty = await analyzeLeastPrivilege({ sources: [{ name: 'empty.log', stream: Readable.from([]) }], index: buildRbacIndex(loaded.inventory), subject: 'ci-bot' });
  assert.deepEqual(empty.subjects.map((s) => [s.username, s.requests, s.set.roles.length]), [['ci-bot', 0, 0]]);
  assert.deepEqual(rows('ci-bot', empty), [
    'critical shop * deployments.apps RoleBinding/ci-bot',
    'critical shop * deployments/scale.apps RoleBinding/ci-bot',
    'high shop create,get pods RoleBinding/ci-bot',
    'high shop create,get pods/exec RoleBinding/ci-bot',
    'medium shop create,delete,get,list services RoleBinding/ci-bot',
    'low shop get namespaces RoleBinding/ci-bot',
  ]);
  const nobody = await analyzeLeastPrivilege({ sources: [{ name: fixture('cluster.log') }], index: buildRbacIndex(loaded.inventory), subject: 'bob' });
  assert.deepEqual(nobody.subjects.map((s) => [s.username, s.requests, s.unused]), [['bob', 0, []]]);
});

test('the risk ranking', () => {
  const cases: [string, string, string | undefined, string | undefined, string][] = [
    ['*', '', 'pods', undefined, 'critical'],
    ['get', '*', '*', undefined, 'critical'],
    ['get', '', '*', undefined, 'critical'],
    ['bind', 'rbac.authorization.k8s.io', 'clusterroles', undefined, 'critical'],
    ['escalate', 'rbac.authorization.k8s.io', 'roles', undefined, 'critical'],
    ['impersonate', '', 'users', undefined, 'critical'],
    ['get', '', 'nodes/proxy', undefined, 'critical'],
    ['create', '', 'serviceaccounts/token', undefined, 'critical'],
    ['get', '*', undefined, '*', 'critical'],
    ['get', '', 'secrets', undefined, 'high'],
    ['list', '', 'secrets', undefined, 'high'],
    ['create', '', 'pods/exec', undefined, 'high'],
    ['get', '', 'pods/exec', undefined, 'high'],
    ['create', '', 'pods/portforward', undefined, 'high'],
    ['patch', '', 'pods/ephemeralcontainers', undefined, 'high'],
    ['create', '', 'pods', undefined, 'high'],
    ['patch', 'apps', 'deployments', undefined, 'high'],
    ['create', 'batch', 'cronjobs', undefined, 'high'],
    ['update', 'rbac.authorization.k8s.io', 'rolebindings', undefined, 'high'],
    ['create', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations', undefined, 'high'],
    ['patch', '', 'nodes', undefined, 'high'],
    ['update', 'certificates.k8s.io', 'certificatesigningrequests/approval', undefined, 'high'],
    ['delete', 'apps', 'deployments', undefined, 'medium'],
    ['update', 'apps', 'deployments/scale', undefined, 'medium'],
    ['create', '', 'configmaps', undefined, 'medium'],
    ['use', 'policy', 'podsecuritypolicies', undefined, 'medium'],
    ['get', '', 'pods', undefined, 'low'],
    ['watch', '', 'configmaps', undefined, 'low'],
    ['get', '', 'pods/log', undefined, 'low'],
    ['get', '', undefined, '/healthz', 'low'],
  ];
  for (const [verb, group, resource, url, risk] of cases) {
    assert.equal(riskOf(verb, url === undefined ? group : undefined, resource, url).risk, risk, `${verb} ${group} ${resource ?? url}`);
  }
});

test('name-limited grants: exact with the RBAC names known, however many other names were requested', async () => {
  const inventory = inventoryFromYaml(dedent(`
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: config, namespace: a}
    rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [special], verbs: [get]}, {apiGroups: [""], resources: [configmaps], verbs: [list]}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: {name: config, namespace: a}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: config}
    subjects: [{kind: User, name: u}]
  `));
  const line = (name: string, i: number): string => JSON.stringify({
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: `id${i}`, stage: 'ResponseComplete', verb: 'get', user: { username: 'u' },
    objectRef: { resource: 'configmaps', namespace: 'a', name }, responseStatus: { code: 200 },
  });
  const unusedFor = async (names: string[], known: boolean): Promise<string[]> => {
    const r = await analyzeLeastPrivilege({
      sources: [{ name: 'x.log', stream: Readable.from([names.map(line).join('\n')]) }],
      index: buildRbacIndex(inventory),
      ...(known ? { rbacNames: rbacResourceNames(inventory) } : {}),
    });
    return r.subjects[0]!.unused!.map((u) => `${u.verbs} ${u.resource}${u.resourceNames ? `[${u.resourceNames}]` : ''}`);
  };
  const many = Array.from({ length: 20 }, (_, i) => `cm-${i}`);
  assert.deepEqual(await unusedFor(many, true), ['get configmaps[special]', 'list configmaps']);
  assert.deepEqual(await unusedFor([...many.slice(0, 10), 'special', ...many.slice(10)], true), ['list configmaps']);
  assert.deepEqual(await unusedFor(['cm-1', 'cm-2'], false), ['get configmaps[special]', 'list configmaps'], 'few names: known without the list');
  assert.deepEqual(await unusedFor(many, false), ['list configmaps'], 'too many names and no list: never called unused without proof');
});
