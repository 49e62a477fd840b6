import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack as tarPack, type Header } from 'tar-stream';
import type { LayerBlob } from '../model.js';

// Test fixtures: layers built in memory from a list of entries (used by the walker's and the
// catalogers' tests; small by construction — big fixtures stream from files).

export interface TarEntrySpec {
  name: string;
  type?: Header['type'];
  content?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
}

export async function tarBuffer(entries: TarEntrySpec[]): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const spec of entries) {
    const type = spec.type ?? 'file';
    const body = type === 'file' ? Buffer.from(spec.content ?? '') : undefined;
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: spec.name,
        type,
        mode: spec.mode ?? (type === 'directory' ? 0o755 : 0o644),
        uid: spec.uid ?? 0,
        gid: spec.gid ?? 0,
        ...(spec.linkname !== undefined ? { linkname: spec.linkname } : {}),
      };
      const done = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (body) pack.entry(header, body, done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A layer blob over bytes held in memory (`gzip: true` compresses them first). */
export function memoryLayer(tar: Buffer, options: { gzip?: boolean } = {}): LayerBlob {
  const blob = options.gzip ? gzipSync(tar) : tar;
  return {
    digest: sha256Digest(blob),
    mediaType: options.gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar',
    size: blob.length,
    open: async () => Readable.from([blob]),
  };
}

export async function layerOf(entries: TarEntrySpec[], options: { gzip?: boolean } = {}): Promise<LayerBlob> {
  return memoryLayer(await tarBuffer(entries), options);
}

/** A layer blob read from a file (its digest is the caller's label, not verified). */
export function fileLayer(path: string, size: number, digest: string): LayerBlob {
  return { digest, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size, open: async () => createReadStream(path) };
}
