import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../core/finding.js';
import { vulnerabilityFinding } from '../vulnerability-finding.js';
import { mapSeverity, mergeResults, parseScannerResults, readScannerResults, ScannerResultsError } from './index.js';

const IMAGE = { reference: 'registry.local/demo/alpine:3.9', digest: `sha256:${'a'.repeat(64)}` };
const SQLITE_PURL_KW = 'pkg:apk/alpine/sqlite-libs@3.26.0-r3?arch=x86_64&distro=alpine-3.9.2';

// Trivy JSON, schema 2, shaped as trivy's integration/testdata/alpine-*.json.golden.
const TRIVY = {
  SchemaVersion: 2,
  ArtifactName: 'registry.local/demo/alpine:3.9',
  ArtifactType: 'container_image',
  Results: [
    {
      Target: 'registry.local/demo/alpine:3.9 (alpine 3.9.2)', Class: 'os-pkgs', Type: 'alpine',
      Vulnerabilities: [
        {
          VulnerabilityID: 'CVE-2019-5018', PkgID: 'sqlite-libs@3.26.0-r3', PkgName: 'sqlite-libs',
          PkgIdentifier: { PURL: 'pkg:apk/alpine/sqlite-libs@3.26.0-r3?arch=x86_64&distro=3.9.2' },
          InstalledVersion: '3.26.0-r3', FixedVersion: '3.28.0-r0', Status: 'fixed',
          Layer: { Digest: 'sha256:9d48', DiffID: 'sha256:0390' }, SeveritySource: 'nvd', PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2019-5018',
          Title: 'sqlite: Use-after-free in window function leading to remote code execution', Description: 'An exploitable use after free vulnerability exists in the window function functionality of Sqlite3 3.26.0.',
          Severity: 'HIGH', CweIDs: ['CWE-416'],
          CVSS: { nvd: { V2Vector: 'AV:N/AC:M/Au:N/C:P/I:P/A:P', V3Vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', V2Score: 6.8, V3Score: 8.1 } },
          References: ['https://www.sqlite.org/releaselog/3_28_0.html'],
        },
        {
          VulnerabilityID: 'CVE-2019-1549', PkgID: 'libcrypto1.1@1.1.1a-r1', PkgName: 'libcrypto1.1',
          PkgIdentifier: { PURL: 'pkg:apk/alpine/libcrypto1.1@1.1.1a-r1?arch=x86_64&distro=3.9.2' },
          InstalledVersion: '1.1.1a-r1', FixedVersion: '1.1.1d-r0', Severity: 'MEDIUM', Title: 'openssl: information disclosure in fork()',
          CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', V3Score: 5.3 }, redhat: { V3Vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N', V3Score: 4.8 } },
          References: ['https://www.openssl.org/news/secadv/20190910.txt'],
        },
        { VulnerabilityID: 'CVE-2020-0001', PkgName: 'musl' },
      ],
    },
    { Target: 'app/package-lock.json', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: null },
  ],
};

