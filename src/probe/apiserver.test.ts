import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { renderReport, REPORT_FORMATS } from '../report/index.js';
import type { ScanResult } from '../core/scan-result.js';
import { runProbe } from './index.js';
import { fakeServer, freePort, makeCerts, opensslMissing, scratchDir, status, type FakeServer, type Route, type TestCerts } from './fixtures.test.js';

const SECRET_VALUE = 'c3VwZXItc2VjcmV0LXBhc3N3b3Jk'; // must never reach a report

const OPEN: Record<string, Route> = {
  '/version': { status: 200, body: { major: '1', minor: '29', gitVersion: 'v1.29.3', platform: 'linux/amd64' } },
  '/api': { status: 200, body: { kind: 'APIVersions', versions: ['v1'] } },
  '/apis': { status: 200, body: { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'apps' }, { name: 'batch' }] } },
  '/api/v1/namespaces/default/pods': { status: 200, body: { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'web-1', namespace: 'default' } }] } },
  '/api/v1/secrets': {
    status: 200,
    body: { kind: 'SecretList', apiVersion: 'v1', metadata: { continue: 'x', remainingItemCount: 40 }, items: [{ metadata: { name: 'db', namespace: 'shop' }, data: { password: SECRET_VALUE } }] },
  },
  '/api/v1/namespaces/kube-system/secrets': { status: 200, body: { kind: 'SecretList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'admin-token', namespace: 'kube-system' }, data: { token: SECRET_VALUE } }] } },
  '/healthz': { status: 200, body: 'ok' },
  '/livez': { status: 200, body: 'ok' },
  '/readyz': { status: 200, body: 'ok' },
};

const forbidden = (what: string) => status(403, `${what} is forbidden: User "system:anonymous" cannot list resource "${what}" in API group "" at the cluster scope`);

/** kubeadm defaults: version and health are public, the rest is refused by RBAC. */
const KUBEADM: Record<string, Route> = {
  '/version': OPEN['/version']!,
  '/api': status(403, 'forbidden: User "system:anonymous" cannot get path "/api"'),
  '/apis': status(403, 'forbidden: User "system:anonymous" cannot get path "/apis"'),
  '/api/v1/namespaces/default/pods': forbidden('pods'),
  '/api/v1/secrets': forbidden('secrets'),
  '/api/v1/namespaces/kube-system/secrets': forbidden('secrets'),
  '/healthz': { status: 200, body: 'ok' },
  '/livez': { status: 200, body: 'ok' },
  '/readyz': { status: 200, body: 'ok' },
};

const LOCKED: Record<string, Route> = Object.fromEntries(Object.keys(OPEN).map((p) => [p, status(401, 'Unauthorized')]));

// ajv and ajv-formats are CommonJS; their default export arrives wrapped depending on the loader.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module.default;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule.default;

function schemaValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(fileURLToPath(new URL('../../schemas/kubeward-report.schema.json', import.meta.url)), 'utf8')));
}

const ids = (result: ScanResult): string[] => result.findings.map((f) => f.checkId).sort();
const finding = (result: ScanResult, id: string) => result.findings.find((f) => f.checkId === id)!;

