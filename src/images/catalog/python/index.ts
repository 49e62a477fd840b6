import type { Readable } from 'node:stream';
import { PackageURL } from 'packageurl-js';
import type { Cataloger, CatalogOutput, CollectedFile, FileEntry, Package } from '../../model.js';
import { isMetadataPath, normalizeProjectName, parseMetadataHeaders, type PythonMetadata } from './metadata.js';

export { isMetadataPath, normalizeProjectName, parseMetadataHeaders, type PythonMetadata } from './metadata.js';

/** At most this much of a METADATA file is read: headers come first, the long description after. */
export const PYTHON_HEADER_MAX_BYTES = 256 * 1024;

/** Installed Python distributions from `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` and `*.egg-info` files. */
export function pythonCataloger(): Cataloger<PythonMetadata> {
  return {
    name: 'python',
    wants: (entry) => entry.type === 'file' && isMetadataPath(entry.path),
    read: async (_entry: FileEntry, content: Readable) => parseMetadataHeaders(await readHeaderBlock(content)),
    finish: pythonPackages,
  };
}

/**
 * Reads until the first blank line (end of headers) or the byte cap, then stops, destroying the
 * stream, so a multi-megabyte description is never buffered.
 */
export async function readHeaderBlock(content: Readable, cap = PYTHON_HEADER_MAX_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  // The file start counts as a line end, so a leading blank line means "no headers".
  let seam = Buffer.from('\n');
  for await (const chunk of content) {
    const buf = (chunk as Buffer).subarray(0, cap - total);
    chunks.push(buf);
    total += buf.length;
    // A blank line ("\n\n" or "\n\r\n") may straddle chunks: search the previous 2 bytes too.
    const window = Buffer.concat([seam, buf]);
    if (total >= cap || window.indexOf('\n\n') >= 0 || window.indexOf('\n\r\n') >= 0) break;
    seam = window.subarray(-2);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function pythonPackages(collected: CollectedFile<PythonMetadata>[]): CatalogOutput {
  const packages: Package[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const { entry, data } of collected) {
    if (data.badLines.length > 0) notes.push(`${entry.path}: line ${data.badLines[0]}: not a "Key: value" header, skipped`);
    if (!data.name || !data.version) {
      notes.push(`${entry.path}: ${data.name ? 'Version' : 'Name'} header missing, no package reported`);
      continue;
    }
    const key = `${data.name}\0${data.version}\0${entry.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let purl: string;
    try {
      purl = new PackageURL('pypi', undefined, normalizeProjectName(data.name), data.version, undefined, undefined).toString();
    } catch (err) {
      notes.push(`${entry.path}: cannot build a package URL (${(err as Error).message})`);
      continue;
    }
    packages.push({
      type: 'pypi',
      name: data.name,
      version: data.version,
      purl,
      ecosystem: 'PyPI',
      ...(data.licenses.length > 0 ? { licenses: data.licenses } : {}),
      locations: [{ path: entry.path, layerIndex: entry.layerIndex, layerDigest: entry.layerDigest }],
    });
  }
  packages.sort((a, b) => cmp(normalizeProjectName(a.name), normalizeProjectName(b.name)) || cmp(a.version, b.version) || cmp(a.locations[0]!.path, b.locations[0]!.path));
  notes.sort();
  return notes.length > 0 ? { packages, notes } : { packages };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
