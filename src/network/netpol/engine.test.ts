// Truth tables after the Kubernetes e2e NetworkPolicy suite: namespaces x, y, z; pods a, b, c; ports 80, 81 (TCP, UDP, SCTP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inventory, normalize, parseManifests } from '../../inventory/index.js';
import { computeConnectivity, NetpolEngine, type Connectivity } from './engine.js';
import type { Protocol } from './connset.js';

const NS = ['x', 'y', 'z'];
const PODS = ['a', 'b', 'c'];

function pod(ns: string, name: string): object {
  const ports = ['tcp', 'udp', 'sctp'].flatMap((p) => [80, 81].map((n) => ({ name: `serve-${n}-${p}`, containerPort: n, protocol: p.toUpperCase() })));
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { pod: name } }, spec: { containers: [{ name: 'c', image: 'agnhost', ports }] } };
}

function inventory(extra: object[], base: object[] = world()): Inventory {
  const text = [...base, ...extra].map((o) => JSON.stringify(o)).join('\n---\n');
  const parsed = parseManifests(text, 't.yaml', 'file');
  assert.deepEqual(parsed.errors, []);
  return new Inventory(parsed.objects.map((o, i) => normalize(o, String(i))));
}

function world(): object[] {
  return [
    ...NS.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ns } } })),
    ...NS.flatMap((ns) => PODS.map((p) => pod(ns, p))),
  ];
}

function np(namespace: string, name: string, spec: object): object {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

/** The set of `src->dst` pairs (short names `x/a`) allowing `port`/`protocol`. */
function reach(result: Connectivity, port: number, protocol: Protocol = 'TCP'): Set<string> {
  const short = (id: string): string => id.replace(/\[Pod\]$/, '');
  return new Set(result.connections.filter((c) => c.conns.has(protocol, port) && !c.src.endsWith('[External]') && !c.dst.endsWith('[External]')).map((c) => `${short(c.src)}->${short(c.dst)}`));
}

const ALL = NS.flatMap((n) => PODS.map((p) => `${n}/${p}`));
function pairs(filter: (src: string, dst: string) => boolean): Set<string> {
  const out = new Set<string>();
  for (const s of ALL) for (const d of ALL) if (s !== d && filter(s, d)) out.add(`${s}->${d}`);
  return out;
}

test('no policies: everything reaches everything, including external ranges', () => {
  const r = computeConnectivity(inventory([]));
  assert.deepEqual(reach(r, 80), pairs(() => true));
  assert.equal(r.externals.length, 1);
  assert.equal(r.externals[0]!.id, '0.0.0.0-255.255.255.255[External]');
  assert.equal(r.connections.length, 9 * 8 + 9 * 2);
  assert.ok(r.connections.every((c) => c.conns.isAll()));
});

test('deny-all ingress (podSelector {} and no ingress) in x', () => {
  for (const spec of [{ podSelector: {} }, { podSelector: {}, ingress: [] }, {}, { podSelector: {}, egress: [] }]) {
    const r = computeConnectivity(inventory([np('x', 'deny', spec)]));
    assert.deepEqual(reach(r, 80), pairs((_s, d) => !d.startsWith('x/')), JSON.stringify(spec));
  }
});

test('ingress: [{}] allows all, and is additive with a deny-all', () => {
  const r = computeConnectivity(inventory([np('x', 'deny', { podSelector: {} }), np('x', 'allow', { podSelector: {}, ingress: [{}] })]));
  assert.deepEqual(reach(r, 80), pairs(() => true));
});

test('allow from same namespace only (podSelector {} in from)', () => {
  const r = computeConnectivity(inventory([np('x', 'same-ns', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: {} }] }] })]));
  assert.deepEqual(reach(r, 80), pairs((s, d) => d !== 'x/a' || s.startsWith('x/')));
});

test('namespaceSelector alone: every pod of the matching namespaces', () => {
  const r = computeConnectivity(inventory([np('x', 'from-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] })]));
  assert.deepEqual(reach(r, 80), pairs((s, d) => d !== 'x/a' || s.startsWith('y/')));
});

test('namespaceSelector AND podSelector in one peer vs OR in two peers', () => {
  const and = computeConnectivity(inventory([np('x', 'and', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'b' } } }] }] })]));
  assert.deepEqual(reach(and, 80), pairs((s, d) => d !== 'x/a' || s === 'y/b'));
  const or = computeConnectivity(inventory([np('x', 'or', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }, { podSelector: { matchLabels: { pod: 'b' } } }] }] })]));
  assert.deepEqual(reach(or, 80), pairs((s, d) => d !== 'x/a' || s.startsWith('y/') || s === 'x/b'));
});

test('kubernetes.io/metadata.name is always a namespace label, also for undefined namespaces', () => {
  const r = computeConnectivity(inventory([np('x', 'by-name', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'w' } } }] }] })], [...world(), pod('w', 'a')]));
  const allowedToX = [...reach(r, 80)].filter((p) => p.split('->')[1]!.startsWith('x/'));
  assert.deepEqual(new Set(allowedToX), new Set(['w/a->x/a', 'w/a->x/b', 'w/a->x/c']));
});

