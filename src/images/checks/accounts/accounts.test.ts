import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FileEntry } from '../../model.js';
import { accountsCataloger, accountsOf, isIncludedSudoersName, parsePasswd, parseShadow, parseSudoers, readAccountFile } from './index.js';

const entry = (path: string, size = 100): FileEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, size, layerIndex: 0, layerDigest: 'sha256:aa' });

test('shadow password states: empty, locked forms, hash', () => {
  const lines = [
    'root:::0:::::', // Alpine CVE-2019-5021
    'bin:*:18000:0:99999:7:::', 'daemon:!:18000::::::', 'adm:!!:18000::::::', 'lp:!*:18000::::::', 'sync:x:18000::::::',
    'alice:$6$salt$abcdefghijklmnop:19000:0:99999:7:::', 'bob:!$6$salt$locked:19000::::::',
  ];
  const parsed = parseShadow('etc/shadow', lines);
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.items.map((a) => [a.name, a.password, a.line]), [
    ['root', 'empty', 1], ['bin', 'locked', 2], ['daemon', 'locked', 3], ['adm', 'locked', 4], ['lp', 'locked', 5], ['sync', 'locked', 6],
    ['alice', 'set', 7], ['bob', 'locked', 8],
  ]);
  // A hash is never kept.
  assert.equal(parsed.items[6]!.masked, 'alice:<hash>:19000:0:99999:7:::');
  assert.equal(parsed.items[0]!.masked, 'root:::0:::::');
});

test('passwd: x = see shadow, empty = no password; bad lines are errors naming file and line, the rest is read', () => {
  const parsed = parsePasswd('etc/passwd', ['root:x:0:0:root:/root:/bin/sh', '# comment', 'guest::1001:1001::/home/guest:/bin/sh', 'broken:x:12', 'bad:x:abc:1::/:/bin/sh', '+nis::::::']);
  assert.deepEqual(parsed.items.map((a) => [a.name, a.password, a.uid, a.line]), [['root', 'shadowed', 0, 1], ['guest', 'empty', 1001, 3]]);
  assert.deepEqual(parsed.errors, ['etc/passwd:4: expected 7 fields separated by \':\', found 3', 'etc/passwd:5: uid of bad is not a number: "abc"']);
});

test('passwd parsing never throws and keeps every well-formed line (property)', () => {
  const field = fc.stringMatching(/^[a-z0-9_$.!*/]{0,8}$/);
  const good = fc.record({ name: fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/), pw: field, uid: fc.nat(70000), gid: fc.nat(70000) })
    .map((r) => ({ ...r, line: `${r.name}:${r.pw}:${r.uid}:${r.gid}::/home/${r.name}:/bin/sh` }));
  fc.assert(fc.property(fc.array(fc.oneof(good, fc.string().map((junk) => ({ junk })))), (rows) => {
    const lines = rows.map((r) => ('line' in r ? r.line : r.junk.replace(/\n/g, '')));
    const parsed = parsePasswd('etc/passwd', lines);
    const goods = rows.filter((r): r is Extract<typeof r, { line: string }> => 'line' in r);
    for (const g of goods) assert.ok(parsed.items.some((a) => a.name === g.name && a.uid === g.uid && a.gid === g.gid));
    assert.ok(parsed.errors.length <= 20);
  }));
});

test('sudoers: NOPASSWD: ALL rules, with tags, continuation lines and groups; other rules ignored', () => {
  const rules = parseSudoers([
    '# User privilege specification',
    'Defaults env_reset',
    'root ALL=(ALL:ALL) ALL',
    'app ALL=(ALL) NOPASSWD: ALL',
    '%wheel ALL=(ALL) NOPASSWD: SETENV: ALL # admins',
    'deploy ALL=(root) NOPASSWD: /usr/bin/systemctl',
    'ops ALL = \\',
    '   NOPASSWD:ALL',
    'Cmnd_Alias X = NOPASSWD: ALL',
    'web ALL=(www-data) NOPASSWD: ALL',
  ]);
  assert.deepEqual(rules.map((r) => [r.who, r.line]), [['app', 4], ['%wheel', 5], ['ops', 7]]);
});

test('sudoers.d files ending in ~ or containing a dot are skipped, as sudo does', () => {
  assert.equal(isIncludedSudoersName('90-cloud-init-users'), true);
  assert.equal(isIncludedSudoersName('README.txt'), false);
  assert.equal(isIncludedSudoersName('app~'), false);
  const cataloger = accountsCataloger();
  assert.equal(cataloger.wants(entry('etc/sudoers.d/app')), true);
  assert.equal(cataloger.wants(entry('etc/sudoers.d/app.bak')), false);
  assert.equal(cataloger.wants(entry('etc/passwd')), true);
  assert.equal(cataloger.wants(entry('etc/passwd-')), false);
  assert.equal(cataloger.wants(entry('etc/shadow', 5 * 1024 * 1024)), false);
});

test('the cataloger reads streams, reports errors as notes and contributes no packages', async () => {
  const cataloger = accountsCataloger();
  const passwd = await cataloger.read(entry('etc/passwd'), Readable.from(['root:x:0:0:root:/root:/bin/ash\nbad line\n']));
  const shadow = await cataloger.read(entry('etc/shadow'), Readable.from(['root:::0:::::\n']));
  assert.ok(passwd && shadow);
  const out = await cataloger.finish([{ entry: entry('etc/passwd'), data: passwd }, { entry: entry('etc/shadow'), data: shadow }], { files: new Map() });
  assert.deepEqual(out.packages, []);
  assert.deepEqual(out.notes, ['etc/passwd:2: expected 7 fields separated by \':\', found 1']);
  const accounts = accountsOf([{ entry: entry('etc/passwd'), data: passwd }, { entry: entry('etc/shadow'), data: shadow }, { entry: entry('x'), data: { other: true } }]);
  assert.equal(accounts.passwd?.data.accounts[0]?.name, 'root');
  assert.equal(accounts.shadow?.data.accounts[0]?.password, 'empty');
});

test('a binary account file is reported, not parsed', async () => {
  const data = await readAccountFile('etc/group', Readable.from([Buffer.from([0x72, 0, 0x3a])]));
  assert.deepEqual(data, { file: 'group', groups: [], errors: ['etc/group: binary content (NUL byte), not read'] });
});
