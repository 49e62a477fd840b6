import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { bdbHashEntries, BdbError, openBdbHash, type PageSource } from './bdb.js';
import { parseRpmHeader, type RpmHeader } from './header.js';
import type { RpmdbRead } from './sqlite.js';
import { withSpilledFile } from './spill.js';

/** A damaged database can yield a problem per page; beyond this many, only a count is reported. */
export const MAX_NOTES = 20;

/**
 * Reads the headers of an rpm Berkeley DB `Packages` database (rpm < 4.16): a hash database whose
 * keys are 4-byte package numbers in the writer's byte order and whose values are header blobs.
 * Key 0, when present, is rpm's "next package number" record, not a package.
 */
export async function readRpmdbBdb(path: string, content: Readable, tmpBase: string): Promise<RpmdbRead> {
  try {
    return await withSpilledFile(content, tmpBase, 'Packages', async (file) => {
      const handle = await open(file, 'r');
      try {
        return await readHeaders(path, await fileSource(handle));
      } finally {
        await handle.close();
      }
    });
  } catch (error) {
    return { headers: [], notes: [`rpm: ${path}: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

/** Headers of the database behind `source`, in package-number order; damage becomes notes. */
export async function readHeaders(path: string, source: PageSource): Promise<RpmdbRead> {
  const notes = new NoteList(path);
  let meta;
  try {
    meta = await openBdbHash(source);
  } catch (error) {
    if (!(error instanceof BdbError)) throw error;
    return { headers: [], notes: [`rpm: ${path}: ${error.message}; its packages are not listed`] };
  }
  if (meta.truncated) notes.add(`${meta.truncated}; only the pages present are read`);
  const found: { number: number; header: RpmHeader }[] = [];
  for await (const entry of bdbHashEntries(source, meta)) {
    if ('problem' in entry) {
      notes.add(`page ${entry.page}: ${entry.problem}`);
      continue;
    }
    if (entry.key.length !== 4) {
      notes.add(`page ${entry.page}: key of ${entry.key.length} bytes is not a package number; skipped`);
      continue;
    }
    const number = meta.littleEndian ? entry.key.readUInt32LE(0) : entry.key.readUInt32BE(0);
    if (number === 0) continue;
    try {
      found.push({ number, header: parseRpmHeader(entry.value) });
    } catch (error) {
      notes.add(`package ${number}: corrupt header (${error instanceof Error ? error.message : String(error)}); skipped`);
    }
  }
  found.sort((a, b) => a.number - b.number);
  return { headers: found.map((f) => f.header), notes: notes.list() };
}

async function fileSource(handle: FileHandle): Promise<PageSource> {
  const { size } = await handle.stat();
  return {
    size,
    async read(position, length) {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      if (bytesRead !== length) throw new BdbError(`short read at byte ${position}`);
      return buffer;
    },
  };
}

class NoteList {
  private readonly notes: string[] = [];
  private dropped = 0;
  constructor(private readonly path: string) {}
  add(note: string): void {
    if (this.notes.length < MAX_NOTES) this.notes.push(`rpm: ${this.path}: ${note}`);
    else this.dropped++;
  }
  list(): string[] {
    return this.dropped ? [...this.notes, `rpm: ${this.path}: ${this.dropped} more problems not listed`] : this.notes;
  }
}