test('matchExpressions NotIn / DoesNotExist', () => {
  const r = computeConnectivity(inventory([np('x', 'expr', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['y'] }] }, podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['a', 'b'] }] } }] }] })]));
  assert.deepEqual(reach(r, 80), pairs((s, d) => !d.startsWith('x/') || (!s.startsWith('y/') && !s.endsWith('/c'))));
});

test('egress deny-all blocks even where ingress allows; egress-only policy does not isolate ingress', () => {
  const r = computeConnectivity(inventory([np('x', 'deny-egress', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'] })]));
  assert.deepEqual(reach(r, 80), pairs((s) => s !== 'x/a'));
  const ext = r.connections.filter((c) => c.src === 'x/a[Pod]');
  assert.deepEqual(ext, []);
});

test('both ends must allow: egress to y on 80 AND ingress in y from x/a on 81 leaves nothing', () => {
  const r = computeConnectivity(inventory([
    np('x', 'egress', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 80 }] }] }),
    np('y', 'ingress', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'x' } }, podSelector: { matchLabels: { pod: 'a' } } }], ports: [{ port: 81 }] }] }),
  ]));
  assert.ok(![...reach(r, 80)].some((p) => p.startsWith('x/a->')));
  assert.ok(![...reach(r, 81)].some((p) => p.startsWith('x/a->')));
  assert.ok(reach(r, 80).has('x/b->x/a'));
});

test('ports: protocol defaults to TCP; UDP and SCTP; endPort ranges; missing port = all ports of the protocol', () => {
  const r = computeConnectivity(inventory([np('x', 'ports', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 80 }, { protocol: 'UDP', port: 81 }, { protocol: 'SCTP', port: 70, endPort: 80 }, { protocol: 'UDP', port: 1000, endPort: 1002 }] }] })]));
  const c = r.connections.find((x) => x.src === 'y/b[Pod]' && x.dst === 'x/a[Pod]')!;
  assert.equal(c.conns.toString(), 'SCTP 70-80,TCP 80,UDP 81,1000-1002');
  assert.ok(reach(r, 80, 'TCP').has('y/b->x/a'));
  assert.ok(!reach(r, 81, 'TCP').has('y/b->x/a'));
  assert.ok(!reach(r, 80, 'UDP').has('y/b->x/a'));
  const all = computeConnectivity(inventory([np('x', 'udp', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ protocol: 'UDP' }] }] })]));
  assert.equal(all.connections.find((x) => x.src === 'y/b[Pod]' && x.dst === 'x/a[Pod]')!.conns.toString(), 'UDP 1-65535');
});

test('named ports resolve on the destination pod, with the protocol', () => {
  const r = computeConnectivity(inventory([np('x', 'named', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 'serve-81-tcp' }, { port: 'serve-80-udp', protocol: 'UDP' }, { port: 'serve-80-udp' }, { port: 'no-such-port' }] }] })]));
  const c = r.connections.find((x) => x.src === 'y/b[Pod]' && x.dst === 'x/a[Pod]')!;
  assert.equal(c.conns.toString(), 'TCP 81,UDP 80');
  // egress named port: resolved on the peer (destination), never on an external range
  const e = computeConnectivity(inventory([np('x', 'named-egress', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'serve-80-sctp', protocol: 'SCTP' }] }] })]));
  assert.equal(e.connections.find((x) => x.src === 'x/a[Pod]' && x.dst === 'y/c[Pod]')!.conns.toString(), 'SCTP 80');
  assert.ok(!e.connections.some((x) => x.src === 'x/a[Pod]' && x.dst.endsWith('[External]')));
});

test('ipBlock with except: external ranges split at the boundaries; pods are not matched by ipBlocks', () => {
  const r = computeConnectivity(inventory([np('x', 'cidr', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 443 }] }] })]));
  assert.deepEqual(r.externals.map((e) => e.id), [
    '0.0.0.0-9.255.255.255[External]', '10.0.0.0-10.0.255.255[External]', '10.1.0.0-10.1.255.255[External]',
    '10.2.0.0-10.255.255.255[External]', '11.0.0.0-255.255.255.255[External]',
  ]);
  const out = r.connections.filter((c) => c.src === 'x/a[Pod]').map((c) => `${c.dst} : ${c.conns}`);
  assert.deepEqual(out, ['10.0.0.0-10.0.255.255[External] : TCP 443', '10.2.0.0-10.255.255.255[External] : TCP 443']);
  // ingress from externals still open (no ingress isolation); ingress lines are cut only at ingress rules' CIDRs
  assert.ok(r.connections.some((c) => c.src === '0.0.0.0-255.255.255.255[External]' && c.dst === 'x/a[Pod]' && c.conns.isAll()));
  assert.ok(!r.connections.some((c) => c.src.startsWith('10.') && c.dst === 'x/a[Pod]'));
});

test('ingress from an ipBlock: only the matching external ranges reach the pod', () => {
  const r = computeConnectivity(inventory([np('x', 'cidr-in', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }] })]));
  const into = r.connections.filter((c) => c.dst === 'x/a[Pod]').map((c) => c.src);
  assert.deepEqual(into, ['192.168.0.0-192.168.255.255[External]']);
});

