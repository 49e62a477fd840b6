import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ImageSourceError, type ImageSource } from '../model.js';
import { ArchiveSource } from './archive.js';
import { BlobCache } from './cache.js';
import { LayoutSource } from './layout.js';
import { DEFAULT_PLATFORM, parsePlatform } from './platform.js';
import { RegistrySource } from './registry.js';

// Entry point: a registry reference, or with --input an OCI layout directory or a docker-save /
// OCI archive (the reference then only labels the image or selects a ref name inside it).

export { listLayoutRefs } from './layout.js';
export { parseReference, formatReference, repositoryName, type ImageReference } from './reference.js';
export { parsePlatform, platformMatches, formatPlatform, type Platform } from './platform.js';
export { parseChallenges, type Challenge } from './challenge.js';

export interface SourceOptions {
  /** --input: a docker-save/OCI archive .tar, or an OCI layout directory. */
  input?: string;
  /** os/arch[/variant], default linux/amd64. */
  platform?: string;
  /** Plain HTTP allowed and TLS not verified. */
  insecure?: boolean;
  /** Extra CA (PEM) to verify the registry with. */
  caFile?: string;
  username?: string;
  password?: string;
  /** docker config.json path (default $DOCKER_CONFIG/config.json or ~/.docker/config.json). */
  dockerConfig?: string;
  /** Blobs are cached at <cacheDir>/blobs/sha256/<hex>. */
  cacheDir: string;
  /** Attempts after the first for transient failures; default 3. */
  retries?: number;
  timeoutMs?: number;
  onProgress?: (event: { digest: string; bytes: number; total?: number }) => void;
}

const DEFAULT_RETRIES = 3;
const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_CA_BYTES = 1024 * 1024;

/** $XDG_CACHE_HOME/kubeward, else ~/.cache/kubeward. */
export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return xdg ? join(xdg, 'kubeward') : join(homedir(), '.cache', 'kubeward');
}

/** Opens the source for `reference`; bad options are ImageSourceErrors thrown here, bad images on resolve(). */
export function openImageSource(reference: string, options: SourceOptions): ImageSource {
  const platform = parsePlatform(options.platform ?? DEFAULT_PLATFORM);
  const cacheDir = resolve(options.cacheDir);
  if (options.input !== undefined) {
    const input = options.input;
    let isDir: boolean;
    try {
      isDir = statSync(input).isDirectory();
    } catch {
      throw new ImageSourceError(`--input ${input}: no such file or directory`);
    }
    return isDir ? new LayoutSource(input, reference, platform) : new ArchiveSource(input, reference, platform, new BlobCache(cacheDir));
  }
  const retries = options.retries ?? DEFAULT_RETRIES;
  if (!Number.isInteger(retries) || retries < 0) throw new ImageSourceError(`retries must be a whole number ≥ 0, not ${retries}`);
  const credentials = {
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.dockerConfig ? { dockerConfig: options.dockerConfig } : {}),
  };
  return new RegistrySource(reference, {
    platform,
    insecure: options.insecure === true,
    ...(options.caFile ? { ca: readCa(options.caFile) } : {}),
    credentials,
    cache: new BlobCache(cacheDir),
    retries,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

function readCa(path: string): Buffer {
  let bytes: Buffer;
  try {
    if (statSync(path).size > MAX_CA_BYTES) throw new ImageSourceError(`--ca-file ${path}: larger than ${MAX_CA_BYTES} bytes`);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof ImageSourceError) throw error;
    throw new ImageSourceError(`--ca-file ${path}: ${(error as Error).message}`);
  }
  if (!bytes.includes('-----BEGIN CERTIFICATE-----')) throw new ImageSourceError(`--ca-file ${path}: no PEM certificate found`);
  return bytes;
}
