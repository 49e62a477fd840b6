// Ingress exposure: `{ingress-controller} => workload` connections, written from the Ingress / Service semantics
// (a backend names a Service of the Ingress's namespace and a service port; the service port maps to targetPort)
// and the rule in GOLDEN.md (the controller is an unlabelled pod of a namespace of its own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inventory, normalize, parseManifests } from '../../inventory/index.js';
import { computeConnectivity, type Connectivity } from './engine.js';
import { formatConnectivity } from './format.js';
import { summarizeNamespaces } from './summary.js';

function inventory(objects: object[]): Inventory {
  const parsed = parseManifests(objects.map((o) => JSON.stringify(o)).join('\n---\n'), 't.yaml', 'file');
  assert.deepEqual(parsed.errors, []);
  return new Inventory(parsed.objects.map((o, i) => normalize(o, String(i))));
}

const IC = '{ingress-controller}';
const deployment = (namespace: string, name: string, labels: Record<string, string>, ports: object[] = []): object => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i', ports }] } } },
});
const service = (namespace: string, name: string, selector: Record<string, string> | undefined, ports: object[]): object => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ...(selector ? { selector } : {}), ports },
});
const ingressV1 = (namespace: string, name: string, backends: { service: string; port: object }[], defaultBackend?: { service: string; port: object }): object => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace },
  spec: {
    ...(defaultBackend ? { defaultBackend: { service: { name: defaultBackend.service, port: defaultBackend.port } } } : {}),
    rules: [{ host: 'x.example.com', http: { paths: backends.map((b, i) => ({ path: `/${i}`, pathType: 'Prefix', backend: { service: { name: b.service, port: b.port } } })) } }],
  },
});
const np = (namespace: string, name: string, spec: object): object => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

function conns(r: Connectivity, src: string, dst: string): string {
  return r.connections.find((c) => c.src === src && c.dst === dst)?.conns.toString() ?? 'No Connections';
}

test('a v1 Ingress backend exposes the service targetPort of the selected workloads, flagged ingressController', () => {
  const r = computeConnectivity(inventory([
    deployment('web', 'front', { app: 'front' }), deployment('web', 'other', { app: 'other' }),
    service('web', 'front-svc', { app: 'front' }, [{ port: 80, targetPort: 8080, protocol: 'TCP' }, { port: 443, targetPort: 8443 }]),
    ingressV1('web', 'ing', [{ service: 'front-svc', port: { number: 80 } }]),
  ]));
  // only the referenced service port (80 → 8080), not 443, and only the selected workload
  assert.equal(conns(r, IC, 'web/front[Deployment]'), 'TCP 8080');
  assert.equal(conns(r, IC, 'web/other[Deployment]'), 'No Connections');
  const c = r.connections.find((x) => x.src === IC)!;
  assert.equal(c.ingressController, true);
  assert.match(formatConnectivity(r, 'txt'), /^\{ingress-controller\} => web\/front\[Deployment\] : TCP 8080$/m);
  // workload-to-workload connections are unchanged
  assert.equal(conns(r, 'web/front[Deployment]', 'web/other[Deployment]'), 'All Connections');
});

test('service port by name, named targetPort resolved on the container ports, default backend, several Ingresses', () => {
  const r = computeConnectivity(inventory([
    deployment('web', 'app', { app: 'a' }, [{ name: 'http', containerPort: 9000 }, { name: 'admin', containerPort: 9100 }]),
    service('web', 'svc', { app: 'a' }, [{ name: 'web', port: 80, targetPort: 'http' }, { name: 'adm', port: 81, targetPort: 'admin' }, { name: 'plain', port: 7000 }]),
    ingressV1('web', 'one', [{ service: 'svc', port: { name: 'web' } }]),
    ingressV1('web', 'two', [], { service: 'svc', port: { number: 7000 } }),
  ]));
  // 'web' → targetPort 'http' → 9000; 7000 without targetPort → 7000; 'adm' is not referenced
  assert.equal(conns(r, IC, 'web/app[Deployment]'), 'TCP 7000,9000');
});

