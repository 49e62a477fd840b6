import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar, { type ExtractEvents } from 'tar-stream';
import { DigestMismatchError, ImageSourceError, type ImageSource, type ResolvedImage } from '../model.js';
import type { BlobCache } from './cache.js';
import { digestBytes, isDigest } from './digest.js';
import { MAX_MANIFEST_BYTES, MEDIA } from './manifest.js';
import { checkLayoutMarker, defaultLabels, localAccess, resolveFromIndex } from './layout.js';
import type { Platform } from './platform.js';
import { formatReference, tryParseReference } from './reference.js';
import { resolveImage } from './resolve.js';

// `docker save` archives (manifest.json + `<id>/layer.tar` or `blobs/sha256/…`) and OCI archives
// (an OCI layout inside a tar). One streaming pass copies every blob-like entry into the cache by
// content digest; entry names are only ever used as lookup keys, never as paths to write to.

const SMALL_NAMES = new Set(['manifest.json', 'index.json', 'oci-layout', 'repositories']);
const BLOB_NAME = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/;
/** docker save names the config `<id>.json`; any other small JSON file may be it too. */
const LEGACY_CONFIG = /\.json$/;
const MAX_LINK_HOPS = 8;

type Entry = ExtractEvents['entry'][1];

interface Stored {
  digest: string;
  size: number;
}

interface ArchiveScan {
  small: Map<string, Buffer>;
  stored: Map<string, Stored>;
  links: Map<string, string>;
}

export class ArchiveSource implements ImageSource {
  constructor(private readonly file: string, private readonly reference: string, private readonly platform: Platform, private readonly cache: BlobCache) {}

  async resolve(): Promise<ResolvedImage> {
    const scan = await scanArchive(this.file, this.cache);
    const where = this.file;
    const labels = defaultLabels(this.reference || `archive:${this.file}`, this.reference, basename(this.file));
    const index = scan.small.get('index.json');
    const marker = scan.small.get('oci-layout');
    if (index && marker) {
      await checkLayoutMarker(marker, `${where}: oci-layout`);
      return resolveFromIndex(this.cache, index, this.reference, this.platform, labels, where);
    }
    const manifest = scan.small.get('manifest.json');
    if (!manifest) throw new ImageSourceError(`${where}: neither a docker save archive (manifest.json) nor an OCI archive (oci-layout + index.json)`);
    return this.resolveDockerSave(manifest, scan, labels);
  }

  /** Builds a Docker schema2 manifest for the chosen entry and resolves it like any other image. */
  private async resolveDockerSave(manifestJson: Buffer, scan: ArchiveScan, labels: ReturnType<typeof defaultLabels>): Promise<ResolvedImage> {
    const where = `${this.file}: manifest.json`;
    const entry = chooseEntry(parseDockerManifest(manifestJson, where), this.reference, where);
    const config = lookup(scan, entry.Config, `${where}: Config`);
    const layers = entry.Layers.map((name, i) => lookup(scan, name, `${where}: Layers[${i}]`));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.dockerManifest,
        config: { mediaType: MEDIA.dockerConfig, size: config.size, digest: config.digest },
        layers: layers.map((layer) => ({ mediaType: MEDIA.dockerLayer, size: layer.size, digest: layer.digest })),
      }),
    );
    const tag = entry.matchedTag ? tryParseReference(entry.matchedTag)?.tag : undefined;
    const image = await resolveImage({ bytes: manifest, digest: digestBytes(manifest) }, localAccess(this.cache, this.file), this.platform, { ...labels, ...(tag ? { tag } : {}) }, this.file);
    checkDiffIds(image, where);
    return image;
  }

  async close(): Promise<void> {}
}

interface DockerEntry {
  Config: string;
  Layers: string[];
  RepoTags: string[];
  matchedTag?: string;
}

