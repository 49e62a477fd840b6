import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { CheckCatalog } from '../../core/catalog.js';
import type { CollectedFile, FileEntry, ImageConfig, Package } from '../model.js';
import { secretsCataloger } from '../secrets/index.js';
import { accountsCataloger, analyzeImageContent, imageCheckMetas, type ImageContentInput } from './index.js';

const NOW = new Date('2025-06-01T00:00:00Z');
const IMAGE = { reference: 'registry.example.com/team/app:1.2.3', repository: 'registry.example.com/team/app', tag: '1.2.3', manifestDigest: 'sha256:' + 'a'.repeat(64), platform: 'linux/amd64' };

/** A config that passes every config check. */
const GOOD_CONFIG: ImageConfig = {
  created: '2025-05-01T00:00:00Z',
  config: { User: '10001', Env: ['PATH=/usr/bin'], Healthcheck: { Test: ['CMD', '/healthz'] }, ExposedPorts: { '8080/tcp': {} } },
  history: [{ created_by: 'COPY app /app # buildkit' }],
};

const file = (path: string, extra: Partial<FileEntry> = {}): FileEntry =>
  ({ path, type: 'file', mode: 0o755, uid: 0, gid: 0, size: 10, layerIndex: 1, layerDigest: 'sha256:' + 'b'.repeat(64), ...extra });

const files = (...entries: FileEntry[]) => new Map(entries.map((e) => [e.path, e]));

async function collect(cataloger: ReturnType<typeof accountsCataloger> | ReturnType<typeof secretsCataloger>, contents: Record<string, string>): Promise<CollectedFile[]> {
  const out: CollectedFile[] = [];
  for (const [path, text] of Object.entries(contents)) {
    const e = file(path, { mode: 0o644, size: text.length });
    if (!cataloger.wants(e)) continue;
    const data = await cataloger.read(e, Readable.from([Buffer.from(text)]));
    if (data !== undefined) out.push({ entry: e, data });
  }
  return out;
}

const accounts = (contents: Record<string, string>) => collect(accountsCataloger(), contents);
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n';

function run(overrides: Partial<ImageContentInput> = {}) {
  return analyzeImageContent({ image: IMAGE, config: GOOD_CONFIG, files: new Map(), packages: [], accounts: [], secrets: [], now: NOW, ...overrides });
}
const ids = (out: ReturnType<typeof run>) => out.findings.map((f) => f.checkId);
const only = (out: ReturnType<typeof run>, id: string) => out.findings.filter((f) => f.checkId === id);
const withConfig = (config: ImageConfig['config'], rest: Partial<ImageConfig> = {}): ImageConfig => ({ ...GOOD_CONFIG, ...rest, config: { ...GOOD_CONFIG.config, ...config } });

test('a clean image has no findings and nothing not evaluated', () => {
  assert.deepEqual(run(), { findings: [], notEvaluated: [] });
});

test('metas: valid catalog, category images, aliases for Trivy DS and CIS Docker', () => {
  const catalog = new CheckCatalog(imageCheckMetas());
  assert.equal(catalog.all().length, 14);
  assert.ok(catalog.all().every((m) => m.category === 'images' && m.references.length > 0));
  assert.deepEqual(catalog.byAlias('DS', 'DS-0002').map((m) => m.id), ['KW-IMG-001']);
  assert.deepEqual(catalog.byAlias('CIS-Docker', '4.8').map((m) => m.id), ['KW-IMG-004']);
  assert.deepEqual(catalog.byAlias('CIS-Docker', '4.6').map((m) => m.id), ['KW-IMG-012']);
});

