import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiGroupMatches, nonResourceURLMatches, policyRuleProblems, readPolicyRule, resourceMatches, resourceNameMatches,
  ruleAllows, ruleMismatches, ruleText, verbMatches,
} from './rules.js';
import type { PolicyRule } from './types.js';

const rule = (r: Partial<PolicyRule>): PolicyRule => ({ verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...r });

test('verbMatches: exact verb or *; no prefix or case folding', () => {
  assert.equal(verbMatches(rule({ verbs: ['get', 'list'] }), 'list'), true);
  assert.equal(verbMatches(rule({ verbs: ['*'] }), 'escalate'), true);
  assert.equal(verbMatches(rule({ verbs: ['get'] }), 'Get'), false);
  assert.equal(verbMatches(rule({ verbs: ['get'] }), 'watch'), false);
  assert.equal(verbMatches(rule({ verbs: [] }), 'get'), false);
});

test('apiGroupMatches: "" is the core group, * any group, no implicit core', () => {
  assert.equal(apiGroupMatches(rule({ apiGroups: [''] }), ''), true);
  assert.equal(apiGroupMatches(rule({ apiGroups: [''] }), 'apps'), false);
  assert.equal(apiGroupMatches(rule({ apiGroups: ['*'] }), 'rbac.authorization.k8s.io'), true);
  assert.equal(apiGroupMatches(rule({ apiGroups: ['apps'] }), ''), false);
  assert.equal(apiGroupMatches(rule({ apiGroups: [] }), ''), false, 'a resource rule without apiGroups matches nothing');
  assert.equal(apiGroupMatches(rule({ apiGroups: ['extensions'] }), 'apps'), false);
});

test('resourceMatches: the subresource table of the reference', () => {
  const cases: [string, string, string, boolean][] = [
    // rule resource, combined request resource, request subresource, match?
    ['pods', 'pods', '', true],
    ['pods', 'pods/exec', 'exec', false], // pods does not cover its subresources
    ['pods/exec', 'pods/exec', 'exec', true],
    ['pods/exec', 'pods', '', false],
    ['*/scale', 'deployments/scale', 'scale', true],
    ['*/scale', 'statefulsets/scale', 'scale', true],
    ['*/scale', 'deployments', '', false],
    ['*/scale', 'deployments/status', 'status', false],
    ['*/scales', 'deployments/scale', 'scale', false],
    ['*', 'pods/exec', 'exec', true],
    ['*', 'pods', '', true],
    ['pods/*', 'pods/exec', 'exec', false], // there is no pods/* form
    ['pod', 'pods', '', false],
    ['Pods', 'pods', '', false],
  ];
  for (const [ruleResource, combined, sub, expected] of cases) {
    assert.equal(resourceMatches(rule({ resources: [ruleResource] }), combined, sub), expected, `${ruleResource} vs ${combined}`);
  }
  assert.equal(resourceMatches(rule({ resources: ['secrets', 'pods/exec'] }), 'pods/exec', 'exec'), true, 'any listed resource');
});

test('resourceNameMatches: empty list is any name; a request without a name never matches a list', () => {
  assert.equal(resourceNameMatches(rule({}), ''), true);
  assert.equal(resourceNameMatches(rule({}), 'anything'), true);
  assert.equal(resourceNameMatches(rule({ resourceNames: ['app-config'] }), 'app-config'), true);
  assert.equal(resourceNameMatches(rule({ resourceNames: ['app-config'] }), 'other'), false);
  assert.equal(resourceNameMatches(rule({ resourceNames: ['app-config'] }), ''), false, 'list/create/deletecollection have no name');
  assert.equal(resourceNameMatches(rule({ resourceNames: ['app-*'] }), 'app-config'), false, 'no globbing in resourceNames');
});

test('nonResourceURLMatches: *, exact, or prefix when the rule ends in *', () => {
  const r = (url: string): PolicyRule => rule({ nonResourceURLs: [url] });
  assert.equal(nonResourceURLMatches(r('*'), '/anything/at/all'), true);
  assert.equal(nonResourceURLMatches(r('/healthz'), '/healthz'), true);
  assert.equal(nonResourceURLMatches(r('/healthz'), '/healthz/etcd'), false, 'exact means exact');
  assert.equal(nonResourceURLMatches(r('/healthz/*'), '/healthz/etcd'), true);
  assert.equal(nonResourceURLMatches(r('/healthz/*'), '/healthz/'), true);
  assert.equal(nonResourceURLMatches(r('/healthz/*'), '/healthz'), false, 'the prefix includes the slash');
  assert.equal(nonResourceURLMatches(r('/api*'), '/apis/apps/v1'), true, 'the prefix is a string prefix, not a path prefix');
  assert.equal(nonResourceURLMatches(r('/api**'), '/api/v1'), true, 'every trailing * is trimmed (TrimRight)');
  assert.equal(nonResourceURLMatches(r('/a*b'), '/axb'), false, 'a * inside is literal');
  assert.equal(nonResourceURLMatches(r('/a*b'), '/a*b'), true);
});

