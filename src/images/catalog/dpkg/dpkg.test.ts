import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { PackageURL } from 'packageurl-js';
import { requireTool } from '../../../../test/e2e-tools.js';
import { layerOf, type TarEntrySpec } from '../../layers/fixtures.js';
import { walkLayers } from '../../layers/index.js';
import { osReleaseCataloger } from '../os-release/index.js';
import { dpkgCataloger, dpkgEcosystem, readStatus } from './index.js';

const STATUS = `Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12986
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Depends: libgcc-s1
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.
 .
 This package includes shared versions of the standard C library.

Package: bash
Essential: yes
Status: install ok installed
Architecture: amd64
Source: bash (5.2.15-2)
Version: 5.2.15-2+b2
Description: GNU Bourne Again SHell
 Bash is an sh-compatible command language interpreter.
Conffiles:
 /etc/bash.bashrc 89269e1298235f1b12b4c16e4065ad0d
 /etc/skel/.bashrc 0c6e0ba0a2e89b3f3f6fa1e7b2c0d0f5

Package: oldpkg
Status: deinstall ok config-files
Architecture: all
Version: 1.0-1
Description: removed, configuration kept

package: tzdata
status: install ok installed
architecture: all
version: 2024a-0+deb12u1
description: time zone and daylight-saving time data
`;

const OS_RELEASE = 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';

function purlParts(purl: string) {
  const p = PackageURL.fromString(purl);
  return [p.type, p.namespace, p.name, p.version, { ...p.qualifiers }];
}

async function scan(entries: TarEntrySpec[]) {
  const result = await walkLayers([await layerOf(entries)], [osReleaseCataloger(), dpkgCataloger()]);
  return result.outputs.get('dpkg')!;
}

test('dpkg status: installed packages only, Source with and without version, purls as syft writes them', async () => {
  const output = await scan([
    { name: 'etc/os-release', content: OS_RELEASE },
    { name: 'var/lib/dpkg/status', content: STATUS },
  ]);
  assert.deepEqual(output.notes, []);
  const location = output.packages[0]!.locations[0]!;
  assert.equal(location.path, 'var/lib/dpkg/status');
  // Compared parsed: the expected components are the point, not packageurl-js's choice of escapes.
  assert.deepEqual(
    output.packages.map((p) => ({ ...p, purl: purlParts(p.purl), locations: undefined })),
    [
      {
        type: 'deb',
        name: 'libc6',
        version: '2.36-9+deb12u4',
        purl: ['deb', 'debian', 'libc6', '2.36-9+deb12u4', { arch: 'amd64', distro: 'debian-12', upstream: 'glibc' }],
        ecosystem: 'Debian:12',
        source: { name: 'glibc', version: '2.36-9+deb12u4' },
        arch: 'amd64',
        locations: undefined,
      },
      {
        type: 'deb',
        name: 'bash',
        version: '5.2.15-2+b2',
        purl: ['deb', 'debian', 'bash', '5.2.15-2+b2', { arch: 'amd64', distro: 'debian-12', upstream: 'bash@5.2.15-2' }],
        ecosystem: 'Debian:12',
        source: { name: 'bash', version: '5.2.15-2' },
        arch: 'amd64',
        locations: undefined,
      },
      {
        type: 'deb',
        name: 'tzdata',
        version: '2024a-0+deb12u1',
        purl: ['deb', 'debian', 'tzdata', '2024a-0+deb12u1', { arch: 'all', distro: 'debian-12' }],
        ecosystem: 'Debian:12',
        source: { name: 'tzdata', version: '2024a-0+deb12u1' },
        arch: 'all',
        locations: undefined,
      },
    ],
  );
});

