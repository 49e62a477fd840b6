import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import { vulnerabilityFinding } from '../vulnerability-finding.js';
import type { ImageReport, Package } from '../model.js';
import { imagePurl, parseSbom, toCycloneDx, toSpdx, uuidV5 } from './index.js';

const NOW = new Date('2024-05-06T07:08:09Z');
const DIGEST = `sha256:${'a'.repeat(64)}`;
const L0 = `sha256:${'0'.repeat(64)}`;
const L1 = `sha256:${'1'.repeat(64)}`;

export function fixtureReport(): ImageReport {
  const packages: Package[] = [
    {
      type: 'apk', name: 'sqlite-libs', version: '3.26.0-r3', purl: 'pkg:apk/alpine/sqlite-libs@3.26.0-r3?arch=x86_64&distro=alpine-3.9.2',
      ecosystem: 'Alpine:v3.9', source: { name: 'sqlite', version: '3.26.0-r3' }, arch: 'x86_64', licenses: ['blessing'],
      locations: [{ path: 'lib/apk/db/installed', layerIndex: 0, layerDigest: L0 }],
    },
    {
      type: 'apk', name: 'musl', version: '1.1.20-r4', purl: 'pkg:apk/alpine/musl@1.1.20-r4?arch=x86_64&distro=alpine-3.9.2',
      ecosystem: 'Alpine:v3.9', arch: 'x86_64', licenses: ['MIT'],
      locations: [{ path: 'lib/apk/db/installed', layerIndex: 0, layerDigest: L0 }, { path: 'lib/apk/db/installed', layerIndex: 1, layerDigest: L1 }],
    },
    {
      type: 'npm', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0', ecosystem: 'npm', licenses: ['WTFPL'],
      locations: [{ path: 'app/node_modules/left-pad/package.json', layerIndex: 1, layerDigest: L1 }],
    },
    {
      type: 'npm', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0', ecosystem: 'npm', licenses: ['MIT', 'Apache-2.0'],
      locations: [{ path: 'opt/tool/node_modules/left-pad/package.json', layerIndex: 1, layerDigest: L1 }],
    },
    {
      type: 'npm', name: '@babel/core', version: '7.24.0', purl: 'pkg:npm/%40babel/core@7.24.0', ecosystem: 'npm',
      locations: [{ path: 'app/node_modules/@babel/core/package.json', layerIndex: 1, layerDigest: L1 }],
    },
    {
      type: 'maven', name: 'org.apache.logging.log4j:log4j-core', namespace: 'org.apache.logging.log4j', version: '2.14.1',
      purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', ecosystem: 'Maven', licenses: ['Apache-2.0'],
      locations: [{ path: 'app/lib/log4j-core-2.14.1.jar', layerIndex: 1, layerDigest: L1 }],
    },
    {
      type: 'pypi', name: 'requests', version: '2.31.0', purl: 'pkg:pypi/requests@2.31.0', ecosystem: 'PyPI', licenses: ['Apache-2.0'],
      locations: [{ path: 'usr/lib/python3/site-packages/requests-2.31.0.dist-info/METADATA', layerIndex: 1, layerDigest: L1 }],
    },
    {
      type: 'golang', name: 'github.com/gin-gonic/gin', namespace: 'github.com/gin-gonic', version: 'v1.9.0', purl: 'pkg:golang/github.com/gin-gonic/gin@v1.9.0', ecosystem: 'Go',
      locations: [{ path: 'usr/local/bin/server', layerIndex: 1, layerDigest: L1 }],
    },
  ];
  return {
    reference: '127.0.0.1:5000/demo/alpine:3.9', repository: '127.0.0.1:5000/demo/alpine', tag: '3.9', manifestDigest: DIGEST, platform: 'linux/amd64',
    os: { id: 'alpine', versionId: '3.9.2', prettyName: 'Alpine Linux v3.9', source: 'etc/os-release' },
    layers: [{ digest: L0, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 10 }, { digest: L1, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 20 }],
    packages,
  };
}

