import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Inventory, normalize, parseManifests } from '../../inventory/index.js';
import { runNamespaces } from '../../cli/netpol-extra.js';
import { computeConnectivity } from './engine.js';
import { formatNamespaceSummary, summarizeNamespaces } from './summary.js';

const pod = (ns: string, name: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: {app: ${name}}}
spec: {containers: [{name: c, image: i}]}
---
`;
const YAML = `${pod('front', 'web')}${pod('front', 'cache')}${pod('back', 'db')}${pod('ops', 'tool')}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: back}
spec:
  podSelector: {}
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: front}}, podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]
`;

function conn(yaml: string) {
  const parsed = parseManifests(yaml, 'm.yaml', 'file');
  return computeConnectivity(new Inventory(parsed.objects.map((o, i) => normalize(o, String(i)))));
}

test('ordered namespace pairs: counts and what the connected pairs allow', () => {
  const pairs = summarizeNamespaces(conn(YAML));
  const get = (s: string, d: string) => pairs.find((p) => p.src === s && p.dst === d)!;
  assert.equal(pairs.length, 6);
  assert.deepEqual([get('front', 'back').connected, get('front', 'back').pairs, get('front', 'back').conns.toString()], [1, 2, 'TCP 5432']);
  assert.deepEqual([get('ops', 'back').connected, get('ops', 'back').conns.toString()], [0, 'No Connections']);
  assert.deepEqual([get('back', 'front').connected, get('back', 'front').pairs], [2, 2]);
  const txt = formatNamespaceSummary(pairs, 'txt');
  assert.match(txt, /^front => back : 1\/2 workload pairs : TCP 5432$/m);
  assert.match(txt, /^ops => back : 0\/1 workload pairs : No Connections$/m);
  const same = summarizeNamespaces(conn(YAML), { includeSameNamespace: true });
  assert.deepEqual(same.filter((p) => p.src === 'front' && p.dst === 'front').map((p) => [p.connected, p.pairs]), [[2, 2]]);
});

test('netpol namespaces CLI: json; no input exits 2', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kw-ns-'));
  const file = path.join(dir, 'm.yaml');
  writeFileSync(file, YAML);
  const out = { stdout: '', stderr: '' };
  const io = { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) };
  assert.equal(await runNamespaces({ filename: [file], format: 'json' }, io), 0);
  const json = JSON.parse(out.stdout);
  assert.deepEqual(json.find((p: { src: string; dst: string }) => p.src === 'front' && p.dst === 'back'),
    { src: 'front', dst: 'back', connected: 1, pairs: 2, conns: 'TCP 5432', breakdown: [{ conns: 'TCP 5432', count: 1 }] });
  assert.equal(await runNamespaces({}, io), 2);
});
