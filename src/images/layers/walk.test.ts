import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { test } from 'node:test';
import { pack as tarPack } from 'tar-stream';
import type { Cataloger, CatalogContext, CollectedFile, FileEntry } from '../model.js';
import { requireTool } from '../../../test/e2e-tools.js';
import { fileLayer, layerOf, memoryLayer, sha256Digest, tarBuffer } from './fixtures.js';
import { walkLayers } from './walk.js';

/** A cataloger that keeps the text of the paths it is told to want, and what finish saw. */
function recorder(name: string, paths: string[], options: { highWaterMark?: number; delayMs?: number } = {}) {
  const seen: { collected: CollectedFile<string>[]; context?: CatalogContext } = { collected: [] };
  const cataloger: Cataloger<string> = {
    name,
    wants: (entry: FileEntry) => paths.includes(entry.path),
    async read(_entry, content) {
      const parts: Buffer[] = [];
      for await (const chunk of content) {
        parts.push(chunk as Buffer);
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      }
      return Buffer.concat(parts).toString('utf8');
    },
    finish(collected, context) {
      seen.collected = collected;
      seen.context = context;
      return { packages: [] };
    },
  };
  return { cataloger, seen };
}

test('a later layer replaces a path and its extract', async () => {
  const rec = recorder('rec', ['etc/conf']);
  const base = await layerOf([{ name: 'etc/', type: 'directory' }, { name: 'etc/conf', content: 'one' }]);
  const top = await layerOf([{ name: 'etc/conf', content: 'two', mode: 0o600, uid: 7, gid: 8 }], { gzip: true });
  const result = await walkLayers([base, top], [rec.cataloger]);
  const entry = result.files.get('etc/conf');
  assert.deepEqual(entry, { path: 'etc/conf', type: 'file', mode: 0o600, uid: 7, gid: 8, size: 3, layerIndex: 1, layerDigest: top.digest });
  assert.deepEqual(rec.seen.collected.map((c) => [c.entry.path, c.data, c.entry.layerIndex]), [['etc/conf', 'two', 1]]);
  assert.equal(result.files.get('etc')?.type, 'dir');
});

test('a whiteout removes a file, or a directory and its subtree, from lower layers only', async () => {
  const rec = recorder('rec', ['a/b', 'd/x']);
  const base = await layerOf([
    { name: 'a/b', content: 'gone' },
    { name: 'a/c', content: 'kept' },
    { name: 'd/', type: 'directory' },
    { name: 'd/x', content: 'gone too' },
    { name: 'd/sub/y', content: 'gone too' },
    { name: 'dx/z', content: 'a sibling sharing the prefix' },
  ]);
  // The same layer writes d/new before whiting d out: same-layer entries are not hidden.
  const top = await layerOf([{ name: 'd/new', content: 'new' }, { name: 'a/.wh.b' }, { name: 'd/.wh..wh.plnk' }, { name: '.wh.d' }]);
  const result = await walkLayers([base, top], [rec.cataloger]);
  assert.deepEqual([...result.files.keys()].sort(), ['a/c', 'd/new', 'dx/z']);
  assert.deepEqual(rec.seen.collected, []);
});

test('an every-layer cataloger keeps the extracts of replaced and deleted files, path then layer', async () => {
  const final = recorder('final', ['etc/key', 'etc/conf']);
  const every = recorder('every', ['etc/key', 'etc/conf']);
  const everyLayer: Cataloger<string> = { ...every.cataloger, everyLayer: true };
  const base = await layerOf([{ name: 'etc/key', content: 'secret' }, { name: 'etc/conf', content: 'one' }]);
  const top = await layerOf([{ name: 'etc/.wh.key' }, { name: 'etc/conf', content: 'two' }]);
  const result = await walkLayers([base, top], [final.cataloger, everyLayer]);
  assert.deepEqual(final.seen.collected.map((c) => [c.entry.path, c.data]), [['etc/conf', 'two']]);
  assert.deepEqual(every.seen.collected.map((c) => [c.entry.path, c.data, c.entry.layerIndex]), [['etc/conf', 'one', 0], ['etc/conf', 'two', 1], ['etc/key', 'secret', 0]]);
  assert.equal(result.files.has('etc/key'), false, 'the deleted file is not in the final filesystem');
});

