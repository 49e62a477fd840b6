import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScanResult } from '../core/scan-result.js';
import { runProbe } from './index.js';
import { fakeServer, freePort, makeCerts, opensslMissing, scratchDir, type FakeServer, type Route, type TestCerts } from './fixtures.test.js';

const POD_LIST: Route = {
  status: 200,
  body: { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'kube-proxy-x', namespace: 'kube-system' } }, { metadata: { name: 'web-1', namespace: 'shop' } }] },
};
const CONFIGZ: Route = {
  status: 200,
  body: { kubeletconfig: { authentication: { anonymous: { enabled: true }, webhook: { enabled: false } }, authorization: { mode: 'AlwaysAllow' }, readOnlyPort: 10255 } },
};
const OPEN: Record<string, Route> = { '/pods': POD_LIST, '/runningpods/': POD_LIST, '/configz': CONFIGZ };
const WEBHOOK: Record<string, Route> = Object.fromEntries(['/pods', '/runningpods/', '/configz'].map((p) => [p, { status: 403, body: 'Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)' }]));
const LOCKED: Record<string, Route> = Object.fromEntries(['/pods', '/runningpods/', '/configz'].map((p) => [p, { status: 401, body: 'Unauthorized' }]));

const ids = (result: ScanResult): string[] => result.findings.map((f) => f.checkId).sort();
const finding = (result: ScanResult, id: string) => result.findings.find((f) => f.checkId === id)!;