test('from: [] and ports: [] are the same as missing (match all)', () => {
  const r = computeConnectivity(inventory([np('x', 'empty', { podSelector: {}, ingress: [{ from: [], ports: [] }] })]));
  assert.deepEqual(reach(r, 80), pairs(() => true));
});

test('workloads: Deployments and owned Pods are grouped; hostNetwork is out of scope unless asked', () => {
  const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'x' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
  const owned = (n: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: n, namespace: 'x', labels: { app: 'db' }, ownerReferences: [{ kind: 'StatefulSet', name: 'db', controller: true }] }, spec: { containers: [{ name: 'c', image: 'i' }] } });
  const host = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'node-agent', namespace: 'x' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'i' }] } };
  const inv = inventory([], [deploy, owned('db-0'), owned('db-1'), host]);
  const r = computeConnectivity(inv);
  assert.deepEqual(r.workloads.map((w) => w.id).sort(), ['x/db[StatefulSet]', 'x/web[Deployment]']);
  assert.deepEqual(r.outOfScope.map((w) => w.id), ['x/node-agent[Pod]']);
  assert.ok(r.connections.some((c) => c.src === 'x/web[Deployment]' && c.dst === 'x/db[StatefulSet]'));
  assert.equal(computeConnectivity(inv, { hostNetworkAsPod: true }).workloads.length, 3);
});

test('AdminNetworkPolicy Deny beats NetworkPolicy allow; Pass defers to NetworkPolicy; BANP applies when no NetworkPolicy selects', () => {
  const anp = { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: 'anp' }, spec: {
    priority: 10, subject: { namespaces: { matchLabels: { ns: 'x' } } },
    ingress: [
      { name: 'deny-y-80', action: 'Deny', from: [{ namespaces: { matchLabels: { ns: 'y' } } }], ports: [{ portNumber: { protocol: 'TCP', port: 80 } }] },
      { name: 'pass-z', action: 'Pass', from: [{ namespaces: { matchLabels: { ns: 'z' } } }] },
      { name: 'allow-y', action: 'Allow', from: [{ namespaces: { matchLabels: { ns: 'y' } } }] },
    ] } };
  const banp = { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec: {
    subject: { namespaces: {} }, ingress: [{ name: 'deny-z', action: 'Deny', from: [{ namespaces: { matchLabels: { ns: 'z' } } }] }] } };
  const deny = np('x', 'deny-all-a', { podSelector: { matchLabels: { pod: 'a' } } });
  const engine = new NetpolEngine(inventory([anp, banp, deny]));
  const r = engine.connectivity();
  const conn = (s: string, d: string) => r.connections.find((c) => c.src === `${s}[Pod]` && c.dst === `${d}[Pod]`)?.conns.toString() ?? 'No Connections';
  assert.equal(conn('y/a', 'x/a'), 'SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535'); // ANP deny 80, allow the rest over the NP deny-all
  assert.equal(conn('z/a', 'x/a'), 'No Connections'); // pass → NP deny-all
  assert.equal(conn('z/a', 'x/b'), 'No Connections'); // pass → no NP selects x/b → BANP deny
  assert.equal(conn('x/c', 'x/b'), 'All Connections'); // nothing matches → allowed
  assert.equal(conn('z/a', 'y/b'), 'No Connections'); // BANP subject is every namespace
  assert.equal(conn('x/b', 'x/a'), 'No Connections');
});

test('ANP priorities: lower value wins; first matching rule within a policy wins', () => {
  const mk = (name: string, priority: number, action: string) => ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec: {
    priority, subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { pod: 'b' } } } },
    ingress: [{ action, from: [{ pods: { namespaceSelector: { matchLabels: { ns: 'x' } }, podSelector: {} } }] }] } });
  const r = computeConnectivity(inventory([mk('high', 5, 'Allow'), mk('low', 50, 'Deny')]));
  assert.ok(reach(r, 80).has('x/a->y/b'));
  const r2 = computeConnectivity(inventory([mk('high', 5, 'Deny'), mk('low', 50, 'Allow')]));
  assert.ok(!reach(r2, 80).has('x/a->y/b'));
  assert.ok(reach(r2, 80).has('y/a->y/b'));
});

test('ANP egress to networks matches external ranges', () => {
  const anp = { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: 'net' }, spec: {
    priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ networks: ['0.0.0.0/1'] }] }] } };
  const r = computeConnectivity(inventory([anp]));
  const out = r.connections.filter((c) => c.src === 'x/a[Pod]' && c.dst.endsWith('[External]')).map((c) => c.dst);
  assert.deepEqual(out, ['128.0.0.0-255.255.255.255[External]']);
});

test('invalid policies are reported and ignored', () => {
  const r = computeConnectivity(inventory([np('x', 'bad', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: 'nonsense' } }] }] })]));
  assert.equal(r.warnings.length, 1);
  assert.deepEqual(reach(r, 80), pairs(() => true));
});
