import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyError } from './http.js';
import { parseApiTarget, parseEtcdTarget, parseKubeletTarget, ProbeUsageError, readOnlyTarget, targetLabel } from './targets.js';
import { probeCheckMetas, runProbe } from './index.js';
import { CheckCatalog } from '../core/catalog.js';

test('--api keeps scheme, host and port and drops any path', () => {
  assert.equal(targetLabel(parseApiTarget('https://10.0.0.1:6443/some/path?x=1')), 'https://10.0.0.1:6443');
  assert.equal(targetLabel(parseApiTarget('https://kube.example.com')), 'https://kube.example.com');
  assert.equal(targetLabel(parseApiTarget('http://[::1]:8080')), 'http://[::1]:8080');
  assert.throws(() => parseApiTarget('10.0.0.1:6443'), ProbeUsageError);
  assert.throws(() => parseApiTarget('ftp://x'), /only https:\/\/ and http:\/\//);
  assert.throws(() => parseApiTarget('https://admin:pw@x'), /sends no credentials/);
});

test('--kubelet HOST[:PORT] defaults to HTTPS port 10250; the read-only port is on the same host', () => {
  assert.equal(targetLabel(parseKubeletTarget('10.0.0.5')), 'https://10.0.0.5:10250');
  assert.equal(targetLabel(parseKubeletTarget('10.0.0.5:11250')), 'https://10.0.0.5:11250');
  assert.equal(targetLabel(parseKubeletTarget('node-1.internal')), 'https://node-1.internal:10250');
  assert.equal(targetLabel(parseKubeletTarget('[fd00::5]')), 'https://[fd00::5]:10250');
  assert.equal(targetLabel(parseKubeletTarget('https://10.0.0.5:443')), 'https://10.0.0.5');
  assert.equal(targetLabel(readOnlyTarget(parseKubeletTarget('10.0.0.5'), 10255)), 'http://10.0.0.5:10255');
  assert.throws(() => parseKubeletTarget('http://10.0.0.5:10255'), /read-only HTTP port is probed with --read-only-port/);
  assert.throws(() => parseKubeletTarget(' '), ProbeUsageError);
});

test('--etcd takes a URL or HOST[:PORT] (https, port 2379 by default)', () => {
  assert.equal(targetLabel(parseEtcdTarget('https://10.0.0.2:2379')), 'https://10.0.0.2:2379');
  assert.equal(targetLabel(parseEtcdTarget('10.0.0.2')), 'https://10.0.0.2:2379');
  assert.equal(targetLabel(parseEtcdTarget('http://10.0.0.2')), 'http://10.0.0.2:2379');
  assert.equal(targetLabel(parseEtcdTarget('https://10.0.0.2:443')), 'https://10.0.0.2');
});

test('runProbe needs a target and a sane timeout', async () => {
  await assert.rejects(runProbe({ version: 'x' }), /name at least one target/);
  await assert.rejects(runProbe({ version: 'x', api: 'https://127.0.0.1:1', timeoutMs: 0 }), ProbeUsageError);
  await assert.rejects(runProbe({ version: 'x', api: 'nope' }), ProbeUsageError);
});

test('network errors are named for what the user can do about them', () => {
  const err = (code: string, message: string) => Object.assign(new Error(message), { code });
  assert.equal(classifyError(err('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')).kind, 'refused');
  assert.equal(classifyError(err('ENOTFOUND', 'getaddrinfo ENOTFOUND x')).message, 'host name not found (ENOTFOUND)');
  assert.equal(classifyError(err('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate')).kind, 'tls-verify');
  assert.equal(classifyError(err('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames")).kind, 'tls-verify');
  assert.equal(classifyError(err('CERT_HAS_EXPIRED', 'certificate has expired')).kind, 'tls-verify');
  assert.equal(classifyError(err('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'x')).kind, 'client-cert-required');
  assert.equal(classifyError(err('EPROTO', 'x:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:y')).kind, 'client-cert-required');
  const notTls = classifyError(err('EPROTO', 'write EPROTO 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/x.c:350:\n'));
  assert.deepEqual([notTls.kind, notTls.message], ['not-tls', 'the port does not speak TLS (wrong version number) (EPROTO)']);
  assert.equal(classifyError(err('ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'x:SSL routines:ssl_choose:no protocols available:y')).kind, 'tls-handshake');
});

test('the probe checks form a valid catalog with the promised ids, categories and aliases', () => {
  const metas = probeCheckMetas();
  const catalog = new CheckCatalog(metas);
  assert.deepEqual(catalog.all().map((c) => c.id), [
    'KW-PRB-001', 'KW-PRB-002', 'KW-PRB-003', 'KW-PRB-004', 'KW-PRB-005', 'KW-PRB-006', 'KW-PRB-007',
    'KW-PRB-010', 'KW-PRB-011', 'KW-PRB-012', 'KW-PRB-013', 'KW-PRB-014',
    'KW-PRB-020', 'KW-PRB-021', 'KW-PRB-022',
  ]);
  for (const m of metas) {
    assert.equal(m.category, m.id >= 'KW-PRB-010' && m.id < 'KW-PRB-020' ? 'nodes' : 'access', m.id);
    assert.ok(m.description && m.rationale && m.remediation && m.references.length > 0, m.id);
  }
  assert.deepEqual(catalog.byAlias('CIS', '1.2.1').map((c) => c.id), ['KW-PRB-001']);
  assert.deepEqual(catalog.byAlias('CIS', '4.2.4').map((c) => c.id), ['KW-PRB-014']);
  assert.deepEqual(catalog.byAlias('CIS', '2.2').map((c) => c.id), ['KW-PRB-020', 'KW-PRB-021']);
  assert.ok(catalog.byAlias('CIS', '4.2.1').some((c) => c.id === 'KW-PRB-013'));
  // Trivy's control-plane ids, as users search for them
  assert.deepEqual(catalog.byAlias('KCV', 'KCV-0043').map((c) => c.id), ['KW-PRB-020', 'KW-PRB-021']);
  assert.deepEqual(catalog.byAlias('KCV', 'KCV-0082').map((c) => c.id), ['KW-PRB-014']);
});
