import { readFile } from 'node:fs/promises';
import { classifyBase64 } from './classify.js';
import { postJson, type GatewayAnswer, type GatewayOptions } from './client.js';

// Encryption at rest, verified on the data: ranges over the keys the API server writes Secrets (and
// ConfigMaps) under and counts, per key, whether its value is plaintext or which provider's envelope
// it carries. Values are classified by their prefix the moment they arrive and then dropped; only
// counts, provider/key names of the envelope and (for plaintext) up to 10 object names are kept.

export type EtcdResource = 'secrets' | 'configmaps';

export interface EtcdEncryptionOptions {
  /** etcd client URLs; the first that answers is read. `host:port` means `https://host:port`. */
  endpoints: string[];
  /** Files (PEM): CA certificate, client certificate, client key. */
  cacert?: string;
  cert?: string;
  key?: string;
  /** Default `['secrets']`. */
  resources?: EtcdResource[];
  /** Deadline of each request (default 10000 ms). */
  timeoutMs?: number;
  /** Do not verify etcd's server certificate. */
  insecure?: boolean;
  /** Keys per range request (default 100). */
  pageSize?: number;
}

export interface ProviderCount {
  /** `aescbc`, `aesgcm`, `secretbox`, `kms v1`, `kms v2`. */
  provider: string;
  keyName?: string;
  count: number;
}

export interface ResourceEncryption {
  resource: string;
  prefix: string;
  total: number;
  plaintext: number;
  byProvider: ProviderCount[];
  /** Values neither plaintext Kubernetes objects nor `k8s:enc:` envelopes. */
  unknown: number;
  /** Up to 10 plaintext objects as `namespace/name` (names only, never values). */
  plaintextExamples: string[];
}

export interface EtcdEncryptionReport {
  endpoint: string;
  resources: ResourceEncryption[];
  errors: string[];
}

export const MAX_EXAMPLES = 10;
const DEFAULT_PAGE = 100;
const DEFAULT_TIMEOUT = 10_000;
/** A page of 100 Secrets of up to 1 MiB each, base64-encoded, fits. */
const MAX_BODY = 160 * 1024 * 1024;
const GATEWAY_PREFIXES = ['/v3', '/v3beta', '/v3alpha'];

export const registryPrefix = (resource: string): string => `/registry/${resource}/`;

/** The exclusive end of a prefix range: the prefix with its last byte incremented. */
export function prefixRangeEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix, 'utf8');
  end[end.length - 1]!++;
  return end;
}

