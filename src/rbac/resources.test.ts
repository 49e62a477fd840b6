import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asServerSees, parseRequest, RbacUsageError, resolveResource, ResourceTable } from './resources.js';
import table from './resources.json' with { type: 'json' };

const builtin = new ResourceTable();
const withCrds = new ResourceTable([
  { group: 'example.com', resource: 'widgets', kind: 'Widget', namespaced: true, short: ['wd'], origin: 'crd' },
  { group: 'example.com', resource: 'gadgets', kind: 'Gadget', namespaced: false, short: [], origin: 'crd' },
]);

test('well-known resources resolve to their API group without the suffix', () => {
  const expected: Record<string, string> = {
    deployments: 'apps', statefulsets: 'apps', daemonsets: 'apps', replicasets: 'apps', cronjobs: 'batch', jobs: 'batch',
    roles: 'rbac.authorization.k8s.io', clusterroles: 'rbac.authorization.k8s.io', rolebindings: 'rbac.authorization.k8s.io',
    ingresses: 'networking.k8s.io', networkpolicies: 'networking.k8s.io', certificatesigningrequests: 'certificates.k8s.io',
    mutatingwebhookconfigurations: 'admissionregistration.k8s.io', validatingwebhookconfigurations: 'admissionregistration.k8s.io',
    customresourcedefinitions: 'apiextensions.k8s.io', leases: 'coordination.k8s.io', poddisruptionbudgets: 'policy',
    secrets: '', pods: '', nodes: '', serviceaccounts: '', configmaps: '', services: '', namespaces: '', persistentvolumes: '', events: '',
  };
  for (const [resource, group] of Object.entries(expected)) {
    const r = resolveResource(resource, builtin);
    assert.equal(r.apiGroup, group, resource);
    assert.equal(r.resource, resource);
    assert.equal(r.warning, undefined);
  }
});

test('subresources, explicit groups, versions, singular and short names', () => {
  assert.deepEqual(pick(resolveResource('pods/exec', builtin)), ['', 'pods', 'exec']);
  assert.deepEqual(pick(resolveResource('deployments.apps/scale', builtin)), ['apps', 'deployments', 'scale']);
  assert.deepEqual(pick(resolveResource('deployments/scale', builtin)), ['apps', 'deployments', 'scale']);
  assert.deepEqual(pick(resolveResource('jobs.v1.batch', builtin)), ['batch', 'jobs', '']);
  assert.deepEqual(pick(resolveResource('deploy', builtin)), ['apps', 'deployments', '']);
  assert.deepEqual(pick(resolveResource('pod', builtin)), ['', 'pods', '']);
  assert.deepEqual(pick(resolveResource('Pods', builtin)), ['', 'pods', '']);
  assert.deepEqual(pick(resolveResource('events.events.k8s.io', builtin)), ['events.k8s.io', 'events', '']);
  assert.deepEqual(pick(resolveResource('deployments.extensions', builtin)), ['extensions', 'deployments', ''], 'a group the table does not list is kept');
  assert.deepEqual(pick(resolveResource('*', builtin)), ['', '*', ''], 'as kubectl auth can-i "*"');
  assert.deepEqual(pick(resolveResource('*.*', builtin)), ['*', '*', '']);
});

test('custom resources from the inventory\'s CRDs; unknown names are kept with a warning', () => {
  assert.deepEqual(pick(resolveResource('widgets', withCrds)), ['example.com', 'widgets', '']);
  assert.deepEqual(pick(resolveResource('wd', withCrds)), ['example.com', 'widgets', '']);
  assert.deepEqual(pick(resolveResource('gadgets.example.com/status', withCrds)), ['example.com', 'gadgets', 'status']);
  const unknown = resolveResource('frobs', builtin);
  assert.deepEqual(pick(unknown), ['', 'frobs', '']);
  assert.match(unknown.warning!, /not known/);
});

test('bad resource arguments are usage errors', () => {
  for (const bad of ['pods/', 'pods/exec/x', '/exec']) assert.throws(() => resolveResource(bad, builtin), RbacUsageError, bad);
  assert.throws(() => parseRequest({ verb: 'get', resource: '/healthz', name: 'x' }, builtin), RbacUsageError);
  assert.throws(() => parseRequest({ verb: 'get', resource: 'pods/log', subresource: 'exec' }, builtin), RbacUsageError);
});

test('cluster-scoped resources lose the namespace (so no RoleBinding can grant them), named namespaces requests keep their own', () => {
  const nodes = parseRequest({ verb: 'get', resource: 'nodes', namespace: 'dev' }, builtin);
  assert.deepEqual(nodes.request, { verb: 'get', apiGroup: '', resource: 'nodes' });
  assert.match(nodes.warnings[0]!, /not namespace scoped/);
  assert.deepEqual(parseRequest({ verb: 'get', resource: 'namespaces', name: 'dev' }, builtin).request, { verb: 'get', apiGroup: '', resource: 'namespaces', name: 'dev', namespace: 'dev' });
  assert.deepEqual(parseRequest({ verb: 'list', resource: 'namespaces', namespace: 'dev' }, builtin).request, { verb: 'list', apiGroup: '', resource: 'namespaces' });
  assert.deepEqual(asServerSees({ verb: 'update', apiGroup: '', resource: 'namespaces', subresource: 'finalize', name: 'x', namespace: 'y' }, builtin), { verb: 'update', apiGroup: '', resource: 'namespaces', subresource: 'finalize', name: 'x', namespace: 'x' });
  assert.deepEqual(parseRequest({ verb: 'get', resource: 'gadgets', namespace: 'dev' }, withCrds).request, { verb: 'get', apiGroup: 'example.com', resource: 'gadgets' });
  assert.equal((parseRequest({ verb: 'get', resource: 'widgets', namespace: 'dev' }, withCrds).request as { namespace?: string }).namespace, 'dev');
  assert.deepEqual(parseRequest({ verb: 'get', resource: '/healthz' }, builtin).request, { verb: 'get', nonResourceURL: '/healthz' });
});

test('unknown verbs are warned about, as kubectl does, and still asked', () => {
  assert.deepEqual(parseRequest({ verb: 'escalate', resource: 'clusterroles' }, builtin).warnings, []);
  assert.match(parseRequest({ verb: 'read', resource: 'pods' }, builtin).warnings[0]!, /'read' is not a known verb/);
  assert.match(parseRequest({ verb: 'list', resource: '/metrics' }, builtin).warnings[0]!, /HTTP method/);
  assert.equal(parseRequest({ verb: 'read', resource: 'pods' }, builtin).request.verb, 'read');
});

test('the table is consistent: one entry per group and resource, lower-case plural names', () => {
  const seen = new Set<string>();
  for (const r of table.resources) {
    const key = `${r.group}/${r.resource}`;
    assert.equal(seen.has(key), false, key);
    seen.add(key);
    assert.match(r.resource, /^[a-z]+$/);
    assert.equal(typeof r.namespaced, 'boolean');
  }
  for (const clusterScoped of ['nodes', 'namespaces', 'persistentvolumes', 'clusterroles', 'clusterrolebindings', 'certificatesigningrequests', 'mutatingwebhookconfigurations', 'customresourcedefinitions', 'storageclasses', 'priorityclasses']) {
    assert.equal(builtin.find(clusterScoped)!.namespaced, false, clusterScoped);
  }
});

function pick(r: { apiGroup: string; resource: string; subresource: string }): [string, string, string] {
  return [r.apiGroup, r.resource, r.subresource];
}
