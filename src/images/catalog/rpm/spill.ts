import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** rpmdb.sqlite of a large Fedora install is ~50 MB, a RHEL 7 `Packages` ~100 MB; more than this is not a package database. */
export const MAX_RPMDB_BYTES = 1024 ** 3;

/**
 * Both database formats need random access, so the stream is spilled to a private temporary
 * directory (at most MAX_RPMDB_BYTES), handed to `use`, and removed whatever happens.
 */
export async function withSpilledFile<T>(content: Readable, tmpBase: string, fileName: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpBase, 'kubeward-rpmdb-'));
  try {
    const file = join(dir, fileName);
    await pipeline(content, sizeLimit(), createWriteStream(file));
    return await use(file);
  } finally {
    content.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

function sizeLimit(): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > MAX_RPMDB_BYTES) callback(new Error(`larger than ${MAX_RPMDB_BYTES} bytes; not read`));
      else callback(null, chunk);
    },
  });
}
