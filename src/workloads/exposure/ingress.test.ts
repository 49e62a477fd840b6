import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf } from '../../../test/support.js';
import { ingressWithoutTls, tlsCovers } from './ingress.js';

function scan(yaml: string) {
  return findingsOf(yaml, ingressWithoutTls);
}

test('TLS host matching: exact (case-insensitive) or a one-label wildcard', () => {
  assert.equal(tlsCovers('shop.example.com', 'Shop.Example.com'), true);
  assert.equal(tlsCovers('*.example.com', 'shop.example.com'), true);
  assert.equal(tlsCovers('*.example.com', 'a.b.example.com'), false);
  assert.equal(tlsCovers('*.example.com', 'example.com'), false);
  assert.equal(tlsCovers('*.example.com', '*.example.com'), true);
  assert.equal(tlsCovers('shop.example.com', 'api.example.com'), false);
});

test('networking.k8s.io/v1: hosts missing from spec.tls are reported at their rule', () => {
  const yaml = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  tls:
    - hosts: [shop.example.com, "*.api.example.com"]
      secretName: shop-tls
  rules:
    - host: shop.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
    - host: admin.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: admin, port: {number: 80}}}}]}
    - host: v2.api.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
`;
  const findings = scan(yaml);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.category, 'network');
  assert.deepEqual(findings[0]!.evidence.map((e) => [e.path, e.value]), [['spec.rules[1].host', 'admin.example.com']]);
});

test('the removed extensions/v1beta1 and networking.k8s.io/v1beta1 shapes are read the same way', () => {
  for (const apiVersion of ['extensions/v1beta1', 'networking.k8s.io/v1beta1']) {
    const yaml = `apiVersion: ${apiVersion}
kind: Ingress
metadata: {name: legacy, namespace: shop}
spec:
  rules:
    - host: old.example.com
      http: {paths: [{path: /, backend: {serviceName: old, servicePort: 80}}]}
    - host: older.example.com
      http: {paths: [{path: /, backend: {serviceName: older, servicePort: 80}}]}
`;
    const findings = scan(yaml);
    assert.equal(findings.length, 1, apiVersion);
    assert.equal(findings[0]!.evidence[0]!.path, 'spec.tls');
    assert.match(findings[0]!.message, /no TLS section: hosts old\.example\.com and older\.example\.com are served over plain HTTP/);
    const secured = yaml.replace('spec:\n', 'spec:\n  tls: [{hosts: [old.example.com, older.example.com], secretName: s}]\n');
    assert.equal(scan(secured).length, 0, `${apiVersion} with TLS`);
  }
});

test('an Ingress with only a default backend and no TLS serves every host in clear text', () => {
  const yaml = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: catchall, namespace: shop}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
`;
  assert.match(scan(yaml)[0]!.message, /every host is served over plain HTTP/);
});
