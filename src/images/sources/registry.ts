import type { Readable } from 'node:stream';
import { DigestMismatchError, type ImageSource, type ResolvedImage } from '../model.js';
import type { BlobCache } from './cache.js';
import { RegistryClient } from './client.js';
import type { CredentialOptions } from './credentials.js';
import { downloadBlob } from './download.js';
import { Transport } from './http.js';
import { MAX_MANIFEST_BYTES, type Descriptor } from './manifest.js';
import type { Platform } from './platform.js';
import { parseReference, repositoryName } from './reference.js';
import { resolveImage, type BlobAccess } from './resolve.js';

// An image in a registry. Manifests and the config are fetched into memory (size capped); layers
// stream from the cache when present, else from the registry through the cache.

export interface RegistrySourceOptions {
  platform: Platform;
  insecure: boolean;
  ca?: Buffer;
  credentials: CredentialOptions;
  cache: BlobCache;
  retries: number;
  timeoutMs: number;
  onProgress?: (event: { digest: string; bytes: number; total?: number }) => void;
}

export class RegistrySource implements ImageSource {
  private readonly transport: Transport;

  constructor(private readonly reference: string, private readonly options: RegistrySourceOptions) {
    this.transport = new Transport({ insecure: options.insecure, timeoutMs: options.timeoutMs, ...(options.ca ? { ca: options.ca } : {}) });
  }

  async resolve(): Promise<ResolvedImage> {
    const ref = parseReference(this.reference);
    const client = new RegistryClient(ref.registry, ref.repository, this.transport, this.options.credentials, this.options.retries);
    const root = await client.fetchManifest(ref.digest ?? ref.tag!);
    const access = this.blobAccess(client);
    const labels = { reference: this.reference, repository: repositoryName(ref), ...(ref.tag ? { tag: ref.tag } : {}) };
    return resolveImage(root, access, this.options.platform, labels, `${ref.displayRegistry}/${ref.repository}`);
  }

  private blobAccess(client: RegistryClient): BlobAccess {
    const { cache } = this.options;
    return {
      fetchManifest: (descriptor: Descriptor) => client.fetchManifest(descriptor.digest),
      fetchConfig: async (descriptor: Descriptor) => {
        const cached = await cache.readSmall(descriptor.digest, MAX_MANIFEST_BYTES, `cached config ${descriptor.digest}`).catch((error: unknown) => {
          if (error instanceof DigestMismatchError) return undefined; // the corrupt copy was deleted: refetch
          throw error;
        });
        if (cached) return cached;
        const bytes = await client.fetchSmallBlob(descriptor.digest);
        await cache.writeSmall(bytes, descriptor.digest, `config ${descriptor.digest}`);
        return bytes;
      },
      openLayer: async (descriptor: Descriptor): Promise<Readable> => {
        const where = `layer ${descriptor.digest} (cache ${cache.dir})`;
        if (await cache.has(descriptor.digest)) return cache.openVerified(descriptor.digest, where, descriptor.size);
        return downloadBlob({
          digest: descriptor.digest,
          size: descriptor.size,
          host: client.host,
          cache,
          retries: this.options.retries,
          request: (offset) => client.get(`/v2/${client.repository}/blobs/${descriptor.digest}`, offset > 0 ? { range: `bytes=${offset}-` } : {}),
          ...(this.options.onProgress ? { onProgress: this.options.onProgress } : {}),
        });
      },
    };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
