import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { etcdMissing, etcdPost, makeCerts, opensslMissing, scratchDir, startEtcd, type RunningEtcd, type TestCerts } from '../../probe/fixtures.test.js';
import { checkEtcdEncryption, type ResourceEncryption } from './check.js';
import { etcdEncryptionFindings, renderEtcdEncryptionTable } from './findings.js';

// A real etcd holding what an API server would write: plaintext JSON and protobuf objects and
// `k8s:enc:` envelopes of several providers, read back through the JSON gateway in small pages.

const SECRET_TEXT = 'hunter2-THE-DATABASE-PASSWORD';
const b64buf = (b: Buffer): string => b.toString('base64');
const json = (name: string): Buffer => Buffer.from(JSON.stringify({ kind: 'Secret', apiVersion: 'v1', metadata: { name }, data: { password: Buffer.from(SECRET_TEXT).toString('base64') }, stringData: { plain: SECRET_TEXT } }));
const protobuf = (): Buffer => Buffer.concat([Buffer.from('k8s\u0000\n\u000c\n\u0002v1\u0012\u0006Secret', 'latin1'), Buffer.from(SECRET_TEXT)]);
const envelope = (prefix: string): Buffer => Buffer.concat([Buffer.from(prefix, 'latin1'), randomBytes(64)]);

/** Key → value, with how many of each kind the test wrote (the expected counts). */
function dataset(): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (let i = 0; i < 5; i++) out.push([`/registry/secrets/shop/json-${i}`, json(`json-${i}`)]);
  for (let i = 0; i < 4; i++) out.push([`/registry/secrets/kube-system/proto-${i}`, protobuf()]);
  for (let i = 0; i < 3; i++) out.push([`/registry/secrets/bank/cbc-${i}`, envelope('k8s:enc:aescbc:v1:key1:')]);
  for (let i = 0; i < 2; i++) out.push([`/registry/secrets/bank/kms-${i}`, envelope('k8s:enc:kms:v2:mykms:')]);
  out.push(['/registry/secrets/bank/box-0', envelope('k8s:enc:secretbox:v1:k:')]);
  out.push(['/registry/secrets/odd/garbage', Buffer.from('not a kubernetes value')]);
  out.push(['/registry/configmaps/shop/cm-0', json('cm-0')], ['/registry/configmaps/shop/cm-1', protobuf()], ['/registry/configmaps/shop/cm-2', envelope('k8s:enc:aesgcm:v1:key2:')]);
  // Outside both prefixes: must not be counted.
  out.push(['/registry/secretstores/x', json('x')], ['/registry/pods/shop/web', json('web')], ['/registry/secrets', json('bare')]);
  return out;
}

async function load(url: string, tls?: TestCerts): Promise<void> {
  for (const [key, value] of dataset()) {
    const r = await etcdPost(url, '/v3/kv/put', { key: Buffer.from(key).toString('base64'), value: b64buf(value) }, tls);
    assert.equal(r.status, 200, `put ${key}`);
  }
}

const EXPECTED_SECRETS = {
  resource: 'secrets', prefix: '/registry/secrets/', total: 16, plaintext: 9, unknown: 1,
  byProvider: [
    { provider: 'aescbc', keyName: 'key1', count: 3 },
    { provider: 'kms v2', keyName: 'mykms', count: 2 },
    { provider: 'secretbox', keyName: 'k', count: 1 },
  ],
};
const EXPECTED_CONFIGMAPS = { resource: 'configmaps', prefix: '/registry/configmaps/', total: 3, plaintext: 2, unknown: 0, byProvider: [{ provider: 'aesgcm', keyName: 'key2', count: 1 }] };

const strip = ({ plaintextExamples: _, ...rest }: ResourceEncryption): Omit<ResourceEncryption, 'plaintextExamples'> => rest;

function assertNoValues(report: unknown): void {
  const text = JSON.stringify(report);
  assert.ok(!text.includes(SECRET_TEXT), 'no secret plaintext in the report');
  assert.ok(!text.includes(Buffer.from(SECRET_TEXT).toString('base64').slice(0, 16)), 'no base64 of it either');
  assert.ok(!text.includes('not a kubernetes value'));
}

