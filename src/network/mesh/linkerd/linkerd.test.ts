import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inventoryFromYaml } from '../../../../test/support.js';
import { podTemplateOf } from '../../../inventory/index.js';
import { analyzeLinkerd, defaultInboundPolicy, linkerdConnection, linkerdMeshed } from './index.js';

const fixture = () => inventoryFromYaml(readFileSync('test/fixtures/mesh/linkerd.yaml', 'utf8'), 'test/fixtures/mesh/linkerd.yaml');
const ref = (namespace: string, name: string) => ({ kind: 'Deployment', namespace, name });

test('meshed by namespace or pod annotation; pod disabled opts out', () => {
  const inv = fixture();
  const pod = (ns: string, n: string) => podTemplateOf(inv.find('Deployment', ns, n)!)!;
  assert.equal(linkerdMeshed(inv, pod('emojivoto', 'voting')).meshed, true);
  assert.equal(linkerdMeshed(inv, pod('open', 'optout')).meshed, false);
  assert.equal(defaultInboundPolicy(inv, pod('emojivoto', 'voting')).policy, 'all-authenticated');
  assert.equal(defaultInboundPolicy(inv, pod('open', 'denied')).policy, 'deny');
  const assumed = defaultInboundPolicy(inv, pod('open', 'web'));
  assert.equal(assumed.policy, 'all-unauthenticated');
  assert.equal(assumed.assumed, true);
});

test('analyzer: unauthenticated default policy, unmeshed workloads, assumed cluster default', () => {
  const { findings, notEvaluated } = analyzeLinkerd(fixture());
  assert.deepEqual(findings.filter((f) => f.checkId === 'KW-MESH-009').map((f) => f.resource.name), ['web']);
  assert.deepEqual(findings.filter((f) => f.checkId === 'KW-MESH-005').map((f) => f.resource.name), ['optout']);
  assert.equal(findings.find((f) => f.checkId === 'KW-MESH-005')!.evidence[0]!.path, 'spec.template.metadata.annotations["linkerd.io/inject"]');
  assert.ok(notEvaluated.some((n) => /all-unauthenticated .*was assumed/.test(n.reason)));
});

test('connections: meshed pair is mTLS; unmeshed client is plaintext or rejected by policy', () => {
  const inv = fixture();
  assert.equal(linkerdConnection(inv, { from: ref('open', 'web'), to: ref('emojivoto', 'voting'), port: 8080 }).state, 'mtls');
  const plain = linkerdConnection(inv, { from: ref('open', 'optout'), to: ref('open', 'web'), port: 80 });
  assert.equal(plain.state, 'plaintext');
  assert.match(plain.reasons.join(' '), /no Linkerd proxy at the client.*admits unauthenticated/);
  assert.equal(linkerdConnection(inv, { from: ref('open', 'optout'), to: ref('emojivoto', 'voting'), port: 8080 }).state, 'rejected');
  assert.equal(linkerdConnection(inv, { from: ref('open', 'web'), to: ref('open', 'denied'), port: 80 }).state, 'rejected');
  assert.match(linkerdConnection(inv, { from: ref('open', 'web'), to: ref('open', 'optout'), port: 80 }).reasons[0]!, /no Linkerd proxy at the server/);
});

test('Server with network-only authorization is flagged; identity-based is not', () => {
  const base = readFileSync('test/fixtures/mesh/linkerd.yaml', 'utf8');
  const server = (name: string) => `apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: ${name}, namespace: open}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  port: 80\n`;
  const policy = (name: string, srv: string, kind: string) => `apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: ${name}, namespace: open}\nspec:\n  targetRef: {group: policy.linkerd.io, kind: Server, name: ${srv}}\n  requiredAuthenticationRefs: [{kind: ${kind}, name: x}]\n`;
  const inv = inventoryFromYaml([base, server('web-http'), policy('net', 'web-http', 'NetworkAuthentication')].join('---\n'));
  const { findings } = analyzeLinkerd(inv);
  assert.deepEqual(findings.filter((f) => f.checkId === 'KW-MESH-010').map((f) => f.resource.name), ['net']);
  assert.equal(findings.filter((f) => f.checkId === 'KW-MESH-009').length, 0); // port 80 is covered by a Server
  const strict = inventoryFromYaml([base, server('web-http'), policy('mtls', 'web-http', 'MeshTLSAuthentication')].join('---\n'));
  assert.equal(analyzeLinkerd(strict).findings.filter((f) => f.checkId === 'KW-MESH-010').length, 0);
  assert.equal(linkerdConnection(strict, { from: ref('open', 'optout'), to: ref('open', 'web'), port: 80 }).state, 'rejected');
});
