import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { parseRpmHeader, type RpmHeader } from './header.js';
import { withSpilledFile } from './spill.js';

export { MAX_RPMDB_BYTES } from './spill.js';

export interface RpmdbRead {
  headers: RpmHeader[];
  notes: string[];
}

/**
 * Reads the headers of an rpm SQLite database (rpm ≥ 4.16). SQLite needs random access, so the
 * stream is spilled to a private temporary directory, removed afterwards.
 */
export async function readRpmdbSqlite(path: string, content: Readable, tmpBase: string): Promise<RpmdbRead> {
  try {
    return await withSpilledFile(content, tmpBase, 'rpmdb.sqlite', async (file) => {
      await useRollbackJournal(file);
      return readHeaders(path, file);
    });
  } catch (error) {
    return { headers: [], notes: [`rpm: ${path}: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

/**
 * rpm keeps its database in WAL mode, which a read-only connection can only open with a writable
 * -shm file beside it. The copy is private, so mark it as a rollback-journal database instead
 * (header bytes 18–19, https://www.sqlite.org/fileformat2.html#file_format_version_numbers).
 */
async function useRollbackJournal(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const versions = Buffer.alloc(2);
    await handle.read(versions, 0, 2, 18);
    if (versions[0] === 2 && versions[1] === 2) await handle.write(Buffer.from([1, 1]), 0, 2, 18);
  } finally {
    await handle.close();
  }
}

function readHeaders(path: string, file: string): RpmdbRead {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const headers: RpmHeader[] = [];
    const notes: string[] = [];
    const rows = db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').iterate() as Iterable<{ hnum: number; blob: unknown }>;
    for (const row of rows) {
      if (!(row.blob instanceof Uint8Array)) {
        notes.push(`rpm: ${path}: package ${row.hnum}: header is not a blob; skipped`);
        continue;
      }
      try {
        headers.push(parseRpmHeader(row.blob));
      } catch (error) {
        notes.push(`rpm: ${path}: package ${row.hnum}: corrupt header (${error instanceof Error ? error.message : String(error)}); skipped`);
      }
    }
    return { headers, notes };
  } finally {
    db.close();
  }
}
