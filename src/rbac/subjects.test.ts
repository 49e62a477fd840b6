import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appliesToUser, serviceAccountUsername, splitServiceAccountUsername, subjectIndexKey, userInfo } from './subjects.js';

test('userInfo adds system:authenticated to every authenticated user', () => {
  assert.deepEqual(userInfo('alice'), { name: 'alice', groups: ['system:authenticated'] });
  assert.deepEqual(userInfo({ name: 'alice', groups: ['devs'] }), { name: 'alice', groups: ['devs', 'system:authenticated'] });
  assert.deepEqual(userInfo({ name: 'alice', groups: ['system:authenticated', 'devs'] }), { name: 'alice', groups: ['system:authenticated', 'devs'] }, 'not twice');
  assert.deepEqual(userInfo(userInfo({ name: 'alice', groups: ['devs'] })), userInfo({ name: 'alice', groups: ['devs'] }), 'idempotent');
});

test('system:anonymous has system:unauthenticated, not system:authenticated', () => {
  assert.deepEqual(userInfo('system:anonymous'), { name: 'system:anonymous', groups: ['system:unauthenticated'] });
  // a request that already carries system:unauthenticated is not made authenticated (AuthenticatedGroupAdder)
  assert.deepEqual(userInfo({ name: 'x', groups: ['system:unauthenticated'] }).groups, ['system:unauthenticated']);
});

test('a service account user has system:serviceaccounts and system:serviceaccounts:NS', () => {
  assert.deepEqual(userInfo('system:serviceaccount:dev:ci').groups, ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated']);
  // not a valid service account user name: a plain user
  assert.deepEqual(userInfo('system:serviceaccount:dev').groups, ['system:authenticated']);
  assert.deepEqual(userInfo('system:serviceaccount:Dev:ci').groups, ['system:authenticated']);
});

test('splitServiceAccountUsername validates like SplitUsername', () => {
  assert.deepEqual(splitServiceAccountUsername('system:serviceaccount:kube-system:coredns'), { namespace: 'kube-system', name: 'coredns' });
  assert.equal(splitServiceAccountUsername('system:serviceaccount:a:b:c'), undefined);
  assert.equal(splitServiceAccountUsername('system:serviceaccount::b'), undefined);
  assert.equal(splitServiceAccountUsername('system:serviceaccounts:dev'), undefined);
  assert.equal(splitServiceAccountUsername('alice'), undefined);
  assert.equal(serviceAccountUsername('dev', 'ci'), 'system:serviceaccount:dev:ci');
});

test('appliesToUser: User by name, Group by membership, exact and case-sensitive', () => {
  const alice = userInfo({ name: 'alice', groups: ['devs'] });
  assert.equal(appliesToUser(alice, { kind: 'User', name: 'alice' }, 'dev'), true);
  assert.equal(appliesToUser(alice, { kind: 'User', name: 'Alice' }, 'dev'), false);
  assert.equal(appliesToUser(alice, { kind: 'Group', name: 'devs' }, ''), true);
  assert.equal(appliesToUser(alice, { kind: 'Group', name: 'system:authenticated' }, ''), true);
  assert.equal(appliesToUser(alice, { kind: 'user', name: 'alice' }, ''), false, 'kind is case-sensitive');
  assert.equal(appliesToUser(alice, { kind: 'Robot', name: 'alice' }, ''), false);
});

test('appliesToUser: a ServiceAccount subject defaults to the RoleBinding namespace, and never matches without one', () => {
  const ci = userInfo('system:serviceaccount:dev:ci');
  assert.equal(appliesToUser(ci, { kind: 'ServiceAccount', name: 'ci' }, 'dev'), true, 'namespace defaulted to the binding\'s');
  assert.equal(appliesToUser(ci, { kind: 'ServiceAccount', name: 'ci' }, 'prod'), false);
  assert.equal(appliesToUser(ci, { kind: 'ServiceAccount', name: 'ci', namespace: 'dev' }, 'prod'), true, 'explicit namespace wins');
  assert.equal(appliesToUser(ci, { kind: 'ServiceAccount', name: 'ci' }, ''), false, 'ClusterRoleBinding subject without namespace');
  // a User subject with the service account's user name matches it too (the authorizer compares user names)
  assert.equal(appliesToUser(ci, { kind: 'User', name: 'system:serviceaccount:dev:ci' }, ''), true);
  // and a ServiceAccount subject does not match a user merely called "ci"
  assert.equal(appliesToUser(userInfo('ci'), { kind: 'ServiceAccount', name: 'ci', namespace: 'dev' }, ''), false);
});

test('subjectIndexKey agrees with appliesToUser on the user-name side', () => {
  assert.equal(subjectIndexKey({ kind: 'ServiceAccount', name: 'ci' }, 'dev'), 'u:system:serviceaccount:dev:ci');
  assert.equal(subjectIndexKey({ kind: 'ServiceAccount', name: 'ci' }, ''), undefined);
  assert.equal(subjectIndexKey({ kind: 'Group', name: 'g' }, ''), 'g:g');
  assert.equal(subjectIndexKey({ kind: 'group', name: 'g' }, ''), undefined);
});
