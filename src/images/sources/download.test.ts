import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DigestMismatchError, ImageSourceError, type ResolvedImage } from '../model.js';
import { openImageSource, type SourceOptions } from './index.js';
import { ImageStore, randomLayer, readAll, serveBytes, sha256, startRegistry, type ServerHooks, type TestServer } from './test-support.js';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'kw-download-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const LAYER = randomLayer(256 * 1024, 7);

async function setup(hooks: ServerHooks, extra: Partial<SourceOptions> = {}) {
  const store = new ImageStore();
  const image = store.addImage({ os: 'linux', architecture: 'amd64' }, [LAYER]);
  store.tag('1.0', image.manifestDigest);
  const server = await startRegistry(store, hooks);
  const cacheDir = await mkdtemp(join(tmp, 'cache-'));
  const source = openImageSource(`${server.host}/demo/app:1.0`, { cacheDir, dockerConfig: join(tmp, 'none.json'), insecure: true, retries: 2, timeoutMs: 5000, ...extra });
  const resolved = await source.resolve();
  return { store, image, server, cacheDir, source, resolved };
}

/** Every file under the cache's sha256 directory. */
async function cacheFiles(cacheDir: string): Promise<string[]> {
  return (await readdir(join(cacheDir, 'blobs', 'sha256')).catch(() => [])).sort();
}

function blobRequests(server: TestServer, digest: string) {
  return server.requests.filter((r) => r.url.endsWith(`/blobs/${digest}`));
}

async function cleanup(parts: { server: TestServer; source: { close(): Promise<void> } }): Promise<void> {
  await parts.source.close();
  await parts.server.close();
}

function layerOf(resolved: ResolvedImage) {
  return resolved.layers[0]!;
}

test('a blob that does not hash to its digest fails with DigestMismatchError and leaves nothing in the cache', async () => {
  const tampered = Buffer.from(LAYER);
  tampered[1000] ^= 0xff;
  const parts = await setup({ blob: (req, res, digest) => digest === sha256(LAYER) && (serveBytes(req, res, tampered), true) });
  try {
    await assert.rejects(readAll(await layerOf(parts.resolved).open()), (error: Error) => {
      assert.ok(error instanceof DigestMismatchError);
      assert.equal(error.expected, sha256(LAYER));
      assert.equal(error.actual, sha256(tampered));
      return true;
    });
    const hex = sha256(LAYER).slice('sha256:'.length);
    const files = await cacheFiles(parts.cacheDir);
    assert.ok(!files.some((f) => f.startsWith(hex)), `no final or partial file for the layer: ${files.join(', ')}`);
  } finally {
    await cleanup(parts);
  }
});

test('a connection cut mid-layer is resumed with Range and the blob is verified', async () => {
  let cuts = 0;
  const parts = await setup({
    blob: (req, res, digest, bytes) => {
      if (digest !== sha256(LAYER) || req.headers.range || cuts > 0) return false;
      cuts++;
      res.writeHead(200, { 'content-length': bytes.length });
      res.write(bytes.subarray(0, 100_000), () => res.socket?.destroy());
      return true;
    },
  });
  try {
    const bytes = await readAll(await layerOf(parts.resolved).open());
    assert.deepEqual(bytes, LAYER);
    const requests = blobRequests(parts.server, sha256(LAYER));
    assert.equal(requests.length, 2);
    assert.match(requests[1]!.headers.range ?? '', /^bytes=[1-9]\d*-$/);
    const resumedAt = Number(/\d+/.exec(requests[1]!.headers.range!)![0]);
    assert.ok(resumedAt <= 100_000, 'resumed no later than what was sent');
    assert.deepEqual(await readFile(join(parts.cacheDir, 'blobs', 'sha256', sha256(LAYER).slice(7))), LAYER);
  } finally {
    await cleanup(parts);
  }
});

test('a server answering 200 to a Range request: the first bytes are skipped', async () => {
  let first = true;
  const parts = await setup({
    blob: (_req, res, digest, bytes) => {
      if (digest !== sha256(LAYER)) return false;
      res.writeHead(200, { 'content-length': bytes.length });
      if (first) {
        first = false;
        res.write(bytes.subarray(0, 50_000), () => res.socket?.destroy());
      } else res.end(bytes);
      return true;
    },
  });
  try {
    assert.deepEqual(await readAll(await layerOf(parts.resolved).open()), LAYER);
  } finally {
    await cleanup(parts);
  }
});

test('a server that always cuts: clear error after the retries, nothing left in the cache', async () => {
  const parts = await setup({
    blob: (_req, res, digest, bytes) => {
      if (digest !== sha256(LAYER)) return false;
      res.writeHead(200, { 'content-length': bytes.length });
      res.write(bytes.subarray(0, 1000), () => res.socket?.destroy());
      return true;
    },
  });
  try {
    await assert.rejects(readAll(await layerOf(parts.resolved).open()), (error: Error) => {
      assert.ok(error instanceof ImageSourceError);
      assert.match(error.message, new RegExp(`^download of ${sha256(LAYER)} from 127\\.0\\.0\\.1:\\d+ failed after 3 attempts: `));
      return true;
    });
    assert.equal(blobRequests(parts.server, sha256(LAYER)).length, 3);
    const hex = sha256(LAYER).slice(7);
    assert.ok(!(await cacheFiles(parts.cacheDir)).some((f) => f.startsWith(hex)));
  } finally {
    await cleanup(parts);
  }
});

test('the second open is served from the cache without any blob request; progress is reported', async () => {
  const events: { bytes: number; total?: number }[] = [];
  const parts = await setup({}, { onProgress: (e) => events.push(e) });
  try {
    assert.deepEqual(await readAll(await layerOf(parts.resolved).open()), LAYER);
    assert.equal(events.at(-1)?.bytes, LAYER.length);
    assert.equal(events.at(-1)?.total, LAYER.length);
    const before = parts.server.requests.length;
    assert.deepEqual(await readAll(await layerOf(parts.resolved).open()), LAYER);
    assert.equal(parts.server.requests.length, before);
    // A fresh source (new process) finds the config and the layer in the cache too.
    const again = openImageSource(`${parts.server.host}/demo/app:1.0`, { cacheDir: parts.cacheDir, dockerConfig: join(tmp, 'none.json'), insecure: true });
    const resolved = await again.resolve();
    assert.deepEqual(await readAll(await layerOf(resolved).open()), LAYER);
    await again.close();
    assert.deepEqual(parts.server.requests.slice(before).map((r) => r.url).filter((u) => u.includes('/blobs/')), []);
  } finally {
    await cleanup(parts);
  }
});

test('a corrupted cache file is detected on open and deleted', async () => {
  const parts = await setup({});
  try {
    await readAll(await layerOf(parts.resolved).open());
    const path = join(parts.cacheDir, 'blobs', 'sha256', sha256(LAYER).slice(7));
    await writeFile(path, 'garbage');
    await assert.rejects(readAll(await layerOf(parts.resolved).open()), DigestMismatchError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(!(await cacheFiles(parts.cacheDir)).includes(sha256(LAYER).slice(7)));
    // Next open downloads it again.
    assert.deepEqual(await readAll(await layerOf(parts.resolved).open()), LAYER);
  } finally {
    await cleanup(parts);
  }
});

test('a consumer that stops early leaves no partial file', async () => {
  const parts = await setup({});
  try {
    const stream = await layerOf(parts.resolved).open();
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const hex = sha256(LAYER).slice(7);
    assert.deepEqual((await cacheFiles(parts.cacheDir)).filter((f) => f.startsWith(hex)), []);
  } finally {
    await cleanup(parts);
  }
});
