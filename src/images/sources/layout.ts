import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve as resolvePath } from 'node:path';
import { ImageSourceError, type ImageSource, type ResolvedImage } from '../model.js';
import { BlobCache } from './cache.js';
import { MAX_MANIFEST_BYTES, parseJsonObject, parseManifest, type Descriptor } from './manifest.js';
import type { Platform } from './platform.js';
import { repositoryName, tryParseReference } from './reference.js';
import { resolveImage, type BlobAccess, type ImageLabels, type ManifestBytes } from './resolve.js';

// OCI image layout (image-spec image-layout.md): `oci-layout`, `index.json`, `blobs/<alg>/<hex>`.
// The manifest is chosen by `org.opencontainers.image.ref.name` when the reference names one,
// else by platform. Blob paths come only from validated digests, and blobs are read in place.

export const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';

/** The ref names an OCI layout's index.json declares. */
export async function listLayoutRefs(dir: string): Promise<string[]> {
  const index = await readLayoutIndex(dir);
  return index.manifests.flatMap((d) => (d.annotations?.[REF_NAME] ? [d.annotations[REF_NAME]] : []));
}

async function readLayoutIndex(dir: string): Promise<{ bytes: Buffer; manifests: Descriptor[] }> {
  await checkLayoutMarker(await readSmallFile(join(dir, 'oci-layout'), `${dir}: oci-layout`), join(dir, 'oci-layout'));
  const where = join(dir, 'index.json');
  const bytes = await readSmallFile(where, where);
  const parsed = parseManifest(bytes, undefined, where);
  if (parsed.kind !== 'index') throw new ImageSourceError(`${where}: expected an image index`);
  return { bytes, manifests: parsed.manifests };
}

export async function checkLayoutMarker(bytes: Buffer, where: string): Promise<void> {
  const marker = parseJsonObject(bytes, where);
  if (typeof marker.imageLayoutVersion !== 'string') throw new ImageSourceError(`${where}: imageLayoutVersion: expected a string`);
}

async function readSmallFile(path: string, where: string): Promise<Buffer> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImageSourceError(code === 'ENOENT' ? `${where}: missing (not an OCI layout?)` : `${where}: ${(error as Error).message}`);
  }
  if (size > MAX_MANIFEST_BYTES) throw new ImageSourceError(`${where}: ${size} bytes is larger than the ${MAX_MANIFEST_BYTES} byte limit`);
  return readFile(path);
}

/** An OCI layout directory given with --input. */
export class LayoutSource implements ImageSource {
  constructor(private readonly dir: string, private readonly reference: string, private readonly platform: Platform) {}

  async resolve(): Promise<ResolvedImage> {
    const dir = resolvePath(this.dir);
    const index = await readLayoutIndex(dir);
    const label = this.reference || `oci:${this.dir}`;
    return resolveFromIndex(new BlobCache(dir, true), index.bytes, this.reference, this.platform, defaultLabels(label, this.reference, basename(dir)), dir);
  }

  async close(): Promise<void> {}
}

/** Labels when nothing better is known: the reference when it parses, else the file name. */
export function defaultLabels(label: string, reference: string, fileName: string): ImageLabels {
  const parsed = tryParseReference(reference);
  return { reference: label, repository: parsed ? repositoryName(parsed) : fileName, ...(parsed?.tag ? { tag: parsed.tag } : {}) };
}

/** Resolves an image from an OCI index.json whose blobs live in `store` (a layout dir or the cache). */
export async function resolveFromIndex(store: BlobCache, indexBytes: Buffer, reference: string, platform: Platform, labels: ImageLabels, where: string): Promise<ResolvedImage> {
  const parsed = parseManifest(indexBytes, undefined, `${where}/index.json`);
  if (parsed.kind !== 'index') throw new ImageSourceError(`${where}/index.json: expected an image index`);
  const access = localAccess(store, where);
  const named = reference ? findByRefName(parsed.manifests, reference) : undefined;
  if (named) {
    const root = await access.fetchManifest(named.descriptor);
    return resolveImage(root, access, platform, { ...labels, ...tagOf(named.name) }, where);
  }
  return resolveImage({ bytes: indexBytes }, access, platform, labels, `${where}/index.json`);
}

/** The descriptor whose ref name is the reference, its tag, or its normalised form. */
export function findByRefName(manifests: Descriptor[], reference: string): { descriptor: Descriptor; name: string } | undefined {
  const parsed = tryParseReference(reference);
  const wanted = new Set([reference]);
  if (parsed?.tag) {
    wanted.add(parsed.tag);
    wanted.add(`${repositoryName(parsed)}:${parsed.tag}`);
  }
  for (const descriptor of manifests) {
    const names = [descriptor.annotations?.[REF_NAME], descriptor.annotations?.[CONTAINERD_NAME]];
    const name = names.find((n) => n !== undefined && (wanted.has(n) || sameReference(n, parsed)));
    if (name) return { descriptor, name };
  }
  return undefined;
}

function sameReference(name: string, wanted: ReturnType<typeof tryParseReference>): boolean {
  const other = wanted && tryParseReference(name);
  return !!other && repositoryName(other) === repositoryName(wanted) && other.tag === wanted.tag && other.digest === wanted.digest;
}

/** A ref name is either a bare tag (`3.19`) or a full reference (`example.com/app:1.0`). */
function tagOf(refName: string): { tag?: string } {
  if (/^[\w][\w.-]{0,127}$/.test(refName)) return { tag: refName };
  const parsed = tryParseReference(refName);
  return parsed?.tag ? { tag: parsed.tag } : {};
}

/** Blob access for a local store: small blobs read and verified, layers streamed and verified. */
export function localAccess(store: BlobCache, where: string): BlobAccess {
  const readSmall = async (descriptor: Descriptor, what: string): Promise<Buffer> => {
    const bytes = await store.readSmall(descriptor.digest, MAX_MANIFEST_BYTES, `${where}: ${what} ${descriptor.digest}`);
    if (!bytes) throw new ImageSourceError(`${where}: ${what} blob ${descriptor.digest} is missing`);
    return bytes;
  };
  return {
    fetchManifest: async (descriptor): Promise<ManifestBytes> => ({ bytes: await readSmall(descriptor, 'manifest'), mediaType: descriptor.mediaType, digest: descriptor.digest }),
    fetchConfig: (descriptor) => readSmall(descriptor, 'config'),
    openLayer: async (descriptor) => {
      if (!(await store.has(descriptor.digest))) throw new ImageSourceError(`${where}: layer blob ${descriptor.digest} is missing`);
      return store.openVerified(descriptor.digest, `${where}: layer ${descriptor.digest}`, descriptor.size);
    },
  };
}