test('an opaque whiteout clears the lower children of its directory', async () => {
  const base = await layerOf([{ name: 'o/', type: 'directory' }, { name: 'o/a', content: '1' }, { name: 'o/s/b', content: '2' }, { name: 'p/q', content: '3' }]);
  const top = await layerOf([{ name: 'o/', type: 'directory', mode: 0o700 }, { name: 'o/.wh..wh..opq' }, { name: 'o/c', content: '4' }]);
  const result = await walkLayers([base, top], []);
  assert.deepEqual([...result.files.keys()].sort(), ['o', 'o/c', 'p/q']);
  assert.equal(result.files.get('o')?.mode, 0o700);
});

test('replacing a directory by a file hides what was below it', async () => {
  const base = await layerOf([{ name: 'x/', type: 'directory' }, { name: 'x/inner', content: '1' }]);
  const top = await layerOf([{ name: 'x', content: 'now a file' }]);
  const result = await walkLayers([base, top], []);
  assert.deepEqual([...result.files.keys()], ['x']);
});

test('a hardlink reuses its target extract and size; modes keep setuid/setgid/sticky bits', async () => {
  const rec = recorder('rec', ['usr/lib/os-release', 'etc/os-release']);
  const layer = await layerOf([
    { name: 'usr/lib/os-release', content: 'ID=test\n' },
    { name: 'etc/os-release', type: 'link', linkname: 'usr/lib/os-release' },
    { name: 'usr/bin/su', content: 'x', mode: 0o4755 },
    { name: 'usr/bin/wall', content: 'x', mode: 0o2755 },
    { name: 'tmp/', type: 'directory', mode: 0o1777 },
  ]);
  const result = await walkLayers([layer], [rec.cataloger]);
  const link = result.files.get('etc/os-release');
  assert.equal(link?.type, 'hardlink');
  assert.equal(link?.linkTarget, 'usr/lib/os-release');
  assert.equal(link?.size, 8);
  assert.deepEqual(rec.seen.collected.map((c) => [c.entry.path, c.data]), [['etc/os-release', 'ID=test\n'], ['usr/lib/os-release', 'ID=test\n']]);
  assert.equal(result.files.get('usr/bin/su')?.mode, 0o4755);
  assert.equal(result.files.get('usr/bin/wall')?.mode, 0o2755);
  assert.equal(result.files.get('tmp')?.mode, 0o1777);
});

test('entries escaping the root are dropped with a note; absolute and ./ names are re-rooted', async () => {
  const layer = await layerOf([
    { name: '../evil', content: 'x' },
    { name: 'a/../../evil2', content: 'x' },
    { name: '/abs/x', content: 'x' },
    { name: './rel/y', content: 'x' },
    { name: 'q/./r/../s', content: 'x' },
  ]);
  const result = await walkLayers([layer], []);
  assert.deepEqual([...result.files.keys()].sort(), ['abs/x', 'q/s', 'rel/y']);
  assert.ok(result.notes.some((n) => n.includes(layer.digest) && n.includes('../evil') && n.includes('escapes')));
  assert.ok(result.notes.some((n) => n.includes('a/../../evil2')));
  assert.ok(result.notes.some((n) => n.includes('/abs/x') && n.includes('re-rooted')));
});

