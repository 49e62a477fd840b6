import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf } from '../../../test/support.js';
import type { Check } from '../check.js';
import { latestTag, notPinnedByDigest } from './images.js';

function scan(yaml: string, check: Check) {
  return findingsOf(yaml, check);
}

const DIGEST = `sha256:${'0f'.repeat(32)}`;

const job = `apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: n}
spec:
  template:
    spec:
      initContainers:
        - {name: fetch, image: "registry.local:5000/tools/fetch"}
      containers:
        - {name: tagged, image: "app:1.4.2"}
        - {name: latest, image: "app:latest"}
        - {name: pinned, image: "app:1.4.2@${DIGEST}"}
        - {name: portonly, image: "registry.local:5000/app:2.0"}
      ephemeralContainers:
        - {name: debug, image: busybox}
`;

test('KW-WL-025 flags `latest` and missing tags, and is not fooled by a registry port', () => {
  const findings = scan(job, latestTag);
  assert.deepEqual(findings.map((f) => f.container).sort(), ['debug', 'fetch', 'latest']);
  const fetch = findings.find((f) => f.container === 'fetch')!;
  assert.equal(fetch.evidence[0]!.path, 'spec.template.spec.initContainers[0].image');
  assert.equal(fetch.evidence[0]!.value, 'registry.local:5000/tools/fetch');
  assert.match(fetch.message, /has no tag, so `latest` is pulled/);
  assert.match(findings.find((f) => f.container === 'latest')!.message, /uses the `latest` tag/);
});

test('KW-WL-026 flags every image without a digest', () => {
  const findings = scan(job, notPinnedByDigest);
  assert.deepEqual(findings.map((f) => f.container).sort(), ['debug', 'fetch', 'latest', 'portonly', 'tagged']);
  assert.equal(findings.find((f) => f.container === 'tagged')!.evidence[0]!.path, 'spec.template.spec.containers[0].image');
  const malformed = scan(job.replace(DIGEST, 'sha256:abc'), notPinnedByDigest);
  assert.match(malformed.find((f) => f.container === 'pinned')!.message, /malformed digest/);
});
