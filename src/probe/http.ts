import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';

// One HTTP(S) exchange with a target, with nothing borrowed from the environment: no proxy, no
// credentials, no redirects followed, a hard deadline and a cap on what is read.

/** How the probe talks TLS. */
export interface TlsSettings {
  /** Skip certificate verification (`--insecure`); findings say so. */
  insecure: boolean;
  /** PEM CA certificates to verify with instead of the system CAs (`--cacert`). */
  ca?: string;
}

export interface SendOptions {
  timeoutMs: number;
  tls: TlsSettings;
  /** Bytes of the response body kept; the rest is not read. */
  maxBodyBytes?: number;
}

export interface Request {
  method: 'GET' | 'POST';
  url: URL;
  /** JSON body (POST). */
  json?: unknown;
}

/** Why no HTTP answer came back. */
export type FailureKind =
  | 'refused' // nothing listens on the port (TCP reset)
  | 'unreachable' // no route, host unknown, connection dropped before an answer
  | 'timeout'
  | 'tls-verify' // the server's certificate did not verify
  | 'client-cert-required' // the server closed the handshake because no client certificate was sent
  | 'tls-handshake' // some other TLS failure
  | 'not-tls'; // https:// to a port that does not speak TLS

export interface Failure {
  kind: FailureKind;
  /** Node's error code, e.g. ECONNREFUSED or DEPTH_ZERO_SELF_SIGNED_CERT. */
  code?: string;
  /** One line for humans: what happened, with the code. */
  message: string;
}

export interface TlsInfo {
  /** The certificate was verified (false only with --insecure). */
  verified: boolean;
  /** With --insecure: why verification would have failed, if it would have. */
  wouldFail?: string;
}

export interface Response {
  status: number;
  statusText: string;
  contentType: string;
  body: string;
  truncated: boolean;
  /** Absent for plain HTTP. */
  tls?: TlsInfo;
  location?: string;
}

export type Outcome = { ok: true; response: Response } | { ok: false; failure: Failure };

const DEFAULT_MAX_BODY = 256 * 1024;
export const USER_AGENT = 'kubeward-probe';

/** Sends one request; never throws, never follows redirects, gives up after `timeoutMs`. */
export function send(request: Request, options: SendOptions): Promise<Outcome> {
  const { url } = request;
  const isHttps = url.protocol === 'https:';
  const body = request.json === undefined ? undefined : JSON.stringify(request.json);
  const headers: Record<string, string | number> = { 'user-agent': USER_AGENT, accept: 'application/json, */*;q=0.5' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(body);
  }
  const base: http.RequestOptions = {
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port || (isHttps ? 443 : 80),
    path: `${url.pathname}${url.search}`,
    method: request.method,
    headers,
    agent: false,
    setHost: true,
  };
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;

  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = isHttps
      ? https.request({ ...base, rejectUnauthorized: !options.tls.insecure, ...(options.tls.ca ? { ca: options.tls.ca } : {}) })
      : http.request(base);
    const timer = setTimeout(() => {
      finish({ ok: false, failure: { kind: 'timeout', message: `no answer within ${options.timeoutMs} ms` } });
      req.destroy();
    }, options.timeoutMs);

    // Whether the TLS handshake finished: a reset before it usually means the port does not speak TLS.
    let handshaken = !isHttps;
    req.on('socket', (socket) => socket.once('secureConnect', () => (handshaken = true)));
    req.on('error', (error) => {
      const failure = classifyError(error as NodeJS.ErrnoException);
      if (!handshaken && failure.kind === 'unreachable' && (failure.code === 'ECONNRESET' || /closed the connection/.test(failure.message))) {
        failure.kind = 'tls-handshake';
        failure.message = `the server closed the connection during the TLS handshake${failure.code ? ` (${failure.code})` : ''}; if the port serves plain HTTP, probe it with an http:// URL`;
      }
      finish({ ok: false, failure });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const socket = res.socket as TLSSocket | null;
      const tls: TlsInfo | undefined = isHttps
        ? { verified: !options.tls.insecure, ...(options.tls.insecure && socket && socket.authorized === false && socket.authorizationError ? { wouldFail: String(socket.authorizationError) } : {}) }
        : undefined;
      const done = (): void => {
        const response: Response = {
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
          truncated,
        };
        if (tls) response.tls = tls;
        if (typeof res.headers.location === 'string') response.location = res.headers.location;
        finish({ ok: true, response });
      };
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = maxBody - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size = maxBody;
          truncated = true;
          done();
          res.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', done);
      // A connection cut in the middle of the body still leaves what was read.
      res.on('close', done);
      res.on('error', () => done());
    });
    req.end(body);
  });
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (temporary)',
  EADDRNOTAVAIL: 'address not available',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed by the server',
};

const CLIENT_CERT_ALERTS = new Set([
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_CERTIFICATE_REQUIRED',
]);

const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);

/** `wrong version number` out of OpenSSL's `…:SSL routines:ssl3_get_record:wrong version number:…`. */
function opensslReason(text: string): string | undefined {
  return /SSL routines:[^:]*:([^:]+):/.exec(text)?.[1]?.trim();
}

/** Names what went wrong in terms a user acts on. */
export function classifyError(error: NodeJS.ErrnoException): Failure {
  const code = typeof error.code === 'string' ? error.code : undefined;
  const text = (error.message || String(error)).replace(/\s+/g, ' ').trim();
  const withCode = (message: string): string => (code ? `${message} (${code})` : message);
  if (code === 'ECONNREFUSED') return { kind: 'refused', code, message: withCode(REASONS.ECONNREFUSED!) };
  const ssl = code === 'EPROTO' || code?.startsWith('ERR_SSL_') ? (opensslReason(text) ?? text) : undefined;
  if ((code && CLIENT_CERT_ALERTS.has(code)) || (ssl && /alert (bad certificate|certificate required)/i.test(ssl))) {
    return { kind: 'client-cert-required', ...(code ? { code } : {}), message: withCode('the server ended the TLS handshake because no client certificate was sent') };
  }
  if ((code && NOT_TLS.has(code)) || (ssl && /wrong version number|packet length too long|http request/i.test(ssl))) {
    return { kind: 'not-tls', ...(code ? { code } : {}), message: withCode(`the port does not speak TLS (${ssl ?? 'no TLS handshake'})`) };
  }
  if (ssl !== undefined) return { kind: 'tls-handshake', ...(code ? { code } : {}), message: withCode(`TLS handshake failed: ${ssl}`) };
  if (code && /CERT|SIGNED|VERIFY|ALTNAME|ISSUER|HOSTNAME/.test(code)) {
    return { kind: 'tls-verify', code, message: withCode(`TLS certificate verification failed: ${text}`) };
  }
  if (code && REASONS[code]) return { kind: 'unreachable', code, message: withCode(REASONS[code]!) };
  if (/socket hang up/i.test(text)) return { kind: 'unreachable', ...(code ? { code } : {}), message: withCode('the server closed the connection without answering') };
  return { kind: 'unreachable', ...(code ? { code } : {}), message: withCode(text) };
}

/** Parses a JSON body; undefined when it is not JSON (or was cut short). */
export function jsonOf(response: Response): unknown {
  if (response.truncated) return undefined;
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
}

/** `HTTP 403 Forbidden` */
export function statusLabel(response: Response): string {
  return `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
}

/** A short, single-line excerpt of a response body for evidence. */
export function excerpt(text: string, max = 160): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