test('KW-IMG-001 runs as root: empty, root, 0, 0:0, root:x, and a name that passwd maps to uid 0', async () => {
  for (const user of [undefined, '', 'root', '0', '0:0', 'root:staff']) {
    const out = run({ config: withConfig({ User: user as string }) });
    assert.deepEqual(ids(out), ['KW-IMG-001'], String(user));
    const [finding] = out.findings;
    assert.deepEqual(finding!.resource, { apiVersion: 'kubeward.io/v1', kind: 'Image', name: IMAGE.reference });
    assert.deepEqual(finding!.image, { reference: IMAGE.reference, digest: IMAGE.manifestDigest, platform: 'linux/amd64' });
    assert.equal(finding!.evidence[0]!.path, 'config.User');
  }
  const toor = await accounts({ 'etc/passwd': `${PASSWD}toor:x:0:0::/root:/bin/sh\n` });
  const out = run({ config: withConfig({ User: 'toor' }), accounts: toor });
  assert.deepEqual(ids(out), ['KW-IMG-001']);
  assert.deepEqual(out.findings[0]!.evidence[1]!.position, { file: 'etc/passwd', line: 3, column: 1 });
});

test('KW-IMG-001 negative: numeric uid, a non-root name, a name missing from passwd', async () => {
  const acc = await accounts({ 'etc/passwd': PASSWD });
  for (const user of ['10001', '1000:1000', 'app', 'nobody-here']) assert.deepEqual(ids(run({ config: withConfig({ User: user }), accounts: acc })), [], user);
  // Without account files a name cannot be resolved: not evaluated, never passed.
  const out = run({ config: withConfig({ User: 'app' }), accounts: undefined });
  assert.ok(out.notEvaluated.some((n) => n.target === 'KW-IMG-001'));
});

test('KW-IMG-002 Alpine CVE-2019-5021: root::: in shadow is critical, with the line as evidence', async () => {
  const acc = await accounts({ 'etc/passwd': PASSWD, 'etc/shadow': 'root:::0:::::\napp:!:19000::::::\n' });
  const found = only(run({ accounts: acc }), 'KW-IMG-002');
  assert.equal(found.length, 1);
  assert.equal(found[0]!.severity, 'critical');
  assert.deepEqual(found[0]!.evidence, [{ path: 'etc/shadow', value: 'root:::0:::::', position: { file: 'etc/shadow', line: 1, column: 1 }, detail: 'etc/shadow gives root (uid 0) an empty password field' }]);
});

test('KW-IMG-002 negative: a locked root (root:*:…) and a root with a hash', async () => {
  for (const shadow of ['root:*:18000:0:99999:7:::\n', 'root:!:18000::::::\n', 'root:$6$s$hash:18000::::::\n']) {
    const acc = await accounts({ 'etc/passwd': PASSWD, 'etc/shadow': shadow });
    assert.deepEqual(ids(run({ accounts: acc })), [], shadow);
  }
});

test('KW-IMG-002 also from passwd when its field is empty, and KW-IMG-003 for other accounts', async () => {
  const acc = await accounts({ 'etc/passwd': 'root::0:0:root:/root:/bin/sh\nguest::1001:1001::/home/guest:/bin/sh\napp:x:10001:10001::/:/bin/sh\n', 'etc/shadow': 'app:::0:::::\n' });
  const out = run({ accounts: acc });
  assert.deepEqual(ids(out), ['KW-IMG-002', 'KW-IMG-003']);
  assert.deepEqual(only(out, 'KW-IMG-002')[0]!.evidence.map((e) => [e.path, e.position?.line]), [['etc/passwd', 1]]);
  assert.deepEqual(only(out, 'KW-IMG-003')[0]!.evidence.map((e) => [e.path, e.position?.line]), [['etc/passwd', 2], ['etc/shadow', 1]]);
  assert.equal(only(out, 'KW-IMG-003')[0]!.severity, 'high');
});

test('KW-IMG-003 negative: locked and hashed accounts; account files not read → not evaluated', async () => {
  const acc = await accounts({ 'etc/passwd': PASSWD, 'etc/shadow': 'root:*:1::::::\napp:!!:1::::::\n' });
  assert.deepEqual(ids(run({ accounts: acc })), []);
  const out = run({ accounts: undefined });
  assert.deepEqual(out.notEvaluated.map((n) => n.target).sort(), ['KW-IMG-002', 'KW-IMG-003', 'KW-IMG-014']);
});

