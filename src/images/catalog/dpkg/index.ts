import type { Readable } from 'node:stream';
import { baseName, parentOf, readLines } from '../../layers/index.js';
import type { CatalogContext, Cataloger, CatalogOutput, CollectedFile, FileEntry, OsInfo, Package } from '../../model.js';
import { distroQualifier, purlOf } from '../purl.js';
import { parseSourceField, readStanzas } from './control.js';

export { parseSourceField, readStanzas, type Stanza } from './control.js';

export const DPKG_CATALOGER = 'dpkg';
const STATUS = 'var/lib/dpkg/status';
/** distroless keeps one status stanza per package here, without a Status field. */
const STATUS_D = 'var/lib/dpkg/status.d';
const FIELDS = new Set(['package', 'version', 'architecture', 'source', 'license', 'status']);
/** Records kept per database file; a real system has a few thousand packages. */
const MAX_RECORDS = 200_000;
/** Release codenames, for Debian testing/sid which has no VERSION_ID. */
const DEBIAN_CODENAMES: Record<string, string> = { buster: '10', bullseye: '11', bookworm: '12', trixie: '13', forky: '14', duke: '15' };

export interface DpkgRecord {
  name: string;
  version: string;
  arch?: string;
  source: { name: string; version: string };
  license?: string;
}

export interface DpkgExtract {
  records: DpkgRecord[];
  notes: string[];
}

function isWanted(entry: FileEntry): boolean {
  if (entry.path === STATUS) return true;
  return parentOf(entry.path) === STATUS_D && !baseName(entry.path).endsWith('.md5sums');
}

/** Installed Debian packages from the dpkg status database (and distroless status.d). */
export function dpkgCataloger(): Cataloger<DpkgExtract> {
  return {
    name: DPKG_CATALOGER,
    wants: isWanted,
    read: (entry: FileEntry, content: Readable) => readStatus(entry.path, content),
    finish: (collected: CollectedFile<DpkgExtract>[], context: CatalogContext) => toOutput(collected, context),
  };
}

export async function readStatus(path: string, content: Readable): Promise<DpkgExtract> {
  const records: DpkgRecord[] = [];
  const notes: string[] = [];
  const problem = (line: number, message: string): void => {
    notes.push(`dpkg: ${path} line ${line}: ${message}`);
  };
  for await (const stanza of readStanzas(readLines(content), FIELDS, (p) => problem(p.line, p.message))) {
    const f = stanza.fields;
    const status = f.get('status');
    if (status !== undefined && status.split(/\s+/).at(-1) !== 'installed') continue;
    const name = f.get('package');
    const version = f.get('version');
    if (!name || !version) {
      problem(stanza.line, `package stanza without ${name ? 'Version' : 'Package'}; skipped`);
      continue;
    }
    if (records.length >= MAX_RECORDS) {
      problem(stanza.line, `more than ${MAX_RECORDS} packages; the rest are not read`);
      break;
    }
    const sourceField = f.get('source');
    const source = sourceField === undefined ? undefined : parseSourceField(sourceField);
    if (sourceField !== undefined && !source) problem(stanza.line, `unreadable Source "${sourceField}"`);
    const record: DpkgRecord = { name, version, source: { name: source?.name ?? name, version: source?.version ?? version } };
    const arch = f.get('architecture');
    if (arch) record.arch = arch;
    const license = f.get('license');
    if (license) record.license = license;
    records.push(record);
  }
  return { records, notes };
}

function toOutput(collected: CollectedFile<DpkgExtract>[], context: CatalogContext): CatalogOutput {
  const packages: Package[] = [];
  const notes: string[] = [];
  const ecosystem = dpkgEcosystem(context.os);
  for (const { entry, data } of collected) {
    notes.push(...data.notes);
    for (const record of data.records) packages.push(toPackage(record, entry, context.os, ecosystem));
  }
  return { packages, notes };
}

function toPackage(record: DpkgRecord, entry: FileEntry, os: OsInfo | undefined, ecosystem: string | undefined): Package {
  const pkg: Package = {
    type: 'deb',
    name: record.name,
    version: record.version,
    purl: debPurl(record, os),
    source: record.source,
    locations: [{ path: entry.path, layerIndex: entry.layerIndex, layerDigest: entry.layerDigest }],
  };
  if (ecosystem) pkg.ecosystem = ecosystem;
  if (record.arch) pkg.arch = record.arch;
  if (record.license) pkg.licenses = [record.license];
  return pkg;
}

/** `pkg:deb/<os>/<name>@<version>?arch=…&distro=…[&upstream=…]`, the qualifiers syft writes. */
export function debPurl(record: DpkgRecord, os: OsInfo | undefined): string {
  return purlOf('deb', os?.id ?? 'debian', record.name, record.version, {
    arch: record.arch,
    distro: distroQualifier(os),
    upstream: upstreamQualifier(record),
  });
}

function upstreamQualifier(record: DpkgRecord): string | undefined {
  const { source } = record;
  if (source.name === record.name && source.version === record.version) return undefined;
  return source.version === record.version ? source.name : `${source.name}@${source.version}`;
}

/** Ubuntu's long-term releases: April releases of even years (22.04, 24.04), whatever os-release says. */
const isUbuntuLts = (release: string): boolean => /^\d\d\.04$/.test(release) && Number(release.slice(0, 2)) % 2 === 0;

/** The OSV ecosystem of dpkg packages: `Debian:12`, `Ubuntu:22.04:LTS`, `Ubuntu:23.10`. */
export function dpkgEcosystem(os: OsInfo | undefined): string | undefined {
  if (os?.id === 'debian') {
    const major = os.versionId ? /^\d+/.exec(os.versionId)?.[0] : os.codename ? DEBIAN_CODENAMES[os.codename] : undefined;
    return major ? `Debian:${major}` : undefined;
  }
  if (os?.id === 'ubuntu') {
    const release = /^\d+\.\d+/.exec(os.versionId ?? '')?.[0];
    if (!release) return undefined;
    return /\bLTS\b/.test(os.prettyName ?? '') || isUbuntuLts(release) ? `Ubuntu:${release}:LTS` : `Ubuntu:${release}`;
  }
  return undefined;
}
