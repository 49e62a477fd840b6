import { open, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { FAILSAFE_SCHEMA, load } from 'js-yaml';
import type { AdvisoryStore } from '../store/index.js';
import type { ImportError } from './errors.js';
import { Importer, type ImportProgress } from './importer.js';
import { readZipEntries, ZipError } from './zip.js';

// `kubeward db import`: OSV JSON files, OSV all.zip archives, Alpine secdb files, and directories of them.

export const MAX_JSON_BYTES = 256 * 1024 * 1024;
export const MAX_YAML_BYTES = 64 * 1024 * 1024;
const MAX_DEPTH = 64;
const READ_EXTENSIONS = new Set(['.json', '.zip', '.yaml', '.yml']);

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportResult {
  imported: number;
  skipped: number;
  errors: ImportError[];
  /** Files read (zip archives count once). */
  files: number;
  seconds: number;
}

/**
 * Imports every path (file or directory) into `store`. Each path is recorded as the source
 * `import:<absolute path>`; a bad record or file is listed in `errors` and the rest still import.
 */
export async function importPaths(store: AdvisoryStore, paths: string[], options: ImportOptions = {}): Promise<ImportResult> {
  const started = process.hrtime.bigint();
  const importer = new Importer(store, '', options.onProgress);
  let files = 0;
  for (const path of paths) {
    const absolute = resolve(path);
    const before = importer.counts.imported;
    importer.kinds.clear();
    importer.setSource(`import:${absolute}`);
    let info;
    try {
      info = await stat(absolute);
    } catch (error) {
      importer.error({ file: path, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      continue;
    }
    if (info.isDirectory()) {
      for await (const file of walk(absolute, 0, importer)) files += await importFile(importer, file, false);
    } else {
      files += await importFile(importer, absolute, true);
    }
    importer.flush();
    const records = importer.counts.imported - before;
    store.recordSource({ name: `import:${absolute}`, kind: [...importer.kinds].sort().join('+') || 'none', location: absolute, records });
  }
  const { imported, skipped, errors } = importer.counts;
  return { imported, skipped, errors, files, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Files under `dir` with a readable extension, sorted; symbolic links are not followed. */
async function* walk(dir: string, depth: number, importer: Importer): AsyncGenerator<string> {
  if (depth > MAX_DEPTH) {
    importer.error({ file: dir, message: `directories nested deeper than ${MAX_DEPTH} levels are not read` });
    return;
  }
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    importer.error({ file: dir, message: `cannot list: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full, depth + 1, importer);
    else if (entry.isFile() && READ_EXTENSIONS.has(extname(entry.name).toLowerCase())) yield full;
  }
}

/** Imports one file; returns 1 when it was read. `explicit` files with an unknown extension are errors. */
async function importFile(importer: Importer, file: string, explicit: boolean): Promise<number> {
  const extension = extname(file).toLowerCase();
  try {
    if (extension === '.zip') await importZip(importer, file);
    else if (extension === '.json') await importJson(importer, file);
    else if (extension === '.yaml' || extension === '.yml') await importYaml(importer, file);
    else {
      if (explicit) importer.error({ file, message: 'not an advisory file: expected .json, .zip, .yaml, .yml or a directory' });
      return 0;
    }
  } catch (error) {
    if (!(error instanceof FileError || error instanceof ZipError)) throw error;
    importer.error({ file, message: error.message });
  }
  return 1;
}

class FileError extends Error {}

async function importZip(importer: Importer, file: string): Promise<void> {
  for await (const entry of readZipEntries(file)) {
    if (entry.data === undefined) importer.error({ file, entry: entry.name, message: entry.error ?? 'unreadable entry' });
    else importer.addJsonText(entry.data.toString('utf8'), { file, entry: entry.name }, entry.lastModified);
  }
}

async function importJson(importer: Importer, file: string): Promise<void> {
  const { text, modified } = await readBounded(file, MAX_JSON_BYTES);
  importer.addJsonText(text, { file }, modified);
}

async function importYaml(importer: Importer, file: string): Promise<void> {
  const { text, modified } = await readBounded(file, MAX_YAML_BYTES);
  let doc: unknown;
  try {
    // Failsafe schema: every scalar stays a string, so a version key like `1.10` is not read as 1.1.
    doc = load(text, { schema: FAILSAFE_SCHEMA, filename: file, maxAliases: 0 });
  } catch (error) {
    throw new FileError(`invalid YAML: ${(error as Error).message.split('\n', 1)[0]}`);
  }
  importer.addDocument(doc, { file }, modified);
}

/** Reads a whole file of at most `maxBytes`, with its modification time. */
async function readBounded(file: string, maxBytes: number): Promise<{ text: string; modified: Date }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new FileError(`cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const info = await handle.stat();
    if (info.size > maxBytes) throw new FileError(`file is ${info.size} bytes, more than the ${maxBytes} read`);
    return { text: await handle.readFile('utf8'), modified: info.mtime };
  } finally {
    await handle.close();
  }
}
