import type { Readable } from 'node:stream';

// The shapes every part of image scanning shares: sources produce a ResolvedImage, the layer walker
// turns its layers into one final filesystem view feeding catalogers, catalogers produce Packages.

/** OCI image config (the subset kubeward reads); docker's config is the same JSON. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  author?: string;
  config?: {
    User?: string;
    Env?: string[];
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, unknown> | null;
    Healthcheck?: { Test?: string[] } | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    WorkingDir?: string;
    Volumes?: Record<string, unknown> | null;
  };
  history?: { created?: string; created_by?: string; empty_layer?: boolean; comment?: string; author?: string }[];
  rootfs?: { type?: string; diff_ids?: string[] };
}

/** One layer of an image: its compressed blob, opened on demand as a stream whose digest is verified. */
export interface LayerBlob {
  /** `sha256:…` of the blob as stored (compressed). */
  digest: string;
  mediaType: string;
  size: number;
  /** The uncompressed digest from the config's rootfs.diff_ids, when known. */
  diffId?: string;
  /**
   * The blob's bytes (still compressed). The stream errors with a DigestMismatchError when the bytes
   * do not hash to `digest`, so a consumer that reads to the end has verified content.
   */
  open(): Promise<Readable>;
}

/** An image resolved to one platform: manifest, config and layers. */
export interface ResolvedImage {
  /** The reference as the user gave it (`registry/repo:tag`, `oci:DIR`, `archive:FILE.tar`). */
  reference: string;
  /** Repository without tag or digest, e.g. `127.0.0.1:5000/demo/debian`; the file name for archives. */
  repository: string;
  tag?: string;
  /** Digest of the platform manifest. */
  manifestDigest: string;
  /** Digest of the index the manifest was picked from, when there was one. */
  indexDigest?: string;
  /** `os/architecture[/variant]` of the manifest chosen. */
  platform: string;
  configDigest: string;
  config: ImageConfig;
  layers: LayerBlob[];
}

/** A source of images (registry, OCI layout directory, docker-save or OCI archive). */
export interface ImageSource {
  resolve(): Promise<ResolvedImage>;
  /** Releases temporary files or connections. Safe to call twice. */
  close(): Promise<void>;
}

/** A blob whose bytes did not hash to the digest that named it. */
export class DigestMismatchError extends Error {
  constructor(readonly expected: string, readonly actual: string, readonly where: string) {
    super(`${where}: content digest ${actual} does not match ${expected}`);
  }
}

/** A source that cannot be used as given (bad reference, missing file, auth refused…): one-line error, exit 2. */
export class ImageSourceError extends Error {}

export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

/** A path of the final (merged) filesystem, as the last layer that touched it left it. */
export interface FileEntry {
  /** Normalised path without leading `/` (`etc/os-release`). */
  path: string;
  type: FileType;
  /** Permission bits including setuid/setgid/sticky (e.g. 0o4755). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Symlink or hardlink target, as written in the tar. */
  linkTarget?: string;
  /** Index of the layer (0 = base) that last wrote this path. */
  layerIndex: number;
  /** Digest of that layer's blob. */
  layerDigest: string;
}

/** Where a package was seen: the file that recorded it and the layer that wrote that file. */
export interface PackageLocation {
  path: string;
  layerIndex: number;
  layerDigest: string;
}

/** Package types, as purl types. */
export type PackageType = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven';

export interface Package {
  type: PackageType;
  name: string;
  version: string;
  /** Package URL (packageurl-js), e.g. `pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64&distro=debian-12`. */
  purl: string;
  /** OSV ecosystem the advisories for this package use, e.g. `Debian:12`, `Alpine:v3.18`, `npm`, `PyPI`, `Go`, `Maven`. */
  ecosystem?: string;
  /** Source package (dpkg Source:, apk origin, rpm SOURCERPM name) with its version, when different or known. */
  source?: { name: string; version: string };
  arch?: string;
  licenses?: string[];
  /** Maven group id, Go module path… kept apart from `name` when the ecosystem needs it. */
  namespace?: string;
  locations: PackageLocation[];
}

/** The operating system of an image, from os-release and friends. */
export interface OsInfo {
  /** os-release ID (`debian`, `alpine`, `ubuntu`, `rhel`, `fedora`…). */
  id: string;
  versionId?: string;
  prettyName?: string;
  codename?: string;
  /** Which file said so. */
  source: string;
}

/** What one file contributed: the entry and the data the cataloger extracted from its bytes. */
export interface CollectedFile<T = unknown> {
  entry: FileEntry;
  data: T;
}

/** Context a cataloger's `finish` gets: the OS (once detected) and every final path's entry. */
export interface CatalogContext {
  os?: OsInfo;
  /** The final filesystem's entries by path (whiteouts applied). */
  files: ReadonlyMap<string, FileEntry>;
}

export interface CatalogOutput {
  packages: Package[];
  /** Problems reading a package database (a corrupt entry…): reported as notes, never fatal. */
  notes?: string[];
  os?: OsInfo;
}

/**
 * A cataloger declares which paths it wants; the layer walker reads each wanted regular file of
 * every layer once, in layer order, and keeps the extract of the final version of each path
 * (later layers replace earlier ones, whiteouts remove). `finish` then sees only what survived.
 */
export interface Cataloger<T = unknown> {
  readonly name: string;
  /**
   * Keep the extracts of every layer, also of files a later layer replaced or deleted: what a lower
   * layer holds is still in the image (anyone who pulls it can read the blob). The secrets scan needs
   * this; package catalogers want the final filesystem only.
   */
  readonly everyLayer?: boolean;
  /** True when this cataloger needs the contents of this regular file (path, size and mode are known). */
  wants(entry: FileEntry): boolean;
  /**
   * Extracts what the cataloger needs from the file's bytes. Must consume or destroy the stream.
   * Never buffer a whole large file: keep only the extract (a header, some metadata lines).
   */
  read(entry: FileEntry, content: Readable): Promise<T | undefined>;
  finish(collected: CollectedFile<T>[], context: CatalogContext): CatalogOutput | Promise<CatalogOutput>;
}

/** What `kubeward image` reports about one image beside its findings (JSON report `images[]`). */
export interface ImageReport {
  reference: string;
  repository: string;
  tag?: string;
  manifestDigest: string;
  platform: string;
  created?: string;
  os?: OsInfo;
  layers: { digest: string; mediaType: string; size: number }[];
  packages: Package[];
  /** Advisory database used, or why vulnerabilities were not matched. */
  database?: { path: string; records: number; updatedAt?: string } | { notEvaluated: string };
}