test('distroless status.d: one stanza per file, no Status, md5sums ignored', async () => {
  const output = await scan([
    { name: 'etc/os-release', content: OS_RELEASE },
    { name: 'var/lib/dpkg/status.d/base', content: 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\nLicense: GPL-2.0\n' },
    { name: 'var/lib/dpkg/status.d/tzdata', content: 'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n' },
    { name: 'var/lib/dpkg/status.d/tzdata.md5sums', content: 'd41d8cd98f00b204e9800998ecf8427e  usr/share/zoneinfo/UTC\n' },
  ]);
  assert.deepEqual(
    output.packages.map((p) => [p.name, p.version, p.locations[0]!.path, p.licenses]),
    [
      ['base-files', '12.4+deb12u5', 'var/lib/dpkg/status.d/base', ['GPL-2.0']],
      ['tzdata', '2024a-0+deb12u1', 'var/lib/dpkg/status.d/tzdata', undefined],
    ],
  );
});

test('bad stanzas become notes with line numbers; the others are kept', async () => {
  const text = 'Package: good\nVersion: 1\n\nPackage: noversion\nStatus: install ok installed\n\ngarbage line\nPackage: also-good\nVersion: 2\nSource: (broken\n';
  const extract = await readStatus('var/lib/dpkg/status', Readable.from([text]));
  assert.deepEqual(extract.records.map((r) => r.name), ['good', 'also-good']);
  assert.deepEqual(extract.notes, [
    'dpkg: var/lib/dpkg/status line 4: package stanza without Version; skipped',
    'dpkg: var/lib/dpkg/status line 7: expected "Field: value"',
    'dpkg: var/lib/dpkg/status line 7: unreadable Source "(broken"',
  ]);
});

test('ecosystems: Debian major, Ubuntu release with LTS, nothing for other dpkg distributions', () => {
  assert.equal(dpkgEcosystem({ id: 'debian', versionId: '12', source: '' }), 'Debian:12');
  assert.equal(dpkgEcosystem({ id: 'debian', codename: 'trixie', source: '' }), 'Debian:13');
  assert.equal(dpkgEcosystem({ id: 'ubuntu', versionId: '22.04', prettyName: 'Ubuntu 22.04.3 LTS', source: '' }), 'Ubuntu:22.04:LTS');
  assert.equal(dpkgEcosystem({ id: 'ubuntu', versionId: '23.10', prettyName: 'Ubuntu 23.10', source: '' }), 'Ubuntu:23.10');
  assert.equal(dpkgEcosystem({ id: 'linuxmint', versionId: '21', source: '' }), undefined);
  assert.equal(dpkgEcosystem(undefined), undefined);
});

test('stanzas with continuation lines round-trip whatever the chunking (property)', async () => {
  const token = fc.stringMatching(/^[a-z0-9][a-z0-9.+~-]{0,12}$/);
  // A continuation line holds more than whitespace: a blank one would end the stanza (policy 5.1).
  const record = fc.record({ name: token, version: token, description: fc.array(fc.stringMatching(/^[!-~][ -~]{0,30}$/), { maxLength: 3 }) });
  await fc.assert(
    fc.asyncProperty(fc.array(record, { maxLength: 6 }), fc.integer({ min: 1, max: 40 }), async (records, chunk) => {
      const text = records
        .map((r) => `Package: ${r.name}\nVersion: ${r.version}\nDescription: short\n${r.description.map((d) => ` ${d}\n`).join('')}`)
        .join('\n');
      const chunks = [];
      for (let i = 0; i < text.length; i += chunk) chunks.push(Buffer.from(text.slice(i, i + chunk)));
      const extract = await readStatus('status', Readable.from(chunks));
      assert.deepEqual(extract.records.map((r) => [r.name, r.version]), records.map((r) => [r.name, r.version]));
      assert.deepEqual(extract.notes, []);
    }),
  );
});

test('the host dpkg database matches dpkg-query', { skip: requireTool('dpkg-query', ['--version']) }, async () => {
  const oracle = execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Status}\t${Package}\t${Version}\t${source:Package}\t${source:Version}\n'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\n')
    .filter((line) => line.startsWith('installed\t'))
    .map((line) => line.split('\t').slice(1).join('\t'))
    .sort();
  assert.ok(oracle.length > 10, 'the host has packages');
  const output = await scan([{ name: 'var/lib/dpkg/status', content: await readFile('/var/lib/dpkg/status') }]);
  const ours = output.packages.map((p) => [p.name, p.version, p.source!.name, p.source!.version].join('\t')).sort();
  assert.deepEqual(ours, oracle);
  assert.deepEqual(output.notes, []);
});
