import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckCatalog } from '../../core/catalog.js';
import { Inventory, normalize, parseManifests } from '../../inventory/index.js';
import { analyzeNetworkCoverage, networkCoverageMetas } from './index.js';

function inv(yaml: string): Inventory {
  const parsed = parseManifests(yaml, 'm.yaml', 'file');
  assert.deepEqual(parsed.errors, []);
  return new Inventory(parsed.objects.map((o, i) => normalize(o, String(i))));
}

const deploy = (ns: string, name: string, labels: string, extra = '', podExtra = ''): string => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: ${labels}}
  template:
    metadata: {labels: ${labels}}
    spec:${podExtra}
      containers: [{name: c, image: i${extra}}]
---`;

const np = (ns: string, name: string, spec: string): string => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec}
---`;

function ids(yaml: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of analyzeNetworkCoverage(inv(yaml)).findings) out.set(f.checkId, [...(out.get(f.checkId) ?? []), f.message]);
  return out;
}

test('metas: ids KW-NET-010… in the network category, accepted by the catalog', () => {
  const metas = networkCoverageMetas();
  assert.ok(new CheckCatalog(metas));
  assert.equal(metas[0]!.id, 'KW-NET-010');
  assert.ok(metas.every((m) => m.category === 'network' && /^KW-NET-0[1-9]\d$/.test(m.id)));
  assert.ok(metas.find((m) => m.id === 'KW-NET-014')!.aliases.some((a) => a.framework === 'Kubescape' && a.id === 'C-0299'));
  assert.ok(metas.find((m) => m.id === 'KW-NET-010')!.aliases.some((a) => a.framework === 'CIS' && a.id === '5.3.2'));
});

test('no policies: namespace and workload coverage findings with file positions', () => {
  const out = analyzeNetworkCoverage(inv(`
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---${deploy('shop', 'web', '{app: web}')}`));
  const byId = new Map(out.findings.map((f) => [f.checkId, f]));
  for (const id of ['KW-NET-010', 'KW-NET-011', 'KW-NET-012', 'KW-NET-013']) assert.ok(byId.has(id), id);
  const ns = byId.get('KW-NET-010')!;
  assert.equal(ns.resource.kind, 'Namespace');
  assert.equal(ns.evidence[0]!.position?.file, 'm.yaml');
  assert.equal(ns.evidence[0]!.position?.line, 4);
  assert.equal(byId.get('KW-NET-012')!.resource.name, 'web');
  assert.ok(!byId.has('KW-NET-018'));
});

test('default deny both ways: no namespace/workload findings, but DNS is blocked', () => {
  const found = ids(`${deploy('shop', 'web', '{app: web}')}${np('shop', 'deny', '  podSelector: {}\n  policyTypes: [Ingress, Egress]')}`);
  for (const id of ['KW-NET-010', 'KW-NET-011', 'KW-NET-012', 'KW-NET-013']) assert.ok(!found.has(id), id);
  assert.match(found.get('KW-NET-018')![0]!, /shop\/web\[Deployment\] is isolated for egress by `shop\/deny`.*UDP 53 nor TCP 53/);
});

test('egress allowing kube-dns on 53 UDP+TCP: no DNS finding; only UDP: TCP reported', () => {
  const dns = (ports: string) => np('shop', 'dns', `  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: ${ports}`);
  assert.ok(!ids(`${deploy('shop', 'web', '{app: web}')}${dns('[{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]')}`).has('KW-NET-018'));
  const partial = ids(`${deploy('shop', 'web', '{app: web}')}${dns('[{port: 53, protocol: UDP}]')}`);
  assert.match(partial.get('KW-NET-018')![0]!, /allow no TCP 53 to/);
});

test('dangling policy, peers matching nothing, open rules, named ports', () => {
  const found = ids(`
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a}}
---${deploy('shop', 'web', '{app: web}', ', ports: [{name: http, containerPort: 8080}]')}${deploy('shop', 'db', '{app: db}')}
${np('shop', 'typo', '  podSelector: {matchLabels: {app: wbe}}')}
${np('shop', 'web', `  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{namespaceSelector: {}}]
    ports: [{port: http}, {port: https}]
  - from: [{podSelector: {matchLabels: {app: nope}}}, {namespaceSelector: {matchLabels: {team: b}}}]
  - from: [{ipBlock: {cidr: 0.0.0.0/0}}]
  - {}`)}`);
  assert.match(found.get('KW-NET-014')![0]!, /`shop\/typo` selects none/);
  const peers = found.get('KW-NET-015')!;
  assert.equal(peers.length, 1);
  assert.match(peers[0]!, /podSelector matches no pod .*and 1 more/);
  assert.match(found.get('KW-NET-016')![0]!, /every pod of every namespace/);
  assert.match(found.get('KW-NET-017')![0]!, /0\.0\.0\.0\/0.*and 1 more/);
  assert.match(found.get('KW-NET-019')![0]!, /named port `https`\/TCP is declared by none/);
  assert.equal(found.get('KW-NET-019')!.length, 1);
});

test('hostNetwork workloads are reported as outside NetworkPolicy', () => {
  const found = ids(deploy('shop', 'agent', '{app: agent}', '', '\n      hostNetwork: true'));
  assert.match(found.get('KW-NET-020')![0]!, /agent\[Deployment\] uses hostNetwork/);
  assert.ok(!found.has('KW-NET-012'));
});

test('exposure joined with NetworkPolicy: open to 0.0.0.0/0 is high, restricted is info', () => {
  const svc = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80, targetPort: http}]}
---`;
  const base = `${deploy('shop', 'web', '{app: web}', ', ports: [{name: http, containerPort: 8080}]')}${svc}`;
  const open = analyzeNetworkCoverage(inv(base)).findings.filter((f) => f.checkId === 'KW-NET-021');
  assert.equal(open.length, 1);
  assert.equal(open[0]!.severity, 'high');
  assert.equal(open[0]!.resource.kind, 'Service');
  assert.match(open[0]!.message, /LoadBalancer Service `shop\/web` exposes shop\/web\[Deployment\] on TCP 8080; NetworkPolicy admits every external address/);
  const restricted = ids(`${base}${np('shop', 'web', `  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]`)}`);
  assert.ok(!restricted.has('KW-NET-021'));
  assert.match(restricted.get('KW-NET-022')![0]!, /admits only 10\.0\.0\.0-10\.255\.255\.255/);
});

test('Ingress, HTTPRoute and hostPort exposures', () => {
  const found = ids(`${deploy('shop', 'web', '{app: web}', ', ports: [{containerPort: 8080, hostPort: 80}]')}
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec: {rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec: {rules: [{backendRefs: [{name: web, port: 80}]}]}
`);
  const msgs = found.get('KW-NET-021')!.join('\n');
  assert.match(msgs, /Ingress `shop\/web` \(via Service `web`\) exposes shop\/web\[Deployment\] on TCP 8080/);
  assert.match(msgs, /HTTPRoute `shop\/web`/);
  assert.match(msgs, /hostPort 80\/TCP of container `c`/);
});