function parseDockerManifest(bytes: Buffer, where: string): DockerEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ImageSourceError(`${where}: invalid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value) || value.length === 0) throw new ImageSourceError(`${where}: expected a non-empty array`);
  return value.map((raw, i) => {
    const e = raw as Record<string, unknown>;
    if (!e || typeof e.Config !== 'string') throw new ImageSourceError(`${where}: [${i}].Config: expected a string`);
    if (!Array.isArray(e.Layers) || !e.Layers.every((l) => typeof l === 'string')) throw new ImageSourceError(`${where}: [${i}].Layers: expected an array of strings`);
    const tags = Array.isArray(e.RepoTags) ? e.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return { Config: e.Config, Layers: e.Layers as string[], RepoTags: tags };
  });
}

/** The entry whose RepoTags match the reference; with one entry, that one. */
function chooseEntry(entries: DockerEntry[], reference: string, where: string): DockerEntry {
  const wanted = tryParseReference(reference);
  const canonical = wanted ? formatReference(wanted) : undefined;
  for (const entry of entries) {
    const tag = entry.RepoTags.find((t) => t === reference || (canonical && canonicalOf(t) === canonical));
    if (tag) return { ...entry, matchedTag: tag };
  }
  if (entries.length === 1) return { ...entries[0]!, ...(entries[0]!.RepoTags[0] ? { matchedTag: entries[0]!.RepoTags[0] } : {}) };
  const tags = entries.flatMap((e) => e.RepoTags);
  throw new ImageSourceError(`${where}: ${entries.length} images in the archive and "${reference}" names none of them; RepoTags: ${tags.join(', ') || 'none'}`);
}

function canonicalOf(tag: string): string | undefined {
  const parsed = tryParseReference(tag);
  return parsed ? formatReference(parsed) : undefined;
}

/** Finds what an archive entry name was stored as, following symlinks/hardlinks inside the archive. */
function lookup(scan: ArchiveScan, name: string, where: string): Stored {
  let current = normaliseName(name);
  for (let hops = 0; current && hops <= MAX_LINK_HOPS; hops++) {
    const stored = scan.stored.get(current);
    if (stored) return stored;
    current = scan.links.get(current);
  }
  throw new ImageSourceError(`${where}: entry ${JSON.stringify(name)} is not in the archive`);
}

/** For docker save, the layer.tar digest is the diff id; the config must agree. */
function checkDiffIds(image: ResolvedImage, where: string): void {
  const ids = image.config.rootfs?.diff_ids;
  if (!Array.isArray(ids)) return;
  if (ids.length !== image.layers.length) throw new ImageSourceError(`${where}: config lists ${ids.length} diff_ids for ${image.layers.length} layers`);
  image.layers.forEach((layer, i) => {
    if (ids[i] !== layer.digest) throw new ImageSourceError(`${where}: layer ${i} hashes to ${layer.digest} but the config's diff_ids[${i}] is ${String(ids[i])}`);
  });
}

/** `./a//b` → `a/b`; absolute names and names with `..` give undefined (they are never used). */
export function normaliseName(name: string): string | undefined {
  if (name.startsWith('/') || name.includes('\0')) return undefined;
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}

async function scanArchive(file: string, cache: BlobCache): Promise<ArchiveScan> {
  const scan: ArchiveScan = { small: new Map(), stored: new Map(), links: new Map() };
  const extract = tar.extract();
  const input = await openArchive(file);
  input.on('error', (error) => extract.destroy(error));
  input.pipe(extract);
  try {
    for await (const entry of extract) {
      await handleEntry(entry, scan, cache, file);
    }
  } catch (error) {
    input.destroy();
    if (error instanceof ImageSourceError || error instanceof DigestMismatchError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ImageSourceError(`${file}: no such file`);
    throw new ImageSourceError(`${file}: cannot read the archive (${(error as Error).message})`);
  }
  return scan;
}

async function openArchive(file: string): Promise<Readable> {
  let magic = Buffer.alloc(0);
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
      magic = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new ImageSourceError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const stream = createReadStream(file);
  // `docker save | gzip` is common enough to accept.
  return magic[0] === 0x1f && magic[1] === 0x8b ? stream.pipe(createGunzip()) : stream;
}

async function handleEntry(entry: Entry, scan: ArchiveScan, cache: BlobCache, file: string): Promise<void> {
  const { header } = entry;
  const name = normaliseName(header.name);
  const size = header.size ?? 0;
  if (name && (header.type === 'symlink' || header.type === 'link') && header.linkname) {
    const target = header.type === 'symlink' ? normaliseName(posix.join(posix.dirname(name), header.linkname)) : normaliseName(header.linkname);
    if (target) scan.links.set(name, target);
  }
  if (!name || (header.type !== 'file' && header.type !== 'contiguous-file')) return drain(entry);
  const where = `${file}: ${name}`;
  if (SMALL_NAMES.has(name) || LEGACY_CONFIG.test(name)) {
    if (size > MAX_MANIFEST_BYTES) throw new ImageSourceError(`${where}: ${size} bytes is larger than the ${MAX_MANIFEST_BYTES} byte limit`);
    const bytes = await collect(entry);
    if (SMALL_NAMES.has(name)) {
      scan.small.set(name, bytes);
    } else {
      const digest = digestBytes(bytes);
      if (!(await cache.has(digest))) await cache.writeSmall(bytes, digest, where);
      scan.stored.set(name, { digest, size: bytes.length });
    }
    return;
  }
  const blob = BLOB_NAME.exec(name);
  if (blob) {
    const digest = `${blob[1]}:${blob[2]}`;
    if (!isDigest(digest)) return drain(entry);
    if (await cache.has(digest)) await drain(entry);
    else await cache.importStream(Readable.from(entry), digest, where, size);
    scan.stored.set(name, { digest, size });
    return;
  }
  if (name.endsWith('.tar')) {
    scan.stored.set(name, { digest: await cache.importComputing(Readable.from(entry), size), size });
    return;
  }
  return drain(entry);
}

async function collect(entry: Entry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function drain(entry: Entry): Promise<void> {
  for await (const chunk of entry as AsyncIterable<Buffer>) void chunk;
}
