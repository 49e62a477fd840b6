import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { reportValidator, sarifValidator } from '../schemas.js';

// `kubeward image`, `kubeward sbom` and `kubeward scan --images` as users run them (the built CLI),
// offline, on the demo image built for the project (examples/images/legacy-reports: Alpine 3.9-style,
// sqlite 3.26.0-r3, empty root password) and its advisories (examples/advisories).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/cli/main.js');
const layout = path.join(root, 'examples/images/legacy-reports');
const advisories = path.join(root, 'examples/advisories');
const REF = 'shop/legacy-reports:3.9';

let work: string;
before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'kw-image-cli-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

function kubeward(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: path.join(work, 'xdg') } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const demo = (...extra: string[]) => ['image', REF, '--input', layout, '--advisories', advisories, '--cache-dir', path.join(work, 'cache'), '--quiet', ...extra];

interface Report {
  findings: { checkId: string; severity: string; package?: { name: string; fixedVersion?: string }; advisory?: { id: string; aliases: string[]; foundBy?: string[] }; affects?: { kind: string; name: string }[] }[];
  images: { reference: string; packages: { name: string; purl: string }[] }[];
  notEvaluated: { target: string; reason: string }[];
}

test('kubeward image: JSON report valid against the report schema, with packages, versions and advisory ids', () => {
  const r = kubeward(demo('--format', 'json'));
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  const validate = reportValidator();
  assert.ok(validate(report), JSON.stringify(validate.errors, null, 2));
  assert.equal(report.images[0]!.packages.length, 5);
  const sqlite = report.findings.find((f) => f.checkId === 'KW-IMG-100' && f.package?.name === 'sqlite' && f.advisory?.aliases.includes('CVE-2019-5018'));
  assert.equal(sqlite?.package?.fixedVersion, '3.28.0-r0');
  assert.ok(report.findings.some((f) => f.checkId === 'KW-IMG-002' && f.severity === 'critical'));
});

test('kubeward image: SARIF valid against the official schema; each vulnerability has its own fingerprint and its package and advisory', () => {
  const r = kubeward(demo('--format', 'sarif'));
  assert.equal(r.status, 0, r.stderr);
  const validate = sarifValidator();
  assert.ok(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors, null, 2));
  const log = JSON.parse(r.stdout) as { runs: { results: any[] }[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const vulns = log.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === 'KW-IMG-100');
  assert.equal(vulns.length, 4);
  assert.equal(new Set(vulns.map((x: { partialFingerprints: Record<string, string> }) => Object.values(x.partialFingerprints)[0])).size, 4);
  assert.ok(vulns.every((x: { properties: { package?: unknown; advisory?: unknown } }) => x.properties.package && x.properties.advisory));
  const shadow = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'KW-IMG-002');
  assert.deepEqual(shadow.locations[0].physicalLocation.artifactLocation, { uri: 'etc/shadow', uriBaseId: 'IMAGEROOT' });
});