describe('etcd encryption check against a real etcd over plain HTTP', { skip: etcdMissing() }, () => {
  let scratch: { dir: string; remove: () => Promise<void> };
  let etcd: RunningEtcd;
  before(async () => {
    scratch = await scratchDir('kubeward-etcdenc-');
    etcd = await startEtcd(path.join(scratch.dir, 'data'));
    await load(etcd.url);
  });
  after(async () => {
    await etcd?.stop();
    await scratch?.remove();
  });

  test('counts every key written, across pages of 3, by provider and key', { timeout: 60_000 }, async () => {
    const report = await checkEtcdEncryption({ endpoints: [etcd.url], resources: ['secrets', 'configmaps'], pageSize: 3 });
    assert.deepEqual(report.errors, []);
    assert.equal(report.endpoint, etcd.url);
    assert.deepEqual(report.resources.map(strip), [EXPECTED_SECRETS, EXPECTED_CONFIGMAPS]);
    // Plaintext examples are names, in key order (etcd sorts keys bytewise).
    assert.deepEqual(report.resources[0]!.plaintextExamples, ['kube-system/proto-0', 'kube-system/proto-1', 'kube-system/proto-2', 'kube-system/proto-3', 'shop/json-0', 'shop/json-1', 'shop/json-2', 'shop/json-3', 'shop/json-4']);
    assertNoValues(report);
  });

  test('page size 1 and the default page size agree', { timeout: 60_000 }, async () => {
    const one = await checkEtcdEncryption({ endpoints: [etcd.url], pageSize: 1 });
    const all = await checkEtcdEncryption({ endpoints: [etcd.url] });
    assert.deepEqual(one.resources.map(strip), [EXPECTED_SECRETS]);
    assert.deepEqual(all, one);
  });

  test('findings: critical plaintext with names as evidence, aescbc as weak; no value anywhere', { timeout: 60_000 }, async () => {
    const report = await checkEtcdEncryption({ endpoints: [etcd.url] });
    const { findings, notEvaluated } = etcdEncryptionFindings(report, 'cp-1');
    assert.deepEqual(notEvaluated, []);
    assert.deepEqual(findings.map((f) => [f.checkId, f.severity]), [['KW-NODE-301', 'critical'], ['KW-NODE-302', 'medium']]);
    assert.match(findings[0]!.evidence[0]!.detail!, /^9 of 16 keys under \/registry\/secrets\/ are plaintext \(e\.g\. kube-system\/proto-0, /);
    assert.match(findings[1]!.evidence[0]!.detail!, /^3 of 16 keys under \/registry\/secrets\/ use aescbc\/key1: /);
    assertNoValues(findings);
    assertNoValues(renderEtcdEncryptionTable(report));
  });

  test('an unreachable endpoint first: the next one is read and the failure is reported', { timeout: 60_000 }, async () => {
    const report = await checkEtcdEncryption({ endpoints: ['http://127.0.0.1:1', etcd.url], timeoutMs: 5000 });
    assert.equal(report.endpoint, etcd.url);
    assert.deepEqual(report.errors, ['http://127.0.0.1:1: connection refused (ECONNREFUSED)']);
    assert.equal(report.resources[0]!.total, 16);
  });
});

describe('etcd encryption check against a real etcd with client-certificate auth', { skip: etcdMissing() || opensslMissing() }, () => {
  let scratch: { dir: string; remove: () => Promise<void> };
  let etcd: RunningEtcd;
  let certs: TestCerts;
  before(async () => {
    scratch = await scratchDir('kubeward-etcdenc-tls-');
    certs = await makeCerts(scratch.dir);
    etcd = await startEtcd(path.join(scratch.dir, 'data'), certs);
    await load(etcd.url, certs);
  });
  after(async () => {
    await etcd?.stop();
    await scratch?.remove();
  });

  test('with the client certificate: same counts as written', { timeout: 60_000 }, async () => {
    const report = await checkEtcdEncryption({ endpoints: [etcd.url], cacert: certs.caFile, cert: certs.clientCertFile, key: certs.clientKeyFile, resources: ['secrets', 'configmaps'], pageSize: 4 });
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.resources.map(strip), [EXPECTED_SECRETS, EXPECTED_CONFIGMAPS]);
    assertNoValues(report);
  });

  test('without a client certificate: a clear error and no data', { timeout: 60_000 }, async () => {
    const report = await checkEtcdEncryption({ endpoints: [etcd.url], cacert: certs.caFile });
    assert.deepEqual(report.resources, []);
    assert.equal(report.errors.length, 1);
    assert.match(report.errors[0]!, new RegExp(`^${etcd.url}: .*etcd requires a client certificate \\(--client-cert-auth\\); pass --cert and --key$`));
    const { findings, notEvaluated } = etcdEncryptionFindings(report, 'cp-1');
    assert.deepEqual(findings, []);
    assert.deepEqual(notEvaluated.map((n) => n.target), ['KW-NODE-301', 'KW-NODE-302']);
    assert.match(notEvaluated[0]!.reason, /client certificate/);
  });

  test('the server certificate is verified: without the CA it fails, with insecure it reads', { timeout: 60_000 }, async () => {
    const opts = { endpoints: [etcd.url], cert: certs.clientCertFile, key: certs.clientKeyFile };
    const verified = await checkEtcdEncryption(opts);
    assert.deepEqual(verified.resources, []);
    assert.match(verified.errors[0]!, /TLS certificate verification failed/);
    const insecure = await checkEtcdEncryption({ ...opts, insecure: true });
    assert.equal(insecure.resources[0]!.total, 16);
  });

  test('an unreadable key file is named', async () => {
    const missing = path.join(scratch.dir, 'nope.key');
    const report = await checkEtcdEncryption({ endpoints: [etcd.url], cert: certs.clientCertFile, key: missing });
    assert.deepEqual(report.errors, [`cannot read the client key (--key) ${missing}: ENOENT`]);
  });
});
