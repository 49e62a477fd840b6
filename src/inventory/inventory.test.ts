import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inventory, selectorMatches } from './inventory.js';
import { normalize } from './normalize.js';
import { parseManifests } from './parse.js';
import { podTemplateOf, WORKLOAD_KINDS } from './workloads.js';
import { getPath } from './object.js';

function inventoryOf(text: string): Inventory {
  return new Inventory(parseManifests(text, 't.yaml', 'file').objects.map((o, i) => normalize(o, String(i))));
}

const podSpec = (indent: string): string =>
  ['containers:', '  - name: app', '    image: app:1', 'initContainers:', '  - name: init', '    image: init', 'ephemeralContainers:', '  - name: debug', '    image: busybox:latest']
    .map((l) => indent + l)
    .join('\n');

test('every workload kind exposes its pod template through one accessor', () => {
  const text = [
    `apiVersion: v1\nkind: Pod\nmetadata: {name: pod}\nspec:\n${podSpec('  ')}`,
    ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].map(
      (kind) => `apiVersion: apps/v1\nkind: ${kind}\nmetadata: {name: ${kind.toLowerCase()}}\nspec:\n  template:\n    metadata: {annotations: {a: b}}\n    spec:\n${podSpec('      ')}`,
    ),
    `apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec:\n  template:\n    spec:\n${podSpec('      ')}`,
    `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cron}\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${podSpec('          ')}`,
    `apiVersion: v1\nkind: PodTemplate\nmetadata: {name: tpl}\ntemplate:\n  spec:\n${podSpec('    ')}`,
    'apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec: {}',
  ].join('\n---\n');
  const inventory = inventoryOf(text);
  const templates = [...inventory.podTemplates()];
  assert.deepEqual(templates.map((t) => t.workload.kind).sort(), [...WORKLOAD_KINDS].sort());
  for (const template of templates) {
    assert.deepEqual(template.containers.map((c) => `${c.list}/${c.name}`), ['containers/app', 'initContainers/init', 'ephemeralContainers/debug'], template.workload.kind);
    // the path the accessor hands out really leads to the container in the object
    for (const c of template.containers) assert.equal(getPath(template.workload.object, [...c.path, 'name']), c.name);
  }
  assert.equal(podTemplateOf(inventory.ofKind('Service')[0]!), undefined);
});

test('normalization applies the API defaults checks rely on', () => {
  const inventory = inventoryOf(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b, namespace: x}
spec:
  podSelector: {}
  egress: [{}]
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: "nginx"}
    - {name: b, image: "nginx:1.27"}
    - {name: c, image: "registry:5000/nginx"}
    - {name: d, image: "nginx@sha256:abcd"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cr, namespace: ignored}
`);
  const [a, b] = inventory.ofKind('NetworkPolicy');
  assert.deepEqual(getPath(a!.object, ['spec', 'policyTypes']), ['Ingress']);
  assert.deepEqual(getPath(b!.object, ['spec', 'policyTypes']), ['Ingress', 'Egress']);
  const svc = inventory.ofKind('Service')[0]!;
  assert.equal(getPath(svc.object, ['spec', 'type']), 'ClusterIP');
  assert.equal(getPath(svc.object, ['spec', 'ports', 0, 'protocol']), 'TCP');
  const pod = inventory.ofKind('Pod')[0]!;
  assert.equal(getPath(pod.object, ['spec', 'serviceAccountName']), 'default');
  assert.deepEqual([0, 1, 2, 3].map((i) => getPath(pod.object, ['spec', 'containers', i, 'imagePullPolicy'])), ['Always', 'IfNotPresent', 'Always', 'IfNotPresent']);
  assert.equal(inventory.ofKind('ClusterRole')[0]!.namespace, undefined);
  assert.deepEqual(inventory.namespaces(), ['default', 'x']);
});

test('label selectors follow Kubernetes semantics', () => {
  const labels = { app: 'web', tier: 'front' };
  assert.equal(selectorMatches({}, labels), true);
  assert.equal(selectorMatches({ matchLabels: { app: 'web' } }, labels), true);
  assert.equal(selectorMatches({ matchLabels: { app: 'api' } }, labels), false);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, labels), true);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels), false);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels), true);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, labels), false);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, labels), true);
  assert.equal(selectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, labels), false);
});

test('indexes find objects by kind, namespace and label', () => {
  const inventory = inventoryOf('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: n1, labels: {team: blue}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: n2, labels: {team: red}}\n');
  assert.deepEqual(inventory.inNamespace('n2').map((o) => o.name), ['b']);
  assert.deepEqual(inventory.withLabel("team", "blue").map((o) => o.name), ['a']);
  assert.deepEqual(inventory.select('ConfigMap', undefined, { matchLabels: { team: "red" } }).map((o) => o.name), ['b']);
  assert.equal(inventory.find('ConfigMap', 'n2', 'b')?.name, 'b');
  assert.equal(inventory.find('ConfigMap', 'n1', 'b'), undefined);
});