test('ruleAllows: all four conditions for resources, verb and URL for non-resource requests', () => {
  const exec = rule({ verbs: ['create'], apiGroups: [''], resources: ['pods/exec'] });
  assert.equal(ruleAllows({ verb: 'create', apiGroup: '', resource: 'pods', subresource: 'exec', namespace: 'dev' }, exec), true);
  assert.equal(ruleAllows({ verb: 'get', apiGroup: '', resource: 'pods', subresource: 'exec' }, exec), false);
  assert.equal(ruleAllows({ verb: 'create', apiGroup: 'apps', resource: 'pods', subresource: 'exec' }, exec), false);
  assert.equal(ruleAllows({ verb: 'create', apiGroup: '', resource: 'pods' }, exec), false);
  const named = rule({ verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] });
  assert.equal(ruleAllows({ verb: 'get', apiGroup: '', resource: 'configmaps', name: 'a' }, named), true);
  assert.equal(ruleAllows({ verb: 'list', apiGroup: '', resource: 'configmaps' }, named), false);
  const urls = rule({ verbs: ['get'], nonResourceURLs: ['/metrics'] });
  assert.equal(ruleAllows({ verb: 'get', nonResourceURL: '/metrics' }, urls), true);
  assert.equal(ruleAllows({ verb: 'post', nonResourceURL: '/metrics' }, urls), false);
  // a resource rule never allows a URL, a URL rule never a resource
  assert.equal(ruleAllows({ verb: 'get', nonResourceURL: '/metrics' }, rule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] })), false);
  assert.equal(ruleAllows({ verb: 'get', apiGroup: '', resource: 'pods' }, rule({ verbs: ['*'], nonResourceURLs: ['*'] })), false);
});

test('ruleMismatches names each failed condition; empty when the rule allows', () => {
  const view = rule({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] });
  assert.deepEqual(ruleMismatches({ verb: 'get', apiGroup: '', resource: 'pods' }, view), []);
  assert.deepEqual(ruleMismatches({ verb: 'delete', apiGroup: '', resource: 'pods' }, view), ['verb delete not in [get, list]']);
  assert.match(ruleMismatches({ verb: 'get', apiGroup: '', resource: 'pods', subresource: 'exec' }, view)[0]!, /pods does not cover its subresources/);
  const named = rule({ verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] });
  assert.match(ruleMismatches({ verb: 'list', apiGroup: '', resource: 'pods' }, named)[0]!, /request has no name/);
});

test('ruleText writes a rule the way it would be written in YAML flow style', () => {
  assert.equal(ruleText(rule({ verbs: ['get'], apiGroups: ['', 'apps'], resources: ['*/scale'], resourceNames: ['web'] })), '{apiGroups: ["", apps], resources: ["*/scale"], resourceNames: [web], verbs: [get]}');
  assert.equal(ruleText(rule({ verbs: ['*'], nonResourceURLs: ['/healthz/*'] })), '{nonResourceURLs: [/healthz/*], verbs: ["*"]}');
});

test('readPolicyRule reads lists of strings and reports what the API server would not decode', () => {
  assert.deepEqual(readPolicyRule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }).problems, []);
  const bad = readPolicyRule({ verbs: 'get', apiGroups: [''], resources: ['pods'], resourceNames: [true] });
  assert.deepEqual(bad.rule.verbs, []);
  assert.deepEqual(bad.rule.resourceNames, ['true']);
  assert.equal(bad.problems.length, 2);
  assert.deepEqual(readPolicyRule('nope').problems, ['rule is not a mapping']);
});

test('policyRuleProblems follows ValidatePolicyRule', () => {
  assert.deepEqual(policyRuleProblems(rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }), true), []);
  assert.deepEqual(policyRuleProblems(rule({ verbs: ['get'], nonResourceURLs: ['/x'] }), true), ['namespaced rules cannot apply to non-resource URLs']);
  assert.deepEqual(policyRuleProblems(rule({ verbs: ['get'], nonResourceURLs: ['/x'], resources: ['pods'] }), false), ['rules cannot apply to both regular resources and non-resource URLs']);
  assert.deepEqual(policyRuleProblems(rule({ resources: ['pods'] }), false), ['verbs must contain at least one value', 'resource rules must supply at least one api group']);
});
