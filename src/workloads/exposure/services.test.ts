import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf } from '../../../test/support.js';
import type { Check } from '../check.js';
import { externalIPs, loadBalancerService, nodePortService } from './services.js';

function scan(yaml: string, check: Check) {
  return findingsOf(yaml, check);
}

const service = (name: string, spec: string, annotations = '') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
${annotations ? `  annotations:\n${annotations}` : ''}spec:
${spec}`;

test('KW-NET-001 flags Services that claim externalIPs (CVE-2020-8554)', () => {
  const findings = scan([
    service('mitm', '  selector: {app: x}\n  ports: [{port: 443}]\n  externalIPs: [8.8.8.8]\n'),
    service('plain', '  selector: {app: x}\n  ports: [{port: 80}]\n'),
    service('empty', '  ports: [{port: 80}]\n  externalIPs: []\n'),
  ].join('---\n'), externalIPs);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.resource.name, 'mitm');
  assert.equal(findings[0]!.category, 'network');
  assert.equal(findings[0]!.evidence[0]!.path, 'spec.externalIPs');
  assert.deepEqual(findings[0]!.evidence[0]!.value, ['8.8.8.8']);
});

test('KW-NET-002 flags NodePort Services, not ClusterIP (the normalized default) nor LoadBalancer', () => {
  const yaml = [
    service('np', '  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n'),
    service('default-type', '  ports: [{port: 80}]\n'),
    service('lb', '  type: LoadBalancer\n  ports: [{port: 80}]\n'),
  ].join('---\n');
  const findings = scan(yaml, nodePortService);
  assert.deepEqual(findings.map((f) => f.resource.name), ['np']);
  assert.equal(findings[0]!.evidence[0]!.path, 'spec.type');
  assert.match(findings[0]!.message, /opens 80\/TCP \(node port 30080\) on every node/);
});

test('KW-NET-003 flags every LoadBalancer and says who can reach it', () => {
  const yaml = [
    service('open', '  type: LoadBalancer\n  ports: [{port: 443}]\n'),
    service('ranged', '  type: LoadBalancer\n  loadBalancerSourceRanges: [203.0.113.0/24]\n  ports: [{port: 443}]\n'),
    service('anyrange', '  type: LoadBalancer\n  loadBalancerSourceRanges: ["0.0.0.0/0"]\n  ports: [{port: 443}]\n'),
    service('internal', '  type: LoadBalancer\n  ports: [{port: 443}]\n', '    networking.gke.io/load-balancer-type: "Internal"\n'),
    service('annotated', '  type: LoadBalancer\n  ports: [{port: 443}]\n', '    service.beta.kubernetes.io/load-balancer-source-ranges: "10.0.0.0/8, 192.168.0.0/16"\n'),
    service('cluster', '  ports: [{port: 443}]\n'),
  ].join('---\n');
  const byName = new Map(scan(yaml, loadBalancerService).map((f) => [f.resource.name, f.message]));
  assert.deepEqual([...byName.keys()].sort(), ['annotated', 'anyrange', 'internal', 'open', 'ranged']);
  assert.match(byName.get('open')!, /external load balancer, open to any source address \(no loadBalancerSourceRanges\)/);
  assert.match(byName.get('ranged')!, /limited to 203\.0\.113\.0\/24/);
  assert.match(byName.get('anyrange')!, /open to any source address \(loadBalancerSourceRanges 0\.0\.0\.0\/0\)/);
  assert.match(byName.get('internal')!, /internal load balancer \(networking\.gke\.io\/load-balancer-type\)/);
  assert.match(byName.get('annotated')!, /limited to 10\.0\.0\.0\/8, 192\.168\.0\.0\/16/);
});
