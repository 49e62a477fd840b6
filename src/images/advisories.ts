import { access } from 'node:fs/promises';
import { defaultDbPath } from '../core/paths.js';
import { AdvisoryStore } from '../vulndb/store/index.js';
import type { AdvisorySet } from './scan.js';

/** An advisory set opened for a scan; `close()` releases the database. */
export interface OpenedAdvisories {
  set: AdvisorySet;
  /** Records of `--advisories` files that could not be read (`file: message`). */
  errors: string[];
  close(): void;
}

/**
 * The advisories a scan matches with: the files given with `--advisories` (imported into an
 * in-memory store for this run), else the database file. No database is not an error: the scan
 * still runs its other checks and reports vulnerabilities as not evaluated, saying how to get one.
 */
export async function openAdvisories(options: { db?: string; advisories?: string[] }): Promise<OpenedAdvisories> {
  if (options.advisories && options.advisories.length > 0) {
    const { importPaths } = await import('../vulndb/import/index.js');
    const store = AdvisoryStore.memory();
    const outcome = await importPaths(store, options.advisories);
    const errors = outcome.errors.map((e) => `${e.file}${e.entry ? `!${e.entry}` : ''}${e.path ? `:${e.path}` : ''}: ${e.message}`);
    const records = store.status().records;
    return { set: { lookup: store, description: { path: options.advisories.join(', '), records } }, errors, close: () => store.close() };
  }
  const path = options.db ?? defaultDbPath();
  if (!(await exists(path))) {
    const reason = `no advisory database at ${path}: run \`kubeward db update\` (online) or \`kubeward db import FILE\` (air-gapped), or pass --advisories`;
    return { set: { notEvaluated: reason }, errors: [], close: () => undefined };
  }
  const store = AdvisoryStore.open(path, { readonly: true });
  const status = store.status();
  const updatedAt = status.sources.map((s) => s.importedAt).filter(Boolean).sort().at(-1);
  return {
    set: { lookup: store, description: { path, records: status.records, ...(updatedAt ? { updatedAt } : {}) } },
    errors: [],
    close: () => store.close(),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
