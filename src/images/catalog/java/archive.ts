// Walks one Java archive (and the archives nested in it) from a file on disk, with bounds on
// entries, bytes and depth, collecting the Maven coordinates each archive declares.

import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { isJavaArchiveName, manifestCoordinates, parseArchiveFileName, parseManifestMain, parseProperties, type Coordinates } from './metadata.js';

export interface JavaLimits {
  /** Deepest nesting opened: the archive itself is depth 0. */
  maxDepth: number;
  /** Entries per archive. */
  maxEntries: number;
  /** Uncompressed bytes read from any one entry (nested archives are spilled up to this). */
  maxEntryBytes: number;
  /** Uncompressed bytes read from all entries of one top-level archive, nested ones included. */
  maxTotalBytes: number;
}

/** One identity found: `location` is the archive path, `!/`-joined for nested ones. */
export interface JavaArtifact {
  location: string;
  groupId?: string;
  artifactId: string;
  version: string;
  source: 'pom.properties' | 'MANIFEST.MF' | 'file name';
}

/** pom.properties and MANIFEST.MF are a few hundred bytes; more than this is not metadata. */
const METADATA_MAX_BYTES = 1024 * 1024;
const POM_PROPERTIES = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.properties$/;

/** What one archive's own entries said. */
interface Found {
  poms: { entry: string; props: Map<string, string> }[];
  manifest?: Map<string, string>;
  containsArchives: boolean;
}

/** State shared by one top-level archive's walk. */
export class ArchiveWalk {
  readonly artifacts: JavaArtifact[] = [];
  readonly notes: string[] = [];
  private bytesRead = 0;
  private spills = 0;

  constructor(private readonly limits: JavaLimits, private readonly tmpDir: string) {}

