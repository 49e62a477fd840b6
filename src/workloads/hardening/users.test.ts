import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf } from '../../../test/support.js';
import type { Check } from '../check.js';
import { lowGroupId, lowUserId, rootGroup } from './users.js';

function scan(yaml: string, check: Check) {
  return findingsOf(yaml, check);
}

const statefulSet = (spec: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  template:
    spec:
${spec}`;

test('KW-WL-038: a container id wins over the pod id; a pod id is reported once for the containers inheriting it', () => {
  const yaml = statefulSet(`      securityContext: {runAsUser: 1000}
      initContainers:
        - {name: init, image: i:1}
      containers:
        - {name: high, image: a:1, securityContext: {runAsUser: 10001}}
        - {name: low, image: a:1, securityContext: {runAsUser: 10000}}
        - {name: inherits, image: a:1}
`);
  const findings = scan(yaml, lowUserId);
  assert.equal(findings.length, 2);
  const low = findings.find((f) => f.container === 'low')!;
  assert.equal(low.evidence[0]!.path, 'spec.template.spec.containers[1].securityContext.runAsUser');
  assert.equal(low.evidence[0]!.value, 10000);
  const pod = findings.find((f) => f.container === undefined)!;
  assert.equal(pod.evidence[0]!.path, 'spec.template.spec.securityContext.runAsUser');
  assert.match(pod.message, /^the pod sets runAsUser: 1000 \(≤ 10000\), used by /);
  assert.ok(pod.message.includes('init container `init`') && pod.message.includes('container `inherits`') && !pod.message.includes('`high`'));
});

test('KW-WL-038: an id set nowhere is reported per container; a high pod id passes', () => {
  const unset = statefulSet(`      containers: [{name: app, image: a:1}]
      ephemeralContainers: [{name: debug, image: b:1}]
`);
  const findings = scan(unset, lowUserId);
  assert.deepEqual(findings.map((f) => f.container).sort(), ['app', 'debug']);
  assert.match(findings[0]!.message, /nor its pod sets runAsUser/);
  const high = statefulSet(`      securityContext: {runAsUser: 20000}
      containers: [{name: app, image: a:1}]
`);
  assert.equal(scan(high, lowUserId).length, 0);
  const windows = statefulSet(`      os: {name: windows}
      containers: [{name: app, image: a:1}]
`);
  assert.equal(scan(windows, lowUserId).length, 0);
});

test('KW-WL-039 applies the same rule to runAsGroup', () => {
  const yaml = statefulSet(`      securityContext: {runAsUser: 20000, runAsGroup: 20000}
      containers:
        - {name: a, image: a:1, securityContext: {runAsGroup: 500}}
        - {name: b, image: a:1}
`);
  const findings = scan(yaml, lowGroupId);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.container, 'a');
  assert.equal(findings[0]!.evidence[0]!.path, 'spec.template.spec.containers[0].securityContext.runAsGroup');
});

test('KW-WL-040 reports runAsGroup 0, fsGroup 0 and supplemental group 0, and nothing for non-root groups', () => {
  const yaml = statefulSet(`      securityContext: {runAsGroup: 0, fsGroup: 0, supplementalGroups: [100, 0]}
      containers:
        - {name: own, image: a:1, securityContext: {runAsGroup: 0}}
        - {name: overrides, image: a:1, securityContext: {runAsGroup: 3000}}
        - {name: inherits, image: a:1}
`);
  const paths = scan(yaml, rootGroup).flatMap((f) => f.evidence.map((e) => e.path)).sort();
  assert.deepEqual(paths, [
    'spec.template.spec.containers[0].securityContext.runAsGroup',
    'spec.template.spec.securityContext.fsGroup',
    'spec.template.spec.securityContext.runAsGroup',
    'spec.template.spec.securityContext.supplementalGroups[1]',
  ]);
  const clean = statefulSet(`      securityContext: {runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000]}
      containers: [{name: a, image: a:1}]
`);
  assert.equal(scan(clean, rootGroup).length, 0);
  const overridden = statefulSet(`      securityContext: {runAsGroup: 0}
      containers: [{name: a, image: a:1, securityContext: {runAsGroup: 3000}}]
`);
  assert.equal(scan(overridden, rootGroup).length, 0, 'a pod runAsGroup every container overrides never applies');
});
