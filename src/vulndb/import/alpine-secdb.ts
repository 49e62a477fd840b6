import type { Advisory, AffectedPackage } from '../model.js';
import { childPath, RecordError, type RecordLocation } from './errors.js';

// Alpine's secdb (https://secdb.alpinelinux.org/, e.g. v3.18/main.json) to Advisories: each
// `secfixes` version lists the CVEs it fixes, so every CVE affects the package from 0 up to it.

type Json = Record<string, unknown>;

const WHITESPACE = /\s+/;

/** Whether a parsed document is a secdb file: `{ distroversion, packages: [...] }`. */
/** An empty YAML value: null, or the empty string the failsafe schema reads it as. */
const isEmpty = (value: unknown): boolean => value === null || value === undefined || value === '';

export function isAlpineSecdb(doc: unknown): boolean {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const record = doc as Json;
  // Alpine's own files have `packages:` empty for repositories without fixes (v3.3 community).
  return typeof record.distroversion === 'string' && (Array.isArray(record.packages) || (isEmpty(record.packages) && typeof record.reponame === 'string'));
}

/**
 * One Advisory per fixed id (`ALPINE-<CVE>`), its affected list holding every package that fixes it.
 * Version `0` means the package was never affected: no record. Problems in one package are reported
 * through `onError` and the rest still convert.
 */
export function parseAlpineSecdb(doc: unknown, where: RecordLocation, modified: string, onError: (error: RecordError) => void): Advisory[] {
  const record = doc as Json;
  const distro = record.distroversion as string;
  const ecosystem = `Alpine:${distro.startsWith('v') ? distro : `v${distro}`}`;
  const byId = new Map<string, Advisory>();
  (isEmpty(record.packages) ? [] : (record.packages as unknown[])).forEach((item, i) => {
    try {
      for (const [id, pkg] of packageFixes(item, childPath('packages', i), where, ecosystem)) {
        addAffected(byId, id, pkg, where, modified);
      }
    } catch (error) {
      if (error instanceof RecordError) onError(error);
      else throw error;
    }
  });
  return [...byId.values()];
}

/** Merges `next` into `into`: same-id advisories from several files (branches) share one record. */
export function mergeAlpineAdvisory(into: Advisory, next: Advisory): Advisory {
  const keyOf = (pkg: AffectedPackage): string => `${pkg.ecosystem}\0${pkg.name}`;
  const replaced = new Set(next.affected.map(keyOf));
  const modified = [into.modified, next.modified].filter((v): v is string => v !== undefined).sort().at(-1);
  return {
    ...into,
    ...(modified ? { modified } : {}),
    affected: [...into.affected.filter((pkg) => !replaced.has(keyOf(pkg))), ...next.affected],
  };
}

function packageFixes(item: unknown, path: string, where: RecordLocation, ecosystem: string): [string, AffectedPackage][] {
  const fail = (at: string, message: string): never => {
    throw new RecordError(where, at, message);
  };
  const pkg = (item as Json | null)?.pkg as Json | undefined;
  if (pkg === null || typeof pkg !== 'object') return fail(childPath(path, 'pkg'), 'expected an object with name and secfixes');
  const name = pkg.name;
  if (typeof name !== 'string' || name === '') return fail(childPath(childPath(path, 'pkg'), 'name'), 'expected a package name');
  const fixesPath = childPath(childPath(path, 'pkg'), 'secfixes');
  if (pkg.secfixes === undefined || pkg.secfixes === null) return [];
  if (typeof pkg.secfixes !== 'object' || Array.isArray(pkg.secfixes)) return fail(fixesPath, 'expected a map of fixed version to ids');
  const out: [string, AffectedPackage][] = [];
  for (const [version, ids] of Object.entries(pkg.secfixes as Json)) {
    const at = childPath(fixesPath, version);
    if (isEmpty(ids)) continue; // a version listed without ids (v3.6 heimdal 7.4.0-r0): nothing to record
    if (!Array.isArray(ids)) return fail(at, 'expected a list of ids');
    ids.forEach((entry, j) => {
      if (typeof entry !== 'string') fail(childPath(at, j), 'expected an id string');
    });
    if (version === '0') continue; // never affected
    for (const entry of ids as string[]) {
      const id = entry.trim().split(WHITESPACE, 1)[0];
      if (!id) continue;
      out.push([id, { ecosystem, name, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: version }] }], versions: [] }]);
    }
  }
  return out;
}

function addAffected(byId: Map<string, Advisory>, id: string, pkg: AffectedPackage, where: RecordLocation, modified: string): void {
  const key = `ALPINE-${id}`;
  const existing = byId.get(key);
  if (existing) {
    existing.affected.push(pkg);
    return;
  }
  byId.set(key, {
    id: key,
    aliases: [id],
    severity: [],
    references: [{ type: 'ADVISORY', url: `https://security.alpinelinux.org/vuln/${encodeURIComponent(id)}` }],
    affected: [pkg],
    modified,
    source: `alpine-secdb:${where.file}${where.entry ? `!${where.entry}` : ''}`,
  });
}
