import type { Readable } from 'node:stream';
import { readLines } from '../../layers/index.js';
import type { CatalogContext, Cataloger, CatalogOutput, CollectedFile, FileEntry, OsInfo, Package } from '../../model.js';
import { distroQualifier, purlOf } from '../purl.js';

export const APK_CATALOGER = 'apk';
const WANTED = new Set(['lib/apk/db/installed', 'usr/lib/apk/db/installed']);
const MAX_RECORDS = 200_000;

export interface ApkRecord {
  name: string;
  version: string;
  arch?: string;
  origin?: string;
  license?: string;
}

export interface ApkExtract {
  records: ApkRecord[];
  notes: string[];
}

/** Installed Alpine (and Wolfi/Chainguard) packages from the apk database. */
export function apkCataloger(): Cataloger<ApkExtract> {
  return {
    name: APK_CATALOGER,
    wants: (entry: FileEntry) => WANTED.has(entry.path),
    read: (entry: FileEntry, content: Readable) => readInstalled(entry.path, content),
    finish: (collected: CollectedFile<ApkExtract>[], context: CatalogContext) => toOutput(collected, context),
  };
}

/**
 * The installed database: one `X:value` line per field, packages separated by blank lines.
 * https://wiki.alpinelinux.org/wiki/Apk_spec#Package_Info_Fields — P name, V version, A arch,
 * o origin (source package), L license.
 */
export async function readInstalled(path: string, content: Readable): Promise<ApkExtract> {
  const records: ApkRecord[] = [];
  const notes: string[] = [];
  let current: Partial<ApkRecord> = {};
  let startLine = 0;
  const flush = (): void => {
    if (current.name === undefined) {
      if (current.version !== undefined) notes.push(`apk: ${path} line ${startLine}: package without a name (P:); skipped`);
    } else if (!current.version) {
      notes.push(`apk: ${path} line ${startLine}: package ${current.name} has no version (V:); skipped`);
    } else if (records.length < MAX_RECORDS) {
      records.push(current as ApkRecord);
    } else if (records.length === MAX_RECORDS) {
      notes.push(`apk: ${path}: more than ${MAX_RECORDS} packages; the rest are not read`);
    }
    current = {};
  };
  let inStanza = false;
  for await (const { number, text } of readLines(content)) {
    if (text.trim() === '') {
      if (inStanza) flush();
      inStanza = false;
      continue;
    }
    if (!inStanza) [inStanza, startLine] = [true, number];
    if (text[1] !== ':') continue;
    const value = text.slice(2);
    // Other keys (F: files, R: files, Z: checksums, D: dependencies…) are not needed.
    if (text[0] === 'P') current.name = value;
    else if (text[0] === 'V') current.version = value;
    else if (text[0] === 'A') current.arch = value;
    else if (text[0] === 'o') current.origin = value;
    else if (text[0] === 'L') current.license = value;
  }
  if (inStanza) flush();
  return { records, notes };
}

function toOutput(collected: CollectedFile<ApkExtract>[], context: CatalogContext): CatalogOutput {
  const packages: Package[] = [];
  const notes: string[] = [];
  const ecosystem = apkEcosystem(context.os);
  for (const { entry, data } of collected) {
    notes.push(...data.notes);
    for (const record of data.records) {
      const pkg: Package = {
        type: 'apk',
        name: record.name,
        version: record.version,
        purl: apkPurl(record, context.os),
        source: { name: record.origin ?? record.name, version: record.version },
        locations: [{ path: entry.path, layerIndex: entry.layerIndex, layerDigest: entry.layerDigest }],
      };
      if (ecosystem) pkg.ecosystem = ecosystem;
      if (record.arch) pkg.arch = record.arch;
      if (record.license) pkg.licenses = [record.license];
      packages.push(pkg);
    }
  }
  return { packages, notes };
}

/** `pkg:apk/<os>/<name>@<version>?arch=…&distro=…[&upstream=<origin>]`, as syft writes it. */
export function apkPurl(record: ApkRecord, os: OsInfo | undefined): string {
  return purlOf('apk', os?.id ?? 'alpine', record.name, record.version, {
    arch: record.arch,
    distro: distroQualifier(os),
    upstream: record.origin && record.origin !== record.name ? record.origin : undefined,
  });
}

/** OSV ecosystems: `Alpine:v3.18` (major.minor of VERSION_ID), `Wolfi`, `Chainguard`. */
export function apkEcosystem(os: OsInfo | undefined): string | undefined {
  if (os?.id === 'wolfi') return 'Wolfi';
  if (os?.id === 'chainguard') return 'Chainguard';
  if (os?.id !== 'alpine') return undefined;
  const release = /^(\d+)\.(\d+)/.exec(os.versionId ?? '');
  return release ? `Alpine:v${release[1]}.${release[2]}` : undefined;
}
