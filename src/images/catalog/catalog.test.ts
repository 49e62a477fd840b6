import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layerOf } from '../layers/fixtures.js';
import { CATALOGER_NAMES, catalogImage, osCatalogers } from './index.js';

test('catalogImage: one walk, packages from every cataloger in a stable order, notes gathered', async () => {
  const base = await layerOf([
    { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.18.4\n' },
    { name: 'lib/apk/db/installed', content: 'P:zlib\nV:1.3-r2\nA:x86_64\n\nP:busybox\nV:1.36.1-r5\nA:x86_64\n\nP:nover\n' },
  ]);
  const top = await layerOf([{ name: '../escape', content: 'x' }, { name: 'var/lib/dpkg/status', content: 'Package: stray\nVersion: 1\n' }], { gzip: true });
  const catalog = await catalogImage([base, top], osCatalogers());
  assert.deepEqual(CATALOGER_NAMES, ['os-release', 'dpkg', 'apk', 'rpm']);
  assert.equal(catalog.os?.id, 'alpine');
  assert.deepEqual(catalog.packages.map((p) => `${p.type}:${p.name}@${p.version}`), ['apk:busybox@1.36.1-r5', 'apk:zlib@1.3-r2', 'deb:stray@1']);
  assert.equal(catalog.packages[2]!.ecosystem, undefined); // dpkg on Alpine: no OSV ecosystem
  assert.ok(catalog.notes.some((n) => n.includes('../escape')));
  assert.ok(catalog.notes.some((n) => n.includes('nover')));
  assert.ok(catalog.files.has('lib/apk/db/installed'));
});
