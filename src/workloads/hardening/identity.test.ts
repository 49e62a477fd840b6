import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf } from '../../../test/support.js';
import type { Check } from '../check.js';
import { defaultServiceAccount, tokenAutomount } from './identity.js';
import { defaultNamespace } from './namespace.js';

function scan(yaml: string, check: Check) {
  return findingsOf(yaml, check);
}

const deployment = (podSpecExtra: string, namespace = 'shop') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}}
spec:
  template:
    spec:
${podSpecExtra}      containers: [{name: app, image: app:1}]
`;
const serviceAccount = (name: string, automount: string, namespace = 'shop') =>
  `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${name}, namespace: ${namespace}}\n${automount ? `automountServiceAccountToken: ${automount}\n` : ''}`;

test('KW-WL-030: the pod setting wins, then the ServiceAccount object, then the default (mounted)', () => {
  const cases: [string, string, boolean][] = [
    // pod spec extra, objects after it, expect a finding
    ['      automountServiceAccountToken: false\n', '', false],
    ['      automountServiceAccountToken: true\n', serviceAccount('default', 'false'), true],
    ['      serviceAccountName: api\n', serviceAccount('api', 'false'), false],
    ['      serviceAccountName: api\n', serviceAccount('api', 'true'), true],
    ['      serviceAccountName: api\n', serviceAccount('api', ''), true],
    ['      serviceAccountName: api\n', '', true],
    ['', serviceAccount('default', 'false'), false], // no serviceAccountName: normalized to `default`
    ['      serviceAccountName: api\n', serviceAccount('api', 'false', 'other'), true], // other namespace: not its account
  ];
  for (const [extra, objects, expected] of cases) {
    const yaml = objects ? `${deployment(extra)}---\n${objects}` : deployment(extra);
    const findings = scan(yaml, tokenAutomount);
    assert.equal(findings.length, expected ? 1 : 0, `${extra.trim() || '(nothing)'} with ${objects.replace(/\n/g, ' ') || 'no ServiceAccount'}`);
    if (expected) assert.equal(findings[0]!.evidence[0]!.path, 'spec.template.spec.automountServiceAccountToken');
  }
});

test('KW-WL-030 explains where the decision came from', () => {
  const missing = scan(deployment('      serviceAccountName: api\n'), tokenAutomount)[0]!;
  assert.match(missing.message, /ServiceAccount `api` is not among the scanned objects/);
  const explicit = scan(deployment('      automountServiceAccountToken: true\n'), tokenAutomount)[0]!;
  assert.equal(explicit.evidence[0]!.value, true);
  const fromAccount = scan(`${deployment('      serviceAccountName: api\n')}---\n${serviceAccount('api', 'true')}`, tokenAutomount)[0]!;
  assert.match(fromAccount.message, /ServiceAccount `api` sets it to true/);
});

test('KW-WL-030 applies to a CronJob template too', () => {
  const cron = `apiVersion: batch/v1
kind: CronJob
metadata: {name: c, namespace: ops}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: job, image: job:1}]
`;
  assert.equal(scan(cron, tokenAutomount)[0]!.evidence[0]!.path, 'spec.jobTemplate.spec.template.spec.automountServiceAccountToken');
});

test('KW-WL-032: explicit or implied `default` ServiceAccount', () => {
  const implied = scan(deployment(''), defaultServiceAccount);
  assert.equal(implied.length, 1);
  assert.equal(implied[0]!.evidence[0]!.path, 'spec.template.spec.serviceAccountName');
  assert.match(implied[0]!.message, /with its API token mounted/);
  assert.equal(scan(deployment('      serviceAccountName: default\n      automountServiceAccountToken: false\n'), defaultServiceAccount)[0]!.message.includes('not mounted'), true);
  assert.equal(scan(deployment('      serviceAccountName: web\n'), defaultServiceAccount).length, 0);
  assert.equal(scan(deployment('      serviceAccount: legacy\n'), defaultServiceAccount).length, 0, 'the deprecated serviceAccount field names the account too');
});

test('KW-WL-031: only an explicit `default` namespace, on workloads and other namespaced kinds', () => {
  const yaml = [
    deployment('', 'default'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\ndata: {a: b}\n',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: default}\nrules: []\n',
    'apiVersion: v1\nkind: Service\nmetadata: {name: implicit}\nspec: {ports: [{port: 80}]}\n', // no namespace written
    'apiVersion: v1\nkind: Service\nmetadata: {name: elsewhere, namespace: shop}\nspec: {ports: [{port: 80}]}\n',
    'apiVersion: v1\nkind: Service\nmetadata: {name: kubernetes, namespace: default}\nspec: {ports: [{port: 443}]}\n', // created by the API server
    'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: default}\n',
  ].join('---\n');
  const findings = scan(yaml, defaultNamespace);
  assert.deepEqual(findings.map((f) => `${f.resource.kind}/${f.resource.name}`).sort(), ['ConfigMap/cfg', 'Deployment/web', 'Role/r']);
  for (const finding of findings) {
    assert.equal(finding.evidence[0]!.path, 'metadata.namespace');
    assert.equal(finding.evidence[0]!.value, 'default');
  }
});
