import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf } from '../../../test/support.js';
import { REMOVED_APIS, removedApi, removedApiVersion } from './deprecated-apis.js';

function scan(yaml: string) {
  return findingsOf(yaml, removedApiVersion);
}

test('the table answers for the migration guide\'s removals', () => {
  const expect = (apiVersion: string, kind: string, removedIn: string, replacement: string | null) => {
    const api = removedApi(apiVersion, kind);
    assert.ok(api, `${apiVersion} ${kind}`);
    assert.equal(api.removedIn, removedIn, `${apiVersion} ${kind}`);
    assert.equal(api.replacement, replacement, `${apiVersion} ${kind}`);
  };
  expect('extensions/v1beta1', 'Deployment', '1.16', 'apps/v1');
  expect('extensions/v1beta1', 'NetworkPolicy', '1.16', 'networking.k8s.io/v1');
  expect('extensions/v1beta1', 'Ingress', '1.22', 'networking.k8s.io/v1');
  expect('apps/v1beta2', 'DaemonSet', '1.16', 'apps/v1');
  expect('networking.k8s.io/v1beta1', 'IngressClass', '1.22', 'networking.k8s.io/v1');
  expect('rbac.authorization.k8s.io/v1beta1', 'ClusterRoleBinding', '1.22', 'rbac.authorization.k8s.io/v1');
  expect('batch/v1beta1', 'CronJob', '1.25', 'batch/v1');
  expect('policy/v1beta1', 'PodDisruptionBudget', '1.25', 'policy/v1');
  expect('policy/v1beta1', 'PodSecurityPolicy', '1.25', null);
  expect('autoscaling/v2beta2', 'HorizontalPodAutoscaler', '1.26', 'autoscaling/v2');
  expect('storage.k8s.io/v1beta1', 'CSIStorageCapacity', '1.27', 'storage.k8s.io/v1');
  expect('flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema', '1.32', 'flowcontrol.apiserver.k8s.io/v1');
  // served versions and a kind that stayed in a beta group are not removals
  assert.equal(removedApi('apps/v1', 'Deployment'), undefined);
  assert.equal(removedApi('networking.k8s.io/v1', 'Ingress'), undefined);
  assert.equal(removedApi('storage.k8s.io/v1beta1', 'SomethingElse'), undefined);
  assert.equal(removedApi('policy/v1', 'PodDisruptionBudget'), undefined);
  // every row is complete
  for (const api of REMOVED_APIS) assert.ok(api.replacement !== null || api.note, `${api.apiVersion} ${api.kind} needs a replacement or a note`);
});

test('KW-DEP-001 reports the apiVersion with the removal release and the replacement', () => {
  const yaml = `apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: old, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: app, image: app:1}]
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec:
  schedule: "0 0 * * *"
  jobTemplate: {spec: {template: {spec: {containers: [{name: j, image: j:1}]}}}}
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: restricted}
spec: {privileged: false}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: current, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: app, image: app:1}]
`;
  const findings = scan(yaml);
  const byName = new Map(findings.map((f) => [f.resource.name, f]));
  assert.deepEqual([...byName.keys()].sort(), ['nightly', 'old', 'restricted']);
  const old = byName.get('old')!;
  assert.equal(old.checkId, 'KW-DEP-001');
  assert.equal(old.category, 'workloads');
  assert.equal(old.evidence[0]!.path, 'apiVersion');
  assert.equal(old.evidence[0]!.value, 'extensions/v1beta1');
  assert.equal(old.evidence[0]!.position?.line, 1);
  assert.match(old.message, /Kubernetes 1\.16 stopped serving; use apps\/v1 \(available since 1\.9\)/);
  assert.match(byName.get('nightly')!.message, /1\.25 stopped serving; use batch\/v1/);
  assert.match(byName.get('restricted')!.message, /Pod Security Admission/);
});