function findings(report: ImageReport) {
  const image = { reference: report.reference, digest: report.manifestDigest, platform: report.platform };
  const sqlite = report.packages[0]!;
  const pad = report.packages[3]!;
  return [
    vulnerabilityFinding({
      image, pkg: { type: 'apk', name: sqlite.name, version: sqlite.version, purl: sqlite.purl, path: 'lib/apk/db/installed', layerDigest: L0 },
      advisoryId: 'ALPINE-CVE-2019-5018', aliases: ['CVE-2019-5018'], fixedVersion: '3.28.0-r0',
      severity: { severity: 'high', basis: 'cvss:3.0 8.1 (…)', score: 8.1, vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H' },
      references: [], foundBy: ['kubeward'],
    }),
    vulnerabilityFinding({
      image, pkg: { type: 'npm', name: pad.name, version: pad.version, purl: pad.purl, path: 'opt/tool/node_modules/left-pad/package.json' },
      advisoryId: 'GHSA-0000-0000-0000', aliases: [], severity: { severity: 'low', basis: 'vendor: LOW' }, references: [], foundBy: ['kubeward', 'grype'],
    }),
  ];
}

/**
 * The library's own strict JSON validator; it needs ajv, ajv-formats and ajv-formats-draft2019. Without the
 * last one the same check is made with ajv + the schema files the library ships (as its validator does).
 */
async function validateCycloneDx16(json: string): Promise<unknown> {
  try {
    return await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(json);
  } catch (error) {
    if (!(error instanceof Validation.MissingOptionalDependencyError)) throw error;
  }
  const require = createRequire(import.meta.url);
  const schemaDir = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
  const load = async (name: string) => JSON.parse(await readFile(join(schemaDir, name), 'utf8'));
  // ajv and ajv-formats are CommonJS: their constructors are the modules' `default` export.
  const Ajv = require('ajv').default as typeof import('ajv').default;
  const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
  const ajv = new Ajv({ strict: false, useDefaults: false, addUsedSchema: false,
    schemas: {
      'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': await load('spdx.SNAPSHOT.schema.json'),
      'http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json': await load('cryptography-defs.SNAPSHOT.schema.json'),
      'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': await load('jsf-0.82.SNAPSHOT.schema.json'),
    } });
  addFormats(ajv);
  ajv.addFormat('idn-email', true);
  ajv.addFormat('iri-reference', true);
  const validate = ajv.compile(await load('bom-1.6.SNAPSHOT.schema.json'));
  return validate(JSON.parse(json)) ? null : validate.errors;
}

test('uuidV5 matches the RFC 9562 / Python uuid5 reference value', () => {
  // Python docs: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') == 886313e1-3b8a-5372-9b90-0c9aee199e5d
  assert.equal(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
});

test('image purl: oci type, last path segment, encoded digest, repository_url and tag', () => {
  const purl = imagePurl({ repository: '127.0.0.1:5000/demo/Alpine', manifestDigest: DIGEST, tag: '3.9' });
  assert.equal(purl, `pkg:oci/alpine@sha256%3A${'a'.repeat(64)}?repository_url=127.0.0.1%3A5000%2Fdemo%2FAlpine&tag=3.9`);
  const parsed = PackageURL.fromString(purl);
  assert.equal(parsed.type, 'oci');
  assert.equal(parsed.version, DIGEST);
  assert.deepEqual({ ...parsed.qualifiers }, { repository_url: '127.0.0.1:5000/demo/Alpine', tag: '3.9' });
});

test('CycloneDX 1.6: valid per the schema, with and without vulnerabilities', async () => {
  const report = fixtureReport();
  for (const json of [toCycloneDx(report, { toolVersion: '1.2.3', now: NOW }), toCycloneDx(report, { toolVersion: '1.2.3', now: NOW, findings: findings(report) })]) {
    assert.equal(await validateCycloneDx16(json), null);
  }
  // The validator does reject what the schema forbids.
  const broken = JSON.parse(toCycloneDx(report, { toolVersion: '1.2.3', now: NOW }));
  broken.components[1].type = 'not-a-type';
  assert.notEqual(await validateCycloneDx16(JSON.stringify(broken)), null);
});

test('CycloneDX: image, OS and package components, unique bom-refs, dependencies on every component', () => {
  const report = fixtureReport();
  const bom = JSON.parse(toCycloneDx(report, { toolVersion: '1.2.3', now: NOW }));
  assert.equal(bom.bomFormat, 'CycloneDX');
  assert.equal(bom.specVersion, '1.6');
  assert.match(bom.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(bom.metadata.timestamp, '2024-05-06T07:08:09.000Z');
  assert.deepEqual(bom.metadata.tools.components.map((c: { name: string; version: string }) => [c.name, c.version]), [['kubeward', '1.2.3']]);
  const image = bom.metadata.component;
  assert.equal(image.type, 'container');
  assert.equal(image.name, report.repository);
  assert.equal(image.version, DIGEST);
  assert.equal(image.purl, imagePurl(report));
  const [os, ...libs] = bom.components;
  assert.deepEqual([os.type, os.name, os.version], ['operating-system', 'alpine', '3.9.2']);
  assert.equal(libs.length, report.packages.length);
  assert.ok(libs.every((c: { type: string }) => c.type === 'library'));
  const refs = [image['bom-ref'], ...bom.components.map((c: { 'bom-ref': string }) => c['bom-ref'])];
  assert.equal(new Set(refs).size, refs.length);
  // The two left-pad packages share a purl: their refs are told apart by path.
  const padRefs = libs.filter((c: { name: string }) => c.name === 'left-pad').map((c: { 'bom-ref': string }) => c['bom-ref']);
  assert.deepEqual(padRefs, [
    'pkg:npm/left-pad@1.3.0?path=app%2Fnode_modules%2Fleft-pad%2Fpackage.json',
    'pkg:npm/left-pad@1.3.0?path=opt%2Ftool%2Fnode_modules%2Fleft-pad%2Fpackage.json',
  ]);
  const dependsOn = bom.dependencies.find((d: { ref: string }) => d.ref === image['bom-ref']).dependsOn;
  assert.deepEqual(new Set(dependsOn), new Set(refs.slice(1)));
  const sqlite = libs[0];
  assert.equal(sqlite.purl, report.packages[0]!.purl);
  assert.deepEqual(sqlite.licenses, [{ license: { id: 'blessing' } }]);
  const prop = (name: string) => sqlite.properties.filter((p: { name: string }) => p.name === name).map((p: { value: string }) => p.value);
  assert.deepEqual(prop('kubeward:package:path'), ['lib/apk/db/installed']);
  assert.deepEqual(prop('kubeward:layer:digest'), [L0]);
  assert.deepEqual(prop('kubeward:package:source-name'), ['sqlite']);
  assert.deepEqual(prop('kubeward:package:source-version'), ['3.26.0-r3']);
  const wtfpl = libs[2];
  assert.deepEqual(wtfpl.licenses, [{ license: { id: 'WTFPL' } }]);
});

test('CycloneDX vulnerabilities: id, source, rating, affects the component, recommendation', () => {
  const report = fixtureReport();
  const bom = JSON.parse(toCycloneDx(report, { toolVersion: '1.2.3', now: NOW, findings: findings(report) }));
  assert.equal(bom.vulnerabilities.length, 2);
  const [alpine, ghsa] = bom.vulnerabilities;
  assert.equal(alpine.id, 'ALPINE-CVE-2019-5018');
  assert.equal(alpine.source.url, 'https://osv.dev/vulnerability/ALPINE-CVE-2019-5018');
  assert.deepEqual(alpine.references.map((r: { id: string }) => r.id), ['CVE-2019-5018']);
  assert.deepEqual(alpine.ratings[0].severity, 'high');
  assert.equal(alpine.ratings[0].vector, 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H');
  assert.equal(alpine.ratings[0].method, 'CVSSv3');
  assert.equal(alpine.ratings[0].score, 8.1);
  assert.deepEqual(alpine.affects, [{ ref: report.packages[0]!.purl }]);
  assert.equal(alpine.recommendation, 'upgrade sqlite-libs to 3.28.0-r0 or later');
  assert.deepEqual(alpine.analysis.response, ['update']);
  assert.match(alpine.analysis.detail, /3\.28\.0-r0/);
  // Found in the second left-pad (by path), not the first.
  assert.deepEqual(ghsa.affects, [{ ref: 'pkg:npm/left-pad@1.3.0?path=opt%2Ftool%2Fnode_modules%2Fleft-pad%2Fpackage.json' }]);
  assert.equal(ghsa.ratings[0].severity, 'low');
  assert.equal(ghsa.ratings[0].vector, undefined);
});

test('SBOMs are deterministic given the time, and differ with it', () => {
  const report = fixtureReport();
  assert.equal(toCycloneDx(report, { toolVersion: '1', now: NOW }), toCycloneDx(report, { toolVersion: '1', now: NOW }));
  assert.equal(toSpdx(report, { toolVersion: '1', now: NOW }), toSpdx(report, { toolVersion: '1', now: NOW }));
  const later = new Date(NOW.getTime() + 1000);
  assert.notEqual(JSON.parse(toSpdx(report, { toolVersion: '1', now: NOW })).documentNamespace, JSON.parse(toSpdx(report, { toolVersion: '1', now: later })).documentNamespace);
});

const SPDX_ID = /^SPDXRef-[A-Za-z0-9.-]+$/;

test('SPDX 2.3: document fields, packages, ids and relationships per the spec', () => {
  const report = fixtureReport();
  const doc = JSON.parse(toSpdx(report, { toolVersion: '1.2.3', now: NOW }));
  // §6: document creation information.
  assert.equal(doc.spdxVersion, 'SPDX-2.3');
  assert.equal(doc.dataLicense, 'CC0-1.0');
  assert.equal(doc.SPDXID, 'SPDXRef-DOCUMENT');
  assert.equal(doc.name, report.reference);
  assert.match(doc.documentNamespace, /^https:\/\/kubeward\.dev\/spdxdocs\/127\.0\.0\.1-5000-demo-alpine-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(!doc.documentNamespace.includes('#'));
  assert.equal(doc.creationInfo.created, '2024-05-06T07:08:09Z');
  assert.deepEqual(doc.creationInfo.creators, ['Tool: kubeward-1.2.3']);
  // §7: each package has the mandatory fields.
  assert.equal(doc.packages.length, report.packages.length + 2);
  for (const p of doc.packages) {
    assert.match(p.SPDXID, SPDX_ID);
    assert.equal(typeof p.name, 'string');
    assert.equal(p.downloadLocation, 'NOASSERTION');
    assert.equal(p.filesAnalyzed, false);
    assert.equal(p.supplier, 'NOASSERTION');
    assert.ok(p.licenseConcluded);
    assert.ok(p.licenseDeclared);
  }
  const ids = doc.packages.map((p: { SPDXID: string }) => p.SPDXID);
  assert.equal(new Set(ids).size, ids.length);
  const [image, os, sqlite] = doc.packages;
  assert.equal(image.primaryPackagePurpose, 'CONTAINER');
  assert.equal(image.externalRefs[0].referenceLocator, imagePurl(report));
  assert.equal(os.primaryPackagePurpose, 'OPERATING-SYSTEM');
  assert.equal(sqlite.versionInfo, '3.26.0-r3');
  assert.deepEqual(sqlite.externalRefs, [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: report.packages[0]!.purl }]);
  assert.equal(sqlite.licenseDeclared, 'blessing');
  assert.match(sqlite.sourceInfo, /acquired package info from lib\/apk\/db\/installed, layer sha256:0{64}/);
  const both = doc.packages.find((p: { licenseDeclared: string }) => p.licenseDeclared === 'MIT AND Apache-2.0');
  assert.ok(both, 'two licenses are joined with AND');
  // §11: DESCRIBES the image, which CONTAINS everything else; every id referenced exists.
  assert.deepEqual(doc.relationships[0], { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: image.SPDXID });
  const contains = doc.relationships.filter((r: { relationshipType: string }) => r.relationshipType === 'CONTAINS');
  assert.deepEqual(contains.map((r: { relatedSpdxElement: string }) => r.relatedSpdxElement), ids.slice(1));
  assert.ok(contains.every((r: { spdxElementId: string }) => r.spdxElementId === image.SPDXID));
});

test('SPDX: unlisted licenses are NOASSERTION with a comment; ids stay valid for odd names', () => {
  const report = fixtureReport();
  report.packages = [
    { type: 'deb', name: 'libc6', version: '2.36-9+deb12u4', purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?distro=debian-12', licenses: ['GPL-2+', 'LGPL-2.1'], locations: [] },
    { type: 'npm', name: '@scope/ü pkg', version: '1.0.0', purl: 'pkg:npm/%40scope/x@1.0.0', licenses: ['(MIT OR Apache-2.0)', 'GPL-2.0-only WITH Classpath-exception-2.0'], locations: [] },
    { type: 'npm', name: '@scope/ü pkg', version: '1.0.0', purl: 'pkg:npm/%40scope/x@1.0.0', locations: [] },
  ];
  const doc = JSON.parse(toSpdx(report, { toolVersion: '1', now: NOW }));
  const [, , libc, odd, odd2] = doc.packages;
  assert.equal(libc.licenseDeclared, 'NOASSERTION');
  assert.match(libc.licenseComments, /GPL-2\+/);
  assert.equal(odd.licenseDeclared, '(MIT OR Apache-2.0) AND (GPL-2.0-only WITH Classpath-exception-2.0)');
  for (const p of [libc, odd, odd2]) assert.match(p.SPDXID, SPDX_ID);
  assert.notEqual(odd.SPDXID, odd2.SPDXID);
});

test('round trip: toCycloneDx → readSbom gives back the same packages, OS and subject', () => {
  const report = fixtureReport();
  const read = parseSbom(toCycloneDx(report, { toolVersion: '1', now: NOW }), 'kubeward.cdx.json');
  assert.deepEqual(read.packages, report.packages);
  assert.deepEqual(read.os, report.os);
  assert.equal(read.subject, report.reference);
  assert.deepEqual(read.notes, []);
});

test('round trip: toSpdx → readSbom gives back the same packages', () => {
  const report = fixtureReport();
  const read = parseSbom(toSpdx(report, { toolVersion: '1', now: NOW }), 'kubeward.spdx.json');
  assert.deepEqual(read.packages, report.packages);
  assert.deepEqual(read.os, report.os);
  assert.equal(read.subject, report.reference);
});

test('an SBOM of a report without digest (read from an SBOM) is still valid', async () => {
  const report = { ...fixtureReport(), manifestDigest: '', platform: '' };
  delete report.tag;
  const json = toCycloneDx(report, { toolVersion: '1', now: NOW });
  assert.equal(await validateCycloneDx16(json), null);
  assert.equal(JSON.parse(json).metadata.component.version, undefined);
  assert.equal(JSON.parse(toSpdx(report, { toolVersion: '1', now: NOW })).packages[0].versionInfo, undefined);
});
