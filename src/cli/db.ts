import { Option, type Command } from 'commander';
import { collect, guarded, processIo, UsageError, type CliIo } from './common.js';

// `kubeward db import|update|status`: the advisory database image scans match packages against.
// Only commander loads with this file; SQLite, the importers and the downloader load when a command runs.

import { defaultDbPath } from '../core/paths.js';

export { defaultDbPath };

/** Adds `db` and its subcommands to `program`; returns the `db` command. */
export function registerDbCommand(program: Command): Command {
  const db = program.command('db').description('manage the vulnerability advisory database that image scans match packages against');
  db.command('import')
    .description('import OSV JSON files, OSV all.zip archives, Alpine secdb files (YAML or JSON) and directories of them')
    .argument('<paths...>', 'files or directories to import')
    .option('--db <path>', 'database file (default $XDG_CACHE_HOME/kubeward/db/advisories.sqlite)')
    .action(async (paths: string[], flags: DbFlags) => {
      process.exitCode = await runDbImport(paths, flags, processIo);
    });
  db.command('update')
    .description('download OSV all.zip archives per ecosystem and swap in the new database atomically')
    .option('--ecosystem <name>', 'ecosystem to download (repeatable; default: those in the database, else Debian, Alpine, Ubuntu, npm, PyPI, Go, Maven)', collect)
    .option('--mirror <url>', 'OSV bucket or a mirror of it: <url>/<ecosystem>/all.zip is fetched')
    .option('--db <path>', 'database file (default $XDG_CACHE_HOME/kubeward/db/advisories.sqlite)')
    .action(async (flags: DbFlags) => {
      process.exitCode = await runDbUpdate(flags, processIo);
    });
  db.command('status')
    .description('show the sources, the records per ecosystem and how old the database is')
    .option('--db <path>', 'database file (default $XDG_CACHE_HOME/kubeward/db/advisories.sqlite)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (flags: DbFlags) => {
      process.exitCode = await runDbStatus(flags, processIo);
    });
  return db;
}

export interface DbFlags {
  db?: string;
  ecosystem?: string[];
  mirror?: string;
  format?: string;
}

/** Test hooks for `runDbUpdate`: an HTTP getter, and whether stderr is a terminal. */
export interface DbUpdateHooks {
  fetch?: import('../vulndb/update/index.js').HttpGet;
  tty?: boolean;
}

/** `kubeward db import`: exit 0, or 2 when any file or record could not be imported (the rest are). */
export async function runDbImport(paths: string[], flags: DbFlags, io: CliIo): Promise<number> {
  return guarded(io, async () => {
    if (paths.length === 0) throw new UsageError('db import needs at least one file or directory');
    const { importPaths, formatImportError } = await import('../vulndb/import/index.js');
    const store = await openStore(flags, false);
    try {
      const result = await importPaths(store, paths);
      for (const error of result.errors) io.stderr(`${formatImportError(error)}\n`);
      const rate = result.seconds > 0 ? Math.round(result.imported / result.seconds) : result.imported;
      const kept = result.skipped > 0 ? `; ${result.skipped} older record(s) left out, the database has newer ones` : '';
      io.stdout(`imported ${result.imported} advisories (${rate} records/s) from ${result.files} file(s)${kept}\n`);
      if (result.errors.length > 0) io.stderr(`kubeward: ${result.errors.length} error(s); the other records were imported\n`);
      return result.errors.length > 0 ? 2 : 0;
    } finally {
      store.close();
    }
  });
}

