import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PackageURL } from 'packageurl-js';
import type { Cataloger, CatalogOutput, CollectedFile, FileEntry, Package } from '../../model.js';
import { ArchiveWalk, type JavaArtifact, type JavaLimits } from './archive.js';
import { isJavaArchiveName } from './metadata.js';

export { parseProperties, parseManifestMain, parseArchiveFileName, manifestCoordinates, isJavaArchiveName } from './metadata.js';
export type { JavaArtifact, JavaLimits } from './archive.js';

export interface JavaCatalogerOptions extends Partial<JavaLimits> {
  /** Where archives are spilled for random access (a private subdirectory is made and removed); default os.tmpdir(). */
  tmpDir?: string;
}

export const JAVA_DEFAULT_LIMITS: Readonly<JavaLimits> = {
  maxDepth: 4,
  maxEntries: 100_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
};

/** What one archive file (with its nested archives) yielded. */
export interface JavaArchiveData {
  artifacts: JavaArtifact[];
  notes: string[];
}

/** Maven artifacts in Java archives (.jar .war .ear .par .jpi .hpi), nested ones included. */
export function javaCataloger(options: JavaCatalogerOptions = {}): Cataloger<JavaArchiveData> {
  const limits: JavaLimits = {
    maxDepth: options.maxDepth ?? JAVA_DEFAULT_LIMITS.maxDepth,
    maxEntries: options.maxEntries ?? JAVA_DEFAULT_LIMITS.maxEntries,
    maxEntryBytes: options.maxEntryBytes ?? JAVA_DEFAULT_LIMITS.maxEntryBytes,
    maxTotalBytes: options.maxTotalBytes ?? JAVA_DEFAULT_LIMITS.maxTotalBytes,
  };
  return {
    name: 'java',
    wants: (entry) => entry.type === 'file' && entry.size > 0 && isJavaArchiveName(entry.path),
    read: (entry, content) => readArchive(entry, content, limits, options.tmpDir ?? tmpdir()),
    finish: javaPackages,
  };
}

/**
 * Spills the archive to a private temp dir (zip's central directory is at the end), walks it and
 * removes the dir whatever happens. A stream error (e.g. a layer digest mismatch) is rethrown.
 */
async function readArchive(entry: FileEntry, content: Readable, limits: JavaLimits, parent: string): Promise<JavaArchiveData> {
  if (entry.size > limits.maxTotalBytes) {
    content.destroy();
    return { artifacts: [], notes: [`${entry.path}: ${entry.size} bytes exceed the limit of ${limits.maxTotalBytes}; not read`] };
  }
  const dir = await mkdtemp(join(parent, 'kubeward-jar-'));
  try {
    const file = join(dir, 'archive.zip');
    await pipeline(content, createWriteStream(file));
    const walk = new ArchiveWalk(limits, dir);
    await walk.walk(file, entry.path);
    return { artifacts: walk.artifacts, notes: walk.notes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function javaPackages(collected: CollectedFile<JavaArchiveData>[]): CatalogOutput {
  const packages: Package[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const { entry, data } of collected) {
    notes.push(...data.notes);
    for (const artifact of data.artifacts) {
      // Without a groupId (manifest or file name only), the artifactId stands in, as for legacy
      // artifacts such as log4j:log4j; purl's maven type requires a namespace.
      const groupId = artifact.groupId ?? artifact.artifactId;
      const name = `${groupId}:${artifact.artifactId}`;
      const key = `${name}\0${artifact.version}\0${artifact.location}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let purl: string;
      try {
        purl = new PackageURL('maven', groupId, artifact.artifactId, artifact.version, undefined, undefined).toString();
      } catch (err) {
        notes.push(`${artifact.location}: cannot build a package URL for ${name}@${artifact.version} (${(err as Error).message})`);
        continue;
      }
      packages.push({
        type: 'maven',
        name,
        version: artifact.version,
        purl,
        ecosystem: 'Maven',
        namespace: groupId,
        locations: [{ path: artifact.location, layerIndex: entry.layerIndex, layerDigest: entry.layerDigest }],
      });
    }
  }
  packages.sort((a, b) => cmp(a.locations[0]!.path, b.locations[0]!.path) || cmp(a.name, b.name) || cmp(a.version, b.version));
  notes.sort();
  return notes.length > 0 ? { packages, notes } : { packages };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
