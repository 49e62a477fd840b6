import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

// Test helpers (imported by the *.test.ts files only): an in-memory image store and a minimal
// OCI distribution server on 127.0.0.1 built on node:http, with hooks to misbehave.

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface TestImage {
  manifest: Buffer;
  manifestDigest: string;
  config: Buffer;
  configDigest: string;
  layers: Buffer[];
  layerDigests: string[];
  descriptor: { mediaType: string; digest: string; size: number; platform: { os: string; architecture: string; variant?: string } };
}

export class ImageStore {
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, { bytes: Buffer; mediaType: string }>();

  addBlob(bytes: Buffer): string {
    const digest = sha256(bytes);
    this.blobs.set(digest, bytes);
    return digest;
  }

  /** An image whose layer digests are the sha256 of the given bytes (treated as opaque blobs). */
  addImage(platform: { os: string; architecture: string; variant?: string }, layers: Buffer[], diffIds = layers.map((l) => sha256(l))): TestImage {
    const config = Buffer.from(JSON.stringify({ ...platform, rootfs: { type: 'layers', diff_ids: diffIds }, config: { User: 'app' } }));
    const configDigest = this.addBlob(config);
    const layerDigests = layers.map((l) => this.addBlob(l));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
        layers: layers.map((l, i) => ({ mediaType: OCI_LAYER, digest: layerDigests[i], size: l.length })),
      }),
    );
    const manifestDigest = sha256(manifest);
    this.manifests.set(manifestDigest, { bytes: manifest, mediaType: OCI_MANIFEST });
    return { manifest, manifestDigest, config, configDigest, layers, layerDigests, descriptor: { mediaType: OCI_MANIFEST, digest: manifestDigest, size: manifest.length, platform } };
  }

  addIndex(images: TestImage[]): { bytes: Buffer; digest: string } {
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: images.map((i) => i.descriptor) }));
    const digest = sha256(bytes);
    this.manifests.set(digest, { bytes, mediaType: OCI_INDEX });
    return { bytes, digest };
  }

  tag(name: string, digest: string): void {
    this.manifests.set(name, this.manifests.get(digest)!);
  }
}

export interface ServerHooks {
  /** Return false after answering the request yourself (e.g. 401). */
  authorize?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Return true after answering a blob request yourself. */
  blob?: (req: IncomingMessage, res: ServerResponse, digest: string, bytes: Buffer) => boolean;
  /** Return true after answering any request yourself (runs first). */
  any?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface TestServer {
  host: string;
  port: number;
  requests: { url: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

export async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void, tls?: { key: string; cert: string }): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves a store as an OCI distribution registry. */
export function startRegistry(store: ImageStore, hooks: ServerHooks = {}, tls?: { key: string; cert: string }): Promise<TestServer> {
  return startServer((req, res) => {
    if (hooks.any?.(req, res)) return;
    if (hooks.authorize && !hooks.authorize(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    const blob = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(url.pathname);
    if (manifest) {
      const found = store.manifests.get(decodeURIComponent(manifest[2]!));
      if (!found) return notFound(res, 'MANIFEST_UNKNOWN');
      res.writeHead(200, { 'content-type': found.mediaType, 'content-length': found.bytes.length, 'docker-content-digest': sha256(found.bytes) });
      res.end(found.bytes);
      return;
    }
    if (blob) {
      const digest = blob[2]!;
      const bytes = store.blobs.get(digest);
      if (!bytes) return notFound(res, 'BLOB_UNKNOWN');
      if (hooks.blob?.(req, res, digest, bytes)) return;
      serveBytes(req, res, bytes);
      return;
    }
    res.writeHead(url.pathname === '/v2/' ? 200 : 404).end();
  }, tls);
}

/** Serves bytes honouring `Range: bytes=N-`. */
export function serveBytes(req: IncomingMessage, res: ServerResponse, bytes: Buffer): void {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (range) {
    const start = Number(range[1]);
    res.writeHead(206, { 'content-length': bytes.length - start, 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` });
    res.end(bytes.subarray(start));
    return;
  }
  res.writeHead(200, { 'content-length': bytes.length });
  res.end(bytes);
}

function notFound(res: ServerResponse, code: string): void {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ code, message: code.toLowerCase().replace('_', ' ') }] }));
}

/** A self-signed certificate for 127.0.0.1 made with openssl. */
export function makeCertificate(dir: string): { key: string; cert: string; certPath: string } {
  const key = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Random bytes of a given size (layer contents are opaque to sources). */
export function randomLayer(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
