import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { FileEntry } from '../model.js';
import {
  isPlaceholderValue, maskSecret, scanFileForSecrets, scanTextForSecrets, secretsCataloger, secretRulesMarkdown, SECRET_RULES,
  MAX_LINE_CHARS,
} from './index.js';

// Synthetic credentials, built from their documented formats (none is a real key).
const repeat = (alphabet: string, n: number): string => alphabet.repeat(Math.ceil(n / alphabet.length)).slice(0, n);
const B64 = 'MIIEowIBAAKCAQEAx9k3QpZr8w1LmN0pQrStUvWxYz12345678+/';
const AWS_KEY_ID = `AKIA${repeat('QWERTY234567ZXCV', 16)}`;
const AWS_SECRET = repeat('wJalrXUtnFMIK7MDNGbPxRfiCYzq9Rt3', 40);
const GHP = `ghp_${repeat('a1B2c3D4e5F6', 36)}`;

const entry = (path: string, size = 100, type: FileEntry['type'] = 'file'): FileEntry =>
  ({ path, type, mode: 0o644, uid: 0, gid: 0, size, layerIndex: 0, layerDigest: 'sha256:aa' });

const scan = (path: string, text: string | Buffer) => scanFileForSecrets(path, Readable.from([typeof text === 'string' ? Buffer.from(text) : text]));
const ruleIds = async (path: string, text: string) => ((await scan(path, text))?.matches ?? []).map((m) => m.ruleId);

const pem = (label: string, extra: string[] = []) => [`-----BEGIN ${label}-----`, ...extra, repeat(B64, 64), repeat(B64, 40), `-----END ${label}-----`, ''].join('\n');

test('a private key in root/.ssh/id_rsa is found at line 1, masked', async () => {
  const found = await scan('root/.ssh/id_rsa', pem('RSA PRIVATE KEY'));
  assert.equal(found?.matches.length, 1);
  const [match] = found!.matches;
  assert.equal(match!.ruleId, 'private-key');
  assert.equal(match!.severity, 'high');
  assert.equal(match!.line, 1);
  // The secret group is `RSA PRIVATE KEY` (15 characters): first 4 characters, ellipsis, length.
  assert.equal(match!.excerpt, 'RSA …(15 chars)');
});

test('every PEM private key type is recognised; encrypted keys are a separate, low-severity rule', async () => {
  for (const label of ['PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'PGP PRIVATE KEY BLOCK']) {
    const body = label === 'OPENSSH PRIVATE KEY' ? ['b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW'] : [];
    assert.deepEqual(await ruleIds('etc/key.pem', pem(label, body)), ['private-key'], label);
  }
  assert.deepEqual(await ruleIds('etc/key.pem', pem('ENCRYPTED PRIVATE KEY')), ['private-key-encrypted']);
  // Legacy PEM encryption (RFC 1421 Proc-Type header on the next line).
  assert.deepEqual(await ruleIds('etc/key.pem', pem('RSA PRIVATE KEY', ['Proc-Type: 4,ENCRYPTED', 'DEK-Info: AES-128-CBC,0123456789ABCDEF', ''])), ['private-key-encrypted']);
  // OpenSSH key whose cipher is aes256-ctr (base64 of "openssh-key-v1\0\0\0\0\naes256-ctr").
  assert.deepEqual(await ruleIds('home/a/.ssh/id_ed25519', pem('OPENSSH PRIVATE KEY', ['b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABD'])), ['private-key-encrypted']);
  const encrypted = await scan('etc/key.pem', pem('ENCRYPTED PRIVATE KEY'));
  assert.equal(encrypted?.matches[0]?.severity, 'low');
});

test('code that only names a PEM header is not a key', async () => {
  assert.deepEqual(await ruleIds('usr/lib/python3/site-packages/x/pem.py', 'RSA_HEADER = b"-----BEGIN RSA PRIVATE KEY-----"\n'), []);
});

test('a binary file (NUL byte in its first 8 KiB) is skipped even when it holds a key-looking string', async () => {
  const binary = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]), Buffer.from(`\n${pem('RSA PRIVATE KEY')}\naws_secret_access_key=${AWS_SECRET}\n`)]);
  assert.equal(await scan('usr/bin/tool', binary), undefined);
  // The same text without the NUL byte is reported.
  assert.ok((await scan('usr/bin/tool', binary.subarray(7)))!.matches.length >= 2);
});

test('a NUL byte after the first 8 KiB does not make the file binary', async () => {
  const text = `${'a'.repeat(9000)}\u0000\n${GHP}\n`;
  assert.deepEqual(await ruleIds('srv/data.txt', text), ['github-pat']);
});

