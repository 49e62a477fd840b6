import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryFromYaml } from '../../test/support.js';
import { buildRbacIndex } from './index.js';

const docs = (...xs: string[]): ReturnType<typeof buildRbacIndex> => buildRbacIndex(inventoryFromYaml(xs.join('---\n'), 'rbac.yaml'));

test('rules the API server would reject are reported at the rule, and evaluated as the authorizer would', () => {
  const ix = docs(
    [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: Role',
      'metadata: {name: odd, namespace: dev}',
      'rules:',
      '  - {apiGroups: [""], resources: [pods], verbs: [get]}',
      '  - {nonResourceURLs: [/healthz], verbs: [get]}',
      '  - {resources: [secrets], verbs: [get]}',
      '',
    ].join('\n'),
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: odd, namespace: dev}\nroleRef: {kind: Role, name: odd}\nsubjects: [{kind: User, name: u}]\n',
  );
  const invalid = ix.diagnostics.filter((d) => d.code === 'invalid-rule');
  assert.deepEqual(invalid.map((d) => d.position.line), [6, 7]);
  assert.match(invalid[0]!.message, /namespaced rules cannot apply to non-resource URLs/);
  assert.match(invalid[1]!.message, /resource rules must supply at least one api group/);
  // no apiGroups: matches no resource request; roleRef.apiGroup left out is defaulted (no diagnostic)
  assert.equal(ix.canI({ user: 'u', verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'dev' }).allowed, false);
  assert.equal(ix.canI({ user: 'u', verb: 'get', apiGroup: '', resource: 'pods', namespace: 'dev' }).allowed, true);
  assert.equal(ix.diagnostics.some((d) => d.code === 'invalid-role-ref'), false);
});

test('duplicates: the first object counts, the copy is reported', () => {
  const binding = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: twice}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}\nsubjects: [{kind: User, name: u}]\n';
  const ix = docs(
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]\n',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]\n',
    binding,
    binding,
  );
  assert.equal(ix.diagnostics.filter((d) => d.code === 'duplicate-object').length, 2);
  assert.equal(ix.canI({ user: 'u', verb: 'get', apiGroup: '', resource: 'pods' }).grants.length, 1);
  assert.equal(ix.canI({ user: 'u', verb: 'get', apiGroup: '', resource: 'secrets' }).allowed, false);
});

test('only rbac.authorization.k8s.io objects count; v1beta1 still does', () => {
  const ix = docs(
    'apiVersion: example.com/v1\nkind: ClusterRoleBinding\nmetadata: {name: fake}\nroleRef: {kind: ClusterRole, name: all}\nsubjects: [{kind: User, name: u}]\n',
    'apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRole\nmetadata: {name: all}\nrules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]\n',
    'apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRoleBinding\nmetadata: {name: real}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: all}\nsubjects: [{kind: User, name: v}]\n',
  );
  assert.equal(ix.canI({ user: 'u', verb: 'get', apiGroup: '', resource: 'pods' }).allowed, false);
  assert.equal(ix.canI({ user: 'v', verb: 'get', apiGroup: '', resource: 'pods' }).allowed, true);
  assert.deepEqual(ix.stats, { roles: 0, clusterRoles: 1, aggregatedClusterRoles: 0, bindings: 0, clusterRoleBindings: 1 });
});

test('subjects and roleRefs the API server rejects are reported; a RoleBinding without namespace is in default', () => {
  const ix = docs(
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]\n',
    [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: RoleBinding',
      'metadata: {name: odd}',
      'roleRef: {apiGroup: example.com, kind: ClusterRole, name: reader}',
      'subjects:',
      '  - {kind: ServiceAccount, name: sa, apiGroup: rbac.authorization.k8s.io}',
      '  - {kind: Group, name: g, apiGroup: example.com}',
      '  - {kind: User}',
      '  - just-a-string',
      '',
    ].join('\n'),
  );
  const codes = ix.diagnostics.map((d) => `${d.code}@${d.position.line}`);
  assert.deepEqual(codes, ['invalid-role-ref@9', 'invalid-subject@11', 'invalid-subject@12', 'invalid-subject@13', 'invalid-subject@14'], 'lines in the file: the binding starts at line 6');
  // the authorizer looks at kinds and names only
  assert.equal(ix.canI({ user: 'system:serviceaccount:default:sa', verb: 'get', apiGroup: '', resource: 'pods', namespace: 'default' }).allowed, true);
  assert.equal(ix.canI({ user: { name: 'x', groups: ['g'] }, verb: 'get', apiGroup: '', resource: 'pods', namespace: 'default' }).allowed, true);
});
