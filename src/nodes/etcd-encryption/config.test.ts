import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedent } from '../../../test/support.js';
import type { EtcdEncryptionReport } from './check.js';
import { analyzeEncryptionConfig, compareWithConfig } from './config.js';

const AESCBC_FIRST = dedent(`
  apiVersion: apiserver.config.k8s.io/v1
  kind: EncryptionConfiguration
  resources:
    - resources: [secrets]
      providers:
        - aescbc:
            keys:
              - name: key2
                secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Cg==
              - name: key1
                secret: dGhpcyBpcyBwYXNzd29yZA==
        - identity: {}
`);

const report = (secrets: Partial<EtcdEncryptionReport['resources'][number]>): EtcdEncryptionReport => ({
  endpoint: 'https://127.0.0.1:2379',
  resources: [{ resource: 'secrets', prefix: '/registry/secrets/', total: 0, plaintext: 0, byProvider: [], unknown: 0, plaintextExamples: [], ...secrets }],
  errors: [],
});

test('aescbc first: secrets encrypted with key2, identity kept for reading; configmaps plaintext', () => {
  const a = analyzeEncryptionConfig(AESCBC_FIRST, 'enc.yaml');
  assert.deepEqual(a.problems, []);
  assert.equal(a.summary, 'secrets → aescbc (then identity for reading)');
  assert.deepEqual(a.plans[0], {
    resource: 'secrets', rule: 0, writeProvider: 'aescbc', writeKey: 'key2',
    readable: [{ provider: 'aescbc', keys: ['key2', 'key1'] }, { provider: 'identity', keys: [] }],
    plaintext: false,
    advice: 'aescbc is vulnerable to padding-oracle attacks and not recommended; use kms v2 (or aesgcm / secretbox)',
  });
  assert.equal(a.plans[1]!.resource, 'configmaps');
  assert.equal(a.plans[1]!.plaintext, true);
  assert.match(a.plans[1]!.advice, /^no entry matches configmaps: identity writes plaintext/);
});

test('identity first is plaintext; kms v2 is recommended; aesgcm needs rotation every 200k writes', () => {
  const identity = analyzeEncryptionConfig('apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: ["*.*"]\n  providers: [{identity: {}}, {aesgcm: {keys: [{name: k, secret: eA==}]}}]\n');
  assert.deepEqual(identity.plans.map((p) => [p.resource, p.writeProvider, p.plaintext]), [['secrets', 'identity', true], ['configmaps', 'identity', true]]);
  const kms = analyzeEncryptionConfig('apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets, configmaps]\n  providers: [{kms: {apiVersion: v2, name: mykms, endpoint: "unix:///k.sock"}}, {aesgcm: {keys: [{name: k, secret: eA==}]}}]\n');
  assert.deepEqual(kms.plans.map((p) => [p.writeProvider, p.writeKey]), [['kms v2', 'mykms'], ['kms v2', 'mykms']]);
  assert.match(kms.plans[0]!.advice, /recommended/);
  const gcm = analyzeEncryptionConfig('apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers: [{aesgcm: {keys: [{name: k, secret: eA==}]}}]\n');
  assert.match(gcm.plans[0]!.advice, /every 200,000 writes/);
});

test('bad files: YAML error with position, no EncryptionConfiguration', () => {
  assert.match(analyzeEncryptionConfig('a: [\n', 'bad.yaml').problems[0]!, /^bad\.yaml:\d+:\d+: /);
  assert.deepEqual(analyzeEncryptionConfig('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', 'cm.yaml').problems, ['cm.yaml: no EncryptionConfiguration (apiVersion apiserver.config.k8s.io/v1) in the file']);
});

test('config says aescbc first but 40 secrets are still plaintext: rewrite them', () => {
  const mismatches = compareWithConfig(report({ total: 50, plaintext: 40, byProvider: [{ provider: 'aescbc', keyName: 'key2', count: 10 }] }), analyzeEncryptionConfig(AESCBC_FIRST));
  assert.deepEqual(mismatches, [{
    resource: 'secrets', kind: 'plaintext-remaining', count: 40,
    message: 'the configuration writes secrets with aescbc (key key2), but 40 of 50 keys under /registry/secrets/ are still plaintext: they were written before encryption was enabled and are only encrypted when rewritten',
    remediation: 'Rewrite every object so the API server encrypts it: kubectl get secrets -A -o json | kubectl replace -f -',
  }]);
});

test('old key still in use is a rotation to finish; a provider the config lost is unreadable; odd values are named', () => {
  const mismatches = compareWithConfig(
    report({ total: 9, byProvider: [{ provider: 'aescbc', keyName: 'key1', count: 3 }, { provider: 'aescbc', keyName: 'key2', count: 2 }, { provider: 'secretbox', keyName: 'old', count: 1 }], unknown: 3 }),
    analyzeEncryptionConfig(AESCBC_FIRST),
  );
  assert.deepEqual(mismatches.map((m) => [m.kind, m.count]), [['stale-key', 3], ['unreadable', 1], ['unknown-values', 3]]);
  assert.equal(mismatches[0]!.message, '3 keys under /registry/secrets/ are encrypted with aescbc key key1, which the configuration only keeps for reading; the configuration writes secrets with aescbc (key key2)');
  assert.equal(mismatches[1]!.message, '1 key under /registry/secrets/ is encrypted with secretbox key old, which the configuration does not list: the API server cannot decrypt them');
});

test('plaintext data without identity among the providers cannot be read', () => {
  const config = analyzeEncryptionConfig('apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers: [{secretbox: {keys: [{name: k, secret: eA==}]}}]\n');
  const [m] = compareWithConfig(report({ total: 2, plaintext: 2 }), config);
  assert.match(m!.message, /identity is not among the providers, so the API server cannot even read them$/);
});

test('data matching the configuration: no mismatch', () => {
  assert.deepEqual(compareWithConfig(report({ total: 4, byProvider: [{ provider: 'aescbc', keyName: 'key2', count: 4 }] }), analyzeEncryptionConfig(AESCBC_FIRST)), []);
});
