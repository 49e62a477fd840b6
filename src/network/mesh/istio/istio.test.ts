import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inventoryFromYaml } from '../../../../test/support.js';
import { podTemplateOf, type Inventory } from '../../../inventory/index.js';
import { analyzeIstio, istioConnection, istioInjection, PeerAuthIndex } from './index.js';
import { evaluateAuthorization, policiesFor } from './authorization.js';
import { exportedTo, hostMatch, qualifyHost } from './destination-rule.js';

const fixture = () => inventoryFromYaml(readFileSync('test/fixtures/mesh/istio-shop.yaml', 'utf8'), 'test/fixtures/mesh/istio-shop.yaml');
const pod = (inv: Inventory, ns: string, name: string, kind = 'Deployment') => podTemplateOf(inv.find(kind, ns, name)!)!;

const deploy = (name: string, ns: string, labels: string, annotations = '', extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  template:
    metadata: {labels: {${labels}}${annotations ? `, annotations: {${annotations}}` : ''}}
    spec:${extra}
      containers: [{name: c, image: c:1, ports: [{containerPort: 8080}]}]
`;
const namespace = (name: string, labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: {${labels}}}\n`;

test('effective mode: mesh → namespace (UNSET inherits) → workload → port', () => {
  const inv = fixture();
  const index = new PeerAuthIndex(inv, 'istio-system');
  const web = index.effective(pod(inv, 'shop', 'web'));
  assert.equal(web.workload.mode, 'STRICT'); // namespace UNSET inherits the mesh STRICT
  assert.equal(web.workload.source?.scope, 'mesh');
  const db = index.effective(pod(inv, 'shop', 'db'));
  assert.equal(db.workload.mode, 'PERMISSIVE');
  assert.equal(db.workload.source?.scope, 'workload');
  assert.equal(db.ports.get(9090)?.mode, 'DISABLE');
  assert.equal(db.ports.get(9090)?.source?.scope, 'port');
  assert.equal(db.ports.get(5432)?.mode, 'PERMISSIVE'); // port UNSET → workload mode
  assert.match(db.ports.get(5432)!.reason, /UNSET, inherited/);
});

test('nothing set means PERMISSIVE; portLevelMtls on a namespace-wide policy is ignored; duplicates: first in input order', () => {
  const inv = inventoryFromYaml([
    `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: a, namespace: ns}\nspec:\n  mtls: {mode: DISABLE}\n  portLevelMtls: {"8080": {mode: STRICT}}\n`,
    `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: b, namespace: ns}\nspec:\n  mtls: {mode: STRICT}\n`,
    `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: root-selector, namespace: istio-system}\nspec:\n  selector: {matchLabels: {app: x}}\n  mtls: {mode: STRICT}\n`,
    deploy('x', 'ns', 'app: x'), deploy('yy', 'other', 'app: x'),
  ].join('---\n'));
  const index = new PeerAuthIndex(inv, 'istio-system');
  const x = index.effective(pod(inv, 'ns', 'x'));
  assert.equal(x.workload.mode, 'DISABLE');
  assert.equal(x.ports.get(8080)?.mode, 'DISABLE');
  assert.equal(index.effective(pod(inv, 'other', 'yy')).workload.mode, 'PERMISSIVE');
  assert.ok(index.notes.some((n) => n.target.endsWith('ns/b') && /first in input order/.test(n.reason)));
  assert.ok(index.notes.some((n) => n.target.endsWith('root-selector') && /root namespace/.test(n.reason)));
  // A configurable root namespace makes a selector-less policy there mesh-wide.
  const meshInv = inventoryFromYaml([`apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: m, namespace: mesh-root}\nspec:\n  mtls: {mode: STRICT}\n`, deploy('yy', 'other', 'app: yy')].join('---\n'));
  assert.equal(new PeerAuthIndex(meshInv, 'mesh-root').effective(pod(meshInv, 'other', 'yy')).workload.mode, 'STRICT');
  assert.equal(new PeerAuthIndex(meshInv, 'istio-system').effective(pod(meshInv, 'other', 'yy')).workload.mode, 'PERMISSIVE');
});

test('injection: namespace label, pod label, revision, ambient, opt-outs, hostNetwork', () => {
  const inv = inventoryFromYaml([
    namespace('inj', 'istio-injection: enabled'), namespace('noinj', 'istio-injection: disabled'),
    namespace('rev', 'istio.io/rev: canary'), namespace('amb', 'istio.io/dataplane-mode: ambient'), namespace('plain', 'team: a'),
    deploy('a', 'inj', 'app: a'), deploy('b', 'inj', 'app: b, sidecar.istio.io/inject: "false"'),
    deploy('c', 'noinj', 'app: c, sidecar.istio.io/inject: "true"'), deploy('d', 'plain', 'app: d, sidecar.istio.io/inject: "true"'),
    deploy('e', 'rev', 'app: e'), deploy('f', 'amb', 'app: f'), deploy('g', 'plain', 'app: g'),
    deploy('h', 'inj', 'app: h', '', '\n      hostNetwork: true'), deploy('i', 'plain', 'app: i', 'sidecar.istio.io/inject: "true"'),
    deploy('j', 'plain', 'app: j, istio.io/rev: stable'),
  ].join('---\n'));
  const state = (ns: string, n: string) => istioInjection(inv, pod(inv, ns, n));
  assert.equal(state('inj', 'a').dataplane, 'sidecar');
  assert.equal(state('inj', 'b').dataplane, 'none');
  assert.equal(state('noinj', 'c').dataplane, 'none'); // a namespace opt-out wins over a pod opt-in
  assert.equal(state('plain', 'd').dataplane, 'sidecar');
  assert.equal(state('rev', 'e').revision, 'canary');
  assert.equal(state('amb', 'f').dataplane, 'ambient');
  assert.equal(state('plain', 'g').dataplane, 'none');
  assert.equal(state('inj', 'h').dataplane, 'none');
  assert.equal(state('plain', 'i').dataplane, 'sidecar'); // deprecated annotation form
  assert.equal(state('plain', 'j').revision, 'stable');
});

test('DestinationRule host matching, short names and exportTo', () => {
  assert.equal(qualifyHost('reviews', 'prod', 'cluster.local'), 'reviews.prod.svc.cluster.local');
  assert.ok(hostMatch('reviews.prod.svc.cluster.local', 'reviews.prod.svc.cluster.local', 'cluster.local') > hostMatch('*.prod.svc.cluster.local', 'reviews.prod.svc.cluster.local', 'cluster.local'));
  assert.ok(hostMatch('*.prod.svc.cluster.local', 'reviews.prod.svc.cluster.local', 'cluster.local') >= 0);
  assert.ok(hostMatch('reviews.prod', 'reviews.prod.svc.cluster.local', 'cluster.local') >= 0);
  assert.equal(hostMatch('*.dev.svc.cluster.local', 'reviews.prod.svc.cluster.local', 'cluster.local'), -1);
  const inv = inventoryFromYaml(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r, namespace: prod}\nspec:\n  host: reviews\n  exportTo: ["."]\n`);
  const rule = inv.ofKind('DestinationRule')[0]!;
  assert.equal(exportedTo(rule, 'prod'), true);
  assert.equal(exportedTo(rule, 'dev'), false);
});

test('analyzer: DestinationRule conflicts, PERMISSIVE/DISABLE servers, unmeshed workloads, bypassable DENY', () => {
  const { findings, notEvaluated } = analyzeIstio(fixture());
  const ids = (id: string) => findings.filter((f) => f.checkId === id);
  // STRICT web with a DISABLE client rule
  assert.equal(ids('KW-MESH-003').length, 1);
  assert.equal(ids('KW-MESH-003')[0]!.resource.name, 'web-plain');
  assert.equal(ids('KW-MESH-003')[0]!.evidence[0]!.path, 'spec.trafficPolicy.tls.mode');
  assert.equal(ids('KW-MESH-003')[0]!.evidence[0]!.position?.file, 'test/fixtures/mesh/istio-shop.yaml');
  // ISTIO_MUTUAL on 9090 where db disables mTLS
  assert.equal(ids('KW-MESH-004')[0]!.resource.name, 'db-mutual');
  // DISABLE on 5432 towards PERMISSIVE db: plaintext
  assert.equal(ids('KW-MESH-008')[0]!.evidence[0]!.path, 'spec.trafficPolicy.portLevelSettings[0].tls.mode');
  assert.ok(ids('KW-MESH-001').some((f) => f.resource.name === 'db' && f.resource.kind === 'PeerAuthentication'));
  const disabled = ids('KW-MESH-002');
  assert.equal(disabled.length, 1);
  assert.equal(disabled[0]!.evidence[0]!.path, 'spec.portLevelMtls["9090"].mode');
  assert.deepEqual(ids('KW-MESH-005').map((f) => f.resource.name), ['batch']);
  const bypass = ids('KW-MESH-006');
  assert.equal(bypass.length, 1);
  assert.equal(bypass[0]!.resource.name, 'db-deny-legacy');
  assert.equal(bypass[0]!.evidence[0]!.path, 'spec.rules[0].from[0].source.namespaces');
  assert.match(bypass[0]!.message, /DENY rule does not match them/);
  assert.equal(notEvaluated.length, 0); // a mesh-wide policy was scanned
});

test('analyzer says what it assumed when the mesh-wide policy is not in the scan', () => {
  const { notEvaluated } = analyzeIstio(inventoryFromYaml(namespace('inj', 'istio-injection: enabled') + '---\n' + deploy('a', 'inj', 'app: a')));
  assert.ok(notEvaluated.some((n) => /PERMISSIVE was assumed/.test(n.reason) && /istio-system/.test(n.reason)));
});

const ap = (name: string, spec: string, ns = 'shop') => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec}`;

test('authorization: no policy allows; ALLOW without rules denies all; {} allows all; CUSTOM → DENY → ALLOW', () => {
  const base = deploy('api', 'shop', 'app: api');
  const evalWith = (policies: string[], request: Parameters<typeof evaluateAuthorization>[1]) => {
    const inv = inventoryFromYaml([base, ...policies].join('---\n'));
    return evaluateAuthorization(policiesFor(inv, pod(inv, 'shop', 'api'), 'istio-system'), request);
  };
  assert.equal(evalWith([], {}).decision, 'allow');
  assert.equal(evalWith([ap('nothing', '  {}\n')], {}).decision, 'deny');
  assert.equal(evalWith([ap('all', '  rules: [{}]\n')], {}).decision, 'allow');
  assert.equal(evalWith([ap('deny-all', '  action: DENY\n  rules: [{}]\n'), ap('all', '  rules: [{}]\n')], {}).decision, 'deny');
  assert.equal(evalWith([ap('ext', '  action: CUSTOM\n  provider: {name: opa}\n  rules: [{}]\n'), ap('deny-all', '  action: DENY\n  rules: [{}]\n')], {}).decision, 'custom');
  assert.equal(evalWith([ap('audit', '  action: AUDIT\n  rules: [{}]\n')], {}).decision, 'allow');
  const frontend = ap('frontend', '  selector: {matchLabels: {app: api}}\n  rules:\n  - from: [{source: {principals: ["cluster.local/ns/shop/sa/frontend"]}}]\n    to: [{operation: {methods: [GET], paths: ["/api/*"], ports: ["8080"]}}]\n');
  assert.equal(evalWith([frontend], { principal: 'cluster.local/ns/shop/sa/frontend', method: 'GET', path: '/api/x', port: 8080 }).decision, 'allow');
  assert.equal(evalWith([frontend], { principal: 'cluster.local/ns/shop/sa/frontend', method: 'POST', path: '/api/x', port: 8080 }).decision, 'deny');
  assert.equal(evalWith([frontend], { method: 'GET', path: '/api/x', port: 8080 }).decision, 'deny'); // plaintext: no principal
  // TCP: HTTP-only fields make an ALLOW rule never match
  assert.equal(evalWith([frontend], { principal: 'cluster.local/ns/shop/sa/frontend', port: 8080, protocol: 'tcp' }).decision, 'deny');
  const nsAndIp = ap('ns', '  rules:\n  - from: [{source: {namespaces: [shop], notNamespaces: [x]}}, {source: {ipBlocks: ["10.0.0.0/8"]}}]\n');
  assert.equal(evalWith([nsAndIp], { namespace: 'shop' }).decision, 'allow');
  assert.equal(evalWith([nsAndIp], { ip: '10.2.3.4' }).decision, 'allow');
  assert.equal(evalWith([nsAndIp], { ip: '192.168.0.1', namespace: 'other' }).decision, 'deny');
  const when = ap('when', '  action: DENY\n  rules:\n  - when: [{key: source.namespace, values: [evil]}]\n');
  assert.equal(evalWith([when], { namespace: 'evil' }).decision, 'deny');
  assert.equal(evalWith([when], { namespace: 'good' }).decision, 'allow');
  // root-namespace policy applies mesh-wide; policies in another namespace do not
  assert.equal(evalWith([ap('mesh', '  action: DENY\n  rules: [{}]\n', 'istio-system')], {}).decision, 'deny');
  assert.equal(evalWith([ap('elsewhere', '  action: DENY\n  rules: [{}]\n', 'other')], {}).decision, 'allow');
});

test('KW-MESH-006 is not raised when the selected workloads are STRICT; KW-MESH-007 flags allow-all rules', () => {
  const inv = inventoryFromYaml([
    namespace('shop', 'istio-injection: enabled'), deploy('api', 'shop', 'app: api'),
    `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: strict, namespace: shop}\nspec:\n  mtls: {mode: STRICT}\n`,
    ap('by-principal', '  rules:\n  - from: [{source: {principals: ["cluster.local/ns/shop/sa/web"]}}]\n'),
    ap('all', '  rules: [{}]\n'),
  ].join('---\n'));
  const { findings } = analyzeIstio(inv);
  assert.equal(findings.filter((f) => f.checkId === 'KW-MESH-006').length, 0);
  assert.equal(findings.filter((f) => f.checkId === 'KW-MESH-007').length, 1);
  assert.equal(findings.filter((f) => f.checkId === 'KW-MESH-001').length, 0);
});

test('connections: mTLS, plaintext reasons, rejected and broken', () => {
  const inv = fixture();
  const web = { kind: 'Deployment', namespace: 'shop', name: 'web' };
  const db = { kind: 'Deployment', namespace: 'shop', name: 'db' };
  const batch = { kind: 'Deployment', namespace: 'legacy', name: 'batch' };
  const c = (from: typeof web, to: typeof web, port: number) => istioConnection(inv, { from, to, port });
  // batch (no sidecar) → web (STRICT): reset
  assert.equal(c(batch, web, 8080).state, 'rejected');
  // batch → db 5432 (PERMISSIVE): plaintext, because of the client
  const plain = c(batch, db, 5432);
  assert.equal(plain.state, 'plaintext');
  assert.ok(plain.unencrypted && plain.unauthenticated);
  assert.match(plain.reasons[0]!, /no sidecar at the client/);
  // web → db 9090: the DR says ISTIO_MUTUAL but the server port is DISABLE
  assert.equal(c(web, db, 9090).state, 'broken');
  // web → db 5432: the DR port setting disables TLS, the server is PERMISSIVE
  const dr = c(web, db, 5432);
  assert.equal(dr.state, 'plaintext');
  assert.match(dr.reasons[0]!, /DestinationRule disables TLS/);
  // db → web: the web-plain rule disables TLS towards a STRICT server
  assert.equal(c(db, web, 8080).state, 'rejected');
  // web → batch: no sidecar at the server
  assert.match(c(web, batch, 80).reasons[0]!, /no sidecar at the server/);
});

test('connections with auto-mTLS and ambient', () => {
  const inv = inventoryFromYaml([namespace('a', 'istio.io/dataplane-mode: ambient'), namespace('s', 'istio-injection: enabled'), deploy('x', 'a', 'app: x'), deploy('yy', 's', 'app: yy')].join('---\n'));
  const v = istioConnection(inv, { from: { kind: 'Deployment', namespace: 'a', name: 'x' }, to: { kind: 'Deployment', namespace: 's', name: 'yy' }, port: 8080 });
  assert.equal(v.state, 'mtls');
  assert.equal(v.unencrypted, false);
  assert.match(v.reasons[0]!, /auto-mTLS/);
});
