import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { renderReport, REPORT_FORMATS } from '../report/index.js';
import { runProbe } from './index.js';
import { PROBE_KEY_PREFIX } from './etcd.js';
import { b64, etcdMissing, etcdPost, fakeServer, freePort, makeCerts, opensslMissing, scratchDir, startEtcd, type RunningEtcd, type TestCerts } from './fixtures.test.js';

const SECRET_VALUE = 'k8s:enc:none:the-database-password'; // must never reach a report
const noEtcd = etcdMissing();

async function keysUnder(url: string, prefix: string, tls?: TestCerts): Promise<number> {
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  const r = await etcdPost(url, '/v3/kv/range', { key: b64(prefix), range_end: b64(end), count_only: true }, tls);
  return Number(r.body.count ?? 0);
}

async function revision(url: string, tls?: TestCerts): Promise<string> {
  const r = await etcdPost(url, '/v3/kv/range', { key: b64('x'), count_only: true }, tls);
  return String((r.body.header as Record<string, unknown>).revision);
}

describe('etcd without client certificates (real etcd, plain HTTP)', { skip: noEtcd }, () => {
  let scratch: { dir: string; remove: () => Promise<void> };
  let etcd: RunningEtcd;

  before(async () => {
    scratch = await scratchDir();
    etcd = await startEtcd(path.join(scratch.dir, 'data'));
    for (const [key, value] of [['/registry/secrets/shop/db', SECRET_VALUE], ['/registry/secrets/kube-system/admin-token', SECRET_VALUE], ['/registry/pods/shop/web-1', '{}']]) {
      await etcdPost(etcd.url, '/v3/kv/put', { key: b64(key!), value: b64(value!) });
    }
  });
  after(async () => {
    await etcd?.stop();
    await scratch.remove();
  });

  test('readable and writable: both critical, with what was read and written, and the throw-away key is gone', { timeout: 60_000 }, async () => {
    const result = await runProbe({ etcd: etcd.url, version: '0.0.0-test' });
    assert.deepEqual(result.findings.map((f) => [f.checkId, f.severity, f.category]), [
      ['KW-PRB-020', 'critical', 'access'],
      ['KW-PRB-021', 'critical', 'access'],
      ['KW-PRB-022', 'high', 'access'],
    ]);
    assert.deepEqual(result.notEvaluated, []);
    assert.deepEqual(result.inputs, [etcd.url]);

    const read = result.findings[0]!;
    assert.deepEqual(read.resource, { apiVersion: 'kubeward.io/probe', kind: 'Etcd', name: etcd.url });
    assert.deepEqual(read.evidence.map((e) => [e.path, e.value]), [[`POST ${etcd.url}/v3/kv/range`, 200], [`POST ${etcd.url}/v3/kv/range`, 200]]);
    assert.match(read.evidence[0]!.detail!, /range over all keys \(key names only\) answered: 3 keys in etcd 3\.\d+\.\d+ \(first: \/registry\/pods\/shop\/web-1, \/registry\/secrets\/kube-system\/admin-token, \/registry\/secrets\/shop\/db\)/);
    assert.match(read.evidence[1]!.detail!, /count of keys under \/registry\/secrets\/ answered: 2 Kubernetes Secrets \(values not read\)/);

    const write = result.findings[1]!;
    assert.match(write.evidence[0]!.detail!, new RegExp(`put of the throw-away key ${PROBE_KEY_PREFIX}[0-9a-f]{16} \\(on a 300 s lease\\) succeeded`));
    assert.match(write.evidence[1]!.detail!, /deleted the throw-away key .* again/);
    assert.match(write.message, /the probe deleted \/kubeward-probe\/[0-9a-f]{16} again/);
    assert.equal(await keysUnder(etcd.url, PROBE_KEY_PREFIX), 0, 'the probe removed its key');
    assert.equal(await keysUnder(etcd.url, '/registry/'), 3, 'nothing else was touched');

    assert.match(result.findings[2]!.evidence[0]!.detail!, /etcd 3\.\d+\.\d+ answered over plain HTTP/);

    for (const format of REPORT_FORMATS) {
      const text = await renderReport(format, result, { color: false, showSuppressed: false });
      assert.ok(text.includes('KW-PRB-020') && text.includes('KW-PRB-021'), format);
      assert.ok(!text.includes(SECRET_VALUE) && !text.includes(b64(SECRET_VALUE)), `${format} carries no value read from etcd`);
    }
  });

  test('--no-etcd-write writes nothing and says the write check was not evaluated', { timeout: 60_000 }, async () => {
    const before = await revision(etcd.url);
    const result = await runProbe({ etcd: etcd.url, etcdWrite: false, version: '0.0.0-test' });
    assert.deepEqual(result.findings.map((f) => f.checkId), ['KW-PRB-020', 'KW-PRB-022']);
    assert.deepEqual(result.notEvaluated, [{ target: 'KW-PRB-021', reason: `not evaluated for Etcd ${etcd.url}, because the write test was skipped (--no-etcd-write)` }]);
    assert.equal(await revision(etcd.url), before, 'no write reached etcd');
  });

  test('https:// to the plain-HTTP etcd port is reported as not speaking TLS', { timeout: 60_000 }, async () => {
    const result = await runProbe({ etcd: etcd.url.replace('http:', 'https:'), version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.equal(result.notEvaluated.length, 3);
    assert.match(result.notEvaluated[0]!.reason, /closed the connection during the TLS handshake \(ECONNRESET\); if the port serves plain HTTP, probe it with an http:\/\/ URL/);
  });
});

describe('etcd with TLS and --client-cert-auth (real etcd)', { skip: noEtcd || opensslMissing() }, () => {
  let scratch: { dir: string; remove: () => Promise<void> };
  let certs: TestCerts;
  let etcd: RunningEtcd;

  before(async () => {
    scratch = await scratchDir();
    certs = await makeCerts(scratch.dir);
    etcd = await startEtcd(path.join(scratch.dir, 'data'), certs);
    await etcdPost(etcd.url, '/v3/kv/put', { key: b64('/registry/secrets/shop/db'), value: b64(SECRET_VALUE) }, certs);
  });
  after(async () => {
    await etcd?.stop();
    await scratch.remove();
  });

  test('closed: the handshake demands a client certificate, so nothing is readable or writable', { timeout: 60_000 }, async () => {
    const before = await revision(etcd.url, certs);
    const result = await runProbe({ etcd: etcd.url, caCert: certs.caCert, version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.notEvaluated, []);
    assert.deepEqual(result.checks.map((c) => c.id), ['KW-PRB-020', 'KW-PRB-021', 'KW-PRB-022']);
    assert.equal(await revision(etcd.url, certs), before);
  });

  test('closed with --insecure as well', { timeout: 60_000 }, async () => {
    const result = await runProbe({ etcd: etcd.url, insecure: true, version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.notEvaluated, []);
  });

  test('without the CA, certificate verification fails first: not evaluated, with what to do', { timeout: 60_000 }, async () => {
    const result = await runProbe({ etcd: etcd.url, version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.equal(result.notEvaluated.length, 3);
    assert.match(result.notEvaluated[0]!.reason, /TLS certificate verification failed: .*\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)\. Give the cluster's CA with --cacert FILE, or skip verification with --insecure/);
  });
});

test('an etcd URL nothing listens on is not evaluated, never passed', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const result = await runProbe({ etcd: `127.0.0.1:${port}`, version: '0.0.0-test' });
  assert.deepEqual(result.findings, []);
  assert.deepEqual(result.notEvaluated.map((n) => n.target), ['KW-PRB-020', 'KW-PRB-021', 'KW-PRB-022']);
  assert.match(result.notEvaluated[0]!.reason, new RegExp(`because https://127\\.0\\.0\\.1:${port} could not be reached: connection refused`));
});

test('an etcd without the JSON gateway (404) leaves reads and writes not evaluated, never passed', { timeout: 30_000 }, async () => {
  const server = await fakeServer({ '/version': { status: 200, body: { etcdserver: '3.5.9', etcdcluster: '3.5.0' } } });
  try {
    const result = await runProbe({ etcd: server.url, version: '0.0.0-test' });
    assert.deepEqual(result.findings.map((f) => f.checkId), ['KW-PRB-022']);
    assert.deepEqual(result.notEvaluated.map((n) => n.target), ['KW-PRB-020', 'KW-PRB-021']);
    assert.match(result.notEvaluated[0]!.reason, /serves no v3 JSON gateway \(tried \/v3, \/v3beta, \/v3alpha/);
    assert.equal(server.requests.filter((r) => r.path.endsWith('/kv/put')).length, 1, 'one put tried');
  } finally {
    await server.close();
  }
});
