import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inventoryFromYaml } from '../../../test/support.js';
import { CheckCatalog } from '../../core/catalog.js';
import { analyzeMesh, meshCheckMetas, plaintextConnections } from './index.js';

const istioYaml = readFileSync('test/fixtures/mesh/istio-shop.yaml', 'utf8');
const plainYaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: app}
spec:
  template:
    metadata: {labels: {app: a}}
    spec:
      containers: [{name: c, image: c:1}]
`;

test('catalog: KW-MESH ids, network category, descriptions say no peer tool checks them', () => {
  const metas = meshCheckMetas();
  new CheckCatalog(metas); // throws on bad or duplicate ids
  assert.ok(metas.length >= 10);
  for (const m of metas) {
    assert.match(m.id, /^KW-MESH-\d{3}$/);
    assert.equal(m.category, 'network');
    assert.match(m.description, /No peer scanner/);
    assert.ok(m.remediation && m.references.length > 0);
  }
});

test('analyzeMesh says nothing when there is no mesh', () => {
  assert.deepEqual(analyzeMesh(inventoryFromYaml(plainYaml)), { findings: [], notEvaluated: [] });
});

test('analyzeMesh runs the providers in use', () => {
  const out = analyzeMesh(inventoryFromYaml(istioYaml));
  assert.ok(out.findings.some((f) => f.checkId === 'KW-MESH-003'));
  assert.ok(out.findings.every((f) => f.category === 'network'));
});

test('plaintextConnections: reasons per connection, no mesh at all', () => {
  const inv = inventoryFromYaml(istioYaml);
  const [a, b] = plaintextConnections(inv, [
    { from: { kind: 'Deployment', namespace: 'legacy', name: 'batch' }, to: { kind: 'Deployment', namespace: 'shop', name: 'db' }, port: 5432, protocol: 'TCP' },
    { from: { kind: 'Deployment', namespace: 'shop', name: 'db' }, to: { kind: 'Deployment', namespace: 'shop', name: 'db' }, port: 9090 },
  ]);
  assert.equal(a!.provider, 'istio');
  assert.equal(a!.state, 'plaintext');
  assert.match(b!.reasons[0]!, /ISTIO_MUTUAL.*mTLS disabled/);
  const none = plaintextConnections(inventoryFromYaml(plainYaml), [{ from: { kind: 'Deployment', namespace: 'app', name: 'a' }, to: { kind: 'Deployment', namespace: 'app', name: 'a' }, port: 80 }]);
  assert.equal(none[0]!.provider, 'none');
  assert.equal(none[0]!.unencrypted, true);
});