test('os-release finishes first and its OsInfo reaches the other catalogers; failures become notes', async () => {
  const other = recorder('other', ['data']);
  const osCataloger: Cataloger<string> = {
    name: 'os-release',
    wants: (e) => e.path === 'data',
    read: async (_e, content) => {
      content.destroy(); // returning without reading must not stall the other reader
      return 'seen';
    },
    finish: () => ({ packages: [], os: { id: 'testos', versionId: '1', source: 'etc/os-release' } }),
  };
  const failing: Cataloger = {
    name: 'failing',
    wants: (e) => e.path === 'data',
    read: async () => {
      throw new Error('cannot parse');
    },
    finish: () => {
      throw new Error('finish broke');
    },
  };
  const big = Buffer.alloc(1024 * 1024 + 17, 'z');
  const slow = recorder('slow', ['data'], { delayMs: 1 });
  const layer = await layerOf([{ name: 'data', content: big }]);
  const result = await walkLayers([layer], [other.cataloger, failing, slow.cataloger, osCataloger]);
  assert.deepEqual(other.seen.context?.os, { id: 'testos', versionId: '1', source: 'etc/os-release' });
  assert.deepEqual(result.os, { id: 'testos', versionId: '1', source: 'etc/os-release' });
  const digest = (s: string) => createHash('sha256').update(s).digest('hex');
  assert.equal(digest(other.seen.collected[0]!.data), digest(big.toString()));
  assert.equal(digest(slow.seen.collected[0]!.data), digest(big.toString()));
  assert.ok(result.notes.some((n) => n.startsWith('failing: data') && n.includes('cannot parse')));
  assert.ok(result.notes.includes('failing: finish broke'));
  assert.deepEqual([...result.outputs.keys()].sort(), ['failing', 'os-release', 'other', 'slow']);
});

test('a truncated gzip layer fails naming the layer', async () => {
  const good = memoryLayer(await tarBuffer([{ name: 'f', content: 'x'.repeat(5000) }]), { gzip: true });
  const bytes = Buffer.concat(await (await good.open()).toArray());
  const cut = bytes.subarray(0, bytes.length - 20);
  const broken = { ...good, digest: sha256Digest(cut), open: async () => Readable.from([cut]) };
  await assert.rejects(walkLayers([broken], []), (e: Error) => e.message.startsWith(`layer ${broken.digest}: `));
});

test('zstd layers are decompressed', { skip: requireTool('zstd', ['--version']) }, async () => {
  const tar = await tarBuffer([{ name: 'etc/zz', content: 'zstd content' }]);
  const compressed = execFileSync('zstd', ['-c', '-q'], { input: tar });
  const layer = { ...memoryLayer(compressed), mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' };
  const rec = recorder('rec', ['etc/zz']);
  const result = await walkLayers([layer], [rec.cataloger]);
  assert.equal(rec.seen.collected[0]?.data, 'zstd content');
  assert.equal(result.files.get('etc/zz')?.size, 12);
});

/** 300 MiB of zeros as one tar member, streamed through gzip into a file (about 300 KiB). */
async function writeGzipBomb(path: string): Promise<void> {
  const size = 300 * 1024 * 1024;
  const pack = tarPack();
  const written = pipeline(pack as unknown as AsyncIterable<Buffer>, createGzip(), createWriteStream(path));
  const sink = pack.entry({ name: 'zeros', size });
  const zeros = Buffer.alloc(1024 * 1024);
  for (let sent = 0; sent < size; sent += zeros.length) {
    if (!sink.write(zeros)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
  }
  sink.end(undefined);
  pack.finalize();
  await written;
}

test('decompression bombs are stopped by the size and by the ratio limit', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kubeward-bomb-'));
  try {
    const path = join(dir, 'bomb.tar.gz');
    await writeGzipBomb(path);
    const { size } = await stat(path);
    assert.ok(size < 2 * 1024 * 1024, `bomb is ${size} bytes`);
    const layer = fileLayer(path, size, 'sha256:bomb');
    await assert.rejects(
      walkLayers([layer], [], { maxLayerBytes: 64 * 1024 * 1024 }),
      /^Error: layer sha256:bomb: decompressed size exceeds 67108864 bytes \(decompression bomb\?\)$/,
    );
    await assert.rejects(walkLayers([layer], [], { maxRatio: 100 }), /layer sha256:bomb: decompressed size exceeds 100× .*decompression bomb/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
