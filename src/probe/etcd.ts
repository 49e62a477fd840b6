import { randomBytes } from 'node:crypto';
import { ETCD_CHECKS, ETCD_PLAIN_HTTP, ETCD_READ, ETCD_WRITE } from './checks.js';
import { excerpt, jsonOf, statusLabel, type Response, type SendOptions } from './http.js';
import { targetLabel } from './targets.js';
import {
  allNotEvaluated, allPass, evidenceOf, exchange, failureReason, judge, targetResource, unreadable,
  type CheckVerdict, type Exchange, type Reading, type TargetReport, type Verdict,
} from './verdict.js';

// etcd's client port, spoken to through its v3 JSON gateway (keys and values are base64) with no client
// certificate: can it be read, can it be written? Values are never fetched; the write test puts one
// throw-away key under /kubeward-probe/ on a short lease and deletes it again.

type JsonObject = Record<string, unknown>;
const asObject = (value: unknown): JsonObject | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined);
const metaOf = (id: string) => ETCD_CHECKS.find((c) => c.id === id)!;
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: unknown): string => (typeof text === 'string' ? Buffer.from(text, 'base64').toString('utf8') : '?');

/** The gateway's prefix moved over releases: v3 (3.4+), v3beta (3.3), v3alpha (3.2). */
const GATEWAY_PREFIXES = ['/v3', '/v3beta', '/v3alpha'];
export const PROBE_KEY_PREFIX = '/kubeward-probe/';
const PROBE_VALUE = 'written by kubeward probe to test write access; safe to delete';
const LEASE_SECONDS = 300;
const SECRETS_PREFIX = '/registry/secrets/';
const HTTP_TO_HTTPS = /client sent an http request to an https server/i;

export interface EtcdProbeOptions extends SendOptions {
  /** Try the write test (default true). */
  write: boolean;
}

export async function probeEtcd(url: URL, options: EtcdProbeOptions): Promise<TargetReport> {
  const target = targetLabel(url);
  const report: TargetReport = { resource: targetResource('Etcd', target), inputs: [target], verdicts: [] };
  const post = (path: string, json: unknown) => exchange({ method: 'POST', url: new URL(path, url), json }, options);

  const version = await exchange({ method: 'GET', url: new URL('/version', url) }, options);
  if (!version.outcome.ok) {
    const failure = version.outcome.failure;
    // The TLS handshake demanded a client certificate: nothing gets in without one. That is the fix.
    report.verdicts = failure.kind === 'client-cert-required' ? allPass(ETCD_CHECKS) : allNotEvaluated(ETCD_CHECKS, failureReason(target, failure));
    return report;
  }
  const v = version.outcome.response;
  const versionJson = asObject(jsonOf(v));
  if (typeof versionJson?.etcdserver !== 'string') {
    const reason = v.status === 400 && HTTP_TO_HTTPS.test(v.body)
      ? `${target} speaks TLS; probe it with an https:// URL`
      : `${target} answered ${statusLabel(v)} to GET /version, not an etcd version (${excerpt(v.body, 80)}); is this an etcd client URL?`;
    report.verdicts = allNotEvaluated(ETCD_CHECKS, reason);
    return report;
  }
  const etcdVersion = `etcd ${versionJson.etcdserver}`;

  // Find the gateway prefix this etcd serves, with the first read.
  let prefix = GATEWAY_PREFIXES[0]!;
  let all: Exchange | undefined;
  for (const candidate of GATEWAY_PREFIXES) {
    prefix = candidate;
    all = await post(`${candidate}/kv/range`, { key: b64('\u0000'), range_end: b64('\u0000'), keys_only: true, limit: 3 });
    if (!(all.outcome.ok && all.outcome.response.status === 404)) break;
  }
  const secrets = await post(`${prefix}/kv/range`, { key: b64(SECRETS_PREFIX), range_end: b64(SECRETS_PREFIX.slice(0, -1) + '0'), count_only: true });

  const verdicts: CheckVerdict[] = [
    { meta: metaOf(ETCD_READ), verdict: readVerdict(target, etcdVersion, all!, secrets) },
  ];
  verdicts.push({
    meta: metaOf(ETCD_WRITE),
    verdict: options.write ? await writeVerdict(target, prefix, post) : { status: 'not-evaluated', reason: 'the write test was skipped (--no-etcd-write)' },
  });
  verdicts.push({ meta: metaOf(ETCD_PLAIN_HTTP), verdict: plainHttpVerdict(url, target, version, etcdVersion) });
  report.verdicts = verdicts;
  return report;
}

