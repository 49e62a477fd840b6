import type { OsInfo, PackageLocation } from '../model.js';
import { isObject, normalisePath, PackageCollector, SbomError, stringOr, type SbomContents } from './read-common.js';

// SPDX 2.2 / 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/): packages with a purl external
// reference (§7.21, category PACKAGE-MANAGER, written PACKAGE_MANAGER in 2.2), the OPERATING-SYSTEM
// package, what DESCRIBES names as the subject, and `sourceInfo` (§7.19) for where a package was seen.

const SUPPORTED = new Set(['SPDX-2.2', 'SPDX-2.3']);

export function readSpdx(doc: Record<string, unknown>, file: string): SbomContents {
  const version = stringOr(doc.spdxVersion);
  if (!version || !SUPPORTED.has(version)) throw new SbomError(`${file}: $.spdxVersion: ${version ?? '(missing)'} is not supported (SPDX-2.2 or SPDX-2.3)`);
  if (doc.packages !== undefined && !Array.isArray(doc.packages)) throw new SbomError(`${file}: $.packages: must be an array`);
  const packages = (doc.packages as unknown[] | undefined) ?? [];
  const described = describedIds(doc);
  const collector = new PackageCollector(file);
  let os: OsInfo | undefined;
  let subject: string | undefined;

  packages.forEach((value, i) => {
    const where = `$.packages[${i}]`;
    if (!isObject(value)) return collector.problem(where, 'a package must be an object');
    const id = stringOr(value.SPDXID);
    if (id && described.has(id)) {
      subject ??= subjectOf(value);
      return;
    }
    if (value.primaryPackagePurpose === 'OPERATING-SYSTEM') {
      os ??= osOf(value, file, where);
      return;
    }
    if (value.primaryPackagePurpose === 'CONTAINER') return;
    const purl = purlOf(value);
    if (!purl) return;
    const info = parseSourceInfo(stringOr(value.sourceInfo));
    collector.add({ purl, licenses: licensesOf(value), locations: info.locations, ...(info.source ? { source: info.source } : {}) }, where);
  });
  os ??= collector.osFromDistro();
  return { subject: stringOr(doc.name) ?? subject ?? file, ...(os ? { os } : {}), packages: collector.packages, notes: collector.notes() };
}

/** Element ids the document DESCRIBES (relationships, or 2.2's `documentDescribes`). */
function describedIds(doc: Record<string, unknown>): Set<string> {
  const ids = new Set<string>();
  if (Array.isArray(doc.documentDescribes)) for (const id of doc.documentDescribes) if (typeof id === 'string') ids.add(id);
  if (Array.isArray(doc.relationships)) {
    for (const r of doc.relationships) {
      if (!isObject(r) || typeof r.relatedSpdxElement !== 'string') continue;
      if (r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES') ids.add(r.relatedSpdxElement);
    }
  }
  return ids;
}

function subjectOf(pkg: Record<string, unknown>): string | undefined {
  const name = stringOr(pkg.name);
  const version = stringOr(pkg.versionInfo);
  if (!name) return undefined;
  if (!version) return name;
  return version.includes(':') ? `${name}@${version}` : `${name}:${version}`;
}

function purlOf(pkg: Record<string, unknown>): string | undefined {
  if (!Array.isArray(pkg.externalRefs)) return undefined;
  for (const ref of pkg.externalRefs) {
    if (!isObject(ref) || ref.referenceType !== 'purl') continue;
    const category = ref.referenceCategory;
    if (category !== 'PACKAGE-MANAGER' && category !== 'PACKAGE_MANAGER') continue;
    const locator = stringOr(ref.referenceLocator);
    if (locator) return locator;
  }
  return undefined;
}

const NO_LICENSE = new Set(['NOASSERTION', 'NONE']);

/** licenseDeclared, else licenseConcluded; a plain `A AND B` is split back into the list it was joined from. */
function licensesOf(pkg: Record<string, unknown>): string[] {
  const declared = stringOr(pkg.licenseDeclared);
  const concluded = stringOr(pkg.licenseConcluded);
  const expression = declared && !NO_LICENSE.has(declared) ? declared : concluded && !NO_LICENSE.has(concluded) ? concluded : undefined;
  if (!expression) return [];
  if (/[()]|\b(OR|WITH)\b/.test(expression)) return [expression];
  return expression.split(/\s+AND\s+/);
}

function osOf(pkg: Record<string, unknown>, file: string, where: string): OsInfo | undefined {
  const name = stringOr(pkg.name);
  if (!name) return undefined;
  const version = stringOr(pkg.versionInfo);
  const description = stringOr(pkg.description);
  const source = /^acquired operating system info from (.+)$/.exec(stringOr(pkg.sourceInfo) ?? '')?.[1];
  return {
    id: name.toLowerCase(),
    ...(version ? { versionId: version } : {}),
    ...(description ? { prettyName: description } : {}),
    source: source ?? `${file} (${where})`,
  };
}

const ACQUIRED = 'acquired package info from ';
const BUILT_FROM = /^built from source package (\S+) (\S+)$/;
const KUBEWARD_LOCATION = /^(.+), layer (\S+) \(index (\d+)\)$/;

/**
 * kubeward: `built from source package N V; acquired package info from P, layer D (index I); …`.
 * Syft: `acquired package info from <what>: /path1, /path2`.
 */
export function parseSourceInfo(text: string | undefined): { locations: PackageLocation[]; source?: { name: string; version: string } } {
  const locations: PackageLocation[] = [];
  let source: { name: string; version: string } | undefined;
  for (const part of (text ?? '').split('; ')) {
    const built = BUILT_FROM.exec(part);
    if (built) {
      source = { name: built[1]!, version: built[2]! };
      continue;
    }
    if (!part.startsWith(ACQUIRED)) continue;
    const rest = part.slice(ACQUIRED.length);
    const ours = KUBEWARD_LOCATION.exec(rest);
    if (ours) {
      locations.push({ path: normalisePath(ours[1]!), layerDigest: ours[2]!, layerIndex: Number(ours[3]) });
      continue;
    }
    const colon = rest.lastIndexOf(': ');
    const paths = colon === -1 ? rest : rest.slice(colon + 2);
    for (const path of paths.split(', ')) if (path.trim()) locations.push({ path: normalisePath(path.trim()), layerDigest: '', layerIndex: -1 });
  }
  return { locations, ...(source ? { source } : {}) };
}