test('older Ingress shapes: extensions/v1beta1 and networking.k8s.io/v1beta1 (serviceName / servicePort, spec.backend)', () => {
  const r = computeConnectivity(inventory([
    deployment('web', 'app', { app: 'a' }, [{ name: 'http', containerPort: 9000 }]),
    service('web', 'svc', { app: 'a' }, [{ name: 'web', port: 80, targetPort: 'http' }, { port: 90, targetPort: 9090 }]),
    { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'old', namespace: 'web' }, spec: { backend: { serviceName: 'svc', servicePort: 'web' } } },
    { apiVersion: 'networking.k8s.io/v1beta1', kind: 'Ingress', metadata: { name: 'old2', namespace: 'web' },
      spec: { rules: [{ http: { paths: [{ path: '/', backend: { serviceName: 'svc', servicePort: 90 } }] } }] } },
  ]));
  assert.equal(conns(r, IC, 'web/app[Deployment]'), 'TCP 9000,9090');
});

test('a backend service only resolves in the Ingress namespace; selector-less services expose nothing', () => {
  const r = computeConnectivity(inventory([
    deployment('a', 'app', { app: 'x' }), deployment('b', 'app', { app: 'x' }),
    service('a', 'svc', { app: 'x' }, [{ port: 80 }]), service('b', 'manual', undefined, [{ port: 80 }]),
    ingressV1('a', 'ing', [{ service: 'svc', port: { number: 80 } }]),
    ingressV1('b', 'ing', [{ service: 'svc', port: { number: 80 } }, { service: 'manual', port: { number: 80 } }]),
  ]));
  assert.equal(conns(r, IC, 'a/app[Deployment]'), 'TCP 80');
  assert.equal(conns(r, IC, 'b/app[Deployment]'), 'No Connections');
  assert.ok(r.warnings.some((w) => w.includes('b/svc not found')));
});

test('ingress isolation: the controller is an unlabelled pod of another namespace', () => {
  const objects = (ingressRule: object | undefined): object[] => [
    deployment('web', 'app', { app: 'a' }),
    service('web', 'svc', { app: 'a' }, [{ port: 80, targetPort: 8080 }, { port: 81, targetPort: 8081 }]),
    ingressV1('web', 'ing', [{ service: 'svc', port: { number: 80 } }, { service: 'svc', port: { number: 81 } }]),
    np('web', 'pol', { podSelector: {}, policyTypes: ['Ingress'], ingress: ingressRule ? [ingressRule] : [] }),
  ];
  const of = (rule: object | undefined): string => conns(computeConnectivity(inventory(objects(rule))), IC, 'web/app[Deployment]');
  // deny-all ingress blocks the controller (with a warning)
  const denied = computeConnectivity(inventory(objects(undefined)));
  assert.equal(conns(denied, IC, 'web/app[Deployment]'), 'No Connections');
  assert.ok(denied.warnings.some((w) => w.includes('web/app[Deployment]') && w.includes('blocking')));
  // any namespace (empty namespaceSelector) on one port: only that port
  assert.equal(of({ from: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] }), 'TCP 8080');
  // a rule without peers admits everyone, the controller too
  assert.equal(of({ ports: [{ port: 8081 }] }), 'TCP 8081');
  // pods of the policy's own namespace only: the controller is elsewhere
  assert.equal(of({ from: [{ podSelector: {} }] }), 'No Connections');
  // a labelled namespace or labelled pods: the controller has no labels
  assert.equal(of({ from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }] }), 'No Connections');
  assert.equal(of({ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'nginx' } } }] }), 'No Connections');
  // an ipBlock admits external addresses, not in-cluster pods
  assert.equal(of({ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }), 'No Connections');
});

test('consumers that expect workloads skip the ingress-controller source', () => {
  const r = computeConnectivity(inventory([
    deployment('web', 'app', { app: 'a' }),
    service('web', 'svc', { app: 'a' }, [{ port: 80 }]),
    ingressV1('web', 'ing', [{ service: 'svc', port: { number: 80 } }]),
  ]));
  assert.ok(r.connections.some((c) => c.ingressController));
  assert.ok(!r.workloads.some((w) => w.id === IC));
  const summary = summarizeNamespaces(r);
  assert.ok(summary.every((p) => p.src !== IC && p.dst !== IC));
});
