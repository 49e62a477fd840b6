import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { PackageURL } from 'packageurl-js';
import { layerOf } from '../../layers/fixtures.js';
import { walkLayers } from '../../layers/index.js';
import { osReleaseCataloger } from '../os-release/index.js';
import { apkCataloger, apkEcosystem, readInstalled } from './index.js';

// Shape of a real Alpine 3.18 lib/apk/db/installed (fields per the apk spec).
const INSTALLED = `C:Q1Ef0cTKuFa8rfHF+8kB1jZVJIbZk=
P:musl
V:1.2.4-r2
A:x86_64
S:383152
I:622592
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1698327640
c:7f9f8f5c2cc2f5e1cd8d4b64ce3b0f71d8a8a5e0
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1jZmmBWVCs8zMvTK2x5ynJJe4ZpM=

C:Q1VmSTX3Mz5jWwI8dgpNB2LmX8SiE=
P:libcrypto3
V:3.1.4-r0
A:x86_64
L:Apache-2.0
o:openssl
F:usr/lib
R:libcrypto.so.3

P:broken
A:x86_64
`;

test('apk installed database: origin as source, purls and ecosystem, a package without version noted', async () => {
  const layer = await layerOf([
    { name: 'etc/os-release', content: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4\n' },
    { name: 'lib/apk/db/installed', content: INSTALLED },
  ]);
  const output = (await walkLayers([layer], [osReleaseCataloger(), apkCataloger()])).outputs.get('apk')!;
  assert.deepEqual(output.notes, ['apk: lib/apk/db/installed line 29: package broken has no version (V:); skipped']);
  assert.deepEqual(
    output.packages.map((p) => [p.name, p.version, p.arch, p.source, p.licenses, p.ecosystem, p.locations[0]!.path]),
    [
      ['musl', '1.2.4-r2', 'x86_64', { name: 'musl', version: '1.2.4-r2' }, ['MIT'], 'Alpine:v3.18', 'lib/apk/db/installed'],
      ['libcrypto3', '3.1.4-r0', 'x86_64', { name: 'openssl', version: '3.1.4-r0' }, ['Apache-2.0'], 'Alpine:v3.18', 'lib/apk/db/installed'],
    ],
  );
  const purl = PackageURL.fromString(output.packages[1]!.purl);
  assert.deepEqual([purl.type, purl.namespace, purl.name, purl.version, { ...purl.qualifiers }], [
    'apk',
    'alpine',
    'libcrypto3',
    '3.1.4-r0',
    { arch: 'x86_64', distro: 'alpine-3.18.4', upstream: 'openssl' },
  ]);
});

test('usr/lib/apk/db/installed is read too (newer apk layout); CRLF tolerated', async () => {
  const extract = await readInstalled('usr/lib/apk/db/installed', Readable.from(['P:busybox\r\nV:1.36.1-r5\r\n\r\n']));
  assert.deepEqual(extract, { records: [{ name: 'busybox', version: '1.36.1-r5' }], notes: [] });
});

test('apk ecosystems', () => {
  assert.equal(apkEcosystem({ id: 'alpine', versionId: '3.19.0_alpha20231219', source: '' }), 'Alpine:v3.19');
  assert.equal(apkEcosystem({ id: 'wolfi', versionId: '20230201', source: '' }), 'Wolfi');
  assert.equal(apkEcosystem({ id: 'chainguard', source: '' }), 'Chainguard');
  assert.equal(apkEcosystem({ id: 'postmarketos', source: '' }), undefined);
});