describe('API server probe against local HTTPS servers', { skip: opensslMissing() }, () => {
  let scratch: { dir: string; remove: () => Promise<void> };
  let certs: TestCerts;
  const servers: FakeServer[] = [];
  const serve = async (routes: Record<string, Route>, cert: 'ca' | 'self' = 'ca', hang: string[] = []): Promise<FakeServer> => {
    const server = await fakeServer(routes, cert === 'ca' ? { cert: certs.serverCert, key: certs.serverKey } : { cert: certs.selfSignedCert, key: certs.selfSignedKey }, hang);
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

  test('a wide-open API server: every anonymous question answered, reported with request, status and what came back', { timeout: 30_000 }, async () => {
    const server = await serve(OPEN);
    const result = await runProbe({ api: server.url, caCert: certs.caCert, version: '0.0.0-test' });
    assert.deepEqual(ids(result), ['KW-PRB-001', 'KW-PRB-002', 'KW-PRB-003', 'KW-PRB-004', 'KW-PRB-005', 'KW-PRB-006']);
    assert.deepEqual(result.notEvaluated, []);
    assert.equal(result.command, `kubeward probe --api ${server.url}`);
    assert.deepEqual(result.inputs, [server.url]);

    const secrets = finding(result, 'KW-PRB-005');
    assert.equal(secrets.severity, 'critical');
    assert.equal(secrets.category, 'access');
    assert.deepEqual(secrets.resource, { apiVersion: 'kubeward.io/probe', kind: 'APIServer', name: server.url });
    assert.deepEqual(secrets.evidence.map((e) => [e.path, e.value]), [
      [`GET ${server.url}/api/v1/secrets?limit=5`, 200],
      [`GET ${server.url}/api/v1/namespaces/kube-system/secrets?limit=5`, 200],
    ]);
    assert.match(secrets.evidence[0]!.detail!, /SecretList with 41 secrets \(first: shop\/db\); secret values are not shown/);
    assert.doesNotMatch(secrets.evidence[0]!.detail!, /NOT verified/, 'TLS was verified with --cacert');
    assert.equal(finding(result, 'KW-PRB-004').severity, 'high');
    assert.equal(finding(result, 'KW-PRB-003').severity, 'medium');
    assert.match(finding(result, 'KW-PRB-002').message, /v1\.29\.3/);
    assert.equal(finding(result, 'KW-PRB-006').severity, 'info');
    assert.equal(finding(result, 'KW-PRB-006').evidence.length, 3);

    // Nothing but the paths of the checks, never with credentials.
    assert.ok(server.requests.every((r) => r.method === 'GET' && r.authorization === undefined));
    assert.equal(server.requests.length, 9);
  });

  test('every report format carries the probe findings, and no format carries a secret value', { timeout: 30_000 }, async () => {
    const server = await serve(OPEN);
    const result = await runProbe({ api: server.url, caCert: certs.caCert, version: '0.0.0-test' });
    for (const format of REPORT_FORMATS) {
      const text = await renderReport(format, result, { color: false, showSuppressed: false });
      for (const id of ['KW-PRB-001', 'KW-PRB-005']) assert.ok(text.includes(id), `${format} names ${id}`);
      assert.ok(!text.includes(SECRET_VALUE), `${format} leaks no secret value`);
    }
    const validate = schemaValidator();
    assert.ok(validate(JSON.parse(await renderReport('json', result, { color: false, showSuppressed: false }))), JSON.stringify(validate.errors, null, 2));
    const sarif = JSON.parse(await renderReport('sarif', result, { color: false, showSuppressed: false })) as { runs: { results: { ruleId: string; level: string }[]; tool: { driver: { rules: { id: string }[] } } }[] };
    assert.ok(sarif.runs[0]!.results.some((r) => r.ruleId === 'KW-PRB-005' && r.level === 'error'));
    assert.ok(sarif.runs[0]!.tool.driver.rules.some((r) => r.id === 'KW-PRB-007'));
  });

  test('kubeadm defaults: anonymous auth is on (low), version and health public, nothing else', { timeout: 30_000 }, async () => {
    const server = await serve(KUBEADM);
    const result = await runProbe({ api: server.url, caCert: certs.caCert, version: '0.0.0-test' });
    assert.deepEqual(ids(result), ['KW-PRB-001', 'KW-PRB-002', 'KW-PRB-006']);
    const anonymous = finding(result, 'KW-PRB-001');
    assert.equal(anonymous.severity, 'low');
    assert.ok(anonymous.evidence.some((e) => e.value === 403 && /system:anonymous/.test(e.detail!)));
    assert.deepEqual(result.notEvaluated, []);
  });

  test('anonymous authentication off (401 everywhere): no findings, nothing left unevaluated', { timeout: 30_000 }, async () => {
    const server = await serve(LOCKED);
    const result = await runProbe({ api: server.url, caCert: certs.caCert, version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.notEvaluated, []);
    assert.equal(result.checks.length, 7);
  });

  test('a certificate that does not verify is reported as not evaluated, with what to do, never as passed', { timeout: 30_000 }, async () => {
    const server = await serve(OPEN, 'self');
    const result = await runProbe({ api: server.url, version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.equal(result.notEvaluated.length, 7);
    for (const n of result.notEvaluated) {
      assert.match(n.reason, /^not evaluated for APIServer https:\/\/127\.0\.0\.1:\d+, because .*TLS certificate verification failed: self[- ]signed certificate/);
      assert.match(n.reason, /--cacert FILE.*--insecure/);
    }
    assert.equal(server.requests.length, 0, 'nothing was sent over an unverified connection');
  });

  test('--insecure probes anyway and every piece of evidence says verification was off, and why it would have failed', { timeout: 30_000 }, async () => {
    const server = await serve(OPEN, 'self');
    const result = await runProbe({ api: server.url, insecure: true, version: '0.0.0-test' });
    assert.equal(result.findings.length, 6);
    for (const f of result.findings) {
      for (const e of f.evidence) assert.match(e.detail!, /\[TLS certificate NOT verified \(--insecure\); verification would have failed: DEPTH_ZERO_SELF_SIGNED_CERT\]/);
    }
    assert.match(result.command, /--insecure/);
  });

  test('the wrong CA is a verification failure too', { timeout: 30_000 }, async () => {
    const server = await serve(OPEN, 'self');
    const result = await runProbe({ api: server.url, caCert: certs.caCert, version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.match(result.notEvaluated[0]!.reason, /certificate verification failed/);
  });

  test('an unreachable API server leaves every check not evaluated', { timeout: 30_000 }, async () => {
    const port = await freePort();
    const result = await runProbe({ api: `https://127.0.0.1:${port}`, version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.notEvaluated.map((n) => n.target), ['KW-PRB-001', 'KW-PRB-002', 'KW-PRB-003', 'KW-PRB-004', 'KW-PRB-005', 'KW-PRB-006', 'KW-PRB-007']);
    assert.match(result.notEvaluated[0]!.reason, new RegExp(`because https://127\\.0\\.0\\.1:${port} could not be reached: connection refused \\(ECONNREFUSED\\)`));
  });

  test('a server that never answers is cut off at the timeout and reported as not evaluated', { timeout: 30_000 }, async () => {
    const server = await serve(OPEN, 'ca', ['/version']);
    const t0 = Date.now();
    const result = await runProbe({ api: server.url, caCert: certs.caCert, timeoutMs: 300, version: '0.0.0-test' });
    assert.ok(Date.now() - t0 < 5000);
    assert.deepEqual(result.findings, []);
    assert.match(result.notEvaluated[0]!.reason, /could not be reached: no answer within 300 ms/);
  });

  test('one endpoint that hangs leaves only its checks not evaluated', { timeout: 30_000 }, async () => {
    const server = await serve(LOCKED, 'ca', ['/api/v1/secrets']);
    const result = await runProbe({ api: server.url, caCert: certs.caCert, timeoutMs: 300, version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.notEvaluated.map((n) => n.target), ['KW-PRB-005']);
    assert.match(result.notEvaluated[0]!.reason, /secrets\?limit=5: no answer within 300 ms/);
  });

  test('a 200 that is not Kubernetes (a web page) raises no alarm and is not passed either', { timeout: 30_000 }, async () => {
    const page: Route = { status: 200, body: '<html><body>Welcome</body></html>', contentType: 'text/html' };
    const server = await serve(Object.fromEntries(Object.keys(OPEN).map((p) => [p, page])));
    const result = await runProbe({ api: server.url, caCert: certs.caCert, version: '0.0.0-test' });
    // Health endpoints answer plain text, so a page there counts; nothing else is claimed.
    assert.deepEqual(ids(result), ['KW-PRB-006']);
    const notEvaluated = result.notEvaluated.map((n) => n.target);
    for (const id of ['KW-PRB-001', 'KW-PRB-002', 'KW-PRB-003', 'KW-PRB-004', 'KW-PRB-005']) assert.ok(notEvaluated.includes(id), id);
    assert.match(result.notEvaluated.find((n) => n.target === 'KW-PRB-005')!.reason, /not with a SecretList \(text\/html: <html>/);
  });

  test('https:// to a plain HTTP port says so', { timeout: 30_000 }, async () => {
    const plain = await fakeServer(OPEN);
    servers.push(plain);
    const result = await runProbe({ api: plain.url.replace('http:', 'https:'), version: '0.0.0-test' });
    assert.deepEqual(result.findings, []);
    assert.match(result.notEvaluated[0]!.reason, /does not speak TLS \(wrong version number\).*http:\/\/ URL/);
  });
});

test('an API server on plain HTTP is reported (KW-PRB-007) along with what it serves', { timeout: 30_000 }, async () => {
  const server = await fakeServer(OPEN);
  try {
    const result = await runProbe({ api: server.url, version: '0.0.0-test', severities: new Set(['critical', 'high']) });
    assert.deepEqual(ids(result), ['KW-PRB-004', 'KW-PRB-005', 'KW-PRB-007']);
    const plain = finding(result, 'KW-PRB-007');
    assert.match(plain.evidence[0]!.detail!, /over plain HTTP with version v1\.29\.3 \[plain HTTP, unencrypted\]/);
    assert.ok(!JSON.stringify(result).includes(SECRET_VALUE));
  } finally {
    await server.close();
  }
});
