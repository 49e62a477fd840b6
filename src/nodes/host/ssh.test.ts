import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeSnapshot } from './fake-snapshot.js';
import { readSshdConfig, sshdSetting, splitArgs } from './sshd.js';
import { sshPasswordLogin, sshRootLogin } from './ssh.js';

const MAIN = '/etc/ssh/sshd_config';
const BIN = { '/usr/sbin/sshd': { facts: { mode: 0o755 } } };

test('Include files are read in lexical order at the Include line, and the first value wins', () => {
  const snap = fakeSnapshot({
    [MAIN]: 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n',
    '/etc/ssh/sshd_config.d/50-cloud.conf': 'PermitRootLogin prohibit-password\n',
    '/etc/ssh/sshd_config.d/10-hardening.conf': '# ours\n  permitrootlogin=no\n',
    '/etc/ssh/sshd_config.d/README': 'PermitRootLogin yes\n',
  });
  const config = readSshdConfig(snap)!;
  assert.deepEqual(config.files, [MAIN, '/etc/ssh/sshd_config.d/10-hardening.conf', '/etc/ssh/sshd_config.d/50-cloud.conf']);
  const setting = sshdSetting(config, ['permitrootlogin']);
  assert.equal(setting.effective?.file, '/etc/ssh/sshd_config.d/10-hardening.conf');
  assert.equal(setting.effective?.line, 2);
  assert.equal(setting.effective?.column, 3);
  assert.deepEqual(setting.effective?.args, ['no']);
  const out = sshRootLogin(snap);
  assert.equal(out.status, 'pass');
  assert.match(out.reason, /PermitRootLogin no \(\/etc\/ssh\/sshd_config.d\/10-hardening.conf:2\)/);
});

test('relative Include paths are under /etc/ssh; a missing file or empty glob is skipped', () => {
  const snap = fakeSnapshot({
    [MAIN]: 'Include extra.conf missing.conf nothing/*.conf\nPermitRootLogin no\n',
    '/etc/ssh/extra.conf': 'PermitRootLogin yes # set by an old playbook\n',
  });
  const out = sshRootLogin(snap);
  assert.equal(out.status, 'fail');
  const f = out.findings[0]!;
  assert.equal(f.severity, 'high');
  assert.deepEqual(f.evidence[0], {
    path: '/etc/ssh/extra.conf', value: 'PermitRootLogin yes # set by an old playbook',
    position: { file: '/etc/ssh/extra.conf', line: 1, column: 1 }, detail: 'the first PermitRootLogin sshd reads: root may log in with a password or a key',
  });
  assert.match(f.remediation, /^Change line 1 of \/etc\/ssh\/extra.conf to `PermitRootLogin no`/);
});

test('a Match block is not taken as global: it is evidence only, and the default applies', () => {
  const snap = fakeSnapshot({ [MAIN]: 'Port 22\nUsePAM yes\nMatch User backup\n    PermitRootLogin no\n    PasswordAuthentication no\n' });
  const out = sshRootLogin(snap);
  assert.equal(out.status, 'fail');
  const f = out.findings[0]!;
  assert.equal(f.severity, 'medium'); // default prohibit-password: key-only root login
  assert.equal(f.evidence[0]!.value, 'PermitRootLogin prohibit-password (default)');
  assert.equal(f.evidence[1]!.position?.line, 4);
  assert.match(f.evidence[1]!.detail!, /inside `Match User backup`: applies only/);
  assert.match(f.remediation, /^Add `PermitRootLogin no` to \/etc\/ssh\/sshd_config above line 3 \(its first Match block\)/);
});

test('a Match block in an included file ends with that file; `Match all` applies to everyone and wins', () => {
  const scoped = fakeSnapshot({
    [MAIN]: 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n',
    '/etc/ssh/sshd_config.d/a.conf': 'Match Address 10.0.0.0/8\nPermitRootLogin yes\n',
  });
  const setting = sshdSetting(readSshdConfig(scoped)!, ['permitrootlogin']);
  assert.equal(setting.effective?.file, MAIN);
  assert.equal(setting.conditional[0]?.match, 'Match Address 10.0.0.0/8');
  const ok = sshRootLogin(scoped);
  assert.equal(ok.status, 'pass');
  assert.match(ok.reason, /Match blocks set it for some connections: PermitRootLogin yes at \/etc\/ssh\/sshd_config.d\/a.conf:2/);

  const all = fakeSnapshot({ [MAIN]: 'PermitRootLogin no\nMatch User x\nPermitRootLogin no\nMatch all\nPermitRootLogin yes\n' });
  assert.equal(sshRootLogin(all).findings[0]?.evidence[0]?.position?.line, 5);
  // An Include inside a conditional Match block makes the whole file conditional.
  const conditionalInclude = fakeSnapshot({ [MAIN]: 'Match Group admins\nInclude /etc/ssh/admins.conf\n', '/etc/ssh/admins.conf': 'Match all\nPermitRootLogin no\n' });
  assert.equal(sshRootLogin(conditionalInclude).findings[0]?.severity, 'medium');
});

