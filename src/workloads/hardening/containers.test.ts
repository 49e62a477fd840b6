import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf } from '../../../test/support.js';
import type { Check } from '../check.js';
import { noSecurityContext, readOnlyRootFilesystem } from './containers.js';
import { hostAliases, sharedProcessNamespace } from './pod.js';

function scan(yaml: string, check: Check) {
  return findingsOf(yaml, check);
}

const podWith = (spec: string) => `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: app}
spec:
${spec}`;

test('KW-WL-020 flags every kind of container whose root filesystem is writable', () => {
  const yaml = podWith(`  initContainers:
    - name: init
      image: init:1
      securityContext: {readOnlyRootFilesystem: false}
  containers:
    - name: ro
      image: app:1
      securityContext: {readOnlyRootFilesystem: true}
    - name: plain
      image: app:1
  ephemeralContainers:
    - name: debug
      image: busybox:1
`);
  const findings = scan(yaml, readOnlyRootFilesystem);
  assert.deepEqual(findings.map((f) => f.container).sort(), ['debug', 'init', 'plain']);
  const init = findings.find((f) => f.container === 'init')!;
  assert.equal(init.evidence[0]!.path, 'spec.initContainers[0].securityContext.readOnlyRootFilesystem');
  assert.equal(init.evidence[0]!.value, false);
  assert.match(init.message, /init container `init` sets readOnlyRootFilesystem: false/);
  const debug = findings.find((f) => f.container === 'debug')!;
  assert.equal(debug.evidence[0]!.path, 'spec.ephemeralContainers[0].securityContext.readOnlyRootFilesystem');
});

test('KW-WL-020 uses the same accessor for a Deployment and a CronJob, and skips Windows pods', () => {
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: app, image: app:1}]
`;
  assert.equal(scan(deployment, readOnlyRootFilesystem)[0]!.evidence[0]!.path, 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem');
  const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: job, image: job:1, securityContext: {readOnlyRootFilesystem: true}}]
          initContainers: [{name: pre, image: pre:1}]
`;
  const cron = scan(cronJob, readOnlyRootFilesystem);
  assert.equal(cron.length, 1);
  assert.equal(cron[0]!.evidence[0]!.path, 'spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem');
  const windows = podWith(`  os: {name: windows}
  containers: [{name: app, image: app:1}]
`);
  assert.equal(scan(windows, readOnlyRootFilesystem).length, 0);
});

test('KW-WL-044 fires only when neither the container nor the pod has a securityContext', () => {
  const bare = podWith(`  containers:
    - {name: a, image: app:1}
    - {name: b, image: app:1, securityContext: {}}
    - {name: c, image: app:1, securityContext: {runAsNonRoot: true}}
  ephemeralContainers:
    - {name: d, image: busybox:1}
`);
  const findings = scan(bare, noSecurityContext);
  assert.deepEqual(findings.map((f) => f.container).sort(), ['a', 'b', 'd'], 'an empty securityContext says nothing');
  assert.equal(findings.find((f) => f.container === 'a')!.evidence[0]!.path, 'spec.containers[0].securityContext');
  const podLevel = podWith(`  securityContext: {runAsNonRoot: true}
  containers: [{name: a, image: app:1}]
`);
  assert.equal(scan(podLevel, noSecurityContext).length, 0, 'a pod-level securityContext applies to the container');
  const emptyPod = podWith(`  securityContext: {}
  containers: [{name: a, image: app:1}]
`);
  assert.equal(scan(emptyPod, noSecurityContext).length, 1);
});

test('KW-WL-033 and KW-WL-034 read pod-level isolation settings', () => {
  const shared = podWith(`  shareProcessNamespace: true
  hostAliases:
    - ip: 10.0.0.9
      hostnames: [api.example.com, login.example.com]
  containers: [{name: a, image: app:1}]
`);
  const spn = scan(shared, sharedProcessNamespace);
  assert.equal(spn.length, 1);
  assert.equal(spn[0]!.evidence[0]!.path, 'spec.shareProcessNamespace');
  const aliases = scan(shared, hostAliases);
  assert.equal(aliases.length, 1);
  assert.equal(aliases[0]!.evidence[0]!.path, 'spec.hostAliases');
  assert.match(aliases[0]!.message, /api\.example\.com, login\.example\.com → 10\.0\.0\.9/);
  const plain = podWith(`  shareProcessNamespace: false
  hostAliases: []
  containers: [{name: a, image: app:1}]
`);
  assert.equal(scan(plain, sharedProcessNamespace).length, 0);
  assert.equal(scan(plain, hostAliases).length, 0);
});
