import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { PackageURL } from 'packageurl-js';
import { ecosystemFor, parseSbom, readPurl, readSbom, SbomError } from './index.js';

// An SPDX 2.3 document as Syft writes it (`syft alpine:3.18 -o spdx-json`): purl and cpe external
// refs, sourceInfo naming the cataloger and an absolute path, `upstream` qualifier for the origin.
const SYFT_SPDX = {
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'alpine:3.18',
  documentNamespace: 'https://anchore.com/syft/image/alpine-3.18-8f4e3c4a-0000-4000-8000-000000000000',
  creationInfo: { licenseListVersion: '3.22', creators: ['Organization: Anchore, Inc', 'Tool: syft-0.98.0'], created: '2024-01-01T00:00:00Z' },
  packages: [
    {
      name: 'alpine', SPDXID: 'SPDXRef-DocumentRoot-Image-alpine', versionInfo: 'sha256:48d9183eb12a05c99bcc0bf44a003607b8e941e1d4f41f9ad12bdcc4b5672f86',
      supplier: 'NOASSERTION', downloadLocation: 'NOASSERTION', filesAnalyzed: false, licenseConcluded: 'NOASSERTION', licenseDeclared: 'NOASSERTION', copyrightText: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:oci/alpine@sha256%3A48d9183eb12a05c99bcc0bf44a003607b8e941e1d4f41f9ad12bdcc4b5672f86?arch=amd64&tag=3.18' }],
      primaryPackagePurpose: 'CONTAINER',
    },
    {
      name: 'busybox', SPDXID: 'SPDXRef-Package-apk-busybox-2f4e2b5a1c3d6e7f', versionInfo: '1.36.1-r5', supplier: 'Person: Sören Tempel <soeren+alpine@soeren-tempel.net>',
      originator: 'Person: Sören Tempel <soeren+alpine@soeren-tempel.net>', downloadLocation: 'https://busybox.net/', filesAnalyzed: false,
      sourceInfo: 'acquired package info from APK DB: /lib/apk/db/installed', licenseConcluded: 'NOASSERTION', licenseDeclared: 'GPL-2.0-only', copyrightText: 'NOASSERTION',
      description: 'Size optimized toolbox of many common UNIX utilities',
      externalRefs: [
        { referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:a:busybox:busybox:1.36.1-r5:*:*:*:*:*:*:*' },
        { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64&upstream=busybox&distro=alpine-3.18.4' },
      ],
    },
    {
      name: 'libcrypto3', SPDXID: 'SPDXRef-Package-apk-libcrypto3-9a8b7c6d5e4f3a2b', versionInfo: '3.1.4-r0', supplier: 'NOASSERTION', downloadLocation: 'https://www.openssl.org/',
      filesAnalyzed: false, sourceInfo: 'acquired package info from APK DB: /lib/apk/db/installed', licenseConcluded: 'NOASSERTION', licenseDeclared: 'Apache-2.0', copyrightText: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/libcrypto3@3.1.4-r0?arch=x86_64&upstream=openssl&distro=alpine-3.18.4' }],
    },
    {
      name: 'alpine-keys', SPDXID: 'SPDXRef-Package-binary-x', versionInfo: '2.4-r1', supplier: 'NOASSERTION', downloadLocation: 'NOASSERTION', filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION', licenseDeclared: 'MIT', copyrightText: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:generic/alpine-keys@2.4-r1' }],
    },
  ],
  relationships: [
    { spdxElementId: 'SPDXRef-DocumentRoot-Image-alpine', relatedSpdxElement: 'SPDXRef-Package-apk-busybox-2f4e2b5a1c3d6e7f', relationshipType: 'CONTAINS' },
    { spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: 'SPDXRef-DocumentRoot-Image-alpine', relationshipType: 'DESCRIBES' },
  ],
};

test('a Syft SPDX document: packages with ecosystem, source and path; generic left out with a note; OS from distro', () => {
  const read = parseSbom(JSON.stringify(SYFT_SPDX), 'syft.spdx.json');
  assert.equal(read.subject, 'alpine:3.18');
  assert.deepEqual(read.os, { id: 'alpine', versionId: '3.18.4', source: 'syft.spdx.json (purl distro qualifier)' });
  assert.deepEqual(read.packages, [
    {
      type: 'apk', name: 'busybox', version: '1.36.1-r5', purl: 'pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64&upstream=busybox&distro=alpine-3.18.4',
      ecosystem: 'Alpine:v3.18', source: { name: 'busybox', version: '1.36.1-r5' }, arch: 'x86_64', licenses: ['GPL-2.0-only'],
      locations: [{ path: 'lib/apk/db/installed', layerDigest: '', layerIndex: -1 }],
    },
    {
      type: 'apk', name: 'libcrypto3', version: '3.1.4-r0', purl: 'pkg:apk/alpine/libcrypto3@3.1.4-r0?arch=x86_64&upstream=openssl&distro=alpine-3.18.4',
      ecosystem: 'Alpine:v3.18', source: { name: 'openssl', version: '3.1.4-r0' }, arch: 'x86_64', licenses: ['Apache-2.0'],
      locations: [{ path: 'lib/apk/db/installed', layerDigest: '', layerIndex: -1 }],
    },
  ]);
  assert.deepEqual(read.notes, ['syft.spdx.json: 1 generic package(s) left out: kubeward does not match generic packages']);
});

