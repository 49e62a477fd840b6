import { ImageSourceError } from '../model.js';
import { isDigest } from './digest.js';
import type { Platform } from './platform.js';

// Parses the four manifest formats kubeward accepts (OCI image-spec v1.1 image-index.md/manifest.md,
// Docker image-manifest-v2-2.md) into one shape. Docker schema1 is recognised and refused.

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ');
const INDEX_TYPES = new Set<string>([MEDIA.ociIndex, MEDIA.dockerList]);
const IMAGE_TYPES = new Set<string>([MEDIA.ociManifest, MEDIA.dockerManifest]);
const SCHEMA1_TYPES = new Set<string>([MEDIA.dockerSchema1, MEDIA.dockerSchema1Signed]);

/** Manifests and configs are small; anything larger is refused rather than buffered. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export type ParsedManifest =
  | { kind: 'index'; mediaType: string; manifests: Descriptor[] }
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] };

export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

/** Parses manifest bytes; `contentType` (HTTP header or descriptor) is used when the JSON has no mediaType. */
export function parseManifest(bytes: Buffer, contentType: string | undefined, where: string): ParsedManifest {
  const json = parseJsonObject(bytes, where);
  const declared = typeof json.mediaType === 'string' ? json.mediaType : contentType?.split(';')[0]?.trim();
  if (json.schemaVersion === 1 || (declared && SCHEMA1_TYPES.has(declared))) {
    throw new ImageSourceError(`${where}: Docker schema1 manifests are not supported (deprecated format; re-push the image with a current docker or registry)`);
  }
  if (json.schemaVersion !== 2) throw new ImageSourceError(`${where}: schemaVersion must be 2, got ${JSON.stringify(json.schemaVersion)}`);
  const isIndex = declared ? INDEX_TYPES.has(declared) : Array.isArray(json.manifests);
  const isImage = declared ? IMAGE_TYPES.has(declared) : json.config !== undefined && Array.isArray(json.layers);
  if (isIndex) {
    if (!Array.isArray(json.manifests)) throw new ImageSourceError(`${where}: manifests: expected an array`);
    return { kind: 'index', mediaType: declared ?? MEDIA.ociIndex, manifests: json.manifests.map((d, i) => parseDescriptor(d, `${where}: manifests[${i}]`)) };
  }
  if (isImage) {
    if (!Array.isArray(json.layers)) throw new ImageSourceError(`${where}: layers: expected an array`);
    return {
      kind: 'image',
      mediaType: declared ?? MEDIA.ociManifest,
      config: parseDescriptor(json.config, `${where}: config`),
      layers: json.layers.map((d, i) => parseDescriptor(d, `${where}: layers[${i}]`)),
    };
  }
  throw new ImageSourceError(`${where}: unsupported manifest media type ${JSON.stringify(declared ?? null)}`);
}

export function parseJsonObject(bytes: Buffer, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ImageSourceError(`${where}: invalid JSON (${(error as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ImageSourceError(`${where}: expected a JSON object`);
  return value as Record<string, unknown>;
}

export function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!value || typeof value !== 'object') throw new ImageSourceError(`${where}: expected a descriptor object`);
  const d = value as Record<string, unknown>;
  if (typeof d.mediaType !== 'string') throw new ImageSourceError(`${where}.mediaType: expected a string`);
  if (!isDigest(d.digest)) throw new ImageSourceError(`${where}.digest: invalid digest ${JSON.stringify(d.digest)} (expected sha256:<64 hex> or sha512:<128 hex>)`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw new ImageSourceError(`${where}.size: expected a non-negative integer`);
  const descriptor: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  const platform = d.platform as Record<string, unknown> | undefined;
  if (platform && typeof platform.os === 'string' && typeof platform.architecture === 'string') {
    descriptor.platform = { os: platform.os, architecture: platform.architecture, ...(typeof platform.variant === 'string' && platform.variant ? { variant: platform.variant } : {}) };
  }
  if (d.annotations && typeof d.annotations === 'object') {
    descriptor.annotations = Object.fromEntries(Object.entries(d.annotations).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }
  return descriptor;
}
