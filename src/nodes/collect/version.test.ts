import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitVersionOfBinary, versionOfImageTag } from './index.js';

test('image tags give the version; digests and latest do not', () => {
  assert.equal(versionOfImageTag('registry.k8s.io/kube-apiserver:v1.31.2'), '1.31.2');
  assert.equal(versionOfImageTag('localhost:5000/kube-apiserver:v1.30.0-rc.1'), '1.30.0');
  assert.equal(versionOfImageTag('registry.k8s.io/kube-apiserver@sha256:abc'), undefined);
  assert.equal(versionOfImageTag('kube-apiserver:latest'), undefined);
});

test('the NUL-bounded gitVersion wins over module versions, even across chunk boundaries', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-bin-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'kubelet');
  const noise = Buffer.from('dep\tgo.opentelemetry.io/otel\tv1.28.0\t\ndep\tgo.opentelemetry.io/otel\tv1.28.0\t\n(devel)v1.21.2!!go.opentelemetry.io/otel@v1.28.0/x.go\0');
  const stamped = Buffer.concat([Buffer.alloc(8), Buffer.from('v1.31.2'), Buffer.alloc(9)]);
  // The stamped string straddles the 1 MiB chunk boundary.
  const head = Buffer.alloc((1 << 20) - 70 - noise.length, 0x41);
  fs.writeFileSync(file, Buffer.concat([noise, head, stamped, noise, Buffer.alloc(1000, 0x42)]));
  assert.equal(gitVersionOfBinary(file), 'v1.31.2');
  fs.writeFileSync(file, Buffer.concat([noise, noise]));
  assert.equal(gitVersionOfBinary(file), undefined);
});

const kubectl = '/usr/bin/kubectl';
let realVersion: string | undefined;
try {
  realVersion = (JSON.parse(execFileSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion;
} catch {
  realVersion = undefined;
}

test('the heuristic finds a real Kubernetes binary\'s stamped version (kubectl, stamped like the kubelet)', { skip: realVersion ? false : 'no kubectl on this machine' }, () => {
  assert.equal(gitVersionOfBinary(fs.realpathSync(kubectl)), realVersion);
});
