import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestMismatchError, ImageSourceError } from '../model.js';
import { DigestVerifier, parseDigest, verifyBytes } from './digest.js';

// A content-addressed blob cache: <dir>/blobs/<alg>/<hex>. Files only appear under their final name
// after their digest was verified (written as `<hex>.partial-<random>`, then renamed atomically).

export class BlobCache {
  /** `readOnly` for a user's OCI layout: blobs are read and verified there, never deleted. */
  constructor(readonly dir: string, private readonly readOnly = false) {}

  /** Path of a blob; the digest is validated so no other path can come out of it. */
  pathOf(digest: string): string {
    const { algorithm, hex } = parseDigest(digest, 'blob cache');
    return join(this.dir, 'blobs', algorithm, hex);
  }

  async has(digest: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(digest))).isFile();
    } catch {
      return false;
    }
  }

  /** Streams a cached blob through a verifier; a corrupt cache file is deleted when detected. */
  openVerified(digest: string, where: string, maxBytes?: number): Readable {
    const path = this.pathOf(digest);
    const verifier = new DigestVerifier(digest, where, maxBytes);
    // 1 MiB reads: layers are large and every read is a round trip to the thread pool.
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    file.on('error', (error) => verifier.destroy(error));
    verifier.on('error', (error) => {
      file.destroy();
      if (error instanceof DigestMismatchError && !this.readOnly) void rm(path, { force: true });
    });
    return file.pipe(verifier);
  }

  /** Reads a small blob (manifest, config) into memory, verified; undefined when absent. */
  async readSmall(digest: string, maxBytes: number, where: string): Promise<Buffer | undefined> {
    const path = this.pathOf(digest);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      return undefined;
    }
    if (size > maxBytes) throw new ImageSourceError(`${where}: ${size} bytes is larger than the ${maxBytes} byte limit`);
    const bytes = await readFile(path);
    try {
      verifyBytes(bytes, digest, where);
    } catch (error) {
      if (error instanceof DigestMismatchError && !this.readOnly) await rm(path, { force: true });
      throw error;
    }
    return bytes;
  }

  /** Opens a `.partial-<random>` file next to where `digest` will live. */
  async createPartial(digest: string): Promise<PartialBlob> {
    if (this.readOnly) throw new ImageSourceError(`${this.dir}: read-only blob store`);
    const path = this.pathOf(digest);
    await mkdir(join(path, '..'), { recursive: true });
    const partialPath = `${path}.partial-${randomBytes(6).toString('hex')}`;
    return new PartialBlob(await open(partialPath, 'wx'), partialPath, path);
  }

  /** Copies a stream into the cache under `digest`, verifying it; nothing is left behind on failure. */
  async importStream(source: Readable, digest: string, where: string, maxBytes?: number): Promise<void> {
    const partial = await this.createPartial(digest);
    try {
      await pipeline(source, new DigestVerifier(digest, where, maxBytes), async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) await partial.write(chunk);
      });
      await partial.commit();
    } catch (error) {
      await partial.abort();
      throw error;
    }
  }

  /** Copies a stream whose digest is not known in advance (a docker-save layer.tar); returns its sha256 digest. */
  async importComputing(source: Readable, maxBytes: number): Promise<string> {
    const dir = join(this.dir, 'blobs', 'sha256');
    await mkdir(dir, { recursive: true });
    const partialPath = join(dir, `incoming.partial-${randomBytes(6).toString('hex')}`);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            bytes += chunk.length;
            if (bytes > maxBytes) throw new ImageSourceError(`entry is larger than its declared ${maxBytes} bytes`);
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(partialPath, { flags: 'wx' }),
      );
      const digest = `sha256:${hash.digest('hex')}`;
      await rename(partialPath, this.pathOf(digest));
      return digest;
    } catch (error) {
      await rm(partialPath, { force: true });
      throw error;
    }
  }

  /** Stores small bytes already in memory (a config) after verifying them. */
  async writeSmall(bytes: Buffer, digest: string, where: string): Promise<void> {
    verifyBytes(bytes, digest, where);
    const partial = await this.createPartial(digest);
    try {
      await partial.write(bytes);
      await partial.commit();
    } catch (error) {
      await partial.abort();
      throw error;
    }
  }
}

/** A blob being written; `commit` renames it into place, `abort` removes it. Both are idempotent. */
export class PartialBlob {
  private done = false;

  constructor(private readonly handle: FileHandle, readonly path: string, private readonly finalPath: string) {}

  async write(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await this.handle.write(chunk, offset, chunk.length - offset);
      offset += bytesWritten;
    }
  }

  async commit(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.handle.close();
    await rename(this.path, this.finalPath);
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.handle.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