/** `kubeward db update`: exit 0; 1 when a download or archive fails (the old database is kept); 2 on usage errors. */
export async function runDbUpdate(flags: DbFlags, io: CliIo, hooks: DbUpdateHooks = {}): Promise<number> {
  return guarded(io, async () => {
    const [update, store, { formatImportError }] = await Promise.all([
      import('../vulndb/update/index.js'),
      import('../vulndb/store/index.js'),
      import('../vulndb/import/index.js'),
    ]);
    if (flags.mirror !== undefined && !/^https?:\/\//.test(flags.mirror)) throw new UsageError(`--mirror takes an http(s) URL, not ${JSON.stringify(flags.mirror)}`);
    const tty = hooks.tty ?? (io === processIo && process.stderr.isTTY === true);
    const progress = tty ? progressLine(io) : undefined;
    try {
      const result = await update.updateDatabase({
        dbPath: flags.db ?? defaultDbPath(),
        ...(flags.ecosystem ? { ecosystems: flags.ecosystem } : {}),
        ...(flags.mirror ? { mirror: flags.mirror } : {}),
        ...(hooks.fetch ? { fetch: hooks.fetch } : {}),
        ...(progress ? { onProgress: progress.update } : {}),
      });
      progress?.clear();
      for (const error of result.errors) io.stderr(`${formatImportError(error)}\n`);
      for (const eco of result.ecosystems) io.stdout(`${eco.ecosystem}: ${eco.imported} advisories from ${eco.url} (${formatBytes(eco.bytes)})\n`);
      io.stdout(`updated ${result.dbPath} in ${result.seconds.toFixed(1)} s\n`);
      return 0;
    } catch (error) {
      progress?.clear();
      if (error instanceof update.UpdateError) {
        io.stderr(`kubeward: update failed, the database is unchanged: ${error.message}\n`);
        return 1;
      }
      if (error instanceof store.AdvisoryStoreError) throw new UsageError(error.message);
      throw error;
    }
  });
}

/** `kubeward db status`: exit 0, or 2 when there is no database. */
export async function runDbStatus(flags: DbFlags, io: CliIo, now: Date = new Date()): Promise<number> {
  return guarded(io, async () => {
    const store = await openStore(flags, true);
    let status;
    try {
      status = store.status();
    } finally {
      store.close();
    }
    if (flags.format === 'json') {
      io.stdout(`${JSON.stringify(status, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `database: ${status.path} (schema ${status.schemaVersion})`,
      `advisories: ${status.records} (${status.withdrawn} withdrawn)${status.newestModified ? `, newest modified ${status.newestModified}` : ''}`,
      'sources:',
      ...(status.sources.length === 0 ? ['  none'] : status.sources.map((s) => `  ${s.name}  ${s.kind}  ${s.records} records  imported ${formatAge(s.importedAt, now)}  ${s.location}`)),
      'ecosystems:',
      ...(status.ecosystems.length === 0 ? ['  none'] : status.ecosystems.map((e) => `  ${e.ecosystem}  ${e.records}`)),
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  });
}

/** How long ago `iso` was, in the largest whole unit: `just now`, `5 minutes ago`, `3 days ago`. */
export function formatAge(iso: string, now: Date): string {
  const seconds = Math.floor((now.getTime() - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return `at ${iso}`;
  if (seconds < 60) return 'just now';
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

async function openStore(flags: DbFlags, readonly: boolean): Promise<import('../vulndb/store/index.js').AdvisoryStore> {
  const { AdvisoryStore, AdvisoryStoreError } = await import('../vulndb/store/index.js');
  try {
    return AdvisoryStore.open(flags.db ?? defaultDbPath(), { readonly });
  } catch (error) {
    if (error instanceof AdvisoryStoreError) throw new UsageError(error.message);
    throw error;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** One rewritten progress line on stderr, at most every 100 ms. */
function progressLine(io: CliIo): { update: (p: import('../vulndb/update/index.js').UpdateProgress) => void; clear: () => void } {
  let last = 0;
  return {
    update: (p) => {
      const time = Date.now();
      if (time - last < 100 && p.phase !== 'swap') return;
      last = time;
      const text =
        p.phase === 'download'
          ? `downloading ${p.ecosystem}: ${formatBytes(p.bytes)}${p.total ? ` of ${formatBytes(p.total)}` : ''}`
          : p.phase === 'import'
            ? `importing ${p.ecosystem}: ${p.imported} advisories`
            : 'replacing the database';
      io.stderr(`\r\x1b[Kkubeward: ${text}`);
    },
    clear: () => io.stderr('\r\x1b[K'),
  };
}
