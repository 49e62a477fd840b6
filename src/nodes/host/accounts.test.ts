import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeAccount } from '../model.js';
import { fakeSnapshot } from './fake-snapshot.js';
import { emptyPasswords, extraUid0, readSudoers, ruleAudience, sudoNoPassword } from './accounts.js';

const account = (name: string, uid: number, password: NodeAccount['password'], line: number): NodeAccount =>
  ({ name, uid, gid: uid, password, shell: '/bin/bash', source: `/etc/passwd:${line} and /etc/shadow:${line}` });

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/bash\n';
const SHADOW = 'root:$6$salt$hash:19000:0:99999:7:::\ntoor:!:19000::::::\nalice::19000:0:99999:7:::\n';

test('KW-NODE-207: uid 0 besides root fails per account with the passwd line; only root passes; no accounts not evaluated', () => {
  const accounts = [account('root', 0, 'set', 1), account('toor', 0, 'locked', 2), account('alice', 1000, 'empty', 3)];
  const out = extraUid0(fakeSnapshot({ '/etc/passwd': PASSWD, '/etc/shadow': SHADOW }, { accounts }));
  assert.equal(out.status, 'fail');
  assert.equal(out.findings.length, 1);
  assert.deepEqual(out.findings[0]!.evidence[0], {
    path: '/etc/passwd', value: 'toor:x:0:0::/root:/bin/sh', position: { file: '/etc/passwd', line: 2, column: 1 }, detail: 'toor has uid 0',
  });
  assert.match(out.findings[0]!.remediation, /`userdel toor`/);
  assert.equal(extraUid0(fakeSnapshot({}, { accounts: [account('root', 0, 'set', 1)] })).status, 'pass');
  assert.equal(extraUid0(fakeSnapshot()).status, 'not-evaluated');
});

test('KW-NODE-208: empty passwords fail with the shadow line (hash never shown); root is critical', () => {
  const accounts = [account('root', 0, 'empty', 1), account('toor', 0, 'locked', 2), account('alice', 1000, 'empty', 3)];
  const out = emptyPasswords(fakeSnapshot({ '/etc/passwd': PASSWD, '/etc/shadow': SHADOW }, { accounts }));
  assert.equal(out.status, 'fail');
  assert.deepEqual(out.findings.map((f) => f.severity), ['critical', 'high']);
  assert.equal(out.findings[0]!.evidence[0]!.value, 'root:<hash>:19000:0:99999:7:::'); // fixture line has a hash: masked
  assert.deepEqual(out.findings[1]!.evidence[0]!.position, { file: '/etc/shadow', line: 3, column: 1 });
  assert.equal(out.findings[1]!.evidence[0]!.value, 'alice::19000:0:99999:7:::');
  assert.match(out.findings[1]!.remediation, /`passwd -l alice`/);

  const locked = emptyPasswords(fakeSnapshot({}, { accounts: [account('root', 0, 'locked', 1), account('svc', 999, 'unknown', 2)] }));
  assert.equal(locked.status, 'pass');
  assert.match(locked.reason, /no shadow entry for svc/);
  assert.equal(emptyPasswords(fakeSnapshot({}, { accounts: [account('root', 0, 'unknown', 1)] })).status, 'not-evaluated');
});

const SUDO = { '/usr/bin/sudo': { facts: { mode: 0o4755 } } };
const SUDOERS_MAIN = [
  'Defaults env_reset',
  'root ALL=(ALL:ALL) ALL',
  '%sudo ALL=(ALL:ALL) ALL',
  '@includedir /etc/sudoers.d',
  '#includedir /etc/sudoers.d',
  '# include /etc/not-an-include',
].join('\n');

test('KW-NODE-209: includedir files are read in order, skipping names with a dot or ending in ~', () => {
  const snap = fakeSnapshot({
    ...SUDO,
    '/etc/sudoers': SUDOERS_MAIN,
    '/etc/sudoers.d/90-cloud-init-users': '# Created by cloud-init\nubuntu ALL=(ALL) NOPASSWD:ALL\n',
    '/etc/sudoers.d/10-admins': '%admins ALL=(ALL) NOPASSWD: ALL\n@include extra\n',
    '/etc/sudoers.d/extra': 'ALL ALL=(ALL) NOPASSWD: ALL\n',
    '/etc/sudoers.d/README.txt': 'ALL ALL=(ALL) NOPASSWD: ALL\n',
    '/etc/sudoers.d/backup~': 'ALL ALL=(ALL) NOPASSWD: ALL\n',
  });
  assert.deepEqual(readSudoers(snap).files.map((f) => f.path), ['/etc/sudoers', '/etc/sudoers.d/10-admins', '/etc/sudoers.d/extra', '/etc/sudoers.d/90-cloud-init-users']);
  const out = sudoNoPassword(snap);
  assert.equal(out.status, 'fail');
  assert.deepEqual(out.findings.map((f) => [f.evidence[0]!.path, f.evidence[0]!.position?.line, f.severity]), [
    ['/etc/sudoers.d/10-admins', 1, 'medium'],
    ['/etc/sudoers.d/extra', 1, 'high'],
    ['/etc/sudoers.d/90-cloud-init-users', 2, 'low'],
  ]);
  assert.match(out.findings[1]!.message, /lets ALL users run every command as root without a password/);
  assert.match(out.findings[0]!.remediation, /^Change line 1 of \/etc\/sudoers.d\/10-admins to `%admins ALL=\(ALL\) ALL`/);
});

test('KW-NODE-209: pass without NOPASSWD rules or without sudo; unreadable sudoers is not evaluated', () => {
  assert.equal(sudoNoPassword(fakeSnapshot({ ...SUDO, '/etc/sudoers': SUDOERS_MAIN })).status, 'pass');
  assert.match(sudoNoPassword(fakeSnapshot()).reason, /sudo is not installed/);
  const dormant = sudoNoPassword(fakeSnapshot({ '/etc/sudoers': 'ALL ALL=(ALL) NOPASSWD: ALL\n' }));
  assert.equal(dormant.status, 'pass');
  assert.match(dormant.reason, /but no sudo binary/);
  assert.equal(sudoNoPassword(fakeSnapshot({ ...SUDO, '/etc/sudoers': { facts: { mode: 0o440 } } })).status, 'not-evaluated');
  // NOPASSWD for one command only is not "every command".
  assert.equal(sudoNoPassword(fakeSnapshot({ ...SUDO, '/etc/sudoers': 'deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app\n' })).status, 'pass');
});

test('ruleAudience: ALL users, groups and aliases, single users', () => {
  assert.equal(ruleAudience('ALL').severity, 'high');
  assert.equal(ruleAudience('%wheel').label, 'group wheel');
  assert.equal(ruleAudience('ADMINS').label, 'User_Alias ADMINS');
  assert.deepEqual(ruleAudience('alice,bob'), { kind: 'user', severity: 'low', label: 'user alice, bob' });
});