test('KW-IMG-004 setuid/setgid beyond the allow-list, one finding listing each file', () => {
  const out = run({ files: files(
    file('usr/bin/passwd', { mode: 0o4755 }), file('bin/su', { mode: 0o4755 }), file('usr/bin/wall', { mode: 0o2755, gid: 5 }),
    file('usr/lib/openssh/ssh-keysign', { mode: 0o4755 }),
    file('usr/local/bin/backdoor', { mode: 0o4755 }), file('opt/app/passwd', { mode: 0o6750 }),
    file('var/mail', { type: 'dir', mode: 0o2775 }), file('usr/bin/locked', { mode: 0o2644 }),
  ) });
  const found = only(out, 'KW-IMG-004');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0]!.evidence.map((e) => [e.path, (e.value as { mode: string }).mode]), [['opt/app/passwd', '6750'], ['usr/local/bin/backdoor', '4755']]);
  assert.match(found[0]!.evidence[1]!.detail!, /sha256:b{64}/);
});

test('KW-IMG-004 negative: only usual setuid programs', () => {
  assert.deepEqual(ids(run({ files: files(file('usr/bin/sudo', { mode: 0o4755 }), file('bin/mount', { mode: 0o4755 }), file('usr/bin/crontab', { mode: 0o2755 })) })), []);
});

test('KW-IMG-005 world-writable files and non-sticky dirs in system dirs; symlinks, sticky dirs and tmp ignored', () => {
  const out = run({ files: files(
    file('usr/bin/tool', { mode: 0o777 }), file('etc/conf.d', { type: 'dir', mode: 0o777 }),
    file('usr/share/shared', { type: 'dir', mode: 0o1777 }), file('usr/bin/link', { type: 'symlink', mode: 0o777 }),
    file('tmp', { type: 'dir', mode: 0o777 }), file('var/cache/x', { mode: 0o666 }), file('etc/hosts', { mode: 0o644 }),
  ) });
  assert.deepEqual(only(out, 'KW-IMG-005')[0]!.evidence.map((e) => e.path), ['etc/conf.d', 'usr/bin/tool']);
  assert.deepEqual(ids(run({ files: files(file('etc/hosts', { mode: 0o644 }), file('var/tmp', { type: 'dir', mode: 0o777 })) })), []);
});

const GHP = `ghp_${'a1B2c3D4e5F6'.repeat(3)}`;

test('KW-IMG-006 secrets in files: one finding per file, severity of the worst rule, evidence per match', async () => {
  const secrets = await collect(secretsCataloger(), {
    'root/.ssh/id_rsa': `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEowIBAAKCAQEA'.repeat(4)}\n-----END RSA PRIVATE KEY-----\n`,
    'app/.env': `DB_PASSWORD=s3cr3t-Pa55\nGH=${GHP}\n`,
    'app/readme.txt': 'nothing here\n',
  });
  const found = only(run({ secrets }), 'KW-IMG-006');
  assert.deepEqual(found.map((f) => [f.evidence[0]!.path, f.severity]), [['app/.env', 'critical'], ['root/.ssh/id_rsa', 'high']]);
  assert.deepEqual(found[0]!.evidence.map((e) => e.position), [{ file: 'app/.env', line: 1, column: 13 }, { file: 'app/.env', line: 2, column: 4 }]);
  assert.ok(!JSON.stringify(found).includes(GHP) && !JSON.stringify(found).includes('s3cr3t-Pa55'));
});

test('KW-IMG-006 negative: placeholders only; secrets not scanned → not evaluated', async () => {
  const secrets = await collect(secretsCataloger(), { 'etc/app.conf': 'password=changeme\nsecret = ${SECRET}\npassword: <password>\n' });
  assert.deepEqual(ids(run({ secrets })), []);
  assert.deepEqual(run({ secrets: undefined }).notEvaluated, [{ target: 'KW-IMG-006', reason: 'the image\'s files were not scanned for secrets' }]);
});