/** `https://10.0.0.2:2379/` for `10.0.0.2:2379`; undefined for something that is no URL. */
export function endpointUrl(endpoint: string): URL | undefined {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the key material; each unreadable file is one error naming it. */
async function readTls(options: EtcdEncryptionOptions, errors: string[]): Promise<GatewayOptions['tls'] | undefined> {
  const read = async (what: string, file: string | undefined): Promise<string | undefined> => {
    if (file === undefined) return undefined;
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      errors.push(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return undefined;
    }
  };
  const before = errors.length;
  const tls = { ca: await read('CA certificate (--cacert)', options.cacert), cert: await read('client certificate (--cert)', options.cert), key: await read('client key (--key)', options.key), insecure: options.insecure ?? false };
  if ((tls.cert === undefined) !== (tls.key === undefined) && errors.length === before) errors.push('--cert and --key go together: give both or neither');
  return errors.length > before ? undefined : tls;
}

const asObject = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** etcd's own refusal (`{"error": "...", "code": 7}`) or the status line. */
function refusal(answer: Extract<GatewayAnswer, { ok: true }>): string {
  const body = asObject(answer.json);
  const message = typeof body?.message === 'string' ? body.message : typeof body?.error === 'string' ? body.error : undefined;
  return `HTTP ${answer.status}${message ? `: ${message}` : ''}`;
}

/** Finds the gateway prefix this etcd serves (v3 since 3.4, v3beta in 3.3, v3alpha in 3.2) with a count-only range. */
async function findGateway(url: URL, options: GatewayOptions): Promise<{ prefix: string } | { error: string }> {
  for (const prefix of GATEWAY_PREFIXES) {
    const answer = await postJson(new URL(`${prefix}/kv/range`, url), { key: b64(registryPrefix('secrets')), range_end: prefixRangeEnd(registryPrefix('secrets')).toString('base64'), count_only: true }, options);
    if (!answer.ok) return { error: answer.message };
    if (answer.status === 404) continue;
    if (answer.status !== 200) return { error: `range request refused: ${refusal(answer)}` };
    if (!asObject(asObject(answer.json)?.header)) return { error: 'answered without an etcd response header; is this an etcd client URL?' };
    return { prefix };
  }
  return { error: `no v3 JSON gateway (tried ${GATEWAY_PREFIXES.join(', ')}): HTTP 404` };
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** `/registry/secrets/shop/db` → `shop/db`. */
const objectName = (keyB64: string, prefix: string): string => Buffer.from(keyB64, 'base64').toString('utf8').slice(prefix.length);

/** Ranges over one resource's keys page by page, at one revision, classifying each value as it comes. */
async function scanResource(base: URL, gateway: string, resource: EtcdResource, pageSize: number, options: GatewayOptions): Promise<ResourceEncryption | string> {
  const prefix = registryPrefix(resource);
  const out: ResourceEncryption = { resource, prefix, total: 0, plaintext: 0, byProvider: [], unknown: 0, plaintextExamples: [] };
  const providers = new Map<string, ProviderCount>();
  const rangeEnd = prefixRangeEnd(prefix).toString('base64');
  let key = b64(prefix);
  let revision: string | undefined;
  for (;;) {
    const answer = await postJson(new URL(`${gateway}/kv/range`, base), { key, range_end: rangeEnd, limit: pageSize, ...(revision ? { revision } : {}) }, options);
    if (!answer.ok) return `${prefix}: ${answer.message}`;
    if (answer.status !== 200) return `${prefix}: ${refusal(answer)}`;
    const body = asObject(answer.json);
    // Later pages read the revision of the first, so keys written meanwhile are neither missed nor counted twice.
    revision ??= String(asObject(body?.header)?.revision ?? '') || undefined;
    const kvs = Array.isArray(body?.kvs) ? body.kvs : [];
    let lastKey: string | undefined;
    for (const entry of kvs) {
      const kv = asObject(entry);
      if (!kv || typeof kv.key !== 'string') continue;
      lastKey = kv.key;
      out.total++;
      const kind = classifyBase64(kv.value);
      if (kind.kind === 'plaintext') {
        out.plaintext++;
        if (out.plaintextExamples.length < MAX_EXAMPLES) out.plaintextExamples.push(objectName(kv.key, prefix));
      } else if (kind.kind === 'unknown') {
        out.unknown++;
      } else {
        const id = `${kind.provider}\u0000${kind.keyName}`;
        const known = providers.get(id) ?? { provider: kind.provider, keyName: kind.keyName, count: 0 };
        known.count++;
        providers.set(id, known);
      }
    }
    if (body?.more !== true || lastKey === undefined) break;
    key = Buffer.concat([Buffer.from(lastKey, 'base64'), Buffer.from([0])]).toString('base64');
  }
  out.byProvider = [...providers.values()].sort((a, b) => a.provider.localeCompare(b.provider) || (a.keyName ?? '').localeCompare(b.keyName ?? ''));
  return out;
}

/** Reads etcd and counts how the selected resources are stored. Never throws: problems land in `errors`. */
export async function checkEtcdEncryption(options: EtcdEncryptionOptions): Promise<EtcdEncryptionReport> {
  const report: EtcdEncryptionReport = { endpoint: options.endpoints[0] ?? '', resources: [], errors: [] };
  if (options.endpoints.length === 0) {
    report.errors.push('no etcd endpoint given (--endpoints), and none found on this node');
    return report;
  }
  const tls = await readTls(options, report.errors);
  if (!tls) return report;
  const gatewayOptions: GatewayOptions = { tls, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT, maxBodyBytes: MAX_BODY };
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE));
  const resources = [...new Set<EtcdResource>(options.resources ?? ['secrets'])];

  for (const endpoint of options.endpoints) {
    const url = endpointUrl(endpoint);
    if (!url) {
      report.errors.push(`${endpoint}: not an http(s) URL`);
      continue;
    }
    const gateway = await findGateway(url, gatewayOptions);
    if ('error' in gateway) {
      report.errors.push(`${endpoint}: ${gateway.error}`);
      continue;
    }
    report.endpoint = endpoint;
    for (const resource of resources) {
      const scanned = await scanResource(url, gateway.prefix, resource, pageSize, gatewayOptions);
      if (typeof scanned === 'string') report.errors.push(`${endpoint}: ${scanned}`);
      else report.resources.push(scanned);
    }
    return report;
  }
  return report;
}
