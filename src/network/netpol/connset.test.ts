import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConnSet, PROTOCOLS, type Protocol } from './connset.js';
import { formatRange, parseCidr, partition } from './ip.js';
import { formatConnectivity } from './format.js';

test('ConnSet printing follows netpol-analyzer', () => {
  assert.equal(ConnSet.all().toString(), 'All Connections');
  assert.equal(ConnSet.empty().toString(), 'No Connections');
  assert.equal(ConnSet.ports('TCP', 80).union(ConnSet.ports('UDP', 53)).toString(), 'TCP 80,UDP 53');
  assert.equal(ConnSet.all().subtract(ConnSet.ports('UDP', 5353)).toString(), 'SCTP 1-65535,TCP 1-65535,UDP 1-5352,5354-65535');
  assert.equal(ConnSet.ports('TCP', 80).union(ConnSet.ports('TCP', 81)).toString(), 'TCP 80-81');
});

const arbSet = fc.array(fc.tuple(fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP'), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 20 })), { maxLength: 6 })
  .map((items) => items.reduce((s, [p, lo, len]) => s.union(ConnSet.ports(p, lo, lo + len)), ConnSet.empty()));

test('ConnSet operations agree with point-wise set semantics', () => {
  fc.assert(fc.property(arbSet, arbSet, fc.constantFrom<Protocol>(...PROTOCOLS), fc.integer({ min: 1, max: 230 }), (a, b, p, port) => {
    assert.equal(a.union(b).has(p, port), a.has(p, port) || b.has(p, port));
    assert.equal(a.intersect(b).has(p, port), a.has(p, port) && b.has(p, port));
    assert.equal(a.subtract(b).has(p, port), a.has(p, port) && !b.has(p, port));
    assert.ok(a.union(b).equals(b.union(a)));
  }));
});

test('CIDR parsing and partition', () => {
  assert.equal(formatRange(parseCidr('10.1.2.3/8')!), '10.0.0.0-10.255.255.255');
  assert.equal(formatRange(parseCidr('0.0.0.0/0')!), '0.0.0.0-255.255.255.255');
  assert.equal(formatRange(parseCidr('fd00::/120')!), 'fd00::-fd00::ff');
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('300.0.0.0/8'), undefined);
  assert.deepEqual(partition([parseCidr('0.0.0.0/0')!, parseCidr('10.0.0.0/8')!]).map(formatRange), ['0.0.0.0-9.255.255.255', '10.0.0.0-10.255.255.255', '11.0.0.0-255.255.255.255']);
});

test('formats: txt, json, csv, md', () => {
  const result = { workloads: [], externals: [], outOfScope: [], warnings: [], connections: [{ src: 'default/a[Deployment]', dst: 'default/b[Deployment]', conns: ConnSet.ports('TCP', 9090) }] };
  assert.equal(formatConnectivity(result, 'txt'), 'default/a[Deployment] => default/b[Deployment] : TCP 9090\n');
  assert.deepEqual(JSON.parse(formatConnectivity(result, 'json')), [{ src: 'default/a[Deployment]', dst: 'default/b[Deployment]', conn: 'TCP 9090' }]);
  assert.equal(formatConnectivity(result, 'csv'), 'src,dst,conn\ndefault/a[Deployment],default/b[Deployment],TCP 9090\n');
  assert.match(formatConnectivity(result, 'md'), /\| default\/a\[Deployment\] \| default\/b\[Deployment\] \| TCP 9090 \|/);
});
