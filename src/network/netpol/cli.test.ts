import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runConnectivity, runExplain } from '../../cli/netpol.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kw-netpol-'));
const file = path.join(dir, 'm.yaml');
writeFileSync(file, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: default}
spec: {template: {metadata: {labels: {app: frontend}}, spec: {containers: [{name: c, image: i}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: default}
spec: {template: {metadata: {labels: {app: backend}}, spec: {containers: [{name: c, image: i, ports: [{name: api, containerPort: 9090}]}]}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend, namespace: default}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: api}]}]
`);

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

test('netpol connectivity prints netpol-analyzer lines', async () => {
  const { out, io: sink } = io();
  assert.equal(await runConnectivity({ filename: [file], format: 'txt' }, sink), 0);
  assert.match(out.stdout, /^default\/frontend\[Deployment\] => default\/backend\[Deployment\] : TCP 9090$/m);
  assert.doesNotMatch(out.stdout, /\[External\] => default\/backend/);
});

test('netpol explain: verdict and deciding rule; exit 1 when denied; 2 for usage errors', async () => {
  const a = io();
  assert.equal(await runExplain('default/frontend', 'default/backend[Deployment]', { filename: [file], port: '9090/tcp' }, a.io), 0);
  assert.match(a.out.stdout, /ALLOWED/);
  assert.match(a.out.stdout, /\[NPv1\] default\/backend rule 0: Allow/);
  const b = io();
  assert.equal(await runExplain('default/backend', 'default/frontend', { filename: [file], port: '80' }, b.io), 0);
  const c = io();
  assert.equal(await runExplain('default/frontend', 'default/backend', { filename: [file], port: '80' }, c.io), 1);
  assert.match(c.out.stdout, /DENIED/);
  const d = io();
  assert.equal(await runExplain('nope', 'default/backend', { filename: [file] }, d.io), 2);
  assert.equal(await runConnectivity({}, d.io), 2);
  assert.equal(await runExplain('default/frontend', 'default/backend', { filename: [file], port: '99999' }, d.io), 2);
});
