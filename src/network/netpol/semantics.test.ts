// Regression tests for disagreements found against netpol-analyzer, written from the documented semantics
// (Kubernetes NetworkPolicy docs, AdminNetworkPolicy API: kubernetes-sigs/network-policy-api), not from its output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inventory, normalize, parseManifests } from '../../inventory/index.js';
import { computeConnectivity, type Connectivity } from './engine.js';

function inventory(objects: object[]): Inventory {
  const parsed = parseManifests(objects.map((o) => JSON.stringify(o)).join('\n---\n'), 't.yaml', 'file');
  assert.deepEqual(parsed.errors, []);
  return new Inventory(parsed.objects.map((o, i) => normalize(o, String(i))));
}

const ns = (name: string): object => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
function pod(namespace: string, name: string, labels: Record<string, string>, extra: { owner?: object; hostNetwork?: boolean } = {}): object {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, labels, ...(extra.owner ? { ownerReferences: [extra.owner] } : {}) },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(extra.hostNetwork ? { hostNetwork: true } : {}) },
  };
}
const anp = (name: string, priority: number, spec: object): object => ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec: { priority, ...spec } });
const banp = (spec: object): object => ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec });
const np = (namespace: string, name: string, spec: object): object => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
const inNs = (name: string): object => ({ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
const port = (protocol: string, p: number): object => ({ portNumber: { protocol, port: p } });

function conns(r: Connectivity, src: string, dst: string): string {
  return r.connections.find((c) => c.src === src && c.dst === dst)?.conns.toString() ?? 'No Connections';
}

const base = [ns('a'), ns('b'), pod('a', 'server', { app: 'server' }), pod('b', 'client', { app: 'client' })];
const subject = { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } };

test('ANP Pass: passed connections go on to the NetworkPolicies selecting the pod (not dropped)', () => {
  // "Pass: skip any remaining ANP rules, and then pass execution to any NetworkPolicies that select the pod"
  const r = computeConnectivity(inventory([...base,
    anp('pass', 10, { subject, ingress: [
      { name: 'allow-80', action: 'Allow', from: [inNs('b')], ports: [port('TCP', 80)] },
      { name: 'pass-81', action: 'Pass', from: [inNs('b')], ports: [port('UDP', 80), port('UDP', 81), port('TCP', 81)] },
    ] }),
    np('a', 'only-udp-80', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 80 }] }] }),
  ]));
  // TCP 80: ANP Allow; UDP 80: passed, allowed by the NetworkPolicy; UDP 81, TCP 81: passed, the pod is isolated
  assert.equal(conns(r, 'b/client[Pod]', 'a/server[Pod]'), 'TCP 80,UDP 80');
});

test('ANP Pass: skips the remaining (lower-priority) ANP rules; with no NetworkPolicy the BANP decides', () => {
  const r = computeConnectivity(inventory([...base,
    anp('pass-first', 5, { subject, ingress: [{ name: 'pass', action: 'Pass', from: [inNs('b')], ports: [port('TCP', 80), port('TCP', 81)] }] }),
    anp('deny-later', 20, { subject, ingress: [{ name: 'deny', action: 'Deny', from: [inNs('b')] }] }),
    banp({ subject, ingress: [{ name: 'deny-81', action: 'Deny', from: [inNs('b')], ports: [port('TCP', 81)] }] }),
  ]));
  // TCP 80 passed: not denied by the later ANP, no NP, no BANP rule → allowed; TCP 81 passed → BANP Deny;
  // everything else is matched by the later ANP's Deny
  assert.equal(conns(r, 'b/client[Pod]', 'a/server[Pod]'), 'TCP 80');
});

test('multiple ANPs: the lower priority value wins; rules of one ANP apply in order', () => {
  const r = computeConnectivity(inventory([...base,
    anp('low', 50, { subject, ingress: [{ name: 'allow-all', action: 'Allow', from: [inNs('b')] }] }),
    anp('high', 1, { subject, ingress: [
      { name: 'allow-80', action: 'Allow', from: [inNs('b')], ports: [port('TCP', 80)] },
      { name: 'deny-tcp', action: 'Deny', from: [inNs('b')], ports: [{ portRange: { protocol: 'TCP', start: 1, end: 65535 } }] },
    ] }),
  ]));
  assert.equal(conns(r, 'b/client[Pod]', 'a/server[Pod]'), 'SCTP 1-65535,TCP 80,UDP 1-65535');
});

