import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { parseRpmHeader, type RpmHeader } from './header.js';

/** rpmdb.sqlite of a large Fedora install is ~50 MB; more than this is not a package database. */
export const MAX_RPMDB_BYTES = 1024 ** 3;

export interface RpmdbRead {
  headers: RpmHeader[];
  notes: string[];
}

/**
 * Reads the headers of an rpm SQLite database (rpm ≥ 4.16). SQLite needs random access, so the
 * stream is spilled to a private temporary directory, removed afterwards.
 */
export async function readRpmdbSqlite(path: string, content: Readable, tmpBase: string): Promise<RpmdbRead> {
  const dir = await mkdtemp(join(tmpBase, 'kubeward-rpmdb-'));
  try {
    const file = join(dir, 'rpmdb.sqlite');
    await pipeline(content, sizeLimit(path), createWriteStream(file));
    await useRollbackJournal(file);
    return readHeaders(path, file);
  } catch (error) {
    content.destroy();
    return { headers: [], notes: [`rpm: ${path}: ${error instanceof Error ? error.message : String(error)}`] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sizeLimit(path: string): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > MAX_RPMDB_BYTES) callback(new Error(`larger than ${MAX_RPMDB_BYTES} bytes; not read`));
      else callback(null, chunk);
    },
  });
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