  /** Reads the archive at `file`, labelled `label` in locations and notes. Never throws. */
  async walk(file: string, label: string, depth = 0): Promise<void> {
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: true });
    } catch (err) {
      this.notes.push(`${label}: not a readable zip archive (${message(err)})`);
      return;
    }
    try {
      if (zip.entryCount > this.limits.maxEntries) {
        this.notes.push(`${label}: ${zip.entryCount} entries exceed the limit of ${this.limits.maxEntries}; not read`);
        return;
      }
      const found = await this.readEntries(zip, label, depth);
      this.identify(label, found);
    } finally {
      zip.close();
    }
  }

  private async readEntries(zip: yauzl.ZipFile, label: string, depth: number) {
    const found: Found = { poms: [], containsArchives: false };
    const entries = new EntryReader(zip);
    let deepNoted = false;
    for (;;) {
      let entry: yauzl.Entry | undefined;
      try {
        entry = await entries.next();
      } catch (err) {
        this.notes.push(`${label}: corrupt zip directory (${message(err)}); rest not read`);
        break;
      }
      if (!entry) break;
      const name = entry.fileName;
      if (name.endsWith('/')) continue;
      const pom = POM_PROPERTIES.exec(name);
      const isManifest = name.toUpperCase() === 'META-INF/MANIFEST.MF';
      const nested = !pom && !isManifest && isJavaArchiveName(name);
      if (!pom && !isManifest && !nested) continue;
      if (nested) found.containsArchives = true;
      if (nested && depth >= this.limits.maxDepth) {
        if (!deepNoted) this.notes.push(`${label}: archives nested beyond depth ${this.limits.maxDepth} not read`);
        deepNoted = true;
        continue;
      }
      const where = `${label}!/${name}`;
      const cap = nested ? this.limits.maxEntryBytes : Math.min(METADATA_MAX_BYTES, this.limits.maxEntryBytes);
      const refusal = this.refuse(entry, cap);
      if (refusal) {
        this.notes.push(`${where}: ${refusal}; not read`);
        if (refusal.startsWith('total')) break;
        continue;
      }
      try {
        if (nested) await this.walkNested(zip, entry, where, depth + 1, cap);
        else {
          const text = (await this.readSmall(zip, entry, cap)).toString('utf8');
          if (pom) found.poms.push({ entry: name, props: parseProperties(text) });
          else found.manifest = parseManifestMain(text);
        }
      } catch (err) {
        this.notes.push(`${where}: ${message(err)}`);
      }
    }
    return found;
  }

  /** Why an entry is not read (declared size over the limits, encryption), or undefined. */
  private refuse(entry: yauzl.Entry, cap: number): string | undefined {
    if (entry.isEncrypted()) return 'encrypted';
    if (entry.uncompressedSize > cap) return `${entry.uncompressedSize} bytes uncompressed exceed the limit of ${cap}`;
    if (this.bytesRead + entry.uncompressedSize > this.limits.maxTotalBytes) {
      return `total uncompressed bytes would exceed the limit of ${this.limits.maxTotalBytes}; this and later entries`;
    }
    return undefined;
  }

  private async readSmall(zip: yauzl.ZipFile, entry: yauzl.Entry, cap: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await pipeline(await zip.openReadStreamPromise(entry), this.counter(cap), async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) chunks.push(chunk);
    });
    return Buffer.concat(chunks);
  }

  /** Spills a nested archive to its own temp file (zip needs random access), walks it, deletes it. */
  private async walkNested(zip: yauzl.ZipFile, entry: yauzl.Entry, where: string, depth: number, cap: number): Promise<void> {
    const file = join(this.tmpDir, `nested-${++this.spills}.zip`);
    try {
      await pipeline(await zip.openReadStreamPromise(entry), this.counter(cap), createWriteStream(file));
      await this.walk(file, where, depth);
    } finally {
      await unlink(file).catch(() => undefined);
    }
  }

  /** Counts bytes against the per-entry cap and the walk's total, failing the stream past either. */
  private counter(cap: number): Transform {
    let seen = 0;
    return new Transform({
      transform: (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) => {
        seen += chunk.length;
        this.bytesRead += chunk.length;
        if (seen > cap) done(new Error(`more than ${cap} bytes uncompressed; not read`));
        else if (this.bytesRead > this.limits.maxTotalBytes) done(new Error(`total uncompressed bytes exceed the limit of ${this.limits.maxTotalBytes}`));
        else done(null, chunk);
      },
    });
  }

  /** One artifact per pom.properties; else the manifest's coordinates; else the file name's. */
  private identify(label: string, found: Found): void {
    for (const { entry, props } of found.poms) {
      const [, pathGroup, pathArtifact] = POM_PROPERTIES.exec(entry)!;
      const coords = { groupId: props.get('groupId') || pathGroup, artifactId: props.get('artifactId') || pathArtifact, version: props.get('version') };
      if (!coords.version) this.notes.push(`${label}!/${entry}: no version property`);
      else this.artifacts.push({ location: label, groupId: coords.groupId, artifactId: coords.artifactId!, version: coords.version, source: 'pom.properties' });
    }
    if (found.poms.length > 0) return;
    const fromName = parseArchiveFileName(label);
    const fromManifest: Coordinates = found.manifest ? manifestCoordinates(found.manifest) : {};
    if (fromManifest.artifactId && fromManifest.version) {
      this.artifacts.push({ location: label, ...fromManifest, artifactId: fromManifest.artifactId, version: fromManifest.version, source: 'MANIFEST.MF' });
    } else if (fromName?.version) {
      this.artifacts.push({ location: label, ...(fromManifest.groupId ? { groupId: fromManifest.groupId } : {}), artifactId: fromName.artifactId, version: fromName.version, source: 'file name' });
    } else if (!found.containsArchives) {
      // A container of other archives (an .ear, a lib bundle) needs no identity of its own.
      this.notes.push(`${label}: no pom.properties, MANIFEST.MF or file name gives a name and version`);
    }
  }
}

/** Promise-style cursor over a lazyEntries zip: each next() asks yauzl for one entry. */
class EntryReader {
  private waiting?: { resolve: (e: yauzl.Entry | undefined) => void; reject: (err: Error) => void };
  private failure?: Error;
  private ended = false;

  constructor(private readonly zip: yauzl.ZipFile) {
    zip.on('entry', (entry: yauzl.Entry) => this.settle((w) => w.resolve(entry)));
    zip.on('end', () => {
      this.ended = true;
      this.settle((w) => w.resolve(undefined));
    });
    zip.on('error', (err: Error) => {
      this.failure = err;
      this.settle((w) => w.reject(err));
    });
  }

  next(): Promise<yauzl.Entry | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.zip.readEntry();
    });
  }

  private settle(action: (w: NonNullable<EntryReader['waiting']>) => void): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w) action(w);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