test('PermitRootLogin values: no passes; key-only medium; forced-commands-only low; nonsense not evaluated', () => {
  const with_ = (value: string) => sshRootLogin(fakeSnapshot({ [MAIN]: `PermitRootLogin ${value}\n` }));
  assert.equal(with_('no').status, 'pass');
  assert.equal(with_('without-password').findings[0]?.severity, 'medium');
  assert.equal(with_('forced-commands-only').findings[0]?.severity, 'low');
  assert.equal(with_('YES').findings[0]?.severity, 'high');
  assert.equal(with_('maybe').status, 'not-evaluated');
});

test('sshd command line: -f picks the file, -o options come first and win', () => {
  const proc = { pid: 700, argv: ['/usr/sbin/sshd', '-D', '-f', '/etc/ssh/alt_config', '-o', 'PermitRootLogin=yes'], source: '/proc/700/cmdline' };
  const snap = fakeSnapshot({ '/etc/ssh/alt_config': 'PermitRootLogin no\n', [MAIN]: 'PermitRootLogin yes\n' }, { processes: [proc] });
  const f = sshRootLogin(snap).findings[0]!;
  assert.equal(f.evidence[0]!.path, '/proc/700/cmdline');
  assert.equal(f.evidence[0]!.value, '-o PermitRootLogin=yes');
  assert.match(f.remediation, /^Remove `-o PermitRootLogin=yes` from sshd's command line/);
  const rewritten = { pid: 701, argv: ['sshd: /usr/sbin/sshd -D -f /etc/ssh/alt_config [listener] 0 of 10-100 startups'], source: '/proc/701/cmdline' };
  assert.equal(sshRootLogin(fakeSnapshot({ '/etc/ssh/alt_config': 'PermitRootLogin no\n', [MAIN]: 'PermitRootLogin yes\n' }, { processes: [rewritten] })).status, 'pass');
});

test('no SSH server passes; an installed sshd without config or an unreadable config is not evaluated', () => {
  const none = sshRootLogin(fakeSnapshot());
  assert.equal(none.status, 'pass');
  assert.match(none.reason, /^no SSH server/);
  assert.equal(sshPasswordLogin(fakeSnapshot()).status, 'pass');
  assert.match(sshRootLogin(fakeSnapshot(BIN)).reason, /sshd is installed \(\/usr\/sbin\/sshd\) but \/etc\/ssh\/sshd_config does not exist/);
  assert.equal(sshPasswordLogin(fakeSnapshot({ [MAIN]: { facts: { mode: 0o600 } } })).status, 'not-evaluated');
});

test('KW-NODE-206: both options must be no; ChallengeResponseAuthentication is the old name; defaults are yes', () => {
  const hardened = fakeSnapshot({ [MAIN]: 'PasswordAuthentication no\nChallengeResponseAuthentication no\n' });
  assert.equal(sshPasswordLogin(hardened).status, 'pass');

  const debian = fakeSnapshot({ [MAIN]: 'Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\n#PasswordAuthentication yes\n', '/etc/ssh/sshd_config.d/60-cloudimg.conf': 'PasswordAuthentication yes\n' });
  const out = sshPasswordLogin(debian);
  assert.equal(out.status, 'fail');
  assert.equal(out.reason, 'PasswordAuthentication yes (/etc/ssh/sshd_config.d/60-cloudimg.conf:1)');
  assert.equal(out.findings[0]!.evidence.length, 1);
  assert.match(out.findings[0]!.remediation, /^Change line 1 of \/etc\/ssh\/sshd_config.d\/60-cloudimg.conf to `PasswordAuthentication no`/);

  const defaults = sshPasswordLogin(fakeSnapshot({ [MAIN]: 'PasswordAuthentication no\n' }));
  assert.equal(defaults.reason, 'KbdInteractiveAuthentication yes (default)');
  assert.match(defaults.findings[0]!.remediation, /^Add `KbdInteractiveAuthentication no` to \/etc\/ssh\/sshd_config\./);

  assert.equal(sshPasswordLogin(fakeSnapshot({ [MAIN]: 'PasswordAuthentication sometimes\n' })).status, 'not-evaluated');
});

test('splitArgs keeps quoted arguments and stops at a comment', () => {
  assert.deepEqual(splitArgs('"/etc/ssh/my dir/*.conf" other # trailing'), ['/etc/ssh/my dir/*.conf', 'other']);
});
