import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Advisory, AdvisoryLookup } from '../model.js';
import { baseEcosystem, nameKey } from '../names.js';
import { completeSchema, createSchema, readSchemaVersion, SCHEMA_VERSION } from './schema.js';

// Advisories in SQLite: one row per advisory (the whole record as JSON) and one row per affected
// package, keyed by (ecosystem, normalised name) for the matcher's lookups.

/** The database cannot be opened or used: one line for the user. */
export class AdvisoryStoreError extends Error {}

export interface SourceRecord {
  /** `osv:npm`, `import:/data/all.zip`… */
  name: string;
  /** `osv-mirror`, `osv`, `alpine-secdb`… */
  kind: string;
  /** URL or file path. */
  location: string;
  /** ISO time; default now. */
  importedAt?: string;
  records: number;
}

export interface StoreStatus {
  path: string;
  schemaVersion: number;
  records: number;
  withdrawn: number;
  sources: { name: string; kind: string; location: string; importedAt: string; records: number }[];
  ecosystems: { ecosystem: string; records: number }[];
  newestModified?: string;
}

export interface UpsertResult {
  /** Records inserted or replacing an older one. */
  written: number;
  /** Records kept out because the store holds a newer one with the same id. */
  skipped: number;
}

type Statement = Database.Statement;

/** Whether a record modified at `candidate` may replace one modified at `current` (same or newer). */
export function isNotOlder(candidate: string | undefined, current: string | undefined): boolean {
  if (current === undefined) return true;
  if (candidate === undefined) return false;
  const a = Date.parse(candidate);
  const b = Date.parse(current);
  if (Number.isNaN(a) || Number.isNaN(b)) return candidate >= current;
  return a >= b;
}

