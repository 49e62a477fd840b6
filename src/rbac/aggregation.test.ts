import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedent, inventoryFromYaml } from '../../test/support.js';
import { readAggregationRule } from './aggregation.js';
import { buildRbacIndex } from './index.js';

const clusterRole = (name: string, labels: Record<string, string>, rules: string, aggregation?: string): string => [
  'apiVersion: rbac.authorization.k8s.io/v1',
  'kind: ClusterRole',
  `metadata: {name: ${name}, labels: ${JSON.stringify(labels)}}`,
  ...(aggregation ? [`aggregationRule: ${aggregation}`] : []),
  `rules: ${rules}`,
  '',
].join('\n');

const bind = (role: string, user: string): string => dedent(`
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: ${role}-${user}}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role}}
  subjects: [{kind: User, name: ${user}}]
  `);

const rule = (verb: string, resource: string): string => `{apiGroups: [""], resources: [${resource}], verbs: [${verb}]}`;

function index(...docs: string[]): ReturnType<typeof buildRbacIndex> {
  return buildRbacIndex(inventoryFromYaml(docs.join('---\n')));
}

function rulesOf(ix: ReturnType<typeof buildRbacIndex>, user: string): string[] {
  return ix.permissions(user).namespaces.flatMap((n) => n.rules.map((r) => `${r.rule.text}${r.rule.aggregatedFrom ? ` <${r.rule.aggregatedFrom}` : ''}`));
}

test('stored rules of an aggregating ClusterRole are replaced by the union, selectors in order, roles by name, duplicates dropped', () => {
  const ix = index(
    clusterRole('top', {}, `[${rule('delete', 'everything')}]`, '{clusterRoleSelectors: [{matchLabels: {first: "1"}}, {matchLabels: {second: "1"}}]}'),
    clusterRole('b-part', { first: '1' }, `[${rule('get', 'pods')}, ${rule('list', 'pods')}]`),
    clusterRole('a-part', { first: '1' }, `[${rule('get', 'secrets')}]`),
    clusterRole('c-part', { second: '1', first: '1' }, `[${rule('get', 'pods')}, ${rule('get', 'nodes')}]`),
    clusterRole('d-part', { second: '1' }, `[${rule('watch', 'pods')}]`),
    bind('top', 'u'),
  );
  assert.deepEqual(rulesOf(ix, 'u'), [
    '{apiGroups: [""], resources: [secrets], verbs: [get]} <a-part',
    '{apiGroups: [""], resources: [pods], verbs: [get]} <b-part',
    '{apiGroups: [""], resources: [pods], verbs: [list]} <b-part',
    '{apiGroups: [""], resources: [nodes], verbs: [get]} <c-part',
    '{apiGroups: [""], resources: [pods], verbs: [watch]} <d-part',
  ]);
  assert.equal(ix.canI({ user: 'u', verb: 'delete', apiGroup: '', resource: 'everything' }).allowed, false, 'the stored rule is gone');
  assert.ok(ix.diagnostics.some((d) => d.code === 'aggregated-rules-replaced' && d.object.name === 'top' && d.severity === 'info'));
});

test('chains of aggregation settle (admin ← edit ← view), whatever the order of the input', () => {
  const roles = [
    clusterRole('admin', {}, '[]', '{clusterRoleSelectors: [{matchLabels: {to-admin: "true"}}]}'),
    clusterRole('edit', { 'to-admin': 'true' }, '[]', '{clusterRoleSelectors: [{matchLabels: {to-edit: "true"}}]}'),
    clusterRole('view', { 'to-edit': 'true' }, '[]', '{clusterRoleSelectors: [{matchLabels: {to-view: "true"}}]}'),
    clusterRole('agg-view', { 'to-view': 'true' }, `[${rule('get', 'pods')}]`),
    clusterRole('agg-edit', { 'to-edit': 'true' }, `[${rule('update', 'pods')}]`),
    clusterRole('agg-admin', { 'to-admin': 'true' }, `[${rule('create', 'rolebindings')}]`),
  ];
  for (const order of [roles, [...roles].reverse()]) {
    const ix = index(...order, bind('admin', 'a'), bind('view', 'v'));
    assert.equal(ix.canI({ user: 'a', verb: 'get', apiGroup: '', resource: 'pods' }).allowed, true);
    assert.equal(ix.canI({ user: 'a', verb: 'update', apiGroup: '', resource: 'pods' }).allowed, true);
    assert.equal(ix.canI({ user: 'a', verb: 'create', apiGroup: '', resource: 'rolebindings' }).allowed, true);
    assert.equal(ix.canI({ user: 'v', verb: 'update', apiGroup: '', resource: 'pods' }).allowed, false);
    assert.equal(ix.canI({ user: 'a', verb: 'get', apiGroup: '', resource: 'pods' }).grants[0]!.rule.aggregatedFrom, 'agg-view', 'the origin survives the chain');
  }
});

