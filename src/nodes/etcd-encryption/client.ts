import http from 'node:http';
import https from 'node:https';
import { classifyError, excerpt, USER_AGENT } from '../../probe/http.js';

// A minimal client for etcd's v3 JSON gateway with client certificates (the probe's `send` speaks
// without credentials on purpose, so this one is separate; error wording is shared through
// classifyError). Keys and values travel base64-encoded in JSON.

export interface GatewayTls {
  /** PEM CA certificate(s) verifying the server; the system CAs when absent. */
  ca?: string;
  cert?: string;
  key?: string;
  /** Skip server certificate verification. */
  insecure: boolean;
}

export interface GatewayOptions {
  tls: GatewayTls;
  timeoutMs: number;
  /** Largest response body read (a page of values); larger answers are an error, never cut silently. */
  maxBodyBytes: number;
}

export type GatewayAnswer = { ok: true; status: number; json: unknown } | { ok: false; message: string };

/** POSTs JSON to the gateway. Never throws: failures come back as one-line messages. */
export function postJson(url: URL, body: unknown, options: GatewayOptions): Promise<GatewayAnswer> {
  const payload = JSON.stringify(body);
  const isHttps = url.protocol === 'https:';
  const base: https.RequestOptions = {
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port || (isHttps ? 443 : 80),
    path: url.pathname,
    method: 'POST',
    agent: false,
    headers: { 'user-agent': USER_AGENT, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
  };
  const { tls } = options;
  const request = isHttps
    ? https.request({ ...base, rejectUnauthorized: !tls.insecure, ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}) })
    : http.request(base);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: GatewayAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const timer = setTimeout(() => {
      finish({ ok: false, message: `no answer within ${options.timeoutMs} ms` });
      request.destroy();
    }, options.timeoutMs);
    request.on('error', (error) => finish({ ok: false, message: describeFailure(error as NodeJS.ErrnoException, Boolean(tls.cert)) }));
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBodyBytes) {
          finish({ ok: false, message: `answer larger than ${options.maxBodyBytes} bytes; use a smaller page size` });
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        chunks.length = 0;
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          finish({ ok: false, message: `HTTP ${res.statusCode}: answer is not JSON (${excerpt(text, 80)}); is this an etcd client URL?` });
          return;
        }
        finish({ ok: true, status: res.statusCode ?? 0, json });
      });
      res.on('error', (error) => finish({ ok: false, message: `connection cut while reading the answer: ${error.message}` }));
    });
    request.end(payload);
  });
}

/** classifyError's message, with the fix named when etcd wanted a client certificate. */
function describeFailure(error: NodeJS.ErrnoException, sentCert: boolean): string {
  const failure = classifyError(error);
  if (failure.kind === 'client-cert-required') {
    return sentCert
      ? `${failure.message}: etcd rejected the client certificate (is it signed by etcd's --trusted-ca-file?)`
      : `${failure.message}: etcd requires a client certificate (--client-cert-auth); pass --cert and --key`;
  }
  return failure.message;
}