test('KW-IMG-007 secrets in Env, Labels and history; masked', () => {
  const awsSecret = 'wJalrXUtnFMIK7MDNGbPxRfiCYzq9Rt3abcdefgh';
  const config = withConfig({ Env: ['PATH=/usr/bin', `AWS_SECRET_ACCESS_KEY=${awsSecret}`, 'DB_PASSWORD=hunter2hunter2', 'GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D'], Labels: { 'ci.token': GHP } },
    { history: [{ created_by: 'RUN |1 API_TOKEN=tok-1234567890 /bin/sh -c make # buildkit' }, { created_by: 'RUN /bin/sh -c export PASSWORD=$PASSWORD' }] });
  const found = only(run({ config }), 'KW-IMG-007');
  assert.equal(found.length, 1);
  assert.equal(found[0]!.severity, 'critical');
  assert.deepEqual(found[0]!.evidence.map((e) => [e.path, e.value]), [
    ['config.Env[1]', 'wJal…(40 chars)'],
    ['config.Env[2]', 'hunt…(14 chars)'],
    ['config.Labels["ci.token"]', 'ghp_…(40 chars)'],
    ['history[0].created_by', 'tok-…(14 chars)'],
  ]);
  assert.ok(!JSON.stringify(found).includes(awsSecret));
});

test('KW-IMG-007 negative: placeholders, references and file-path variables', () => {
  const config = withConfig({ Env: ['DB_PASSWORD=', 'DB_PASSWORD_FILE=/run/secrets/db', 'TOKEN=${TOKEN}', 'SECRET=changeme', 'GPG_KEYS=B42F6819007F00F88E364FD4036A9C25BF357DD4'], Labels: { maintainer: 'team@example.com' } },
    { history: [{ created_by: 'ARG TOKEN' }, { created_by: 'RUN /bin/sh -c echo $PASSWORD' }] });
  assert.deepEqual(ids(run({ config })), []);
});

test('KW-IMG-008 SSH server by package or file; KW-IMG-009 port 22 exposed', () => {
  const sshd: Package = { type: 'deb', name: 'openssh-server', version: '1:9.2p1-2', purl: 'pkg:deb/debian/openssh-server@1:9.2p1-2', locations: [{ path: 'var/lib/dpkg/status', layerIndex: 1, layerDigest: 'sha256:c' }] };
  assert.deepEqual(ids(run({ packages: [sshd] })), ['KW-IMG-008']);
  assert.deepEqual(ids(run({ files: files(file('usr/sbin/dropbear')) })), ['KW-IMG-008']);
  const openssh = (type: Package['type']): Package => ({ ...sshd, type, name: 'openssh' });
  assert.deepEqual(ids(run({ packages: [openssh('apk')] })), ['KW-IMG-008']);
  assert.deepEqual(ids(run({ packages: [openssh('rpm'), { ...sshd, name: 'openssh-client' }] })), []);
  const exposed = run({ config: withConfig({ ExposedPorts: { '22/tcp': {}, '8080/tcp': {} } }) });
  assert.deepEqual(ids(exposed), ['KW-IMG-009']);
  assert.equal(exposed.findings[0]!.evidence[0]!.path, 'config.ExposedPorts["22/tcp"]');
  assert.deepEqual(ids(run({ config: withConfig({ ExposedPorts: { '2222/tcp': {}, '22/udp': {} } }) })), []);
});

test('KW-IMG-010 ADD from a URL in history (BuildKit and classic), not with --checksum or local sources', () => {
  const history = [
    { created_by: 'ADD https://example.com/app.tar.gz /opt/ # buildkit' },
    { created_by: '/bin/sh -c #(nop) ADD http://example.com/x /x' },
    { created_by: 'ADD --checksum=sha256:' + 'c'.repeat(64) + ' https://example.com/y /y # buildkit' },
    { created_by: 'ADD file:abc in / ' },
    { created_by: 'RUN /bin/sh -c curl -fsSL https://example.com/z | sh' },
  ];
  const found = only(run({ config: withConfig({}, { history }) }), 'KW-IMG-010');
  assert.deepEqual(found[0]!.evidence.map((e) => e.path), ['history[0].created_by', 'history[1].created_by']);
  assert.deepEqual(ids(run({ config: withConfig({}, { history: history.slice(2) }) })), []);
});