export class AdvisoryStore implements AdvisoryLookup {
  /** Parsed advisories by id: repeated lookups never re-parse JSON. Cleared on every write. */
  private readonly parsed = new Map<string, Advisory>();
  private readonly ecosystemsSeen = new Map<string, boolean>();
  /** The alias query, prepared on first use; null when the database has no alias table. */
  private relatedIds: Statement | null | undefined;
  private readonly lookupIds: Statement;
  private readonly jsonById: Statement;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    readonly schemaVersion: number,
  ) {
    this.lookupIds = db.prepare(
      'SELECT advisory_id FROM affected WHERE ecosystem = ? AND name_key = ?',
    ).pluck();
    this.jsonById = db.prepare('SELECT json FROM advisory WHERE id = ?').pluck();
  }

  /**
   * Opens the database at `path`. Writable (the default) creates the parent directories and the
   * schema; readonly needs an existing database.
   */
  static open(path: string, options: { readonly?: boolean } = {}): AdvisoryStore {
    const absolute = resolve(path);
    const readonly = options.readonly === true;
    if (readonly && !existsSync(absolute)) {
      throw new AdvisoryStoreError(`no advisory database at ${absolute}; run \`kubeward db import\` or \`kubeward db update\``);
    }
    if (!readonly) mkdirSync(dirname(absolute), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(absolute, { readonly, fileMustExist: readonly });
      // Scans read scattered rows: map the file instead of copying pages through SQLite's small cache.
      if (readonly) db.pragma('mmap_size = 1073741824');
    } catch (error) {
      throw new AdvisoryStoreError(`cannot open advisory database ${absolute}: ${(error as Error).message}`);
    }
    return AdvisoryStore.prepare(db, absolute, readonly);
  }

  /** A database in memory, for one run. */
  static memory(): AdvisoryStore {
    return AdvisoryStore.prepare(new Database(':memory:'), ':memory:', false);
  }

  private static prepare(db: Database.Database, path: string, readonly: boolean): AdvisoryStore {
    try {
      let version = readSchemaVersion(db);
      if (version === undefined) {
        if (readonly) throw new AdvisoryStoreError(`${path} is not a kubeward advisory database (no schema version)`);
        createSchema(db);
        version = SCHEMA_VERSION;
      }
      if (!readonly) completeSchema(db);
      if (!Number.isInteger(version) || version > SCHEMA_VERSION) {
        throw new AdvisoryStoreError(
          `advisory database ${path} has schema version ${version}, newer than this kubeward reads (${SCHEMA_VERSION}); upgrade kubeward or run \`kubeward db update\` with a new database path`,
        );
      }
      return new AdvisoryStore(db, path, version);
    } catch (error) {
      db.close();
      if (error instanceof AdvisoryStoreError) throw error;
      throw new AdvisoryStoreError(`cannot read advisory database ${path}: ${(error as Error).message}`);
    }
  }

  close(): void {
    this.parsed.clear();
    if (this.db.open) this.db.close();
  }

  /**
   * Stores `advisories` in one transaction, recording `sourceName` as their source. A record replaces
   * one with the same id only when its `modified` is not older.
   */
  upsert(advisories: Iterable<Advisory>, sourceName: string): UpsertResult {
    const currentOf = this.db.prepare('SELECT modified FROM advisory WHERE id = ?');
    const putAdvisory = this.db.prepare(
      'INSERT OR REPLACE INTO advisory (id, source, modified, published, withdrawn, json) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const dropAffected = this.db.prepare('DELETE FROM affected WHERE advisory_id = ?');
    const dropAliases = this.db.prepare('DELETE FROM alias WHERE advisory_id = ?');
    const putAlias = this.db.prepare('INSERT OR IGNORE INTO alias (alias, advisory_id) VALUES (?, ?)');
    const putAffected = this.db.prepare('INSERT OR IGNORE INTO affected (advisory_id, ecosystem, name_key) VALUES (?, ?, ?)');
    const result: UpsertResult = { written: 0, skipped: 0 };
    this.db.transaction(() => {
      for (const advisory of advisories) {
        const current = currentOf.get(advisory.id) as { modified: string | null } | undefined;
        if (current !== undefined) {
          if (!isNotOlder(advisory.modified, current.modified ?? undefined)) {
            result.skipped++;
            continue;
          }
          dropAffected.run(advisory.id);
          dropAliases.run(advisory.id);
        }
        putAdvisory.run(advisory.id, sourceName, advisory.modified ?? null, advisory.published ?? null, advisory.withdrawn ?? null, JSON.stringify(advisory));
        // Withdrawn advisories stay readable by id but are never looked up by package: no join needed at match time.
        if (!advisory.withdrawn) for (const pkg of advisory.affected) putAffected.run(advisory.id, pkg.ecosystem, nameKey(pkg.ecosystem, pkg.name));
        for (const alias of new Set(advisory.aliases)) if (alias !== advisory.id) putAlias.run(alias, advisory.id);
        result.written++;
      }
    })();
    this.parsed.clear();
    this.ecosystemsSeen.clear();
    return result;
  }

  /** Records where a set of advisories came from (replacing an earlier record of the same name). */
  recordSource(source: SourceRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO source (name, kind, location, imported_at, records) VALUES (?, ?, ?, ?, ?)')
      .run(source.name, source.kind, source.location, source.importedAt ?? new Date().toISOString(), source.records);
  }

  /** One advisory by id, withdrawn or not. */
  get(id: string): Advisory | undefined {
    const cached = this.parsed.get(id);
    if (cached) return cached;
    const json = this.jsonById.get(id) as string | undefined;
    if (json === undefined) return undefined;
    const advisory = JSON.parse(json) as Advisory;
    this.parsed.set(id, advisory);
    return advisory;
  }

  /** The advisories (not withdrawn) that name this package, its name compared as the ecosystem normalises it. */
  advisoriesFor(ecosystem: string, name: string): Advisory[] {
    const ids = this.lookupIds.all(ecosystem, nameKey(ecosystem, name)) as string[];
    const found: Advisory[] = [];
    for (const id of ids) {
      const advisory = this.get(id);
      if (advisory) found.push(advisory);
    }
    return found;
  }

  /**
   * Other advisories of the same vulnerability: those `advisory` names as aliases, and those naming
   * its id or one of its aliases as theirs (withdrawn ones left out). Empty for a database written
   * before the alias table existed.
   */
  related(advisory: Advisory): Advisory[] {
    if (this.relatedIds === undefined) {
      const hasTable = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alias'").pluck().get() !== undefined;
      this.relatedIds = hasTable ? this.db.prepare('SELECT DISTINCT advisory_id FROM alias WHERE alias IN (SELECT value FROM json_each(?))').pluck() : null;
    }
    if (this.relatedIds === null) return [];
    const keys = [advisory.id, ...advisory.aliases];
    const ids = new Set([...advisory.aliases, ...(this.relatedIds.all(JSON.stringify(keys)) as string[])]);
    ids.delete(advisory.id);
    return [...ids].sort().flatMap((id) => {
      const found = this.get(id);
      return found && !found.withdrawn ? [found] : [];
    });
  }

  /** Whether any (not withdrawn) advisory names a package of `ecosystem`; one index probe, cached per store. */
  hasEcosystem(ecosystem: string): boolean {
    let known = this.ecosystemsSeen.get(ecosystem);
    if (known === undefined) {
      known = this.db.prepare('SELECT 1 FROM affected WHERE ecosystem = ? LIMIT 1').pluck().get(ecosystem) !== undefined;
      this.ecosystemsSeen.set(ecosystem, known);
    }
    return known;
  }

  /** The ecosystems present, without release suffixes (`Debian:12` → `Debian`), sorted. */
  baseEcosystems(): string[] {
    const all = this.db.prepare('SELECT DISTINCT ecosystem FROM affected').pluck().all() as string[];
    return [...new Set(all.map(baseEcosystem))].sort();
  }

  /** Counts, sources and the newest record, for `kubeward db status`. */
  status(): StoreStatus {
    const count = (sql: string): number => this.db.prepare(sql).pluck().get() as number;
    const sources = this.db
      .prepare('SELECT name, kind, location, imported_at AS importedAt, records FROM source ORDER BY name')
      .all() as StoreStatus['sources'];
    const ecosystems = this.db
      .prepare(
        `SELECT a.ecosystem AS ecosystem, COUNT(DISTINCT a.advisory_id) AS records FROM affected a JOIN advisory v ON v.id = a.advisory_id
         WHERE v.withdrawn IS NULL GROUP BY a.ecosystem ORDER BY a.ecosystem`,
      )
      .all() as StoreStatus['ecosystems'];
    const newest = this.db.prepare('SELECT MAX(modified) FROM advisory').pluck().get() as string | null;
    return {
      path: this.path,
      schemaVersion: this.schemaVersion,
      records: count('SELECT COUNT(*) FROM advisory'),
      withdrawn: count('SELECT COUNT(*) FROM advisory WHERE withdrawn IS NOT NULL'),
      sources,
      ecosystems,
      ...(newest === null ? {} : { newestModified: newest }),
    };
  }
}
