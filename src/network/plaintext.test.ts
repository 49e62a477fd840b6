import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryFromYaml } from '../../test/support.js';
import { formatPlaintext, plaintextReport } from './plaintext.js';

const shop = (injection: string, mode: string): string => `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: ${injection}}}
---
apiVersion: v1
kind: Namespace
metadata: {name: istio-system}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: ${mode}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1, ports: [{containerPort: 8080}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api:1, ports: [{containerPort: 9000}, {containerPort: 9090, protocol: UDP}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
      ports: [{port: 9000}]
`;

test('allowed connections on declared ports only, each with what the mesh does to it', () => {
  const strict = plaintextReport(inventoryFromYaml(shop('enabled', 'STRICT')));
  const webToApi = strict.verdicts.filter((v) => v.connection.from.name === 'web' && v.connection.to.name === 'api');
  // NetworkPolicy allows only TCP 9000 from web to api: UDP 9090 is not a connection
  assert.deepEqual(webToApi.map((v) => [v.connection.protocol, v.connection.port, v.state]), [['TCP', 9000, 'mtls']]);
  assert.equal(webToApi[0]!.unencrypted, false);
  // api → web is not restricted by any policy: web's declared port 8080 is reachable
  assert.ok(strict.verdicts.some((v) => v.connection.from.name === 'api' && v.connection.to.name === 'web' && v.connection.port === 8080));

  const permissive = plaintextReport(inventoryFromYaml(shop('disabled', 'PERMISSIVE')));
  const plain = permissive.verdicts.find((v) => v.connection.from.name === 'web' && v.connection.to.name === 'api')!;
  assert.equal(plain.state, 'plaintext');
  assert.equal(plain.unencrypted, true);
  assert.ok(plain.reasons.some((r) => /sidecar/.test(r)), plain.reasons.join('; '));
  const text = formatPlaintext(permissive);
  assert.match(text, /shop\/web\[Deployment\] => shop\/api\[Deployment\] : TCP 9000 {2}plaintext \(unencrypted, unauthenticated\)/);
  assert.match(text, /can travel unencrypted or unauthenticated\./);
});