test('static pods (owned by their Node) are separate workloads, not replicas of the Node', () => {
  const node = { apiVersion: 'v1', kind: 'Node', name: 'node-1', controller: true };
  const r = computeConnectivity(inventory([ns('kube-system'), pod('kube-system', 'etcd-node-1', { component: 'etcd' }, { owner: node }), pod('kube-system', 'kube-apiserver-node-1', { component: 'kube-apiserver' }, { owner: node })]));
  assert.deepEqual(r.workloads.map((w) => w.id).sort(), ['kube-system/etcd-node-1[Pod]', 'kube-system/kube-apiserver-node-1[Pod]']);
  assert.equal(conns(r, 'kube-system/etcd-node-1[Pod]', 'kube-system/kube-apiserver-node-1[Pod]'), 'All Connections');
});

test('pods of one owner with different labels: one workload unless a policy selects them differently', () => {
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', controller: true };
  const pods = [ns('a'), pod('a', 'web-1-x', { app: 'web', v: '1' }, { owner }), pod('a', 'web-1-y', { app: 'web', v: '2' }, { owner }), pod('a', 'other', { app: 'other' })];
  // no selector looks at `v`: one workload, like replicas
  const same = computeConnectivity(inventory([...pods, np('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'other' } } }], ports: [{ port: 80 }] }] })]));
  assert.deepEqual(same.workloads.map((w) => w.id).sort(), ['a/other[Pod]', 'a/web-1[ReplicaSet]']);
  assert.equal(conns(same, 'a/other[Pod]', 'a/web-1[ReplicaSet]'), 'TCP 80');
  // a policy selects v=1 only: a NetworkPolicy applies per pod, so the pods are analysed one by one
  const split = computeConnectivity(inventory([...pods, np('a', 'v1', { podSelector: { matchLabels: { v: '1' } }, ingress: [] })]));
  assert.deepEqual(split.workloads.map((w) => w.id).sort(), ['a/other[Pod]', 'a/web-1-x[Pod]', 'a/web-1-y[Pod]']);
  assert.equal(conns(split, 'a/other[Pod]', 'a/web-1-x[Pod]'), 'No Connections');
  assert.equal(conns(split, 'a/other[Pod]', 'a/web-1-y[Pod]'), 'All Connections');
  assert.ok(split.warnings.some((w) => w.includes('a/web-1[ReplicaSet]')));
  // an ownerReference without a kind still groups the pods (named [Pod], as netpol-analyzer does)
  const nokind = { name: 'internal', controller: true };
  const r = computeConnectivity(inventory([ns('a'), pod('a', 'p1', { app: 'x' }, { owner: nokind }), pod('a', 'p2', { app: 'y' }, { owner: nokind })]));
  assert.deepEqual(r.workloads.map((w) => w.id), ['a/internal[Pod]']);
});

test('external ranges: ingress lines are cut only at ingress CIDRs, egress lines only at egress CIDRs', () => {
  const r = computeConnectivity(inventory([...base,
    np('a', 'egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] }),
    np('a', 'ingress', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }] }),
    anp('v6', 1, { subject, egress: [{ name: 'v6', action: 'Deny', to: [{ networks: ['fd00::/8'] }] }] }),
  ]));
  const into = r.connections.filter((c) => c.dst === 'a/server[Pod]' && c.src.endsWith('[External]')).map((c) => c.src);
  const out = r.connections.filter((c) => c.src === 'a/server[Pod]' && c.dst.endsWith('[External]')).map((c) => c.dst);
  assert.deepEqual(into, ['192.168.0.0-192.168.255.255[External]']);
  assert.deepEqual(out, ['10.0.0.0-10.255.255.255[External]']);
  // the unrestricted pod in b: ingress lines cut at 192.168.0.0/16 only, no IPv6 (no ingress rule mentions IPv6);
  // egress lines cut at 10.0.0.0/8 and fd00::/8
  assert.deepEqual(r.connections.filter((c) => c.dst === 'b/client[Pod]' && c.src.endsWith('[External]')).map((c) => c.src),
    ['0.0.0.0-192.167.255.255[External]', '192.168.0.0-192.168.255.255[External]', '192.169.0.0-255.255.255.255[External]']);
  assert.equal(r.connections.filter((c) => c.src === 'b/client[Pod]' && c.dst.endsWith('[External]')).length, 3 + 3);
});
