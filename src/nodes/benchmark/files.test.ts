import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileEvaluation } from './data.js';
import { dir, fakeSnapshot, file } from './fake-snapshot.js';
import { describeExcess, evaluateFiles, octal, parentProblem } from './files.js';

const perms = (from: FileEvaluation['files']['from'], maxMode = '600'): FileEvaluation => ({ kind: 'file', checkId: 'KW-NODE-001', files: { from }, maxMode, absent: 'nothing there' });
const owner = (from: FileEvaluation['files']['from'], expected = 'root:root'): FileEvaluation => ({ kind: 'file', checkId: 'KW-NODE-002', files: { from }, owner: expected, absent: 'nothing there' });
const facts = (mode: number, uid = 0) => ({ path: '/d', type: 'dir' as const, mode, uid, gid: 0, user: uid === 0 ? 'root' : 'bob', group: 'root' });

test('octal and the words for excess permission bits (bitmask semantics)', () => {
  assert.equal(octal(0o644), '0644');
  assert.equal(octal(0o41777), '1777');
  assert.equal(describeExcess(0o644 & ~0o600), 'group/other read');
  assert.equal(describeExcess(0o666 & ~0o600), 'group/other read/write');
  assert.equal(describeExcess(0o664 & ~0o600), 'group read/write, other read');
  assert.equal(describeExcess(0o4700 & ~0o600), 'setuid, owner execute');
});

test('mode at most the mask passes (0400 ⊂ 0600); any bit outside fails, even 0700 for 600', () => {
  const at = (mode: number) => evaluateFiles(fakeSnapshot({ files: { '/etc/f': file(mode) } }), '1.1.1', perms([{ paths: ['/etc/f'] }]));
  assert.equal(at(0o600).status, 'pass');
  assert.equal(at(0o400).status, 'pass');
  assert.equal(at(0o000).status, 'pass');
  assert.equal(at(0o700).status, 'fail');
  assert.equal(at(0o640).status, 'fail');
  assert.equal(at(0o700).evidence[0]!.detail, 'mode 0700 allows owner execute; CIS 1.1.1 expects 600 or stricter');
});

test('parent directories: group/world-writable without sticky, or owned by another user, is a problem', () => {
  assert.equal(parentProblem(facts(0o755)), undefined);
  assert.equal(parentProblem(facts(0o1777)), undefined); // sticky: others cannot replace root's files
  assert.match(parentProblem(facts(0o775))!, /^group-writable \(0775, group root\)$/);
  assert.match(parentProblem(facts(0o757))!, /^world-writable/);
  assert.match(parentProblem(facts(0o755, 1000))!, /^owned by bob, not root$/);
});

test('a file check reports each bad parent once, with the file it endangers', () => {
  const snapshot = fakeSnapshot({ files: { '/srv': dir(0o777), '/srv/k8s': dir(0o755, 'bob:bob'), '/srv/k8s/a.key': file(0o600), '/srv/k8s/b.key': file(0o600) } });
  const out = evaluateFiles(snapshot, '1.1.21', perms([{ globs: ['/srv/k8s/*.key'] }]));
  assert.equal(out.status, 'fail');
  assert.deepEqual(out.evidence.map((e) => e.path), ['/srv', '/srv/k8s']);
  assert.equal(out.evidence[0]!.value, '0777 root:root');
  assert.match(out.evidence[1]!.detail!, /parent directory \/srv\/k8s of \/srv\/k8s\/a\.key is owned by bob, not root/);
});

test('owner: names must match; etcd:etcd is not root:root', () => {
  const snap = fakeSnapshot({ files: { '/var/lib/etcd': dir(0o700, 'root:root') } });
  const out = evaluateFiles(snap, '1.1.12', owner([{ paths: ['/var/lib/etcd'] }], 'etcd:etcd'));
  assert.equal(out.status, 'fail');
  assert.equal(out.evidence[0]!.detail, 'owned by root:root; CIS 1.1.12 expects etcd:etcd');
});

test('sources: a flag names the file (even one that does not exist); fallbacks only when unnamed', () => {
  const argv = ['etcd', '--data-dir=/data/etcd'];
  const withFlag = fakeSnapshot({ files: { '/var/lib/etcd': dir(0o700) }, components: [{ component: 'etcd', from: 'process', argv, env: {}, source: '/proc/9/cmdline', pid: 9 }] });
  const evaluation = perms([{ componentFlag: { component: 'etcd', flag: 'data-dir', env: 'ETCD_DATA_DIR' } }, { firstOf: ['/var/lib/etcd'] }], '700');
  const out = evaluateFiles(withFlag, '1.1.11', evaluation);
  assert.equal(out.status, 'not-evaluated');
  assert.match(out.reason!, /\/data\/etcd \(from --data-dir of etcd \(\/proc\/9\/cmdline\)\) does not exist/);
  const fromEnv = fakeSnapshot({ files: { '/data/etcd': dir(0o750) }, components: [{ component: 'etcd', from: 'process', argv: ['etcd'], env: { ETCD_DATA_DIR: '/data/etcd' }, source: '/proc/9/cmdline', pid: 9 }] });
  assert.equal(evaluateFiles(fromEnv, '1.1.11', evaluation).status, 'fail');
  const fallback = fakeSnapshot({ files: { '/var/lib/etcd': dir(0o700) } });
  assert.deepEqual(evaluateFiles(fallback, '1.1.11', evaluation).files, ['/var/lib/etcd']);
  const nothing = evaluateFiles(fakeSnapshot({ files: {} }), '1.1.11', evaluation);
  assert.deepEqual([nothing.status, nothing.reason], ['not-evaluated', 'nothing there']);
});

test('the static pod manifest follows the kubelet staticPodPath', () => {
  const snapshot = fakeSnapshot({ files: { '/opt/pods/kube-apiserver.yaml': file(0o644) } });
  snapshot.kubelet = { component: 'kubelet', dropIns: [], settings: new Map([['staticPodPath', { path: 'staticPodPath', value: '/opt/pods', origin: 'config-file', where: '/var/lib/kubelet/config.yaml:3' }]]), flagsOnly: new Map(), problems: [] };
  const out = evaluateFiles(snapshot, '1.1.1', perms([{ staticPod: 'kube-apiserver' }]));
  assert.equal(out.status, 'fail');
  assert.deepEqual(out.files, ['/opt/pods/kube-apiserver.yaml']);
});