// Grype JSON, shaped as grype's presenter snapshots (TestJsonImgsPresenter.golden).
const GRYPE = {
  matches: [
    {
      vulnerability: {
        id: 'CVE-2019-5018', dataSource: 'https://security.alpinelinux.org/vuln/CVE-2019-5018', namespace: 'alpine:distro:alpine:3.9', severity: 'High',
        urls: ['https://www.sqlite.org/releaselog/3_28_0.html'], cvss: [], fix: { versions: ['3.28.0-r0'], state: 'fixed' }, advisories: [],
      },
      relatedVulnerabilities: [{ id: 'CVE-2019-5018', dataSource: 'https://nvd.nist.gov/vuln/detail/CVE-2019-5018', namespace: 'nvd:cpe', severity: 'High', urls: [], description: 'use after free', cvss: [{ version: '3.0', vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', metrics: { baseScore: 8.1 } }] }],
      matchDetails: [{ type: 'exact-direct-match', matcher: 'apk-matcher', fix: { suggestedVersion: '3.28.0-r0' } }],
      artifact: { id: 'x', name: 'sqlite-libs', version: '3.26.0-r3', type: 'apk', locations: [{ path: '/lib/apk/db/installed', layerID: 'sha256:0390' }], purl: 'pkg:apk/alpine/sqlite-libs@3.26.0-r3?arch=x86_64&upstream=sqlite&distro=alpine-3.9.2' },
    },
    {
      vulnerability: { id: 'GHSA-jf85-cpcp-j695', dataSource: 'https://github.com/advisories/GHSA-jf85-cpcp-j695', severity: 'Critical', urls: [], cvss: [], fix: { versions: ['4.17.12'], state: 'fixed' } },
      relatedVulnerabilities: [{ id: 'CVE-2019-10744', dataSource: 'https://nvd.nist.gov/vuln/detail/CVE-2019-10744', severity: 'Critical', description: 'Prototype pollution in lodash', cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H', metrics: { baseScore: 9.1 } }] }],
      artifact: { name: 'lodash', version: '4.17.11', type: 'npm', locations: [{ path: '/app/node_modules/lodash/package.json' }], purl: 'pkg:npm/lodash@4.17.11' },
    },
    {
      vulnerability: { id: 'CVE-2005-2541', severity: 'Negligible', urls: [], fix: { versions: [], state: 'wont-fix' } },
      relatedVulnerabilities: [],
      artifact: { name: 'tar', version: '1.34', type: 'apk', locations: [], purl: '' },
    },
    { vulnerability: 'broken' },
  ],
  source: { type: 'image', target: { userInput: 'registry.local/demo/alpine:3.9' } },
  descriptor: { name: 'grype', version: '0.74.0' },
};

// Trivy's own report of the lodash advisory under its CVE id, and one only Trivy found.
const TRIVY_NPM = {
  SchemaVersion: 2, ArtifactName: 'x',
  Results: [{ Target: 'app/package-lock.json', Type: 'npm', Vulnerabilities: [
    { VulnerabilityID: 'CVE-2019-10744', PkgName: 'lodash', PkgIdentifier: { PURL: 'pkg:npm/lodash@4.17.11' }, InstalledVersion: '4.17.11', FixedVersion: '4.17.12', Severity: 'CRITICAL', References: [] },
    { VulnerabilityID: 'CVE-2021-23337', PkgName: 'lodash', PkgIdentifier: { PURL: 'pkg:npm/lodash@4.17.11' }, InstalledVersion: '4.17.11', FixedVersion: '4.17.21', Severity: 'UNKNOWN', References: [] },
  ] }],
};

test('Trivy JSON: fields, purl, cvss from the severity source, bad entries as notes', () => {
  const r = parseScannerResults(JSON.stringify(TRIVY), 'trivy.json');
  assert.equal(r.tool, 'trivy');
  assert.equal(r.image, 'registry.local/demo/alpine:3.9');
  assert.equal(r.vulnerabilities.length, 2);
  const [sqlite, crypto] = r.vulnerabilities;
  assert.deepEqual(sqlite, {
    pkgName: 'sqlite-libs', installedVersion: '3.26.0-r3', purl: 'pkg:apk/alpine/sqlite-libs@3.26.0-r3?arch=x86_64&distro=3.9.2', pkgType: 'apk',
    fixedVersion: '3.28.0-r0', id: 'CVE-2019-5018', aliases: [], severity: 'high', severityWord: 'HIGH',
    title: 'sqlite: Use-after-free in window function leading to remote code execution',
    description: 'An exploitable use after free vulnerability exists in the window function functionality of Sqlite3 3.26.0.',
    references: ['https://avd.aquasec.com/nvd/cve-2019-5018', 'https://www.sqlite.org/releaselog/3_28_0.html'],
    cvss: { vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 8.1 }, layerDigest: 'sha256:9d48',
  });
  assert.deepEqual(crypto?.cvss, { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', score: 5.3 });
  assert.deepEqual(r.notes, ['trivy.json: $.Results[0].Vulnerabilities[2]: VulnerabilityID, PkgName and InstalledVersion are required']);
});

test('Grype JSON: related ids become aliases, fix only when fixed, paths without leading slash', () => {
  const r = parseScannerResults(JSON.stringify(GRYPE), 'grype.json');
  assert.equal(r.tool, 'grype');
  assert.equal(r.image, 'registry.local/demo/alpine:3.9');
  const [sqlite, lodash, tar] = r.vulnerabilities;
  assert.equal(sqlite?.fixedVersion, '3.28.0-r0');
  assert.deepEqual(sqlite?.aliases, []);
  assert.equal(sqlite?.path, 'lib/apk/db/installed');
  assert.deepEqual(sqlite?.cvss, { vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 8.1 });
  assert.equal(sqlite?.description, 'use after free');
  assert.deepEqual(lodash?.aliases, ['CVE-2019-10744']);
  assert.equal(lodash?.severity, 'critical');
  assert.equal(tar?.fixedVersion, undefined);
  assert.equal(tar?.severity, 'low');
  assert.equal(tar?.purl, undefined);
  assert.deepEqual(r.notes, ['grype.json: $.matches[3]: a match needs vulnerability and artifact objects']);
});

test('severity words: Negligible → low, Unknown → medium', () => {
  assert.deepEqual(['CRITICAL', 'High', 'MEDIUM', 'Low', 'Negligible', 'UNKNOWN', ''].map(mapSeverity), ['critical', 'high', 'medium', 'low', 'low', 'medium', 'medium']);
});

test('files: detection, errors naming the file', async () => {
  assert.throws(() => parseScannerResults('{"x":1}', 'r.json'), (e: Error) => e instanceof ScannerResultsError && /^r\.json: neither Trivy JSON/.test(e.message));
  assert.throws(() => parseScannerResults('nope', 'r.json'), /^ScannerResultsError: r\.json: not JSON/);
  await assert.rejects(readScannerResults('/nonexistent/r.json'), /\/nonexistent\/r\.json: cannot read: ENOENT/);
  const dir = await mkdtemp(join(tmpdir(), 'kw-merge-'));
  try {
    await writeFile(join(dir, 'g.json'), JSON.stringify(GRYPE));
    assert.equal((await readScannerResults(join(dir, 'g.json'))).tool, 'grype');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

function ownFindings() {
  return [
    vulnerabilityFinding({
      image: IMAGE,
      pkg: { type: 'apk', name: 'sqlite-libs', version: '3.26.0-r3', purl: SQLITE_PURL_KW, source: { name: 'sqlite', version: '3.26.0-r3' }, path: 'lib/apk/db/installed', layerDigest: 'sha256:9d48' },
      advisoryId: 'ALPINE-CVE-2019-5018', aliases: ['CVE-2019-5018'], summary: 'from OSV', fixedVersion: '3.28.0-r0',
      severity: { severity: 'high', basis: 'cvss:3.0 8.1 (x)', score: 8.1, vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H' },
      references: [], foundBy: ['kubeward'], matchedBy: 'introduced 0, fixed 3.28.0-r0',
    }),
  ];
}

test('merge: one finding per package and advisory, aliases link different ids, foundBy lists every tool', () => {
  const other: Finding = { checkId: 'KW-IMG-001', severity: 'low' as const, category: 'images' as const, title: 't', resource: { apiVersion: 'kubeward.io/v1', kind: 'Image', name: IMAGE.reference }, message: 'm', evidence: [], remediation: 'r', references: [] };
  const own: Finding[] = [other, ...ownFindings()];
  const merged = mergeResults(own, [parseScannerResults(JSON.stringify(TRIVY), 't.json'), parseScannerResults(JSON.stringify(GRYPE), 'g.json'), parseScannerResults(JSON.stringify(TRIVY_NPM), 't2.json')], IMAGE);
  assert.equal(merged[0], other, 'non-vulnerability findings pass through');
  const vulns = merged.filter((f) => f.checkId === 'KW-IMG-100');
  const byKey = new Map(vulns.map((f) => [`${f.package!.name}|${f.advisory!.id}`, f]));
  // sqlite: kubeward's ALPINE-CVE-2019-5018 (alias CVE-2019-5018) = Trivy's and Grype's CVE-2019-5018 (purls differ only in qualifiers).
  const sqlite = byKey.get('sqlite-libs|ALPINE-CVE-2019-5018')!;
  assert.deepEqual(sqlite.advisory!.foundBy, ['grype', 'kubeward', 'trivy']);
  assert.equal(sqlite.message, own[1]!.message, "kubeward's data is kept");
  assert.equal(sqlite.package!.purl, SQLITE_PURL_KW);
  assert.ok(!byKey.has('sqlite-libs|CVE-2019-5018'));
  // lodash: Grype's GHSA (related CVE-2019-10744) = Trivy's CVE-2019-10744; built from the first report (Grype's).
  const lodash = byKey.get('lodash|GHSA-jf85-cpcp-j695')!;
  assert.deepEqual(lodash.advisory!.foundBy, ['grype', 'trivy']);
  assert.deepEqual(lodash.advisory!.aliases, ['CVE-2019-10744']);
  assert.equal(lodash.severity, 'critical');
  assert.equal(lodash.advisory!.severityBasis, 'grype: Critical');
  assert.deepEqual(lodash.advisory!.cvss, { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H', score: 9.1 });
  assert.equal(lodash.package!.path, 'app/node_modules/lodash/package.json');
  assert.equal(lodash.remediation, 'upgrade lodash to 4.17.12 or later');
  assert.ok(!byKey.has('lodash|CVE-2019-10744'));
  // Found by one tool only.
  assert.deepEqual(byKey.get('lodash|CVE-2021-23337')!.advisory!.foundBy, ['trivy']);
  assert.equal(byKey.get('lodash|CVE-2021-23337')!.severity, 'medium');
  assert.deepEqual(byKey.get('libcrypto1.1|CVE-2019-1549')!.advisory!.foundBy, ['trivy']);
  // No purl (Grype's empty one): matched by name + version; a generic purl stands in.
  const tar = byKey.get('tar|CVE-2005-2541')!;
  assert.equal(tar.package!.purl, 'pkg:generic/tar@1.34');
  assert.match(tar.message, /\(no fix yet\)/);
  assert.equal(vulns.length, 5);
  // Inputs are not mutated.
  assert.deepEqual(own[1]!.advisory!.foundBy, ['kubeward']);
});

test('merge: same advisory id but a different package version stays apart; name+version matches when a purl is missing', () => {
  const own = ownFindings();
  const external = [{
    tool: 'trivy' as const,
    vulnerabilities: [
      { pkgName: 'sqlite-libs', installedVersion: '3.26.0-r4', purl: 'pkg:apk/alpine/sqlite-libs@3.26.0-r4', id: 'CVE-2019-5018', aliases: [], severity: 'high' as const, severityWord: 'HIGH', references: [] },
      { pkgName: 'sqlite-libs', installedVersion: '3.26.0-r3', id: 'CVE-2019-5018', aliases: [], severity: 'high' as const, severityWord: 'HIGH', references: [] },
    ],
  }];
  const merged = mergeResults(own, external, IMAGE);
  assert.equal(merged.length, 2);
  assert.deepEqual(merged[0]!.advisory!.foundBy, ['kubeward', 'trivy']);
  assert.equal(merged[1]!.package!.version, '3.26.0-r4');
});
