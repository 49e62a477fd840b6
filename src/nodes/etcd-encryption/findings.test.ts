import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckCatalog } from '../../core/catalog.js';
import type { EtcdEncryptionReport, ResourceEncryption } from './check.js';
import { etcdEncryptionCheckMetas, etcdEncryptionFindings, renderEtcdEncryptionTable } from './findings.js';

const resource = (r: Partial<ResourceEncryption> & { resource: string }): ResourceEncryption =>
  ({ prefix: `/registry/${r.resource}/`, total: 0, plaintext: 0, byProvider: [], unknown: 0, plaintextExamples: [], ...r });
const report = (resources: ResourceEncryption[], errors: string[] = []): EtcdEncryptionReport => ({ endpoint: 'https://127.0.0.1:2379', resources, errors });

test('the metas are valid catalog entries', () => {
  assert.deepEqual(new CheckCatalog(etcdEncryptionCheckMetas()).all().map((m) => [m.id, m.severity, m.category]), [['KW-NODE-301', 'critical', 'nodes'], ['KW-NODE-302', 'medium', 'nodes']]);
});

test('all secrets encrypted with kms v2: no finding, nothing unevaluated', () => {
  const r = report([resource({ resource: 'secrets', total: 3, byProvider: [{ provider: 'kms v2', keyName: 'k', count: 3 }] })]);
  assert.deepEqual(etcdEncryptionFindings(r, 'cp-1'), { findings: [], notEvaluated: [] });
});

test('plaintext secrets: critical finding on the node with counts and names', () => {
  const r = report([resource({ resource: 'secrets', total: 5, plaintext: 2, plaintextExamples: ['a/x', 'b/y'], byProvider: [{ provider: 'aesgcm', keyName: 'k', count: 3 }] })]);
  const { findings } = etcdEncryptionFindings(r, 'cp-1');
  assert.equal(findings.length, 1);
  assert.deepEqual(findings[0]!.resource, { apiVersion: 'v1', kind: 'Node', name: 'cp-1' });
  assert.equal(findings[0]!.message, 'etcd at https://127.0.0.1:2379: 2 of 5 keys under /registry/secrets/ are plaintext (e.g. a/x, b/y).');
  assert.deepEqual(findings[0]!.evidence, [{ path: '/registry/secrets/', value: 2, detail: '2 of 5 keys under /registry/secrets/ are plaintext (e.g. a/x, b/y)' }]);
});

test('plaintext configmaps are not KW-NODE-301; aescbc and kms v1 on any resource are KW-NODE-302', () => {
  const r = report([
    resource({ resource: 'secrets', total: 4, byProvider: [{ provider: 'kms v1', keyName: 'v', count: 4 }] }),
    resource({ resource: 'configmaps', total: 3, plaintext: 2, byProvider: [{ provider: 'aescbc', keyName: 'key1', count: 1 }] }),
  ]);
  const { findings } = etcdEncryptionFindings(r, 'cp-1');
  assert.deepEqual(findings.map((f) => [f.checkId, f.evidence.map((e) => e.value)]), [['KW-NODE-302', ['kms v1']], ['KW-NODE-302', ['aescbc']]]);
  assert.match(findings[1]!.evidence[0]!.detail!, /^1 of 3 keys under \/registry\/configmaps\/ use aescbc\/key1: aescbc .* padding-oracle/);
});

test('nothing read: both checks not evaluated, with the errors as reason', () => {
  const { findings, notEvaluated } = etcdEncryptionFindings(report([], ['https://x:2379: connection refused (ECONNREFUSED)']), 'cp-1');
  assert.deepEqual(findings, []);
  assert.deepEqual(notEvaluated, [
    { target: 'KW-NODE-301', reason: 'etcd Secrets were not read on cp-1: https://x:2379: connection refused (ECONNREFUSED)' },
    { target: 'KW-NODE-302', reason: 'etcd was not read on cp-1: https://x:2379: connection refused (ECONNREFUSED)' },
  ]);
});

test('table: one column per provider/key, counts right-aligned, errors below', () => {
  const r = report([
    resource({ resource: 'secrets', total: 16, plaintext: 9, unknown: 1, byProvider: [{ provider: 'aescbc', keyName: 'key1', count: 3 }, { provider: 'kms v2', keyName: 'mykms', count: 2 }, { provider: 'secretbox', keyName: 'k', count: 1 }] }),
    resource({ resource: 'configmaps', total: 3, plaintext: 2, byProvider: [{ provider: 'aesgcm', keyName: 'key2', count: 1 }] }),
  ], ['note']);
  assert.equal(renderEtcdEncryptionTable(r), [
    'etcd https://127.0.0.1:2379',
    'RESOURCE    TOTAL  PLAINTEXT  aescbc/key1  aesgcm/key2  kms v2/mykms  secretbox/k  UNKNOWN',
    'secrets        16          9            3            0             2            1        1',
    'configmaps      3          2            0            1             0            0        0',
    'error: note',
    '',
  ].join('\n'));
});
