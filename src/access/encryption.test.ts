import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dedent, inventoryFromYaml } from '../../test/support.js';
import { analyzeAccess, encryptionSummaries } from './index.js';
import { readEncryptionConfig, ruleFor, summarize } from './encryption.js';

const DIR = new URL('../../test/fixtures/control-plane/', import.meta.url);
const fixture = (path: string): string => readFileSync(new URL(path, DIR), 'utf8');

/** Findings per check id, with the first evidence's path and value. */
function scan(yaml: string, file = 'encryption-config.yaml') {
  const out = analyzeAccess(inventoryFromYaml(yaml, file));
  return {
    ids: out.findings.map((f) => f.checkId).sort(),
    byId: new Map(out.findings.map((f) => [f.checkId, f])),
    notEvaluated: out.notEvaluated,
  };
}

test('a config that encrypts Secrets with KMS v2 and ConfigMaps with aesgcm raises nothing', () => {
  const { ids, notEvaluated } = scan(fixture('hardened/encryption-config.yaml'));
  assert.deepEqual(ids, []);
  assert.deepEqual(notEvaluated, []);
  assert.equal(summarize(readEncryptionConfig(inventoryFromYaml(fixture('hardened/encryption-config.yaml')).objects[0]!)),
    'secrets → kms v2 (vault-kms) (then identity for reading); configmaps → aesgcm (then identity for reading)');
});

test('identity only: Secrets in plaintext (KW-API-032, high) and the other listed resources too (KW-API-033)', () => {
  const { ids, byId } = scan(fixture('encryption/identity-only.yaml'), 'test/fixtures/control-plane/encryption/identity-only.yaml');
  assert.deepEqual(ids, ['KW-API-032', 'KW-API-033']);
  const secrets = byId.get('KW-API-032')!;
  assert.equal(secrets.severity, 'high');
  assert.equal(secrets.category, 'access');
  assert.match(secrets.message, /identity is the only provider, so Secrets are written in plaintext/);
  assert.equal(secrets.evidence[0]!.path, 'resources[0].providers[0]');
  assert.equal(secrets.evidence[0]!.value, 'identity');
  assert.deepEqual(secrets.evidence[0]!.position, { file: 'test/fixtures/control-plane/encryption/identity-only.yaml', line: 8, column: 9 });
  assert.match(byId.get('KW-API-033')!.message, /lists configmaps with identity first/);
});

test('identity first with an encrypting provider second: still plaintext, and says why the second does not help', () => {
  const { ids, byId } = scan(fixture('weak/encryption-config.yaml'));
  assert.deepEqual(ids, ['KW-API-032', 'KW-API-034']);
  assert.match(byId.get('KW-API-032')!.message, /identity is first, so Secrets are written in plaintext \(aescbc is only used to read data written earlier\)/);
  assert.match(byId.get('KW-API-034')!.message, /configmaps\) is encrypted with aescbc: .*padding-oracle/);
});

test('a config that does not cover secrets at all is a finding on `resources`', () => {
  const { ids, byId } = scan(fixture('encryption/no-secrets.yaml'));
  assert.deepEqual(ids, ['KW-API-032']);
  const f = byId.get('KW-API-032')!;
  assert.equal(f.evidence[0]!.path, 'resources');
  assert.match(f.message, /no entry .* matches secrets .* it encrypts: configmaps, widgets\.example\.com → aesgcm/);
});

test('aescbc and KMS v1 are weaker providers (KW-API-034, low), and the finding says why', () => {
  const aescbc = scan(fixture('encryption/aescbc.yaml'));
  assert.deepEqual(aescbc.ids, ['KW-API-034']);
  assert.equal(aescbc.byId.get('KW-API-034')!.severity, 'low');
  assert.match(aescbc.byId.get('KW-API-034')!.message, /AES-CBC with PKCS#7 padding and no authentication/);
  const kms = scan(fixture('encryption/kms-v1.yaml'));
  assert.deepEqual(kms.ids, ['KW-API-034'], 'apiserver.k8s.io/v1 is read too');
  assert.match(kms.byId.get('KW-API-034')!.message, /kms v1 \(legacy-kms\): KMS v1 is deprecated/);
  assert.equal(kms.byId.get('KW-API-034')!.evidence[0]!.value, 'kms v1 (legacy-kms)');
});

test('wildcards: *.* covers Secrets; an earlier identity entry for events is reported as unencrypted resources only', () => {
  const { ids, byId } = scan(fixture('encryption/wildcard.yaml'));
  assert.deepEqual(ids, ['KW-API-033']);
  assert.match(byId.get('KW-API-033')!.message, /resources\[0\] lists events with identity first/);
  const view = readEncryptionConfig(inventoryFromYaml(fixture('encryption/wildcard.yaml')).objects[0]!);
  assert.equal(ruleFor(view, 'secrets')!.index, 1);
  assert.equal(ruleFor(view, 'events')!.index, 0);
  assert.equal(ruleFor(view, 'deployments.apps')!.index, 1);
});

test('resource matching: *. is the core group, *.apps a group, earlier entries win', () => {
  const yaml = dedent(`
    apiVersion: apiserver.config.k8s.io/v1
    kind: EncryptionConfiguration
    resources:
      - resources: ['*.apps']
        providers: [{secretbox: {keys: [{name: k, secret: YWJj}]}}]
      - resources: ['*.']
        providers: [{identity: {}}]
  `);
  const view = readEncryptionConfig(inventoryFromYaml(yaml).objects[0]!);
  assert.equal(ruleFor(view, 'secrets')!.index, 1);
  assert.equal(ruleFor(view, 'deployments.apps')!.index, 0);
  assert.equal(ruleFor(view, 'widgets.example.com'), undefined);
  const { ids, byId } = scan(yaml);
  assert.deepEqual(ids, ['KW-API-032', 'KW-API-033']);
  assert.match(byId.get('KW-API-033')!.message, /\*\. \(every other core resource\)/);
});

test('the pre-1.13 EncryptionConfig kind is read; a malformed file is not evaluated, never passed', () => {
  const legacy = dedent(`
    kind: EncryptionConfig
    apiVersion: v1
    resources:
      - resources: [secrets]
        providers: [{identity: {}}]
  `);
  assert.deepEqual(scan(legacy).ids, ['KW-API-032']);
  const broken = dedent(`
    apiVersion: apiserver.config.k8s.io/v1
    kind: EncryptionConfiguration
    resources:
      - resources: [secrets]
        providers: [{aescbc: {keys: []}, identity: {}}]
  `);
  const out = scan(broken);
  assert.deepEqual(out.ids, []);
  assert.deepEqual(out.notEvaluated.map((n) => n.target), ['KW-API-032', 'KW-API-033', 'KW-API-034']);
  assert.match(out.notEvaluated[0]!.reason, /must name exactly one of identity, aescbc, aesgcm, secretbox, kms.* — kube-apiserver would refuse this file/);
});

test('encryptionSummaries lists what each configuration encrypts and with which provider', () => {
  const inventory = inventoryFromYaml(fixture('weak/encryption-config.yaml'), 'weak/encryption-config.yaml');
  assert.deepEqual(encryptionSummaries(inventory), [{ file: 'weak/encryption-config.yaml', line: 2, summary: 'secrets → identity (then aescbc for reading); configmaps → aescbc' }]);
});