test('kubeward image: --ignore-unfixed, --severity and --exit-code', async () => {
  await writeFile(path.join(work, 'unfixed.json'), JSON.stringify({
    id: 'KW-TEST-UNFIXED', modified: '2026-01-01T00:00:00Z', summary: 'no fix yet',
    affected: [{ package: { ecosystem: 'Alpine:v3.9', name: 'musl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }],
  }));
  const both = ['--advisories', path.join(work, 'unfixed.json'), '--format', 'json'];
  const withUnfixed = JSON.parse(kubeward(demo(...both)).stdout) as Report;
  assert.ok(withUnfixed.findings.some((f) => f.advisory?.id === 'KW-TEST-UNFIXED' && f.package?.fixedVersion === undefined));
  const ignored = JSON.parse(kubeward(demo(...both, '--ignore-unfixed')).stdout) as Report;
  assert.ok(!ignored.findings.some((f) => f.advisory?.id === 'KW-TEST-UNFIXED'));
  assert.ok(ignored.findings.some((f) => f.advisory?.aliases.includes('CVE-2019-5018')));
  const critical = JSON.parse(kubeward(demo('--format', 'json', '--severity', 'critical')).stdout) as Report;
  assert.ok(critical.findings.length > 0 && critical.findings.every((f) => f.severity === 'critical'));
  assert.equal(kubeward(demo('--exit-code', '4')).status, 4);
});

test('kubeward sbom: CycloneDX 1.6 and SPDX 2.3 list every package; kubeward image --sbom scans them back', async () => {
  const cdx = kubeward(['sbom', REF, '--input', layout, '--cache-dir', path.join(work, 'cache'), '--format', 'cyclonedx', '--output', path.join(work, 'bom.cdx.json'), '--quiet']);
  assert.equal(cdx.status, 0, cdx.stderr);
  const bom = JSON.parse(await readFile(path.join(work, 'bom.cdx.json'), 'utf8'));
  assert.equal(bom.bomFormat, 'CycloneDX');
  assert.equal(bom.specVersion, '1.6');
  const purls = bom.components.map((c: { purl?: string }) => c.purl).filter(Boolean);
  assert.ok(purls.some((p: string) => p.startsWith('pkg:apk/alpine/sqlite-libs@3.26.0-r3')), purls.join('\n'));
  const spdx = kubeward(['sbom', REF, '--input', layout, '--cache-dir', path.join(work, 'cache'), '--format', 'spdx', '--quiet']);
  assert.equal(spdx.status, 0, spdx.stderr);
  const doc = JSON.parse(spdx.stdout);
  assert.equal(doc.spdxVersion, 'SPDX-2.3');
  for (const file of [path.join(work, 'bom.cdx.json')]) {
    const r = kubeward(['image', '--sbom', file, '--advisories', advisories, '--format', 'json', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.findings.filter((f) => f.checkId === 'KW-IMG-100').map((f) => `${f.package!.name} ${f.advisory!.id}`).sort(), [
      'sqlite ALPINE-CVE-2019-5018', 'sqlite ALPINE-CVE-2019-8457', 'sqlite-libs ALPINE-CVE-2019-5018', 'sqlite-libs ALPINE-CVE-2019-8457',
    ]);
    assert.match(report.notEvaluated.map((n) => n.reason).join('\n'), /configuration and files are not in it/);
  }
});

test('kubeward image --merge: a Trivy result is consolidated, the advisory shows which tools found it', async () => {
  const trivy = {
    SchemaVersion: 2, ArtifactName: REF, ArtifactType: 'container_image',
    Results: [{ Target: `${REF} (alpine 3.9.2)`, Class: 'os-pkgs', Type: 'alpine', Vulnerabilities: [
      { VulnerabilityID: 'CVE-2019-5018', PkgName: 'sqlite-libs', InstalledVersion: '3.26.0-r3', FixedVersion: '3.28.0-r0', Severity: 'HIGH', Title: 'sqlite: use-after-free in window functions' },
      { VulnerabilityID: 'CVE-2099-0001', PkgName: 'musl', InstalledVersion: '1.1.20-r4', Severity: 'LOW', Title: 'only trivy knows this one' },
    ] }],
  };
  await writeFile(path.join(work, 'trivy.json'), JSON.stringify(trivy));
  const r = kubeward(demo('--merge', path.join(work, 'trivy.json'), '--format', 'json'));
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  const merged = report.findings.find((f) => f.package?.name === 'sqlite-libs' && f.advisory?.aliases.includes('CVE-2019-5018'));
  assert.deepEqual(merged?.advisory?.foundBy, ['kubeward', 'trivy']);
  const trivyOnly = report.findings.find((f) => f.advisory?.id === 'CVE-2099-0001');
  assert.deepEqual(trivyOnly?.advisory?.foundBy, ['trivy']);
});

test('kubeward scan --images: each workload image once, findings name the workloads that run it; others not evaluated without --pull', () => {
  const r = kubeward(['scan', path.join(root, 'examples/demo'), '--images', '--image-layout', layout, '--no-pull', '--advisories', advisories, '--format', 'json', '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(report.images.map((i) => i.reference), ['registry.example.com/shop/legacy-reports:3.9']);
  const vuln = report.findings.find((f) => f.checkId === 'KW-IMG-100');
  assert.deepEqual(vuln?.affects?.map((a) => `${a.kind} ${a.name}`), ['CronJob nightly-reports']);
  assert.ok(report.notEvaluated.some((n) => n.target === 'image postgres:11' && /--no-pull/.test(n.reason)));
});

test('bad input: no image named, unreadable layout, missing SBOM — one line on stderr, exit 2, no stack trace', () => {
  for (const args of [['image'], ['image', 'x:1', '--input', path.join(work, 'nope')], ['image', '--sbom', path.join(work, 'nope.json')], ['image', 'x', '--username', 'u']]) {
    const r = kubeward(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^kubeward: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});
