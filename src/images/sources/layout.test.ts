import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import tar from 'tar-stream';
import { DigestMismatchError, ImageSourceError } from '../model.js';
import { listLayoutRefs, openImageSource } from './index.js';
import { ImageStore, OCI_INDEX, randomLayer, readAll, sha256, type TestImage } from './test-support.js';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'kw-layout-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const REF = 'org.opencontainers.image.ref.name';

/** A layout with `1.0` (amd64), `2.0` (arm64) and `multi` (nested index of both). */
function buildStore() {
  const store = new ImageStore();
  const amd = store.addImage({ os: 'linux', architecture: 'amd64' }, [randomLayer(2000, 11), randomLayer(500, 12)]);
  const arm = store.addImage({ os: 'linux', architecture: 'arm64', variant: 'v8' }, [randomLayer(700, 13)]);
  const nested = store.addIndex([amd, arm]);
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { ...amd.descriptor, annotations: { [REF]: '1.0' } },
      { ...arm.descriptor, annotations: { [REF]: 'example.com/app:2.0' } },
      { mediaType: OCI_INDEX, digest: nested.digest, size: nested.bytes.length, annotations: { [REF]: 'multi' } },
    ],
  };
  return { store, amd, arm, nested, index };
}

/** Files of an OCI layout: name → bytes. */
function layoutFiles(store: ImageStore, index: object): Map<string, Buffer> {
  const files = new Map<string, Buffer>([
    ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
    ['index.json', Buffer.from(JSON.stringify(index))],
  ]);
  for (const [digest, bytes] of store.blobs) files.set(`blobs/sha256/${digest.slice(7)}`, bytes);
  for (const [key, { bytes }] of store.manifests) if (key.startsWith('sha256:')) files.set(`blobs/sha256/${key.slice(7)}`, bytes);
  return files;
}

async function writeLayout(dir: string, files: Map<string, Buffer>): Promise<void> {
  for (const [name, bytes] of files) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
}

type TarEntry = { name: string; data?: Buffer; type?: 'file' | 'symlink' | 'directory'; linkname?: string };

async function packTar(path: string, entries: TarEntry[]): Promise<void> {
  const pack = tar.pack();
  const out = createWriteStream(path);
  pack.pipe(out);
  for (const e of entries) {
    if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname! });
    else pack.entry({ name: e.name, type: e.type ?? 'file' }, e.data ?? Buffer.alloc(0));
  }
  pack.finalize();
  await finished(out);
}

async function open(reference: string, input: string, extra: { platform?: string; cacheDir?: string } = {}) {
  const source = openImageSource(reference, { input, cacheDir: extra.cacheDir ?? join(tmp, 'cache'), ...(extra.platform ? { platform: extra.platform } : {}) });
  try {
    const image = await source.resolve();
    return { image, layers: await Promise.all(image.layers.map(async (l) => readAll(await l.open()))) };
  } finally {
    await source.close();
  }
}

function assertImage(actual: { image: { manifestDigest: string; layers: { digest: string }[] }; layers: Buffer[] }, expected: TestImage): void {
  assert.equal(actual.image.manifestDigest, expected.manifestDigest);
  assert.deepEqual(actual.image.layers.map((l) => l.digest), expected.layerDigests);
  assert.deepEqual(actual.layers, expected.layers);
}

