import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';

// Hostile OCI layouts for the image reader's defences, written by hand (no tool would produce them):
// https://github.com/opencontainers/image-spec/blob/main/image-layout.md and manifest.md.

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

/** A gzipped tar layer: its bytes in memory, or a file (left in place; it is moved into the layout). */
export type LayerInput = Buffer | string;

export interface OciLayoutSpec {
  layers: LayerInput[];
  /** Image config; `rootfs.diff_ids` is computed (gunzip + sha256, streamed) unless present. */
  config: Record<string, unknown>;
  refName: string;
}

export interface WrittenLayout {
  dir: string;
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
}

export interface TarEntrySpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
}

const FIXED_MTIME = new Date('2019-05-01T00:00:00Z');

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A tar of the given entries (uid/gid 0, fixed mtime), as tar-stream packs it. */
export async function tarLayer(entries: TarEntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const header = {
      name: entry.name, type, linkname: entry.linkname, uid: 0, gid: 0, mtime: FIXED_MTIME,
      mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
    };
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (type === 'file') pack.entry(header, entry.content ?? '', done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

/** gzip with a fixed header (mtime 0, no name) so equal input gives equal bytes. */
export function gzip(data: Buffer, level = 9): Buffer {
  return zlib.gzipSync(data, { level });
}

export async function gzippedTarLayer(entries: TarEntrySpec[]): Promise<Buffer> {
  return gzip(await tarLayer(entries));
}

/** Writes an OCI image layout (oci-layout, index.json, blobs) with one image tagged `refName`. */
export async function writeOciLayout(dir: string, spec: OciLayoutSpec): Promise<WrittenLayout> {
  const blobs = path.join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const layers: { digest: string; size: number }[] = [];
  for (const layer of spec.layers) layers.push(await storeBlob(blobs, layer));
  const config = { ...spec.config };
  if (!config.rootfs) {
    const diffIds: string[] = [];
    for (const layer of spec.layers) diffIds.push(await uncompressedDigest(layer));
    config.rootfs = { type: 'layers', diff_ids: diffIds };
  }
  const configBlob = await storeBlob(blobs, Buffer.from(JSON.stringify(config)));
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: configBlob.digest, size: configBlob.size },
    layers: layers.map((l) => ({ mediaType: OCI_LAYER_GZIP, digest: l.digest, size: l.size })),
  };
  const manifestBlob = await storeBlob(blobs, Buffer.from(JSON.stringify(manifest)));
  const index = {
    schemaVersion: 2,
    manifests: [{
      mediaType: OCI_MANIFEST, digest: manifestBlob.digest, size: manifestBlob.size,
      annotations: { [REF_NAME_ANNOTATION]: spec.refName },
    }],
  };
  await writeFile(path.join(dir, 'index.json'), JSON.stringify(index));
  return { dir, manifestDigest: manifestBlob.digest, configDigest: configBlob.digest, layerDigests: layers.map((l) => l.digest) };
}

async function storeBlob(blobs: string, input: LayerInput): Promise<{ digest: string; size: number }> {
  if (Buffer.isBuffer(input)) {
    const digest = sha256(input);
    await writeFile(path.join(blobs, digest.slice('sha256:'.length)), input);
    return { digest, size: input.length };
  }
  const hash = createHash('sha256');
  await pipeline(createReadStream(input), hash);
  const digest = `sha256:${hash.digest('hex')}`;
  const { size } = await stat(input);
  await rename(input, path.join(blobs, digest.slice('sha256:'.length)));
  return { digest, size };
}

async function uncompressedDigest(input: LayerInput): Promise<string> {
  const hash = createHash('sha256');
  const source = Buffer.isBuffer(input) ? Readable.from([input]) : createReadStream(input);
  await pipeline(source, zlib.createGunzip(), hash);
  return `sha256:${hash.digest('hex')}`;
}

export function baseConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { architecture: 'amd64', os: 'linux', created: FIXED_MTIME.toISOString(), config: { Cmd: ['/bin/sh'] }, ...extra };
}

async function newLayoutDir(kind: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `kw-hostile-${kind}-`));
}