test('each rule has a positive sample matched by it alone', async () => {
  const samples: Record<string, [path: string, text: string]> = {
    'aws-access-key-id': ['app/config.txt', `key id ${AWS_KEY_ID}`],
    'aws-secret-access-key': ['root/.aws/credentials', `aws_secret_access_key = ${AWS_SECRET}`],
    'gcp-service-account': ['app/sa.json', `{\n  "type": "service_account",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n${repeat(B64, 60)}\\n-----END PRIVATE KEY-----\\n"\n}`],
    'azure-storage-connection-string': ['app/settings.txt', `DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=${repeat(B64.replace(/[^A-Za-z0-9]/g, ''), 86)}==;EndpointSuffix=core.windows.net`],
    'github-pat': ['app/token.txt', `token ${GHP}`],
    'github-app-token': ['app/token.txt', `ghs_${repeat('Zy9Xw8Vu7', 36)}`],
    'github-refresh-token': ['app/token.txt', `ghr_${repeat('Qp0Rs9Tu8', 76)}`],
    'gitlab-pat': ['app/token.txt', `glpat-${repeat('Ab3_De6-Gh9', 20)}`],
    'slack-token': ['app/token.txt', `xoxb-${repeat('1234567890', 12)}-${repeat('AbCdEf', 24)}`],
    'slack-webhook': ['app/hooks.txt', `https://hooks.slack.com/services/T0000ABCD/B0000EFGH/${repeat('XyZ12', 24)}`],
    'stripe-live-key': ['app/pay.txt', `sk_live_${repeat('4eC39HqLyjWDarjtT1zdp7dc', 24)}`],
    'npm-access-token': ['app/ci.txt', `npm_${repeat('aB1cD2eF3', 36)}`],
    'npmrc-auth': ['home/node/.npmrc', `//registry.npmjs.org/:_authToken=${repeat('a1b2c3d4-', 36)}`],
    'pypi-upload-token': ['root/.pypirc', `password = pypi-AgEIcHlwaS5vcmc${repeat('CJDk3Nz-_q', 70)}`],
    'docker-config-auth': ['root/.docker/config.json', '{"auths":{"registry.example.com":{"auth":"dXNlcjpzM2NyZXQtcGFzcw=="}}}'],
    'jwt': ['app/session.txt', `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.${repeat('SflKxwRJSMeKKF2QT4fwpM', 43)}`],
    'kubeconfig-client-key': ['root/.kube/config', `    client-key-data: ${repeat('LS0tLS1CRUdJTiBSU0Eg', 80)}`],
    'sendgrid-api-key': ['app/mail.txt', `SG.${repeat('ngeVfQFYQlKU0ufo8x5d1A', 22)}.${repeat('TwL2iGABf9DHoTf09kqeuiGABf9DHoTf', 43)}`],
    'twilio-api-key': ['app/sms.txt', `SK${repeat('0123456789abcdef', 32)}`],
    'openai-api-key': ['app/ai.txt', `sk-proj-${repeat('abcDEF123_', 40)}T3BlbkFJ${repeat('xyzXYZ789-', 40)}`],
    'google-api-key': ['app/maps.txt', `AIza${repeat('SyD-9tSrke72PouQMnMX', 35)}`],
    'generic-password-assignment': ['etc/app/app.conf', 'db_password = s3cr3t-Pa55'],
  };
  for (const rule of SECRET_RULES) {
    if (rule.id.startsWith('private-key')) continue; // covered above
    const sample = samples[rule.id];
    assert.ok(sample, `no sample for ${rule.id}`);
    assert.deepEqual(await ruleIds(...sample), [rule.id], rule.id);
  }
});

test('rules with a file condition need it: gcp needs "type": "service_account", docker auth needs "auths"', async () => {
  const keyLine = `  "private_key": "-----BEGIN PRIVATE KEY-----\\n${repeat(B64, 60)}\\n-----END PRIVATE KEY-----\\n"`;
  // Without the type line the embedded key is still a private key, but not a service account.
  assert.deepEqual(await ruleIds('app/other.json', `{\n${keyLine}\n}`), ['private-key']);
  assert.deepEqual(await ruleIds('app/other.json', '{"credentials":{"auth":"dXNlcjpzM2NyZXQtcGFzcw=="}}'), []);
});

test('AWS documentation example keys are not reported', async () => {
  assert.deepEqual(await ruleIds('app/readme.txt', 'AKIAIOSFODNN7EXAMPLE'), []);
});