test('OCI layout: ref names are listed, and a manifest is chosen by ref name, then by platform', async () => {
  const { store, amd, arm, nested, index } = buildStore();
  const dir = join(tmp, 'layout');
  await writeLayout(dir, layoutFiles(store, index));
  assert.deepEqual(await listLayoutRefs(dir), ['1.0', 'example.com/app:2.0', 'multi']);
  const one = await open('1.0', dir, { platform: 'linux/arm64' });
  assertImage(one, amd);
  assert.equal(one.image.tag, '1.0');
  assertImage(await open('example.com/app:2.0', dir), arm);
  const multi = await open('multi', dir, { platform: 'linux/arm64/v8' });
  assertImage(multi, arm);
  assert.equal(multi.image.indexDigest, nested.digest);
  assert.equal(multi.image.platform, 'linux/arm64/v8');
  // No ref name matches: the top-level index is searched by platform.
  assertImage(await open('unrelated', dir, { platform: 'linux/arm64' }), arm);
  assertImage(await open('', dir), amd);
  await assert.rejects(open('', dir, { platform: 'linux/ppc64le' }), /no manifest for platform linux\/ppc64le; available: linux\/amd64, linux\/arm64\/v8/);
  assert.deepEqual(await readdir(dir), ['blobs', 'index.json', 'oci-layout'], 'nothing written to the layout');
});

test('OCI layout: a digest with a path in index.json is refused before any file is opened', async () => {
  const dir = join(tmp, 'evil-layout');
  const index = { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:../../etc/passwd', size: 10 }] };
  await writeLayout(dir, new Map([['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')], ['index.json', Buffer.from(JSON.stringify(index))]]));
  await assert.rejects(open('', dir), (error: Error) => {
    assert.ok(error instanceof ImageSourceError);
    assert.match(error.message, /index\.json: manifests\[0\]\.digest: invalid digest "sha256:\.\.\/\.\.\/etc\/passwd"/);
    return true;
  });
});

test('OCI layout: a tampered layer fails verification and the user file is left alone', async () => {
  const { store, amd, index } = buildStore();
  const dir = join(tmp, 'tampered-layout');
  const files = layoutFiles(store, index);
  const name = `blobs/sha256/${amd.layerDigests[1]!.slice(7)}`;
  files.set(name, Buffer.from('not the layer, but exactly as long?'.padEnd(500, '!')));
  await writeLayout(dir, files);
  await assert.rejects(open('1.0', dir), DigestMismatchError);
  assert.equal((await stat(join(dir, name))).size, 500);
  await assert.rejects(open('1.0', join(tmp, 'no-such-layout')), /no such file or directory/);
});

test('docker save archive: layers hashed while copied to the cache, RepoTags select the image', async () => {
  const layerA = randomLayer(4000, 21);
  const layerB = randomLayer(1500, 22);
  const layerC = randomLayer(900, 23);
  const config = (layers: Buffer[], arch: string) => Buffer.from(JSON.stringify({ os: 'linux', architecture: arch, rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l)) } }));
  const configOne = config([layerA, layerB], 'amd64');
  const configTwo = config([layerA, layerC], 'arm64');
  const idOne = sha256(configOne).slice(7);
  const idTwo = sha256(configTwo).slice(7);
  const manifest = [
    { Config: `${idOne}.json`, RepoTags: ['example.com/one:1.0'], Layers: ['aaa/layer.tar', 'bbb/layer.tar'] },
    { Config: `${idTwo}.json`, RepoTags: ['two:latest'], Layers: ['ccc/layer.tar', 'ddd/layer.tar'] },
  ];
  const archive = join(tmp, 'save.tar');
  const cacheDir = join(tmp, 'save-cache');
  await packTar(archive, [
    { name: 'aaa/', type: 'directory' },
    { name: 'aaa/layer.tar', data: layerA },
    { name: 'bbb/layer.tar', data: layerB },
    { name: 'ccc/layer.tar', type: 'symlink', linkname: '../aaa/layer.tar' },
    { name: 'ddd/layer.tar', data: layerC },
    { name: '../escape.tar', data: Buffer.from('must never be written') },
    { name: '/abs/evil.tar', data: Buffer.from('nor this') },
    { name: `${idOne}.json`, data: configOne },
    { name: `${idTwo}.json`, data: configTwo },
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
  ]);
  const two = await open('docker.io/library/two', archive, { cacheDir });
  assert.deepEqual(two.layers, [layerA, layerC]);
  assert.deepEqual(two.image.layers.map((l) => [l.digest, l.mediaType, l.size, l.diffId]), [
    [sha256(layerA), 'application/vnd.docker.image.rootfs.diff.tar', layerA.length, sha256(layerA)],
    [sha256(layerC), 'application/vnd.docker.image.rootfs.diff.tar', layerC.length, sha256(layerC)],
  ]);
  assert.equal(two.image.configDigest, sha256(configTwo));
  assert.equal(two.image.platform, 'linux/arm64');
  assert.equal(two.image.tag, 'latest');
  const one = await open('example.com/one:1.0', archive, { cacheDir });
  assert.deepEqual(one.layers, [layerA, layerB]);
  assert.equal(one.image.repository, 'example.com/one');
  await assert.rejects(open('three:1', archive, { cacheDir }), /2 images in the archive and "three:1" names none of them; RepoTags: example\.com\/one:1\.0, two:latest/);
  const cached = (await readdir(join(cacheDir, 'blobs', 'sha256'))).sort();
  assert.deepEqual(cached, [layerA, layerB, layerC, configOne, configTwo].map((b) => sha256(b).slice(7)).sort());
  await assert.rejects(stat(join(tmp, 'escape.tar')), { code: 'ENOENT' });
});

