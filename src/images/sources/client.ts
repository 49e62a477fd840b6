import type { IncomingMessage } from 'node:http';
import { ImageSourceError } from '../model.js';
import { Authenticator } from './auth.js';
import type { CredentialOptions } from './credentials.js';
import { digestBytes, verifyBytes } from './digest.js';
import { describeError, discard, readBody, type Headers, type Transport } from './http.js';
import { MANIFEST_ACCEPT, MAX_MANIFEST_BYTES } from './manifest.js';
import type { ManifestBytes } from './resolve.js';

// One repository of one registry over the OCI distribution API (distribution-spec spec.md):
// GET /v2/<name>/manifests/<reference> and /v2/<name>/blobs/<digest>, with auth and redirects.

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const MAX_ERROR_BODY = 64 * 1024;

export class RegistryClient {
  readonly auth: Authenticator;
  private readonly scope: string;

  constructor(readonly host: string, readonly repository: string, private readonly transport: Transport, credentials: CredentialOptions, private readonly retries: number) {
    this.auth = new Authenticator(host, transport, credentials);
    this.scope = `repository:${repository}:pull`;
  }

  /** GET with auth (one challenge answered) and redirects; any status other than 401 is returned. */
  async get(path: string, headers: Headers = {}): Promise<IncomingMessage> {
    for (let round = 0; ; round++) {
      const authorization = this.auth.headerFor(this.scope);
      const response = await this.follow(path, authorization ? { ...headers, authorization } : headers);
      if (response.statusCode !== 401) return response;
      discard(response);
      if (round > 0) throw await this.auth.refused();
      await this.auth.answer(header(response, 'www-authenticate'), this.scope);
    }
  }

  /** Follows up to 5 redirects; Authorization is only ever sent to the registry host itself. */
  private async follow(path: string, headers: Headers): Promise<IncomingMessage> {
    let response = await this.transport.toHost(this.host, path, headers);
    let url = new URL(path, this.transport.origin(this.host));
    for (let hops = 0; REDIRECTS.has(response.statusCode ?? 0); hops++) {
      const location = header(response, 'location');
      discard(response);
      if (!location) throw new ImageSourceError(`${this.host}: redirect without Location for ${url.pathname}`);
      if (hops >= MAX_REDIRECTS) throw new ImageSourceError(`${this.host}: more than ${MAX_REDIRECTS} redirects for ${path}`);
      url = new URL(location, url);
      const next = { ...headers };
      if (url.host !== this.host) delete next.authorization;
      response = await this.transport.send(url, next);
    }
    return response;
  }

  /** Fetches a manifest by tag or digest, verifying it against the digest and Docker-Content-Digest. */
  async fetchManifest(reference: string): Promise<ManifestBytes> {
    // `repo:tag` or `repo@sha256:…`, as users write references.
    const where = `${this.host}/${this.repository}${reference.includes(':') ? '@' : ':'}${reference}`;
    const response = await this.withRetries(where, () => this.get(`/v2/${this.repository}/manifests/${reference}`, { accept: MANIFEST_ACCEPT }));
    if (response.statusCode !== 200) throw await statusError(response, `manifest ${where}`);
    const bytes = await readBody(response, MAX_MANIFEST_BYTES, `manifest ${where}`);
    const byDigest = reference.includes(':');
    if (byDigest) verifyBytes(bytes, reference, `manifest ${where}`);
    const announced = header(response, 'docker-content-digest');
    if (announced && /^sha(256|512):/.test(announced)) verifyBytes(bytes, announced, `manifest ${where} (Docker-Content-Digest)`);
    const digest = byDigest ? reference : announced && /^sha256:/.test(announced) ? announced : undefined;
    const mediaType = header(response, 'content-type');
    return { bytes, ...(mediaType ? { mediaType } : {}), digest: digest ?? digestBytes(bytes) };
  }

  /** Fetches a small blob (a config) into memory, verified. */
  async fetchSmallBlob(digest: string): Promise<Buffer> {
    const where = `blob ${this.host}/${this.repository}@${digest}`;
    const response = await this.withRetries(where, () => this.get(`/v2/${this.repository}/blobs/${digest}`));
    if (response.statusCode !== 200) throw await statusError(response, where);
    const bytes = await readBody(response, MAX_MANIFEST_BYTES, where);
    verifyBytes(bytes, digest, where);
    return bytes;
  }

  /** Transient failures (connection errors, 429, 5xx) are retried with a short backoff. */
  private async withRetries(where: string, attempt: () => Promise<IncomingMessage>): Promise<IncomingMessage> {
    for (let i = 0; ; i++) {
      try {
        const response = await attempt();
        const status = response.statusCode ?? 0;
        if ((status !== 429 && status < 500) || i >= this.retries) return response;
        discard(response);
      } catch (error) {
        if (error instanceof ImageSourceError) throw error;
        if (i >= this.retries) throw new ImageSourceError(`${where}: ${describeError(error)} (after ${i + 1} attempts)`);
      }
      await backoff(i);
    }
  }
}

export function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
}

export function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** An error for an unexpected status, quoting the registry's error code/message when it sent one. */
export async function statusError(response: IncomingMessage, what: string): Promise<ImageSourceError> {
  const status = response.statusCode ?? 0;
  let detail = '';
  try {
    const body = await readBody(response, MAX_ERROR_BODY, what);
    const errors = (JSON.parse(body.toString('utf8')) as { errors?: { code?: string; message?: string }[] }).errors;
    if (Array.isArray(errors) && errors[0]) detail = `: ${[errors[0].code, errors[0].message].filter(Boolean).join(' ')}`;
  } catch {
    response.destroy();
  }
  const meaning = status === 404 ? ' (not found)' : status === 403 ? ' (access denied)' : '';
  return new ImageSourceError(`${what}: HTTP ${status}${meaning}${detail}`);
}