test('CycloneDX 1.4 with nested components, an OS component and Syft location properties', () => {
  const doc = {
    bomFormat: 'CycloneDX', specVersion: '1.4', version: 1,
    metadata: { component: { type: 'container', name: 'debian', version: 'sha256:abc' } },
    components: [
      { type: 'operating-system', name: 'Debian', version: '12', description: 'Debian GNU/Linux 12 (bookworm)' },
      {
        type: 'library', name: 'bash', version: '5.2.15-2+b2', purl: 'pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&upstream=bash%405.2.15-2&distro=debian-12',
        licenses: [{ expression: 'GPL-3.0-or-later' }],
        properties: [{ name: 'syft:location:0:path', value: '/var/lib/dpkg/status' }, { name: 'syft:location:0:layerID', value: 'sha256:111' }],
        components: [{ type: 'library', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', licenses: [{ license: { name: 'custom' } }] }],
      },
      'not an object',
      { type: 'library', name: 'bad', purl: 'pkg:' },
    ],
  };
  const read = parseSbom(JSON.stringify(doc), 'in.cdx.json');
  assert.equal(read.subject, 'debian@sha256:abc');
  assert.deepEqual(read.os, { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', source: 'in.cdx.json ($.components[0])' });
  assert.deepEqual(read.packages.map((p) => [p.type, p.name, p.version, p.ecosystem, p.source, p.licenses, p.locations]), [
    ['deb', 'bash', '5.2.15-2+b2', 'Debian:12', { name: 'bash', version: '5.2.15-2' }, ['GPL-3.0-or-later'], [{ path: 'var/lib/dpkg/status', layerDigest: 'sha256:111', layerIndex: -1 }]],
    ['npm', 'lodash', '4.17.20', 'npm', undefined, ['custom'], []],
  ]);
  assert.equal(read.notes.length, 2);
  assert.match(read.notes[0]!, /^in\.cdx\.json: \$\.components\[2\]: a component must be an object$/);
  assert.match(read.notes[1]!, /^in\.cdx\.json: \$\.components\[3\]: invalid package URL/);
});

test('errors name the file and JSON path', async () => {
  assert.throws(() => parseSbom('{"bomFormat":', 'a.json'), (e: Error) => e instanceof SbomError && e.message.startsWith('a.json: not JSON'));
  assert.throws(() => parseSbom('[]', 'a.json'), (e: Error) => e instanceof SbomError && e.message === 'a.json: $: an SBOM is a JSON object');
  assert.throws(() => parseSbom('{"hello":1}', 'a.json'), /a\.json: neither a CycloneDX JSON SBOM .* nor an SPDX JSON one/);
  assert.throws(() => parseSbom('{"bomFormat":"CycloneDX","specVersion":"1.2"}', 'a.json'), /a\.json: \$\.specVersion: CycloneDX 1\.2 is not supported/);
  assert.throws(() => parseSbom('{"bomFormat":"CycloneDX","specVersion":"1.5","components":{}}', 'a.json'), /a\.json: \$\.components: must be an array/);
  assert.throws(() => parseSbom('{"spdxVersion":"SPDX-2.1"}', 'a.json'), /a\.json: \$\.spdxVersion: SPDX-2\.1 is not supported/);
  assert.throws(() => parseSbom('{"spdxVersion":"SPDX-2.2","packages":7}', 'a.json'), /a\.json: \$\.packages: must be an array/);
  await assert.rejects(readSbom('/nonexistent/kubeward.json'), /\/nonexistent\/kubeward\.json: cannot read: ENOENT/);
});

test('readSbom reads a file from disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-sbom-'));
  try {
    const file = join(dir, 'syft.spdx.json');
    await writeFile(file, JSON.stringify(SYFT_SPDX));
    const read = await readSbom(file);
    assert.equal(read.packages.length, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('deeply nested components are bounded, not a stack overflow', () => {
  const depth = 3000;
  const leaf = '{"type":"library","name":"leaf","version":"1.0.0","purl":"pkg:npm/leaf@1.0.0"}';
  const nested = '{"type":"library","name":"n","components":['.repeat(depth) + leaf + ']}'.repeat(depth);
  const read = parseSbom(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${nested}]}`, 'deep.json');
  assert.equal(read.packages.length, 0);
  assert.match(read.notes[0]!, /nested deeper than 64 levels/);
});

test('ecosystems from purl types and distro qualifiers (OSV ecosystem names)', () => {
  const eco = (purl: string) => {
    const r = readPurl(purl);
    return r.ok ? r.facts.ecosystem : `not ok: ${r.unsupportedType ?? r.error}`;
  };
  assert.equal(eco('pkg:deb/debian/bash@5.2?distro=debian-12'), 'Debian:12');
  assert.equal(eco('pkg:deb/debian/bash@5.2?distro=debian-12.5'), 'Debian:12');
  assert.equal(eco('pkg:deb/ubuntu/bash@5.1?distro=ubuntu-22.04'), 'Ubuntu:22.04:LTS');
  assert.equal(eco('pkg:deb/ubuntu/bash@5.2?distro=ubuntu-23.10'), 'Ubuntu:23.10');
  assert.equal(eco('pkg:apk/alpine/musl@1.2?distro=alpine-3.18.4'), 'Alpine:v3.18');
  assert.equal(eco('pkg:apk/alpine/musl@1.2?distro=3.10.2'), 'Alpine:v3.10'); // Trivy writes the version only
  assert.equal(eco('pkg:rpm/almalinux/bash@5.1-6.el9?distro=almalinux-9.3'), 'AlmaLinux:9');
  assert.equal(eco('pkg:rpm/rocky/bash@5.1?distro=rocky-8.9'), 'Rocky Linux:8');
  assert.equal(eco('pkg:rpm/redhat/bash@5.1?distro=rhel-9.3'), undefined);
  assert.equal(eco('pkg:deb/debian/bash@5.2'), undefined);
  assert.equal(eco('pkg:pypi/requests@2.31.0'), 'PyPI');
  assert.equal(eco('pkg:golang/github.com/a/b@v1.0.0'), 'Go');
  assert.equal(eco('pkg:maven/org.x/y@1.0'), 'Maven');
  assert.equal(eco('pkg:cargo/serde@1.0.0'), 'not ok: cargo');
  const maven = readPurl('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1');
  assert.ok(maven.ok && maven.facts.name === 'org.apache.logging.log4j:log4j-core' && maven.facts.namespace === 'org.apache.logging.log4j');
  const scoped = readPurl('pkg:npm/%40babel/core@7.24.0');
  assert.ok(scoped.ok && scoped.facts.name === '@babel/core');
  assert.equal(ecosystemFor('deb', { id: 'debian' }), undefined);
});

test('property: any purl packageurl-js writes is read back to the same name, version and qualifiers', () => {
  const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._~+ -]{0,15}$/);
  fc.assert(
    fc.property(fc.constantFrom('deb', 'apk', 'rpm', 'npm', 'pypi', 'golang', 'maven'), fc.option(segment, { nil: undefined }), segment, segment, fc.option(segment, { nil: undefined }), (type, namespace, name, version, arch) => {
      const ns = type === 'maven' || type === 'golang' ? (namespace ?? 'org') : namespace;
      // packageurl-js 2.0.1 validates golang versions as `v`-prefixed semver (and throws a ReferenceError otherwise).
      const v = type === 'golang' ? `v${version.length}.0.${name.length}` : version;
      const purl = new PackageURL(type, ns, name, v, arch ? { arch } : undefined, undefined).toString();
      const reading = readPurl(purl);
      if (!reading.ok) return false;
      const back = PackageURL.fromString(purl);
      assert.equal(reading.facts.version, back.version);
      assert.equal(reading.facts.type, type);
      assert.equal(reading.facts.arch, back.qualifiers?.arch || undefined);
      const expectedName = !back.namespace ? back.name : type === 'maven' ? `${back.namespace}:${back.name}` : type === 'npm' || type === 'golang' ? `${back.namespace}/${back.name}` : back.name;
      assert.equal(reading.facts.name, expectedName);
      return true;
    }),
    { numRuns: 300 },
  );
});

test('property: arbitrary text never crashes the reader, it is read or rejected with SbomError', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
      const doc = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, bomFormat: 'CycloneDX', specVersion: '1.6' } : value;
      try {
        parseSbom(JSON.stringify(doc), 'fuzz.json');
      } catch (error) {
        assert.ok(error instanceof SbomError, String(error));
      }
    }),
    { numRuns: 300 },
  );
});