test('docker save archive: diff_ids that disagree with a layer, or a missing layer, are clear errors', async () => {
  const layer = randomLayer(300, 31);
  const configBytes = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [sha256('other')] } }));
  const archive = join(tmp, 'bad-save.tar');
  const build = (layers: string[]) =>
    packTar(archive, [
      { name: 'x/layer.tar', data: layer },
      { name: 'config.json', data: configBytes },
      { name: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: null, Layers: layers }])) },
    ]);
  await build(['x/layer.tar']);
  const cacheDir = join(tmp, 'bad-cache');
  await assert.rejects(open('', archive, { cacheDir }), new RegExp(`manifest\\.json: layer 0 hashes to ${sha256(layer)} but the config's diff_ids\\[0\\] is ${sha256('other')}`));
  await build(['x/layer.tar', 'missing/layer.tar']);
  await assert.rejects(open('', archive, { cacheDir }), /manifest\.json: Layers\[1\]: entry "missing\/layer\.tar" is not in the archive/);
});

test('OCI archive: a layout inside a tar, served from the cache after one pass', async () => {
  const { store, amd, arm, index } = buildStore();
  const archive = join(tmp, 'oci.tar');
  const entries: TarEntry[] = [...layoutFiles(store, index)].map(([name, data]) => ({ name: `./${name}`, data }));
  await packTar(archive, entries.reverse());
  const cacheDir = join(tmp, 'oci-cache');
  assertImage(await open('example.com/app:2.0', archive, { cacheDir }), arm);
  const multi = await open('multi', archive, { cacheDir, platform: 'linux/amd64' });
  assertImage(multi, amd);
  assert.equal(multi.image.reference, 'multi');
  assert.equal((await open('', archive, { cacheDir })).image.reference, `archive:${archive}`);
  for (const digest of [...amd.layerDigests, ...arm.layerDigests]) {
    assert.deepEqual(await readFile(join(cacheDir, 'blobs', 'sha256', digest.slice(7))), store.blobs.get(digest));
  }
});

test('OCI archive with a blob whose name and content disagree is refused and nothing is cached for it', async () => {
  const { store, amd, index } = buildStore();
  const files = layoutFiles(store, index);
  files.set(`blobs/sha256/${amd.layerDigests[0]!.slice(7)}`, Buffer.from('forged'));
  const archive = join(tmp, 'forged.tar');
  await packTar(archive, [...files].map(([name, data]) => ({ name, data })));
  const cacheDir = join(tmp, 'forged-cache');
  await assert.rejects(open('1.0', archive, { cacheDir }), DigestMismatchError);
  const cached = await readdir(join(cacheDir, 'blobs', 'sha256'));
  assert.ok(!cached.some((f) => f.startsWith(amd.layerDigests[0]!.slice(7))));
});
