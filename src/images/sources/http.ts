import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { ImageSourceError } from '../model.js';

// HTTP(S) with node's own modules. TLS is verified against node's CAs plus --ca-file. With
// --insecure verification is off and a host whose HTTPS fails at the connection/handshake level is
// retried over plain HTTP (what docker does for "insecure-registries"); without it, never HTTP.

export interface TransportOptions {
  insecure: boolean;
  ca?: Buffer;
  timeoutMs: number;
}

export type Headers = Record<string, string>;

export class Transport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly httpsAgent: https.Agent;
  private readonly plainHosts = new Set<string>();

  constructor(private readonly options: TransportOptions) {
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      rejectUnauthorized: !options.insecure,
      ...(options.ca ? { ca: [...rootCertificates, options.ca.toString('utf8')] } : {}),
    });
  }

  get insecure(): boolean {
    return this.options.insecure;
  }

  /** `https://host` (or `http://host` once an insecure host fell back). */
  origin(host: string): string {
    return `${this.plainHosts.has(host) ? 'http' : 'https'}://${host}`;
  }

  /** One request to a registry host, with the insecure HTTP fallback. */
  async toHost(host: string, path: string, headers: Headers): Promise<IncomingMessage> {
    const url = new URL(path, this.origin(host));
    try {
      return await this.send(url, headers);
    } catch (error) {
      if (!this.options.insecure && isCertificateError(error)) {
        throw new ImageSourceError(`TLS verification failed for ${host}: ${describeError(error)} (give its CA with --ca-file, or use --insecure)`);
      }
      if (!this.options.insecure || url.protocol !== 'https:' || !isConnectionError(error)) throw error;
      this.plainHosts.add(host);
      return this.send(new URL(path, this.origin(host)), headers);
    }
  }

  /** One GET, no redirects followed. Plain HTTP URLs are refused unless insecure. */
  send(url: URL, headers: Headers): Promise<IncomingMessage> {
    if (url.protocol === 'http:' && !this.options.insecure) {
      return Promise.reject(new ImageSourceError(`refusing plain HTTP to ${url.host} (use --insecure for registries without TLS)`));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new ImageSourceError(`unsupported URL scheme in ${url.href}`));
    const module = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? this.httpsAgent : this.httpAgent;
    return new Promise((resolve, reject) => {
      const request = module.request(url, { method: 'GET', headers: { 'user-agent': 'kubeward', ...headers }, agent }, resolve);
      request.setTimeout(this.options.timeoutMs, () => request.destroy(new Error(`no data from ${url.host} for ${this.options.timeoutMs} ms`)));
      request.on('error', reject);
      request.end();
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPIPE', 'ETIMEDOUT']);

/** Errors before any HTTP response: refused connection, TLS handshake failure, HTTP spoken on the HTTPS port. */
function isConnectionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return CONNECTION_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /SSL|TLS|socket hang up/i.test(String((error as Error).message));
}

const CERT_CODES = /^(ERR_TLS_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET_ISSUER)|CERT_)/;

/** Certificate problems are not transient: retrying cannot help. */
function isCertificateError(error: unknown): boolean {
  return CERT_CODES.test((error as NodeJS.ErrnoException).code ?? '');
}

/** Reads a response body into memory, refusing more than `cap` bytes. */
export async function readBody(response: IncomingMessage, cap: number, where: string): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) {
    response.destroy();
    throw new ImageSourceError(`${where}: ${declared} bytes is larger than the ${cap} byte limit`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > cap) {
      response.destroy();
      throw new ImageSourceError(`${where}: larger than the ${cap} byte limit`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Drains and discards a response so its connection can be reused. */
export function discard(response: IncomingMessage): void {
  response.resume();
}

export function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code && !String(e.message).includes(e.code) ? `${e.message} (${e.code})` : String(e.message ?? error);
}