test('cycles settle to the union of the rules of the cycle, and are reported', () => {
  const ix = index(
    clusterRole('ring-a', { ring: 'b' }, '[]', '{clusterRoleSelectors: [{matchLabels: {ring: a}}]}'),
    clusterRole('ring-b', { ring: 'a' }, '[]', '{clusterRoleSelectors: [{matchLabels: {ring: b}}]}'),
    clusterRole('leaf', { ring: 'a' }, `[${rule('get', 'pods')}]`),
    bind('ring-a', 'u'),
  );
  assert.equal(ix.canI({ user: 'u', verb: 'get', apiGroup: '', resource: 'pods' }).allowed, true, 'ring-a ← ring-b ← leaf');
  const cycle = ix.diagnostics.find((d) => d.code === 'aggregation-cycle')!;
  assert.match(cycle.message, /ring-a, ring-b/);
});

test('a ClusterRole never aggregates itself, and Roles are never aggregated', () => {
  const ix = index(
    clusterRole('self', { pick: 'me' }, `[${rule('get', 'secrets')}]`, '{clusterRoleSelectors: [{matchLabels: {pick: me}}]}'),
    dedent(`
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: {name: sneaky, namespace: dev, labels: {pick: me}}
      rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
      `),
    bind('self', 'u'),
  );
  assert.deepEqual(rulesOf(ix, 'u'), []);
});

test('matchExpressions, empty selectors, and no selectors', () => {
  const ix = index(
    clusterRole('expr', {}, '[]', '{clusterRoleSelectors: [{matchExpressions: [{key: tier, operator: In, values: [gold, silver]}, {key: legacy, operator: DoesNotExist}]}]}'),
    clusterRole('gold', { tier: 'gold' }, `[${rule('get', 'pods')}]`),
    clusterRole('old-silver', { tier: 'silver', legacy: 'yes' }, `[${rule('get', 'secrets')}]`),
    clusterRole('everything', {}, '[]', '{clusterRoleSelectors: [{}]}'),
    clusterRole('nothing', {}, `[${rule('get', 'nodes')}]`, '{clusterRoleSelectors: []}'),
    bind('expr', 'e'), bind('everything', 'all'), bind('nothing', 'none'),
  );
  assert.deepEqual(rulesOf(ix, 'e'), ['{apiGroups: [""], resources: [pods], verbs: [get]} <gold']);
  assert.equal(ix.canI({ user: 'all', verb: 'get', apiGroup: '', resource: 'secrets' }).allowed, true, 'an empty selector selects every ClusterRole');
  assert.deepEqual(rulesOf(ix, 'none'), [], 'no selectors: the stored rules are replaced by nothing');
});

test('an invalid selector: the API server rejects it and the controller leaves the stored rules', () => {
  const ix = index(
    clusterRole('bad', {}, `[${rule('get', 'pods')}]`, '{clusterRoleSelectors: [{matchExpressions: [{key: a, operator: In, values: []}]}]}'),
    bind('bad', 'u'),
  );
  assert.equal(ix.canI({ user: 'u', verb: 'get', apiGroup: '', resource: 'pods' }).allowed, true);
  const d = ix.diagnostics.find((x) => x.code === 'invalid-aggregation-selector')!;
  assert.equal(d.severity, 'error');
  assert.match(d.message, /values set can't be empty/);
  assert.deepEqual(readAggregationRule({ clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }] }), { error: '"Gt" is not a valid label selector operator' });
  assert.deepEqual(readAggregationRule({ clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['1'] }] }] }), { error: 'values set must be empty for Exists (key a)' });
  assert.equal(readAggregationRule(undefined), undefined);
});
