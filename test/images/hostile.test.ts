import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { requireTool } from '../e2e-tools.js';
import {
  gzipBombLayout,
  removeLayout,
  symlinkOutsideLayout,
  traversalLayout,
  wrongDigestLayout,
  type WrittenLayout,
} from './hostile.js';

// The hostile builders must produce exactly the hostility they promise. Oracles are outside this
// code: Python's tarfile reads raw member names, sha256sum hashes blobs, skopeo reads the layout.

const run = promisify(execFile);
const blobPath = (layout: WrittenLayout, digest: string): string => path.join(layout.dir, 'blobs', 'sha256', digest.slice(7));

/** Raw tar members (name, type, link target) of a gzipped layer, as Python's tarfile sees them. */
async function members(file: string): Promise<{ name: string; type: string; link: string }[]> {
  const script = [
    'import json, sys, tarfile',
    't = tarfile.open(sys.argv[1], "r:gz")',
    'kind = lambda m: "symlink" if m.issym() else "dir" if m.isdir() else "file" if m.isfile() else "other"',
    'print(json.dumps([{"name": m.name, "type": kind(m), "link": m.linkname} for m in t.getmembers()]))',
  ].join('\n');
  const { stdout } = await run('python3', ['-c', script, file]);
  return JSON.parse(stdout) as { name: string; type: string; link: string }[];
}

async function sha256sum(file: string): Promise<string> {
  const { stdout } = await run('sha256sum', [file]);
  return `sha256:${stdout.split(' ')[0]}`;
}

const skipPython = requireTool('python3', ['--version']);

test('traversalLayout holds ../, absolute and a/../.. entries', { skip: skipPython }, async () => {
  const layout = await traversalLayout();
  try {
    const names = (await members(blobPath(layout, layout.layerDigests[0]!))).map((m) => m.name);
    for (const hostile of ['../../escape', '/abs/file', 'a/../../b']) assert.ok(names.includes(hostile), `${hostile} in ${names.join(', ')}`);
  } finally {
    await removeLayout(layout);
  }
});

test('symlinkOutsideLayout links os-release out of the root and lib to /', { skip: skipPython }, async () => {
  const layout = await symlinkOutsideLayout();
  try {
    const byName = new Map((await members(blobPath(layout, layout.layerDigests[0]!))).map((m) => [m.name, m]));
    assert.deepEqual(byName.get('etc/os-release'), { name: 'etc/os-release', type: 'symlink', link: '../../../../host/etc/os-release' });
    assert.deepEqual(byName.get('lib'), { name: 'lib', type: 'symlink', link: '/' });
    assert.equal(byName.get('lib/escaped-through-symlink')?.type, 'file');
  } finally {
    await removeLayout(layout);
  }
});

test('gzipBombLayout: a small blob that inflates to the requested size', async () => {
  const size = 256 * 1024 * 1024;
  const layout = await gzipBombLayout(size);
  try {
    const blob = blobPath(layout, layout.layerDigests[0]!);
    const compressed = (await stat(blob)).size;
    assert.ok(compressed < size / 500, `blob is ${compressed} bytes`);
    // gzip -l reports the uncompressed size from the trailer (ISIZE, mod 2^32): the tar is the file
    // plus one 512-byte header and two zero blocks, rounded up to tar-stream's record.
    const { stdout } = await run('gzip', ['-l', blob]);
    const uncompressed = Number(stdout.trim().split('\n')[1]!.trim().split(/\s+/)[1]);
    assert.ok(uncompressed >= size + 512 * 3 && uncompressed < size + 512 * 3 + 10240, `uncompressed ${uncompressed}`);
    assert.equal(await sha256sum(blob), layout.layerDigests[0]);
    const { stdout: listing } = await run('tar', ['-tvzf', blob]);
    assert.match(listing, new RegExp(`\\s${size}\\s.*bomb\\.bin`));
  } finally {
    await removeLayout(layout);
  }
});

test('wrongDigestLayout: the layer file does not hash to its name, but has the manifest size', async () => {
  const layout = await wrongDigestLayout();
  try {
    const [named] = layout.layerDigests;
    const file = blobPath(layout, named!);
    const actual = await sha256sum(file);
    assert.notEqual(actual, named);
    assert.equal(actual, layout.tamperedDigest);
    const manifest = JSON.parse(await readFile(blobPath(layout, layout.manifestDigest), 'utf8')) as { layers: { digest: string; size: number }[] };
    assert.equal(manifest.layers[0]!.digest, named);
    assert.equal(manifest.layers[0]!.size, (await stat(file)).size);
    const { stdout } = await run('tar', ['-xzOf', file, 'etc/motd']);
    assert.equal(stdout, 'EVIL layer content\n');
  } finally {
    await removeLayout(layout);
  }
});

test('layouts are valid OCI layouts for a real reader (skopeo)', { skip: requireTool('skopeo', ['--version']) }, async () => {
  const layout = await traversalLayout();
  try {
    const { stdout } = await run('skopeo', ['inspect', `oci:${layout.dir}:hostile:traversal`]);
    const inspected = JSON.parse(stdout) as { Digest: string; Layers: string[] };
    assert.equal(inspected.Digest, layout.manifestDigest);
    assert.deepEqual(inspected.Layers, layout.layerDigests);
    // skopeo copy into another layout re-reads every blob and checks it against its digest.
    await run('skopeo', ['copy', '--quiet', `oci:${layout.dir}:hostile:traversal`, `oci:${path.join(layout.dir, 'copy-target')}:copy`]);
  } finally {
    await removeLayout(layout);
  }
});

test('skopeo refuses the wrong-digest layout', { skip: requireTool('skopeo', ['--version']) }, async () => {
  const layout = await wrongDigestLayout();
  try {
    await assert.rejects(
      run('skopeo', ['copy', '--quiet', `oci:${layout.dir}:hostile:wrong-digest`, `oci:${path.join(layout.dir, 'copy-target')}:copy`]),
      /digest/i,
    );
  } finally {
    await removeLayout(layout);
  }
});
