import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf } from '../../../test/support.js';
import type { Check } from '../check.js';
import { cpuLimit, cpuRequest, memoryLimit, memoryRequest } from './resources.js';

function scan(yaml: string, check: Check) {
  return findingsOf(yaml, check);
}

const containersOf = (yaml: string, check: Check): string[] => scan(yaml, check).map((f) => f.container ?? '(pod)').sort();

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: shop}
spec:
  template:
    spec:
      initContainers:
        - {name: init, image: i:1}
      containers:
        - name: full
          image: a:1
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 500m, memory: 128Mi}}
        - name: limitsonly
          image: a:1
          resources: {limits: {cpu: 200m, memory: 256Mi}}
        - name: requestsonly
          image: a:1
          resources: {requests: {cpu: 100m, memory: 64Mi}}
      ephemeralContainers:
        - {name: debug, image: busybox:1}
`;

test('requests and limits: a limit implies the request; ephemeral containers are not checked', () => {
  assert.deepEqual(containersOf(deployment, cpuRequest), ['init']);
  assert.deepEqual(containersOf(deployment, memoryRequest), ['init']);
  assert.deepEqual(containersOf(deployment, cpuLimit), ['init', 'requestsonly']);
  assert.deepEqual(containersOf(deployment, memoryLimit), ['init', 'requestsonly']);
  const init = scan(deployment, memoryLimit).find((f) => f.container === 'init')!;
  assert.equal(init.evidence[0]!.path, 'spec.template.spec.initContainers[0].resources.limits.memory');
  assert.match(init.message, /sets no memory limit, and no LimitRange in its namespace gives a default/);
  const requestsOnly = scan(deployment, cpuLimit).find((f) => f.container === 'requestsonly')!;
  assert.equal(requestsOnly.evidence[0]!.path, 'spec.template.spec.containers[2].resources.limits.cpu');
});

test('a LimitRange of type Container in the same namespace supplies defaults, as admission would', () => {
  const limitRange = (namespace: string, limits: string) => `---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: ${namespace}}
spec:
  limits:
${limits}`;
  const withDefaults = deployment + limitRange('shop', `    - type: Container
      default: {cpu: 500m}
      defaultRequest: {memory: 64Mi}
`);
  assert.deepEqual(containersOf(withDefaults, cpuLimit), [], 'default → limit');
  assert.deepEqual(containersOf(withDefaults, cpuRequest), [], 'default → request too');
  assert.deepEqual(containersOf(withDefaults, memoryRequest), [], 'defaultRequest → request');
  assert.deepEqual(containersOf(withDefaults, memoryLimit), ['init', 'requestsonly'], 'a default request is not a limit');
  assert.match(scan(withDefaults, memoryLimit)[0]!.message, /LimitRange `defaults` gives no default/);

  const maxOnly = deployment + limitRange('shop', '    - {type: Container, max: {memory: 1Gi}}\n');
  assert.deepEqual(containersOf(maxOnly, memoryLimit), [], 'max becomes the default limit');
  const otherNamespace = deployment + limitRange('elsewhere', '    - {type: Container, default: {cpu: 1}}\n');
  assert.deepEqual(containersOf(otherNamespace, cpuLimit), ['init', 'requestsonly']);
  const podType = deployment + limitRange('shop', '    - {type: Pod, max: {cpu: 2}}\n');
  assert.deepEqual(containersOf(podType, cpuLimit), ['init', 'requestsonly'], 'type Pod limits set no container defaults');
});

test('pod-level resources cover every container (CronJob template)', () => {
  const cron = `apiVersion: batch/v1
kind: CronJob
metadata: {name: c, namespace: ops}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          resources: {limits: {cpu: "1", memory: 1Gi}}
          containers: [{name: job, image: j:1}]
`;
  assert.equal(scan(cron, cpuLimit).length, 0);
  assert.equal(scan(cron, memoryRequest).length, 0, 'pod-level requests default from pod-level limits');
  const bare = cron.replace('          resources: {limits: {cpu: "1", memory: 1Gi}}\n', '');
  assert.equal(scan(bare, cpuRequest)[0]!.evidence[0]!.path, 'spec.jobTemplate.spec.template.spec.containers[0].resources.requests.cpu');
});