describe('kubelet probe against local HTTPS and HTTP servers', { skip: opensslMissing() }, () => {
  let scratch: { dir: string; remove: () => Promise<void> };
  let certs: TestCerts;
  const servers: FakeServer[] = [];
  const kubelet = async (routes: Record<string, Route>, requestCert = false): Promise<FakeServer> => {
    const server = await fakeServer(routes, { cert: certs.serverCert, key: certs.serverKey, requestCert });
    servers.push(server);
    return server;
  };

  before(async () => {
    scratch = await scratchDir();
    certs = await makeCerts(scratch.dir);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await scratch.remove();
  });

  test('a kubelet open to anonymous users, with the read-only port answering: all five checks fire', { timeout: 30_000 }, async () => {
    const server = await kubelet(OPEN);
    const readOnly = await fakeServer({ '/pods': POD_LIST });
    servers.push(readOnly);
    const result = await runProbe({ kubelet: `127.0.0.1:${server.port}`, readOnlyPort: readOnly.port, caCert: certs.caCert, version: '0.0.0-test' });
    assert.deepEqual(ids(result), ['KW-PRB-010', 'KW-PRB-011', 'KW-PRB-012', 'KW-PRB-013', 'KW-PRB-014']);
    assert.deepEqual(result.notEvaluated, []);
    assert.deepEqual(result.inputs, [server.url, readOnly.url]);
    for (const f of result.findings) {
      assert.equal(f.category, 'nodes');
      assert.deepEqual(f.resource, { apiVersion: 'kubeward.io/probe', kind: 'Kubelet', name: server.url });
    }
    const pods = finding(result, 'KW-PRB-010');
    assert.equal(pods.severity, 'critical');
    assert.deepEqual(pods.evidence.map((e) => [e.path, e.value]), [[`GET ${server.url}/pods`, 200]]);
    assert.match(pods.evidence[0]!.detail!, /PodList with 2 pods \(first: kube-system\/kube-proxy-x, shop\/web-1\)/);
    assert.match(finding(result, 'KW-PRB-012').evidence[0]!.detail!, /authentication\.anonymous\.enabled=true, authentication\.webhook\.enabled=false, authorization\.mode=AlwaysAllow, readOnlyPort=10255/);
    const ro = finding(result, 'KW-PRB-014');
    assert.equal(ro.severity, 'high');
    assert.deepEqual(ro.evidence.map((e) => [e.path, e.value]), [[`GET ${readOnly.url}/pods`, 200]]);
    assert.match(ro.evidence[0]!.detail!, /without credentials or TLS: PodList with 2 pods.*\[plain HTTP, unencrypted\]/);
    assert.ok(server.requests.every((r) => r.authorization === undefined));
  });

  test('webhook authorization with anonymous auth on: only the low "accepts anonymous requests" finding', { timeout: 30_000 }, async () => {
    const server = await kubelet(WEBHOOK);
    const closed = await freePort();
    const result = await runProbe({ kubelet: `127.0.0.1:${server.port}`, readOnlyPort: closed, caCert: certs.caCert, version: '0.0.0-test' });
    assert.deepEqual(ids(result), ['KW-PRB-013']);
    const anonymous = finding(result, 'KW-PRB-013');
    assert.equal(anonymous.severity, 'low');
    assert.equal(anonymous.evidence.length, 3);
    assert.match(anonymous.evidence[0]!.detail!, /HTTP 403 Forbidden: "Forbidden \(user=system:anonymous/);
    assert.deepEqual(result.notEvaluated, [], 'a refused read-only port is closed: passed');
  });

  test('anonymous auth off and read-only port closed: nothing to report, nothing unevaluated', { timeout: 30_000 }, async () => {
    const server = await kubelet(LOCKED);
    const result = await runProbe({ kubelet: `https://127.0.0.1:${server.port}`, readOnlyPort: await freePort(), caCert: certs.caCert, version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.notEvaluated, []);
    assert.deepEqual(result.checks.map((c) => c.id), ['KW-PRB-010', 'KW-PRB-011', 'KW-PRB-012', 'KW-PRB-013', 'KW-PRB-014']);
  });

  test('a kubelet that demands a client certificate in the handshake lets no anonymous request in', { timeout: 30_000 }, async () => {
    const server = await kubelet(OPEN, true);
    const result = await runProbe({ kubelet: `127.0.0.1:${server.port}`, readOnlyPort: 0, caCert: certs.caCert, version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.notEvaluated, []);
    assert.equal(server.requests.length, 0);
    assert.ok(!result.checks.some((c) => c.id === 'KW-PRB-014'), '--read-only-port 0 skips the read-only check');
  });

  test('an unreachable kubelet is not evaluated; its refused read-only port is closed', { timeout: 30_000 }, async () => {
    const port = await freePort();
    const result = await runProbe({ kubelet: `127.0.0.1:${port}`, readOnlyPort: await freePort(), version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.notEvaluated.map((n) => n.target), ['KW-PRB-010', 'KW-PRB-011', 'KW-PRB-012', 'KW-PRB-013']);
    assert.match(result.notEvaluated[0]!.reason, /^not evaluated for Kubelet https:\/\/127\.0\.0\.1:\d+, because .* could not be reached: connection refused/);
  });

  test('a read-only port that answers something other than a kubelet is not guessed at', { timeout: 30_000 }, async () => {
    const server = await kubelet(LOCKED);
    const other = await fakeServer({});
    servers.push(other);
    const result = await runProbe({ kubelet: `127.0.0.1:${server.port}`, readOnlyPort: other.port, caCert: certs.caCert, version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.notEvaluated.map((n) => n.target), ['KW-PRB-014']);
    assert.match(result.notEvaluated[0]!.reason, /answered HTTP 404 Not Found to GET \/pods, which is not what a kubelet read-only port answers/);
  });

  test('the kubelet certificate is verified too', { timeout: 30_000 }, async () => {
    const server = await kubelet(OPEN);
    const result = await runProbe({ kubelet: `127.0.0.1:${server.port}`, readOnlyPort: 0, version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.match(result.notEvaluated[0]!.reason, /TLS certificate verification failed: unable to verify the first certificate \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    const insecure = await runProbe({ kubelet: `127.0.0.1:${server.port}`, readOnlyPort: 0, insecure: true, version: '0.0.0-test' });
    assert.ok(insecure.findings.length > 0);
    assert.match(insecure.findings[0]!.evidence[0]!.detail!, /TLS certificate NOT verified \(--insecure\); verification would have failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });
});