test('KW-IMG-011 latest or no tag; digest references and local archives are fine', () => {
  const latest = { ...IMAGE, reference: 'nginx:latest', tag: 'latest' };
  assert.deepEqual(ids(run({ image: latest })), ['KW-IMG-011']);
  const { tag: _tag, ...untagged } = { ...IMAGE, reference: 'nginx' };
  assert.deepEqual(ids(run({ image: untagged })), ['KW-IMG-011']);
  const byDigest = { ...untagged, reference: `nginx@sha256:${'d'.repeat(64)}` };
  assert.deepEqual(ids(run({ image: byDigest })), []);
  assert.deepEqual(ids(run({ image: { ...untagged, reference: 'archive:/tmp/app.tar' } })), []);
  assert.deepEqual(ids(run()), []);
});

test('KW-IMG-012 no healthcheck or HEALTHCHECK NONE', () => {
  assert.deepEqual(ids(run({ config: { ...GOOD_CONFIG, config: { User: '1' } } })), ['KW-IMG-012']);
  const none = run({ config: withConfig({ Healthcheck: { Test: ['NONE'] } }) });
  assert.deepEqual(ids(none), ['KW-IMG-012']);
  assert.equal(none.findings[0]!.severity, 'low');
  assert.deepEqual(ids(run({ config: withConfig({ Healthcheck: { Test: ['CMD-SHELL', 'curl -f localhost'] } }) })), []);
});

test('KW-IMG-013 older than maxAgeDays; created in 1970 or missing → not evaluated', () => {
  // 2024-05-31 is 366 days before 2025-06-01.
  const old = run({ config: { ...GOOD_CONFIG, created: '2024-05-31T00:00:00Z' } });
  assert.deepEqual(ids(old), ['KW-IMG-013']);
  assert.match(old.findings[0]!.message, /366 days/);
  assert.deepEqual(ids(run({ config: { ...GOOD_CONFIG, created: '2024-06-01T00:00:00Z' } })), []);
  assert.deepEqual(ids(run({ config: { ...GOOD_CONFIG, created: '2025-05-01T00:00:00Z' }, maxAgeDays: 7 })), ['KW-IMG-013']);
  const epoch = run({ config: { ...GOOD_CONFIG, created: '1970-01-01T00:00:00Z' } });
  assert.deepEqual(ids(epoch), []);
  assert.equal(epoch.notEvaluated[0]?.target, 'KW-IMG-013');
  assert.match(epoch.notEvaluated[0]!.reason, /reproducible builds/);
  const { created: _c, ...noCreated } = GOOD_CONFIG;
  assert.deepEqual(run({ config: noCreated }).notEvaluated.map((n) => n.target), ['KW-IMG-013']);
});

test('KW-IMG-014 sudo installed with NOPASSWD: ALL; not without sudo or with a limited rule', async () => {
  const acc = await accounts({ 'etc/passwd': PASSWD, 'etc/sudoers.d/app': 'app ALL=(ALL) NOPASSWD: ALL\n' });
  const found = only(run({ accounts: acc, files: files(file('usr/bin/sudo', { mode: 0o4755 })) }), 'KW-IMG-014');
  assert.deepEqual(found[0]!.evidence.map((e) => [e.path, e.position?.line, e.value]), [['etc/sudoers.d/app', 1, 'app ALL=(ALL) NOPASSWD: ALL']]);
  assert.deepEqual(ids(run({ accounts: acc })), []);
  const limited = await accounts({ 'etc/sudoers': 'app ALL=(root) NOPASSWD: /usr/bin/apt-get\n' });
  assert.deepEqual(ids(run({ accounts: limited, files: files(file('usr/bin/sudo', { mode: 0o4755 })) })), []);
});
