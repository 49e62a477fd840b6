import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inventory, normalize, parseManifests } from '../../inventory/index.js';
import { computeConnectivity } from './engine.js';
import { dotString, formatConnectivityDot } from './format-dot.js';
import { escapeHtml, formatConnectivityHtml } from './format-html.js';

const YAML = `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: zz, labels: {app: "<b>"}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b, namespace: zz}
spec:
  podSelector: {}
  ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 80}]}]
`;

function conn() {
  const parsed = parseManifests(YAML, 'm.yaml', 'file');
  return computeConnectivity(new Inventory(parsed.objects.map((o, i) => normalize(o, String(i)))));
}

test('dot: clusters per namespace, labelled edges, escaped strings', () => {
  const dot = formatConnectivityDot(conn());
  assert.match(dot, /^digraph connectivity \{/);
  assert.match(dot, /subgraph "cluster_0" \{\n    label="x";/);
  assert.match(dot, /"x\/a\[Pod\]" -> "zz\/b\[Pod\]" \[label="TCP 80"\];/);
  assert.match(dot, /"zz\/b\[Pod\]" -> "x\/a\[Pod\]" \[label="All Connections"\];/);
  assert.match(dot, /"0\.0\.0\.0-255\.255\.255\.255\[External\]" \[label="0\.0\.0\.0-255\.255\.255\.255", shape=ellipse/);
  assert.equal(dotString('a"b\\c\nd'), '"a\\"b\\\\c\\nd"');
});

test('html: self-contained, namespace matrix, collapsible workloads, escaped', () => {
  const html = formatConnectivityHtml(conn(), 'T <&> "q"');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.doesNotMatch(html, /<script|<link|src=|href=|@import|url\(/i);
  assert.match(html, /<title>T &lt;&amp;&gt; &quot;q&quot;<\/title>/);
  assert.match(html, /<details><summary>x \(1\)<\/summary>/);
  assert.match(html, /<details><summary>\(external\) \(1\)<\/summary>/);
  assert.match(html, /<tr><th>x<\/th><td class="none"[^>]*>0\/0<\/td><td class="all" title="TCP 80">1\/1<br>TCP 80<\/td>/);
  assert.equal(escapeHtml(`<a href='x'>&"`), '&lt;a href=&#39;x&#39;&gt;&amp;&quot;');
});
