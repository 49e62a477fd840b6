import yauzl from 'yauzl';

// Reads a zip's entries one at a time into memory, each bounded, never writing them to disk.

export const MAX_ENTRY_BYTES = 32 * 1024 * 1024;
export const MAX_ENTRIES = 5_000_000;

export interface ZipEntryData {
  name: string;
  lastModified: Date;
  /** The entry's bytes, or why they could not be read. */
  data?: Buffer;
  error?: string;
}

/** A zip that cannot be read at all (not a zip, truncated, too many entries). */
export class ZipError extends Error {}

export interface ZipLimits {
  maxEntryBytes?: number;
  maxEntries?: number;
}

/** Yields every file entry of the zip at `path`; directories are skipped. Throws ZipError when the archive itself is broken. */
export async function* readZipEntries(path: string, limits: ZipLimits = {}): AsyncGenerator<ZipEntryData> {
  const maxEntryBytes = limits.maxEntryBytes ?? MAX_ENTRY_BYTES;
  const maxEntries = limits.maxEntries ?? MAX_ENTRIES;
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch (error) {
    throw new ZipError(`not a readable zip: ${(error as Error).message}`);
  }
  try {
    if (zip.entryCount > maxEntries) throw new ZipError(`zip has ${zip.entryCount} entries, more than the ${maxEntries} read`);
    const entries = zip.eachEntry();
    while (true) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await entries.next();
      } catch (error) {
        throw new ZipError(`zip directory is damaged: ${(error as Error).message}`);
      }
      if (next.done) break;
      const entry = next.value;
      if (entry.fileName.endsWith('/')) continue;
      const base = { name: entry.fileName, lastModified: entry.getLastModDate() };
      if (entry.uncompressedSize > maxEntryBytes) {
        yield { ...base, error: `entry is ${entry.uncompressedSize} bytes uncompressed, more than the ${maxEntryBytes} read` };
        continue;
      }
      try {
        yield { ...base, data: await readEntry(zip, entry, maxEntryBytes) };
      } catch (error) {
        yield { ...base, error: `cannot read entry: ${(error as Error).message}` };
      }
    }
  } finally {
    zip.close();
  }
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new Error(`more than ${maxBytes} bytes uncompressed`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
