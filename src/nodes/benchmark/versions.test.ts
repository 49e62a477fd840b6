import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeSnapshot } from './fake-snapshot.js';
import { hardenedInput } from './fixtures.js';
import { evaluateBenchmark } from './index.js';
import { chooseBenchmark, minorOf } from './versions.js';

const detected = (version: string) => ({ version, source: `image registry.k8s.io/kube-apiserver:v${version}` });

test('Kubernetes 1.29–1.31 maps to cis-1.11 (CIS 1.11.1), 1.32–1.34 to cis-1.12 (CIS 1.12.0)', () => {
  for (const v of ['1.29.0', '1.30.4', '1.31.2']) assert.equal(chooseBenchmark(detected(v)).benchmark.id, 'cis-1.11', v);
  for (const v of ['1.32.0', '1.33.1', '1.34.0']) assert.equal(chooseBenchmark(detected(v)).benchmark.id, 'cis-1.12', v);
  const chosen = chooseBenchmark(detected('1.31.2'));
  assert.equal(chosen.benchmark.version, '1.11.1');
  assert.match(chosen.chosenBy, /^Kubernetes 1\.31\.2 \(image registry\.k8s\.io\/kube-apiserver:v1\.31\.2\) → cis-1\.11/);
});

test('a version whose benchmark is not shipped gets the closest shipped one, with the reason', () => {
  const old = chooseBenchmark(detected('1.24.17'));
  assert.equal(old.benchmark.id, 'cis-1.11');
  assert.match(old.chosenBy, /maps to cis-1\.24, which kubeward does not ship: using the closest shipped benchmark, cis-1\.11/);
  const newer = chooseBenchmark(detected('1.36.0'));
  assert.equal(newer.benchmark.id, 'cis-1.12');
  assert.match(newer.chosenBy, /has no CIS benchmark in the version mapping: using the closest shipped benchmark, cis-1\.12/);
  assert.equal(chooseBenchmark(detected('1.28.3')).benchmark.id, 'cis-1.11'); // cis-1.10 not shipped; 1.11 starts at 1.29
});

test('no version detected: the newest shipped benchmark, saying so', () => {
  const chosen = chooseBenchmark(undefined);
  assert.equal(chosen.benchmark.id, 'cis-1.12');
  assert.match(chosen.chosenBy, /^Kubernetes version not detected/);
  assert.equal(chooseBenchmark(detected('banana')).benchmark.id, 'cis-1.12');
});

test('--benchmark overrides the detected version; an unknown one is a clear error', () => {
  const chosen = chooseBenchmark(detected('1.33.0'), 'cis-1.11');
  assert.equal(chosen.benchmark.id, 'cis-1.11');
  assert.equal(chosen.chosenBy, '--benchmark cis-1.11 (the node runs Kubernetes 1.33.0)');
  assert.equal(chooseBenchmark(undefined, '1.12').benchmark.id, 'cis-1.12');
  assert.throws(() => chooseBenchmark(undefined, 'cis-1.9'), /unknown benchmark cis-1\.9: kubeward ships cis-1\.12, cis-1\.11/);
});

test('minorOf reads versions with or without v', () => {
  assert.deepEqual(minorOf('v1.31.2'), [1, 31]);
  assert.deepEqual(minorOf('1.33'), [1, 33]);
  assert.equal(minorOf('latest'), undefined);
});

test('evaluateBenchmark: --benchmark cis-1.11 vs auto on a 1.33 node', () => {
  const snapshot = fakeSnapshot(hardenedInput()); // Kubernetes 1.33.2
  const auto = evaluateBenchmark(snapshot);
  const forced = evaluateBenchmark(snapshot, { benchmark: 'cis-1.11' });
  assert.equal(auto.report.benchmark.id, 'cis-1.12');
  assert.equal(auto.report.benchmark.version, '1.12.0');
  assert.equal(forced.report.benchmark.id, 'cis-1.11');
  assert.equal(forced.report.benchmark.version, '1.11.1');
  // cis-1.11 has 4.2.15 (IPAddressDeny, Manual); cis-1.12 dropped it
  assert.equal(forced.report.checks.find((c) => c.id === '4.2.15')?.status, 'manual');
  assert.equal(auto.report.checks.find((c) => c.id === '4.2.15'), undefined);
  assert.equal(forced.report.checks.length, auto.report.checks.length + 1);
});

test('findings name the benchmark version chosen', () => {
  const input = hardenedInput();
  input.version = '1.30.1';
  input.files!['/etc/kubernetes/admin.conf'] = { mode: 0o644, owner: 'root:root' };
  const out = evaluateBenchmark(fakeSnapshot(input));
  const [finding] = out.findings;
  assert.deepEqual(finding!.benchmark, { id: 'cis-1.11', title: 'CIS Kubernetes Benchmark', version: '1.11.1', control: '1.1.13' });
  assert.match(finding!.message, /^CIS 1\.1\.13 \(CIS Kubernetes Benchmark 1\.11\.1\)/);
});