/** Entries escaping the root: `../../escape`, `/abs/file`, `a/../../b`, beside one honest file. */
export async function traversalLayout(): Promise<WrittenLayout> {
  const layer = await gzippedTarLayer([
    { name: 'etc/hostname', content: 'honest\n' },
    { name: '../../escape', content: 'escaped through ..\n' },
    { name: '/abs/file', content: 'absolute path\n' },
    { name: 'a/../../b', content: 'escaped through a/../..\n' },
  ]);
  return writeOciLayout(await newLayoutDir('traversal'), { layers: [layer], config: baseConfig(), refName: 'hostile:traversal' });
}

/**
 * Symlinks pointing out of the image: `etc/os-release` → `../../../../host/etc/os-release` and a
 * directory symlink `lib` → `/`, followed by a file written through it (`lib/escaped-through-symlink`).
 */
export async function symlinkOutsideLayout(): Promise<WrittenLayout> {
  const layer = await gzippedTarLayer([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/os-release', type: 'symlink', linkname: '../../../../host/etc/os-release' },
    { name: 'lib', type: 'symlink', linkname: '/' },
    { name: 'lib/escaped-through-symlink', content: 'written via a symlinked directory\n' },
  ]);
  return writeOciLayout(await newLayoutDir('symlink'), { layers: [layer], config: baseConfig(), refName: 'hostile:symlink' });
}

/**
 * One gzipped layer holding `bomb.bin`, a file of `uncompressedBytes` zeros: the blob is tiny, the
 * content is not. Zeros are streamed through tar-stream and gzip into the blob file, never held in memory.
 */
export async function gzipBombLayout(uncompressedBytes: number): Promise<WrittenLayout> {
  const dir = await newLayoutDir('gzip-bomb');
  const blobFile = path.join(dir, 'bomb-layer.tar.gz');
  const diffHash = createHash('sha256');
  const hashAlong = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      diffHash.update(chunk);
      callback(null, chunk);
    },
  });
  const pack = tar.pack();
  const written = pipeline(pack, hashAlong, zlib.createGzip({ level: 9 }), createWriteStream(blobFile));
  const entry = pack.entry({ name: 'bomb.bin', size: uncompressedBytes, mode: 0o644, uid: 0, gid: 0, mtime: FIXED_MTIME, type: 'file' });
  await pipeline(Readable.from(zeros(uncompressedBytes)), entry);
  pack.finalize();
  await written;
  return writeOciLayout(dir, {
    layers: [blobFile],
    config: baseConfig({ rootfs: { type: 'layers', diff_ids: [`sha256:${diffHash.digest('hex')}`] } }),
    refName: 'hostile:gzip-bomb',
  });
}

function* zeros(total: number): Generator<Buffer> {
  const chunk = Buffer.alloc(1024 * 1024);
  for (let left = total; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
}

/**
 * A layer whose stored bytes do not hash to the digest naming them: the manifest names the honest
 * layer, the blob file under that name holds a tampered layer of exactly the same size (stored deflate
 * blocks, so equal-length input gives equal-length gzip). Reading it without verifying yields `etc/motd`
 * = "EVIL…".
 */
export async function wrongDigestLayout(): Promise<WrittenLayout & { tamperedDigest: string }> {
  const honest = gzip(await tarLayer([{ name: 'etc/motd', content: 'GOOD layer content\n' }]), 0);
  const tampered = gzip(await tarLayer([{ name: 'etc/motd', content: 'EVIL layer content\n' }]), 0);
  if (honest.length !== tampered.length) throw new Error('tampered layer must have the honest layer\'s size');
  const written = await writeOciLayout(await newLayoutDir('wrong-digest'), { layers: [honest], config: baseConfig(), refName: 'hostile:wrong-digest' });
  const [layerDigest] = written.layerDigests;
  await writeFile(path.join(written.dir, 'blobs', 'sha256', layerDigest.slice('sha256:'.length)), tampered);
  return { ...written, tamperedDigest: sha256(tampered) };
}

/** Removes a layout made by one of the builders above. */
export async function removeLayout(layout: WrittenLayout): Promise<void> {
  await rm(layout.dir, { recursive: true, force: true });
}
