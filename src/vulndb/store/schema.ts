import type { Database } from 'better-sqlite3';

// The advisory database's tables. Bump SCHEMA_VERSION on any change a previous kubeward cannot read.

export const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS advisory (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  modified TEXT,
  published TEXT,
  withdrawn TEXT,
  json TEXT NOT NULL
);
-- The primary key is the (ecosystem, name_key) lookup index, and also keeps one row per package.
-- Withdrawn advisories have no rows here: they never match.
CREATE TABLE IF NOT EXISTS affected (
  advisory_id TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  name_key TEXT NOT NULL,
  PRIMARY KEY (ecosystem, name_key, advisory_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS affected_by_advisory ON affected (advisory_id);
-- Other ids of the same vulnerability (CVE-2019-5018 for ALPINE-CVE-2019-5018): advisories without
-- a severity of their own take it from a related one.
CREATE TABLE IF NOT EXISTS alias (
  alias TEXT NOT NULL,
  advisory_id TEXT NOT NULL,
  PRIMARY KEY (alias, advisory_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alias_by_advisory ON alias (advisory_id);
CREATE TABLE IF NOT EXISTS source (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  location TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  records INTEGER NOT NULL
);
`;

/** The schema version a database says it has; undefined when it has no `meta` table (a new file). */
export function readSchemaVersion(db: Database): number | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").pluck().get();
  if (hasMeta === undefined) return undefined;
  const value = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as string | undefined;
  return value === undefined ? undefined : Number(value);
}

/** Adds tables a database written by an earlier build of this schema version lacks (all statements are IF NOT EXISTS). */
export function completeSchema(db: Database): void {
  db.exec(DDL);
}

/** Creates the tables of a new database and stamps its version. */
export function createSchema(db: Database): void {
  db.exec(DDL);
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
}
