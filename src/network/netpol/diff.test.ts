import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Inventory, normalize, parseManifests } from '../../inventory/index.js';
import { runDiff } from '../../cli/netpol-extra.js';
import { computeConnectivity } from './engine.js';
import { diffConnectivity, formatDiff } from './diff.js';

const BASE = `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: x, labels: {app: b}}
spec: {containers: [{name: c, image: i}]}
`;
const POLICY = (port: number, cidr = '10.0.0.0/8') => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b, namespace: x}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}, {ipBlock: {cidr: ${cidr}}}], ports: [{port: ${port}}]}]
`;

function conn(yaml: string) {
  const parsed = parseManifests(yaml, 'm.yaml', 'file');
  return computeConnectivity(new Inventory(parsed.objects.map((o, i) => normalize(o, String(i)))));
}

test('identical inputs: no differences; external ranges split differently are not changes', () => {
  assert.deepEqual(diffConnectivity(conn(BASE), conn(BASE)).diffs, []);
  // a policy on another pod that only adds CIDR cut points does not change what a reaches
  const d = diffConnectivity(conn(BASE + POLICY(80)), conn(BASE + POLICY(80)));
  assert.deepEqual(d.diffs, []);
});

test('adding a policy: changed and removed connections; changing its port: changed', () => {
  const d = diffConnectivity(conn(BASE), conn(BASE + POLICY(80)));
  const txt = formatDiff(d, 'txt');
  assert.match(txt, /^~ x\/a\[Pod\] => x\/b\[Pod\] : All Connections -> TCP 80$/m);
  assert.match(txt, /^~ 10\.0\.0\.0-10\.255\.255\.255\[External\] => x\/b\[Pod\] : All Connections -> TCP 80$/m);
  assert.match(txt, /^- 0\.0\.0\.0-9\.255\.255\.255\[External\] => x\/b\[Pod\] : All Connections$/m);
  assert.doesNotMatch(txt, /x\/b\[Pod\] => x\/a\[Pod\]/);
  const back = diffConnectivity(conn(BASE + POLICY(80)), conn(BASE));
  assert.ok(back.diffs.some((x) => x.kind === 'added' && x.src === '0.0.0.0-9.255.255.255[External]'));
  const json = JSON.parse(formatDiff(diffConnectivity(conn(BASE + POLICY(80)), conn(BASE + POLICY(443))), 'json'));
  assert.deepEqual(json.changed.find((c: { src: string }) => c.src === 'x/a[Pod]'), { src: 'x/a[Pod]', dst: 'x/b[Pod]', old: 'TCP 80', new: 'TCP 443' });
  assert.deepEqual(json.added, []);
});

test('workloads added and removed are listed; their connections are added/removed', () => {
  const extra = `
---
apiVersion: v1
kind: Pod
metadata: {name: c, namespace: ns2}
spec: {containers: [{name: c, image: i}]}
`;
  const d = diffConnectivity(conn(BASE), conn(BASE + extra));
  assert.deepEqual(d.workloadsAdded, ['ns2/c[Pod]']);
  assert.ok(d.diffs.every((x) => x.kind === 'added' && (x.src === 'ns2/c[Pod]' || x.dst === 'ns2/c[Pod]')));
  assert.match(formatDiff(d, 'txt'), /# workload added: ns2\/c\[Pod\]/);
});

test('netpol diff CLI: OLD NEW positionals or -f/--new; usage errors exit 2', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kw-diff-'));
  const oldFile = path.join(dir, 'old.yaml');
  const newFile = path.join(dir, 'new.yaml');
  writeFileSync(oldFile, BASE);
  writeFileSync(newFile, BASE + POLICY(80));
  const out = { stdout: '', stderr: '' };
  const io = { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) };
  assert.equal(await runDiff([oldFile, newFile], {}, io), 0);
  assert.match(out.stdout, /~ x\/a\[Pod\] => x\/b\[Pod\] : All Connections -> TCP 80/);
  out.stdout = '';
  assert.equal(await runDiff([], { filename: [oldFile], new: [newFile], format: 'json' }, io), 0);
  assert.equal(JSON.parse(out.stdout).changed.length, 2);
  assert.equal(await runDiff([oldFile], {}, io), 2);
  assert.equal(await runDiff([oldFile, newFile], { filename: [oldFile] }, io), 2);
  assert.equal(await runDiff([], { filename: [oldFile] }, io), 2);
  assert.match(out.stderr, /kubeward: no input/);
});
