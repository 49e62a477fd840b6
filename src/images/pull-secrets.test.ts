import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dedent, inventoryFromYaml } from '../../test/support.js';
import { pullSecretCredentials } from './pull-secrets.js';
import { workloadImages } from './workloads.js';

// Which credentials `scan --images` pulls with: the Kubernetes rules for imagePullSecrets (the
// pod's, then its service account's; a secret only serves the registry its auths name).

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const dockerconfig = (auths: Record<string, unknown>): string => b64(JSON.stringify({ auths }));

const manifests = dedent(`
  apiVersion: apps/v1
  kind: Deployment
  metadata: { name: api, namespace: shop }
  spec:
    template:
      spec:
        serviceAccountName: api
        imagePullSecrets: [{ name: other-registry }, { name: regcred }]
        containers:
          - { name: app, image: registry.example.com/shop/api:1.0 }
          - { name: hub, image: alpine:3.20 }
  ---
  apiVersion: v1
  kind: ServiceAccount
  metadata: { name: api, namespace: shop }
  imagePullSecrets: [{ name: hub-cred }]
  ---
  apiVersion: v1
  kind: Secret
  metadata: { name: other-registry, namespace: shop }
  type: kubernetes.io/dockerconfigjson
  data: { .dockerconfigjson: ${dockerconfig({ 'quay.io': { auth: b64('q:q') } })} }
  ---
  apiVersion: v1
  kind: Secret
  metadata: { name: regcred, namespace: shop }
  type: kubernetes.io/dockerconfigjson
  data: { .dockerconfigjson: ${dockerconfig({ 'https://registry.example.com': { username: 'robot', password: 'token-1' } })} }
  ---
  apiVersion: v1
  kind: Secret
  metadata: { name: hub-cred, namespace: shop }
  type: kubernetes.io/dockercfg
  stringData: { .dockercfg: '{"https://index.docker.io/v1/": {"auth": "${b64('hubuser:hubpass')}"}}' }
`);

test('images carry the pull secrets of the pods that run them, the pod\'s first, then the service account\'s', () => {
  const use = workloadImages(inventoryFromYaml(manifests)).get('registry.example.com/shop/api:1.0');
  assert.deepEqual(use?.pullSecrets.map((s) => s.name), ['other-registry', 'regcred', 'hub-cred']);
  assert.deepEqual(use?.runners.map((r) => `${r.kind} ${r.namespace}/${r.name}`), ['Deployment shop/api']);
});

test('the first secret naming the image\'s registry wins; Docker Hub aliases and legacy dockercfg secrets work', () => {
  const inventory = inventoryFromYaml(manifests);
  const refs = workloadImages(inventory).get('registry.example.com/shop/api:1.0')!.pullSecrets;
  assert.deepEqual(pullSecretCredentials(inventory, 'registry.example.com/shop/api:1.0', refs), { username: 'robot', password: 'token-1', origin: 'Secret shop/regcred' });
  assert.deepEqual(pullSecretCredentials(inventory, 'alpine:3.20', refs), { username: 'hubuser', password: 'hubpass', origin: 'Secret shop/hub-cred' });
  assert.equal(pullSecretCredentials(inventory, 'ghcr.io/x/y:1', refs), undefined, 'no secret names ghcr.io: docker config or anonymous');
  assert.equal(pullSecretCredentials(inventory, 'registry.example.com/shop/api:1.0', [{ namespace: 'other', name: 'regcred' }]), undefined, 'secrets are namespaced');
});

test('a secret that is not docker config JSON is skipped with a problem naming it, never its content', () => {
  const inventory = inventoryFromYaml(dedent(`
    apiVersion: v1
    kind: Secret
    metadata: { name: broken, namespace: shop }
    type: kubernetes.io/dockerconfigjson
    data: { .dockerconfigjson: ${b64('not json: hunter2')} }
  `));
  const problems: string[] = [];
  assert.equal(pullSecretCredentials(inventory, 'registry.example.com/a:1', [{ namespace: 'shop', name: 'broken' }], problems), undefined);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^Secret shop\/broken: \.dockerconfigjson is not docker config JSON/);
  assert.doesNotMatch(problems[0]!, /hunter2/);
});
