import type { Readable } from 'node:stream';
import { ImageSourceError, type ImageConfig, type LayerBlob, type ResolvedImage } from '../model.js';
import { isDigest } from './digest.js';
import { parseJsonObject, parseManifest, type Descriptor, type ParsedManifest } from './manifest.js';
import { formatPlatform, platformMatches, type Platform } from './platform.js';

// Shared by every source: walk from a root manifest (index or image) to the image manifest of the
// wanted platform, then read its config and describe its layers.

export interface ManifestBytes {
  bytes: Buffer;
  mediaType?: string;
  /** Digest of these bytes when they are content addressed (index.json of a layout is not). */
  digest?: string;
}

export interface BlobAccess {
  /** Fetches a child manifest by descriptor; the bytes must already be verified against its digest. */
  fetchManifest(descriptor: Descriptor): Promise<ManifestBytes>;
  /** Fetches the config blob, verified. */
  fetchConfig(descriptor: Descriptor): Promise<Buffer>;
  /** Opens a layer blob as a stream verified against its digest. */
  openLayer(descriptor: Descriptor): Promise<Readable>;
}

export interface ImageLabels {
  reference: string;
  repository: string;
  tag?: string;
}

const MAX_INDEX_DEPTH = 4;

/** Resolves `root` to one platform's image: manifest, config and layers. */
export async function resolveImage(root: ManifestBytes, access: BlobAccess, platform: Platform, labels: ImageLabels, where: string): Promise<ResolvedImage> {
  let current = root;
  let parsed = parseManifest(current.bytes, current.mediaType, manifestLabel(where, current.digest));
  let indexDigest: string | undefined;
  let chosenPlatform: Platform | undefined;
  for (let depth = 0; parsed.kind === 'index'; depth++) {
    if (depth >= MAX_INDEX_DEPTH) throw new ImageSourceError(`${where}: image indexes nested more than ${MAX_INDEX_DEPTH} deep`);
    if (depth === 0) indexDigest = current.digest;
    const child = selectPlatform(parsed.manifests, platform, manifestLabel(where, current.digest));
    chosenPlatform = child.platform ?? chosenPlatform;
    current = await access.fetchManifest(child);
    parsed = parseManifest(current.bytes, current.mediaType ?? child.mediaType, manifestLabel(where, child.digest));
  }
  if (!current.digest) throw new ImageSourceError(`${where}: the image manifest has no digest`);
  return describeImage(parsed, current.digest, indexDigest, chosenPlatform, access, labels, where);
}

async function describeImage(
  manifest: Extract<ParsedManifest, { kind: 'image' }>,
  manifestDigest: string,
  indexDigest: string | undefined,
  chosenPlatform: Platform | undefined,
  access: BlobAccess,
  labels: ImageLabels,
  where: string,
): Promise<ResolvedImage> {
  const configBytes = await access.fetchConfig(manifest.config);
  const config = parseJsonObject(configBytes, `${where}: config ${manifest.config.digest}`) as ImageConfig;
  const diffIds = validDiffIds(config, manifest.layers.length);
  const layers: LayerBlob[] = manifest.layers.map((descriptor, i) => ({
    digest: descriptor.digest,
    mediaType: descriptor.mediaType,
    size: descriptor.size,
    ...(diffIds ? { diffId: diffIds[i] } : {}),
    open: () => access.openLayer(descriptor),
  }));
  return {
    reference: labels.reference,
    repository: labels.repository,
    ...(labels.tag ? { tag: labels.tag } : {}),
    manifestDigest,
    ...(indexDigest ? { indexDigest } : {}),
    platform: chosenPlatform ? formatPlatform(chosenPlatform) : configPlatform(config),
    configDigest: manifest.config.digest,
    config,
    layers,
  };
}

/** Picks the descriptor for `wanted`; an error lists the platforms the index offers. */
export function selectPlatform(manifests: Descriptor[], wanted: Platform, where: string): Descriptor {
  const match = manifests.find((d) => d.platform && platformMatches(wanted, d.platform));
  if (match) return match;
  // A one-entry index without platform information (common in OCI layouts) is unambiguous.
  if (manifests.length === 1 && !manifests[0]!.platform) return manifests[0]!;
  const available = [...new Set(manifests.filter((d) => d.platform).map((d) => formatPlatform(d.platform!)))];
  throw new ImageSourceError(`${where}: no manifest for platform ${formatPlatform(wanted)}; available: ${available.length ? available.join(', ') : 'none declared'}`);
}

function validDiffIds(config: ImageConfig, layerCount: number): string[] | undefined {
  const ids = config.rootfs?.diff_ids;
  if (!Array.isArray(ids) || ids.length !== layerCount || !ids.every(isDigest)) return undefined;
  return ids;
}

function configPlatform(config: ImageConfig): string {
  if (typeof config.os !== 'string' || typeof config.architecture !== 'string') return 'unknown';
  return formatPlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) });
}

function manifestLabel(where: string, digest: string | undefined): string {
  return digest ? `${where}: manifest ${digest}` : where;
}