test('generic password assignments: placeholders, comments and non-config files are not reported', async () => {
  const placeholders = ['password=changeme', 'password: ${DB_PASSWORD}', 'password=<password>', 'password=', 'secret: "{{ .Values.secret }}"',
    'PASSWORD=$DB_PASS', 'password = ********', 'password = your_password', '# password = hunter2-real'];
  for (const line of placeholders) assert.deepEqual(await ruleIds('etc/app/app.conf', `${line}\n`), [], line);
  assert.deepEqual(await ruleIds('usr/lib/app/main.py', 'password = "s3cr3t-Pa55"\n'), []);
  // Debian's nsswitch.conf: `passwd` is a database name, `files systemd` its sources.
  assert.deepEqual(await ruleIds('etc/nsswitch.conf', 'passwd:         files systemd\nshadow:         files\n'), []);
  assert.deepEqual(await ruleIds('srv/.env', 'DB_PASSWORD=s3cr3t-Pa55\n'), ['generic-password-assignment']);
  const found = await scan('etc/app/app.yaml', 'db:\n  user: app\n  password: s3cr3t-Pa55\n');
  assert.deepEqual(found?.matches.map((m) => [m.line, m.severity, m.excerpt]), [[3, 'low', '…(11 chars)']]);
});

test('a specific rule wins over the generic assignment on the same line', async () => {
  assert.deepEqual(await ruleIds('root/.aws/config.ini', `aws_secret_access_key = ${AWS_SECRET}`), ['aws-secret-access-key']);
});

test('findings never carry the secret itself', async () => {
  const found = await scan('app/token.txt', `a=${GHP}\nb=${AWS_KEY_ID}\n`);
  const text = JSON.stringify(found);
  assert.ok(!text.includes(GHP) && !text.includes(AWS_KEY_ID));
  assert.deepEqual(found?.matches.map((m) => m.excerpt), ['ghp_…(40 chars)', 'AKIA…(20 chars)']);
});

test('maskSecret keeps 4 characters only of secrets of 12 characters or more', () => {
  assert.equal(maskSecret('abcdefghijkl'), 'abcd…(12 chars)');
  assert.equal(maskSecret('abcdefghijk'), '…(11 chars)');
});

test('lines longer than 64 KiB are cut: a token past the cut is not seen, one before it is', async () => {
  assert.deepEqual(await ruleIds('app/big.txt', `${'x'.repeat(MAX_LINE_CHARS + 10)} ${GHP}\n`), []);
  const found = await scan('app/big.txt', `${GHP} ${'x'.repeat(MAX_LINE_CHARS + 10)}\nnext ${AWS_KEY_ID}\n`);
  assert.deepEqual(found?.matches.map((m) => [m.ruleId, m.line]), [['github-pat', 1], ['aws-access-key-id', 2]]);
  assert.equal(found?.cutLines, 1);
});

test('scanTextForSecrets finds AWS_SECRET_ACCESS_KEY in an env entry', () => {
  const matches = scanTextForSecrets(`AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`, 'config.Env[2]');
  assert.deepEqual(matches.map((m) => [m.ruleId, m.where, m.excerpt]), [['aws-secret-access-key', 'config.Env[2]', 'wJal…(40 chars)']]);
  assert.deepEqual(scanTextForSecrets('PATH=/usr/local/bin:/usr/bin', 'config.Env[0]'), []);
});

test('the cataloger skips media, archives, documentation, package databases and files over the cap', () => {
  const cataloger = secretsCataloger({ maxFileBytes: 1000 });
  assert.equal(cataloger.wants(entry('etc/app/app.conf')), true);
  assert.equal(cataloger.wants(entry('root/.ssh/id_rsa')), true);
  for (const path of ['usr/share/doc/x/README', 'usr/share/zoneinfo/UTC', 'var/lib/dpkg/status', 'lib/apk/db/installed', 'app/logo.png',
    'usr/lib/libssl.so.3', 'app/Main.class', 'app/x.pyc', 'srv/a.tar.gz', 'usr/share/fonts/a.woff2', 'proc/self/environ']) {
    assert.equal(cataloger.wants(entry(path)), false, path);
  }
  assert.equal(cataloger.wants(entry('etc/big.conf', 1001)), false);
  assert.equal(cataloger.wants(entry('etc/link', 10, 'symlink')), false);
  assert.equal(cataloger.wants(entry('etc/empty', 0)), false);
});

test('isPlaceholderValue', () => {
  for (const v of ['', '${X}', '$(X)', '$X', '<pw>', '"changeme"', 'xxxx', '{{ x }}', 'REDACTED']) assert.equal(isPlaceholderValue(v), true, v);
  for (const v of ['hunter2', 's3cr3t-Pa55', 'changeme2']) assert.equal(isPlaceholderValue(v), false, v);
});

test('docs/secret-rules.md is generated from rules.json', async () => {
  const docs = await readFile(new URL('../../../docs/secret-rules.md', import.meta.url), 'utf8');
  assert.equal(docs, secretRulesMarkdown());
  for (const rule of SECRET_RULES) assert.ok(docs.includes(`### \`${rule.id}\``), rule.id);
});
