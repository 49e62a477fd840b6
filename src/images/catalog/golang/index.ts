import type { Readable } from 'node:stream';
import { PackageURL } from 'packageurl-js';
import type { Cataloger, CatalogOutput, CollectedFile, FileEntry, Package } from '../../model.js';
import { decodeBuildInfo, isExecutableHeader, MagicScanner, type BuildInfo } from './buildinfo.js';
import { parseModInfo, stdlibVersion, type GoModule } from './modinfo.js';

export { decodeBuildInfo, isExecutableHeader, MagicScanner, readUvarint, stripSentinels, BUILDINFO_MAGIC, type BuildInfo } from './buildinfo.js';
export { parseModInfo, stdlibVersion, type GoModule, type ModInfo } from './modinfo.js';

export const GO_BINARY_MIN_BYTES = 1024;
export const GO_BINARY_MAX_BYTES = 1024 ** 3;
/** At most this much is kept from the magic on (header plus version and modinfo strings). */
export const GO_BUILDINFO_MAX_BYTES = 1024 * 1024;

const DEVEL = '(devel)';

/** Go modules compiled into executables, from the build info the Go linker embeds. */
export function golangCataloger(): Cataloger<BuildInfo> {
  return { name: 'golang', wants: wantsBinary, read: readBuildInfo, finish: goPackages };
}

function wantsBinary(entry: FileEntry): boolean {
  if (entry.type !== 'file' || entry.size < GO_BINARY_MIN_BYTES || entry.size > GO_BINARY_MAX_BYTES) return false;
  if ((entry.mode & 0o111) !== 0) return true;
  const dirs = entry.path.split('/').slice(0, -1);
  return dirs.includes('bin') || dirs.includes('sbin');
}

/** Sniffs the format, then scans chunk by chunk for the magic and keeps only the bounded blob after it. */
async function readBuildInfo(_entry: FileEntry, content: Readable): Promise<BuildInfo | undefined> {
  let head = Buffer.alloc(0);
  const scanner = new MagicScanner();
  let blob: Buffer | undefined;
  for await (const chunk of content) {
    const buf = chunk as Buffer;
    if (blob) {
      blob = Buffer.concat([blob, buf.subarray(0, GO_BUILDINFO_MAX_BYTES - blob.length)]);
    } else {
      if (head.length < 4) {
        head = Buffer.concat([head, buf.subarray(0, 4 - head.length)]);
        if (head.length < 4) {
          scanner.push(buf);
          continue;
        }
        if (!isExecutableHeader(head)) return undefined; // leaving the loop destroys the stream
      }
      const found = scanner.push(buf);
      if (!found) continue;
      blob = Buffer.from(found.subarray(0, GO_BUILDINFO_MAX_BYTES));
    }
    const decoded = decodeBuildInfo(blob, blob.length >= GO_BUILDINFO_MAX_BYTES);
    if (decoded) return decoded; // leaving the loop destroys the stream: the rest is not needed
  }
  return blob ? decodeBuildInfo(blob, true) : undefined;
}

function goPackages(collected: CollectedFile<BuildInfo>[]): CatalogOutput {
  const packages: Package[] = [];
  const notes: string[] = [];
  for (const { entry, data } of collected) {
    if (data.format === 'pointers') notes.push(`${entry.path}: Go < 1.18 binary: module list not read`);
    else if (data.format === 'invalid') notes.push(`${entry.path}: Go build info unreadable (${data.reason})`);
    else packages.push(...binaryPackages(entry, data.goVersion, data.modinfo, notes));
  }
  packages.sort((a, b) => cmp(a.locations[0]!.path, b.locations[0]!.path) || cmp(a.name, b.name) || cmp(a.version, b.version));
  notes.sort();
  return notes.length > 0 ? { packages, notes } : { packages };
}

/** stdlib, the main module when it has a release version, and every dependency (replacement wins). */
function binaryPackages(entry: FileEntry, goVersion: string, modinfo: string, notes: string[]): Package[] {
  const info = parseModInfo(modinfo);
  if (info.badLines.length > 0) notes.push(`${entry.path}: module info line ${info.badLines[0]}: unrecognised, skipped`);
  const modules: GoModule[] = [...info.deps];
  if (info.main && info.main.version !== DEVEL && info.main.version !== '') modules.push(info.main);
  const stdlib = stdlibVersion(goVersion);
  if (stdlib) modules.push({ path: 'stdlib', version: stdlib });
  const out: Package[] = [];
  const seen = new Set<string>();
  for (const module of modules) {
    if (module.version === '') {
      const was = module.replaced ? `${module.replaced.path}@${module.replaced.version}` : module.path;
      notes.push(`${entry.path}: ${was} replaced by local directory ${module.path}: not reported`);
      continue;
    }
    const key = `${module.path}@${module.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const purl = goPurl(module.path, module.version);
    if (purl === undefined) {
      notes.push(`${entry.path}: cannot build a package URL for ${key}`);
      continue;
    }
    out.push({
      type: 'golang',
      name: module.path,
      version: module.version,
      purl,
      ecosystem: 'Go',
      locations: [{ path: entry.path, layerIndex: entry.layerIndex, layerDigest: entry.layerDigest }],
    });
  }
  return out;
}

/** `pkg:golang/<module path>@<version>`: the path's last element is the purl name, the rest its namespace. */
function goPurl(path: string, version: string): string | undefined {
  const slash = path.lastIndexOf('/');
  const namespace = slash > 0 ? path.slice(0, slash) : undefined;
  try {
    return new PackageURL('golang', namespace, path.slice(slash + 1), version, undefined, undefined).toString();
  } catch {
    return undefined;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
