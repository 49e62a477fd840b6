import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckCatalog } from '../../core/catalog.js';
import { fakeSnapshot } from './fake-snapshot.js';
import { evaluateHost, hostCheckMetas } from './index.js';

const IDS = ['KW-NODE-201', 'KW-NODE-202', 'KW-NODE-203', 'KW-NODE-204', 'KW-NODE-205', 'KW-NODE-206', 'KW-NODE-207', 'KW-NODE-208', 'KW-NODE-209'];

test('hostCheckMetas: KW-NODE-201…209 in the nodes category, complete, and accepted by the catalog', () => {
  const metas = hostCheckMetas();
  assert.deepEqual(metas.map((m) => m.id), IDS);
  for (const m of metas) {
    assert.equal(m.category, 'nodes');
    for (const field of [m.title, m.description, m.rationale, m.remediation]) assert.ok(field.length > 20, `${m.id} has a short field`);
    assert.ok(m.references.length > 0, `${m.id} has references`);
  }
  assert.deepEqual(new CheckCatalog(metas).byAlias('MITRE', 'T1548.003').map((m) => m.id), ['KW-NODE-209']);
});

const LUKS = 'CRYPT-LUKS2-0123456789abcdef-luks-data';

test('evaluateHost on a hardened worker: every check passes, one result each in section host', () => {
  const snap = fakeSnapshot({
    '/var/lib/kubelet/config.yaml': 'kind: KubeletConfiguration\n',
    '/var/lib/containerd/x': '',
    '/etc/ssh/sshd_config': 'PermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n',
    '/usr/bin/sudo': { facts: { mode: 0o4755 } },
    '/etc/sudoers': 'root ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n',
  }, {
    hostname: 'worker-hardened',
    mounts: [
      { mountPoint: '/', fsType: 'ext4', source: '/dev/dm-1', device: '253:1', options: ['ro', 'relatime'] },
      { mountPoint: '/var', fsType: 'ext4', source: '/dev/mapper/luks-data', device: '253:0', options: ['rw', 'nosuid'] },
    ],
    blockDevices: [{ name: 'sda3', device: '8:3', slaves: [] }, { name: 'dm-0', device: '253:0', dmUuid: LUKS, slaves: ['sda3'] }],
    cpuFlags: ['fpu', 'lm', 'sme', 'sev'],
    kernelCmdline: 'root=/dev/dm-1 ro mem_encrypt=on',
    accounts: [{ name: 'root', uid: 0, gid: 0, password: 'locked', source: '/etc/passwd:1 and /etc/shadow:1' }],
  });
  const out = evaluateHost(snap);
  assert.deepEqual(out.checks.map((c) => [c.id, c.checkId, c.section, c.status]), IDS.map((id) => [id, id, 'host', 'pass']));
  assert.deepEqual(out.findings, []);
  assert.deepEqual(out.notEvaluated, []);
});

test('evaluateHost on an empty snapshot: what cannot be known is not evaluated with the reason, never passed', () => {
  const out = evaluateHost(fakeSnapshot({}, { hostname: 'bare' }));
  const status = Object.fromEntries(out.checks.map((c) => [c.id, c.status]));
  assert.deepEqual(status, {
    'KW-NODE-201': 'not-evaluated', 'KW-NODE-202': 'not-evaluated', 'KW-NODE-203': 'not-evaluated', 'KW-NODE-204': 'not-evaluated',
    'KW-NODE-205': 'pass', 'KW-NODE-206': 'pass', // no SSH server at all: nothing to log in to
    'KW-NODE-207': 'not-evaluated', 'KW-NODE-208': 'not-evaluated',
    'KW-NODE-209': 'pass', // no sudo at all
  });
  assert.equal(out.notEvaluated.length, 6);
  assert.deepEqual(out.notEvaluated[0], { target: 'KW-NODE-201', reason: 'node bare: no mount table was read' });
  for (const c of out.checks) assert.ok(c.reason && c.reason.length > 0, `${c.id} gives a reason`);
});

test('evaluateHost: a snapshot accessor that throws makes its checks not evaluated, the others still run', () => {
  const snap = fakeSnapshot({}, { accounts: [{ name: 'root', uid: 0, gid: 0, password: 'set', source: '/etc/passwd:1' }] });
  snap.readText = () => { throw new Error('EIO reading the node'); };
  const out = evaluateHost(snap);
  const ssh = out.checks.find((c) => c.id === 'KW-NODE-205')!;
  assert.equal(ssh.status, 'not-evaluated');
  assert.equal(ssh.reason, 'internal error: EIO reading the node');
  assert.equal(out.checks.find((c) => c.id === 'KW-NODE-207')!.status, 'pass');
});
