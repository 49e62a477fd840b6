import type { Readable } from 'node:stream';
import { PackageURL } from 'packageurl-js';
import type { Cataloger, CatalogOutput, CollectedFile, FileEntry, Package } from '../../model.js';
import { isInstalledManifestPath, parseManifest, splitScope, type NpmManifest } from './manifest.js';

export { isInstalledManifestPath, parseManifest, manifestLicenses } from './manifest.js';

/** package.json files larger than this are not read (real ones are a few KiB). */
export const NPM_MANIFEST_MAX_BYTES = 1024 * 1024;

/** Installed npm packages from `node_modules/<name>/package.json` (global npm's own included). */
export function npmCataloger(): Cataloger<NpmManifest> {
  return {
    name: 'npm',
    wants: (entry) => entry.type === 'file' && isInstalledManifestPath(entry.path),
    read: readManifest,
    finish: npmPackages,
  };
}

async function readManifest(entry: FileEntry, content: Readable): Promise<NpmManifest> {
  if (entry.size > NPM_MANIFEST_MAX_BYTES) {
    content.destroy();
    return { problem: `larger than ${NPM_MANIFEST_MAX_BYTES} bytes, not read` };
  }
  const bytes = await readCapped(content, NPM_MANIFEST_MAX_BYTES);
  if (!bytes) return { problem: `larger than ${NPM_MANIFEST_MAX_BYTES} bytes, not read` };
  return parseManifest(bytes.toString('utf8').replace(/^\uFEFF/, ''));
}

/** Reads the whole stream, or stops (destroying it) and returns undefined once it passes `cap` bytes. */
async function readCapped(content: Readable, cap: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of content) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > cap) return undefined; // leaving the loop destroys the stream
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}

function npmPackages(collected: CollectedFile<NpmManifest>[]): CatalogOutput {
  const packages: Package[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const { entry, data } of collected) {
    if ('problem' in data) {
      notes.push(`${entry.path}: ${data.problem}`);
      continue;
    }
    const key = `${data.name}\0${data.version}\0${entry.path}`;
    if (seen.has(key)) continue;
    const purl = npmPurl(data.name, data.version);
    if (typeof purl !== 'string') {
      notes.push(`${entry.path}: ${purl.problem}`);
      continue;
    }
    seen.add(key);
    packages.push({
      type: 'npm',
      name: data.name,
      version: data.version,
      purl,
      ecosystem: 'npm',
      ...(data.licenses.length > 0 ? { licenses: data.licenses } : {}),
      locations: [{ path: entry.path, layerIndex: entry.layerIndex, layerDigest: entry.layerDigest }],
    });
  }
  packages.sort(comparePackages);
  notes.sort();
  return notes.length > 0 ? { packages, notes } : { packages };
}

function npmPurl(fullName: string, version: string): string | { problem: string } {
  const { namespace, name } = splitScope(fullName);
  try {
    return new PackageURL('npm', namespace, name, version, undefined, undefined).toString();
  } catch (err) {
    return { problem: `cannot build a package URL for ${fullName}@${version} (${(err as Error).message})` };
  }
}

function comparePackages(a: Package, b: Package): number {
  return cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.locations[0]!.path, b.locations[0]!.path);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