/** A 200 with a response header is etcd saying yes; its own refusals come as 4xx with an error; 404 is no gateway at all. */
function gatewayReading(ex: Exchange, describe: (json: JsonObject) => string): Reading {
  const bad = unreadable(ex);
  if (bad) return bad;
  const r = (ex.outcome as { response: Response }).response;
  const json = asObject(jsonOf(r));
  if (r.status === 404) {
    return { kind: 'unknown', why: `answered ${statusLabel(r)}: this etcd serves no v3 JSON gateway (tried ${GATEWAY_PREFIXES.join(', ')}; --enable-grpc-gateway=false?), the only protocol kubeward speaks to etcd` };
  }
  if (r.status >= 200 && r.status < 300) {
    if (!asObject(json?.header)) return { kind: 'unknown', why: `answered ${statusLabel(r)} without an etcd response header (${excerpt(r.body, 80)})` };
    return { kind: 'hit', detail: `${statusLabel(r)} without a client certificate: ${describe(json!)}` };
  }
  return { kind: 'clear' };
}

function readVerdict(target: string, etcdVersion: string, all: Exchange, secrets: Exchange): Verdict {
  const count = (json: JsonObject): number => Number(json.count ?? 0);
  const readings = [
    {
      exchange: all,
      reading: gatewayReading(all, (json) => {
        const keys = Array.isArray(json.kvs) ? json.kvs.map((kv) => excerpt(unb64(asObject(kv)?.key), 80)) : [];
        return `range over all keys (key names only) answered: ${count(json)} key${count(json) === 1 ? '' : 's'} in ${etcdVersion}${keys.length > 0 ? ` (first: ${keys.join(', ')})` : ''}`;
      }),
    },
    {
      exchange: secrets,
      reading: gatewayReading(secrets, (json) => `count of keys under ${SECRETS_PREFIX} answered: ${count(json)} Kubernetes Secret${count(json) === 1 ? '' : 's'} (values not read)`),
    },
  ];
  return judge(readings, () => `Anyone who can reach ${target} reads etcd without a client certificate: every Kubernetes object, Secrets included, bypassing the API server, RBAC and audit.`);
}

async function writeVerdict(target: string, prefix: string, post: (path: string, json: unknown) => Promise<Exchange>): Promise<Verdict> {
  const key = `${PROBE_KEY_PREFIX}${randomBytes(8).toString('hex')}`;
  // A lease first, so the key disappears on its own even if the delete below never arrives.
  const grant = await post(`${prefix}/lease/grant`, { TTL: LEASE_SECONDS });
  const leaseId = grant.outcome.ok && grant.outcome.response.status === 200 ? asObject(jsonOf(grant.outcome.response))?.ID : undefined;
  const lease = typeof leaseId === 'string' || typeof leaseId === 'number' ? String(leaseId) : undefined;

  const put = await post(`${prefix}/kv/put`, { key: b64(key), value: b64(PROBE_VALUE), ...(lease ? { lease } : {}) });
  const putReading = gatewayReading(put, () => `put of the throw-away key ${key}${lease ? ` (on a ${LEASE_SECONDS} s lease)` : ''} succeeded`);
  if (putReading.kind !== 'hit') return judge([{ exchange: put, reading: putReading }], () => '');

  const del = await post(`${prefix}/kv/deleterange`, { key: b64(key) });
  const deleted = del.outcome.ok && del.outcome.response.status === 200 && Number(asObject(jsonOf(del.outcome.response))?.deleted ?? 0) === 1;
  const cleanup = deleted
    ? `the probe deleted ${key} again`
    : `kubeward could NOT delete ${key} (${del.outcome.ok ? statusLabel(del.outcome.response) : del.outcome.failure.message}); ${lease ? `it expires with its lease within ${LEASE_SECONDS} s, or ` : ''}delete it with: etcdctl del ${key}`;
  const verdict = judge([{ exchange: put, reading: putReading }], () => `Anyone who can reach ${target} writes etcd without a client certificate, and with it any Kubernetes object (${cleanup}).`);
  if (verdict.status === 'fail') verdict.evidence.push(evidenceOf(del, deleted ? `deleted the throw-away key ${key} again` : `delete of the throw-away key ${key} failed`));
  return verdict;
}

function plainHttpVerdict(url: URL, target: string, version: Exchange, etcdVersion: string): Verdict {
  if (url.protocol !== 'http:') return { status: 'pass' };
  const r = (version.outcome as { response: Response }).response;
  return judge([{ exchange: version, reading: { kind: 'hit', detail: `${statusLabel(r)}: ${etcdVersion} answered over plain HTTP` } }], () => `etcd at ${target} serves clients over unencrypted HTTP.`);
}
