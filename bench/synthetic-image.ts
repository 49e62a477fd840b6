// A big synthetic OCI image layout for the peak-RSS bench: one gzip layer streamed straight to disk
// (tar-stream pack → gzip level 1 → file, hashing on the way), never held in memory. The layer has
// a few large files of pseudo-random bytes (xorshift32: fast, reproducible, incompressible — so the
// scanner really decompresses and hashes every byte) and many small text files: this machine's
// dpkg database, Debian 12 os-release, npm package.json files and filler documentation.
// Layout per https://github.com/opencontainers/image-spec/blob/main/image-layout.md.
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';

export interface SyntheticImageOptions {
  /** Number of large random files and the size of each. */
  bigFiles: number;
  bigFileBytes: number;
  /** Small text files in total (dpkg status, os-release and package.json files included). */
  smallFiles: number;
  /** How many of the small files are node_modules package.json files. */
  npmPackages: number;
  /** The ref name written in index.json (`org.opencontainers.image.ref.name`). */
  tag: string;
}

export interface SyntheticImage {
  uncompressedBytes: number;
  compressedBytes: number;
  entries: number;
}

const CHUNK = 1 << 20;
const EPOCH = new Date('2026-01-01T00:00:00Z');

/** xorshift32 (Marsaglia 2003): 1 MiB chunks of pseudo-random bytes, a fresh buffer each time. */
function randomChunks(seed: number, bytes: number): () => Buffer | undefined {
  let state = seed >>> 0 || 1;
  let left = bytes;
  return () => {
    if (left <= 0) return undefined;
    const size = Math.min(CHUNK, left);
    const words = new Uint32Array(Math.ceil(size / 4));
    for (let i = 0; i < words.length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      words[i] = state >>> 0;
    }
    left -= size;
    return Buffer.from(words.buffer, 0, size);
  };
}

/** Passes bytes through, hashing and counting them. */
function hashTap(hash: Hash, count: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      count.bytes += chunk.length;
      done(null, chunk);
    },
  });
}

/** Adds a file entry from a buffer; resolves once tar-stream has passed it on (backpressure). */
function addFile(pack: tar.Pack, name: string, content: Buffer | string): Promise<void> {
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  return new Promise((resolve, reject) => {
    pack.entry({ name, size: data.length, mode: 0o644, mtime: EPOCH }, data, (error) => (error ? reject(error) : resolve()));
  });
}

/** Adds a large file, writing it chunk by chunk and waiting for drain. */
async function addBigFile(pack: tar.Pack, name: string, size: number, seed: number): Promise<void> {
  let settle!: (error?: Error | null) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  const sink = pack.entry({ name, size, mode: 0o755, mtime: EPOCH }, (error) => settle(error));
  const next = randomChunks(seed, size);
  for (let chunk = next(); chunk; chunk = next()) {
    if (!sink.write(chunk)) await once(sink, 'drain');
  }
  sink.end(undefined);
  await finished;
}

function npmManifest(i: number): string {
  const name = i % 10 === 0 ? `@bench/pkg-${i}` : `pkg-${i}`;
  const version = `${1 + (i % 7)}.${i % 13}.${i % 5}`;
  return `${JSON.stringify({ name, version, description: `synthetic package ${i}`, license: 'MIT', main: 'index.js', dependencies: { [`pkg-${i + 1}`]: '^1.0.0' } }, null, 2)}\n`;
}

function fillerText(i: number): string {
  const line = `Synthetic documentation file ${i}: lorem ipsum dolor sit amet, consectetur adipiscing elit.\n`;
  return line.repeat(4 + (i % 40));
}

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n';

/** Streams every entry of the layer into `pack`, then finalizes it. */
async function produceLayer(pack: tar.Pack, options: SyntheticImageOptions, dpkgStatus: Buffer): Promise<number> {
  let entries = 0;
  await addFile(pack, 'etc/os-release', OS_RELEASE);
  await addFile(pack, 'var/lib/dpkg/status', dpkgStatus);
  entries += 2;
  for (let i = 0; i < options.npmPackages; i++, entries++) {
    const dir = i % 10 === 0 ? `@bench/pkg-${i}` : `pkg-${i}`;
    await addFile(pack, `usr/lib/node_modules/app/node_modules/${dir}/package.json`, npmManifest(i));
  }
  for (let i = 0; i < options.bigFiles; i++, entries++) {
    await addBigFile(pack, `opt/data/blob-${i}.bin`, options.bigFileBytes, 0x9e3779b9 + i);
  }
  for (let i = 0; entries < options.smallFiles + options.bigFiles; i++, entries++) {
    await addFile(pack, `usr/share/doc/bench-${Math.floor(i / 50)}/file-${i}.txt`, fillerText(i));
  }
  pack.finalize();
  return entries;
}

async function writeBlob(layout: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const hex = createHash('sha256').update(bytes).digest('hex');
  await writeFile(path.join(layout, 'blobs/sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

/** Writes the layout into `layout` (created); the layer is streamed, config and manifest are small. */
export async function writeSyntheticLayout(layout: string, options: SyntheticImageOptions): Promise<SyntheticImage> {
  const blobs = path.join(layout, 'blobs/sha256');
  await mkdir(blobs, { recursive: true });
  const dpkgStatus = await readFile('/var/lib/dpkg/status');
  const pack = tar.pack();
  const diffHash = createHash('sha256');
  const blobHash = createHash('sha256');
  const raw = { bytes: 0 };
  const gz = { bytes: 0 };
  const partial = path.join(blobs, 'layer.partial');
  const written = pipeline(
    async function* () {
      yield* pack;
    },
    hashTap(diffHash, raw),
    createGzip({ level: 1 }),
    hashTap(blobHash, gz),
    createWriteStream(partial),
  );
  const produced = produceLayer(pack, options, dpkgStatus).catch((error: unknown) => {
    pack.destroy(error as Error); // ends the pipeline too, so neither side waits forever
    throw error;
  });
  const [entries] = await Promise.all([produced, written]);
  const layerHex = blobHash.digest('hex');
  await rename(partial, path.join(blobs, layerHex));
  const diffId = `sha256:${diffHash.digest('hex')}`;

  const config = await writeBlob(layout, Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: EPOCH.toISOString(),
    config: { Cmd: ['/bin/sh'], User: '1000' },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: EPOCH.toISOString(), created_by: 'kubeward bench/synthetic-image.ts' }],
  })));
  const manifest = await writeBlob(layout, Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${layerHex}`, size: gz.bytes }],
  })));
  await writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(path.join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': options.tag } }],
  }));
  return { uncompressedBytes: raw.bytes, compressedBytes: gz.bytes, entries };
}
