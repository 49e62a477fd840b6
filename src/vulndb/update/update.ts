import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Importer, readZipEntries, ZipError, type ImportError } from '../import/index.js';
import { AdvisoryStore } from '../store/index.js';
import { downloadToFile, nodeHttpGet, UpdateError, type HttpGet } from './download.js';

// `kubeward db update`: OSV's per-ecosystem all.zip files into a copy of the database, swapped in
// with one rename, so a failed or interrupted update leaves the old database as it was.

export const DEFAULT_MIRROR = 'https://osv-vulnerabilities.storage.googleapis.com';
export const DEFAULT_ECOSYSTEMS = ['Debian', 'Alpine', 'Ubuntu', 'npm', 'PyPI', 'Go', 'Maven'];
/** Largest all.zip downloaded (OSV's biggest are a few hundred MiB). */
export const MAX_DOWNLOAD_BYTES = 4 * 1024 * 1024 * 1024;

export type UpdateProgress =
  | { phase: 'download'; ecosystem: string; bytes: number; total?: number }
  | { phase: 'import'; ecosystem: string; imported: number }
  | { phase: 'swap' };

export interface UpdateOptions {
  dbPath: string;
  /** Default: the ecosystems already in the database, else DEFAULT_ECOSYSTEMS. */
  ecosystems?: string[];
  mirror?: string;
  fetch?: HttpGet;
  maxDownloadBytes?: number;
  onProgress?: (progress: UpdateProgress) => void;
}

export interface EcosystemUpdate {
  ecosystem: string;
  url: string;
  bytes: number;
  imported: number;
  skipped: number;
}

export interface UpdateResult {
  dbPath: string;
  ecosystems: EcosystemUpdate[];
  /** Records in the archives that do not follow the OSV schema: left out, the rest imported. */
  errors: ImportError[];
  seconds: number;
}

/** Downloads, checks and imports every ecosystem's all.zip, then atomically replaces the database. */
export async function updateDatabase(options: UpdateOptions): Promise<UpdateResult> {
  const started = process.hrtime.bigint();
  const dbPath = resolve(options.dbPath);
  const mirror = (options.mirror ?? DEFAULT_MIRROR).replace(/\/+$/, '');
  const ecosystems = options.ecosystems?.length ? options.ecosystems : currentEcosystems(dbPath);
  await mkdir(dirname(dbPath), { recursive: true });
  const prefix = join(dirname(dbPath), `.${basename(dbPath)}.update-${process.pid}-${randomBytes(4).toString('hex')}`);
  const newDb = `${prefix}.sqlite`;
  const zips = ecosystems.map((_, i) => `${prefix}.${i}.zip`);
  try {
    const downloads: { ecosystem: string; url: string; zip: string; bytes: number }[] = [];
    for (const [i, ecosystem] of ecosystems.entries()) {
      const url = `${mirror}/${encodeURIComponent(ecosystem)}/all.zip`;
      const zip = zips[i] as string;
      const bytes = await downloadToFile(url, zip, options.fetch ?? nodeHttpGet, options.maxDownloadBytes ?? MAX_DOWNLOAD_BYTES, (p) =>
        options.onProgress?.({ phase: 'download', ecosystem, ...p }),
      );
      downloads.push({ ecosystem, url, zip, bytes });
    }
    await copyDatabase(dbPath, newDb);
    const store = AdvisoryStore.open(newDb);
    const results: EcosystemUpdate[] = [];
    const errors: ImportError[] = [];
    try {
      for (const download of downloads) {
        const counts = await importArchive(store, download, options.onProgress);
        results.push({ ecosystem: download.ecosystem, url: download.url, bytes: download.bytes, imported: counts.imported, skipped: counts.skipped });
        errors.push(...counts.errors);
      }
    } finally {
      store.close();
    }
    options.onProgress?.({ phase: 'swap' });
    await rename(newDb, dbPath);
    return { dbPath, ecosystems: results, errors, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    await Promise.all([...zips, newDb, `${newDb}-journal`].map((file) => rm(file, { force: true })));
  }
}

/** The base ecosystems the database at `dbPath` holds, else the defaults. */
function currentEcosystems(dbPath: string): string[] {
  if (!existsSync(dbPath)) return DEFAULT_ECOSYSTEMS;
  const store = AdvisoryStore.open(dbPath, { readonly: true });
  try {
    const present = store.baseEcosystems();
    return present.length > 0 ? present : DEFAULT_ECOSYSTEMS;
  } finally {
    store.close();
  }
}

/** Copies the current database (if any) with SQLite's online backup, consistent even while another process writes. */
async function copyDatabase(from: string, to: string): Promise<void> {
  if (!existsSync(from)) return;
  const source = new Database(from, { readonly: true, fileMustExist: true });
  try {
    await source.backup(to);
  } catch (error) {
    throw new UpdateError(`cannot copy ${from}: ${(error as Error).message}`);
  } finally {
    source.close();
  }
}

/**
 * Imports one downloaded archive. A broken zip, an unreadable entry or an entry that is not JSON
 * means a damaged download and fails the update; a JSON record that breaks the OSV schema is listed and skipped.
 */
async function importArchive(
  store: AdvisoryStore,
  download: { ecosystem: string; url: string; zip: string },
  onProgress?: (progress: UpdateProgress) => void,
): Promise<{ imported: number; skipped: number; errors: ImportError[] }> {
  const sourceName = `osv:${download.ecosystem}`;
  const importer = new Importer(store, sourceName, (p) => onProgress?.({ phase: 'import', ecosystem: download.ecosystem, imported: p.imported }));
  try {
    for await (const entry of readZipEntries(download.zip)) {
      if (entry.data === undefined) throw new UpdateError(`${download.url}!${entry.name}: ${entry.error}`);
      let doc: unknown;
      try {
        doc = JSON.parse(entry.data.toString('utf8'));
      } catch (error) {
        throw new UpdateError(`${download.url}!${entry.name}: invalid JSON: ${(error as Error).message}`);
      }
      importer.addDocument(doc, { file: download.url, entry: entry.name }, entry.lastModified);
    }
  } catch (error) {
    if (error instanceof ZipError) throw new UpdateError(`${download.url}: ${error.message}`);
    throw error;
  }
  importer.flush();
  store.recordSource({ name: sourceName, kind: 'osv-mirror', location: download.url, records: importer.counts.imported });
  return importer.counts;
}
