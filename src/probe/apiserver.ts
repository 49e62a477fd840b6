import { API_CHECKS, API_ANONYMOUS, API_DISCOVERY, API_HEALTH, API_PLAIN_HTTP, API_PODS, API_SECRETS, API_VERSION } from './checks.js';
import { excerpt, jsonOf, statusLabel, type Response, type SendOptions } from './http.js';
import { targetLabel } from './targets.js';
import {
  allNotEvaluated, allPass, exchange, failureReason, judge, targetResource, unreadable,
  type CheckVerdict, type Exchange, type Reading, type TargetReport, type Verdict,
} from './verdict.js';

// The API server, asked the questions an attacker asks first, without credentials.

type JsonObject = Record<string, unknown>;

const PATHS = {
  version: '/version',
  api: '/api',
  apis: '/apis',
  pods: '/api/v1/namespaces/default/pods?limit=5',
  secrets: '/api/v1/secrets?limit=5',
  kubeSystemSecrets: '/api/v1/namespaces/kube-system/secrets?limit=5',
  healthz: '/healthz',
  livez: '/livez',
  readyz: '/readyz',
} as const;
type Probe = keyof typeof PATHS;
const HEALTH: Probe[] = ['healthz', 'livez', 'readyz'];

const metaOf = (id: string) => API_CHECKS.find((c) => c.id === id)!;

const asObject = (value: unknown): JsonObject | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined);

/** What a 200 looked like, for evidence; undefined when the body is not the expected Kubernetes kind. */
type Describe = (json: JsonObject | undefined, response: Response) => string | undefined;

function itemNames(json: JsonObject, withNamespace: boolean): { count: string; names: string[] } {
  const items = Array.isArray(json.items) ? json.items : [];
  const remaining = Number(asObject(json.metadata)?.remainingItemCount ?? 0);
  const more = asObject(json.metadata)?.continue ? (Number.isFinite(remaining) && remaining > 0 ? `${items.length + remaining}` : `${items.length}+`) : `${items.length}`;
  const names = items.slice(0, 3).map((item) => {
    const meta = asObject(asObject(item)?.metadata);
    const name = typeof meta?.name === 'string' ? meta.name : '?';
    return withNamespace && typeof meta?.namespace === 'string' ? `${meta.namespace}/${name}` : name;
  });
  return { count: more, names };
}

const describeList = (kind: string, noun: string, withNamespace: boolean, note = ''): Describe => (json) => {
  if (json?.kind !== kind) return undefined;
  const { count, names } = itemNames(json, withNamespace);
  return `${kind} with ${count} ${noun}${count === '1' ? '' : 's'}${names.length > 0 ? ` (first: ${names.join(', ')})` : ''}${note}`;
};

const DESCRIBE: Record<Probe, Describe> = {
  version: (json) => (typeof json?.gitVersion === 'string' ? `version ${json.gitVersion}${typeof json.platform === 'string' ? ` (${json.platform})` : ''}` : undefined),
  api: (json) => (json?.kind === 'APIVersions' ? `APIVersions ${Array.isArray(json.versions) ? json.versions.join(', ') : ''}`.trim() : undefined),
  apis: (json) => {
    if (json?.kind !== 'APIGroupList') return undefined;
    const groups = Array.isArray(json.groups) ? json.groups.map((g) => String(asObject(g)?.name ?? '?')) : [];
    return `APIGroupList with ${groups.length} groups${groups.length > 0 ? ` (${groups.slice(0, 6).join(', ')}${groups.length > 6 ? ', …' : ''})` : ''}`;
  },
  pods: describeList('PodList', 'pod', false),
  secrets: describeList('SecretList', 'secret', true, '; secret values are not shown in this report'),
  kubeSystemSecrets: describeList('SecretList', 'secret', true, '; secret values are not shown in this report'),
  healthz: (_json, r) => `"${excerpt(r.body, 40)}"`,
  livez: (_json, r) => `"${excerpt(r.body, 40)}"`,
  readyz: (_json, r) => `"${excerpt(r.body, 40)}"`,
};

const EXPECTED: Record<Probe, string> = {
  version: 'a Kubernetes version object',
  api: 'APIVersions',
  apis: 'an APIGroupList',
  pods: 'a PodList',
  secrets: 'a SecretList',
  kubeSystemSecrets: 'a SecretList',
  healthz: 'a health status',
  livez: 'a health status',
  readyz: 'a health status',
};

/** A 403 that names the anonymous user, or is a Kubernetes Status: the request was authenticated as anonymous. */
function anonymousForbidden(response: Response): string | undefined {
  if (response.status !== 403) return undefined;
  const status = asObject(jsonOf(response));
  const message = typeof status?.message === 'string' ? status.message : undefined;
  if (status?.kind === 'Status' || /system:(anonymous|unauthenticated)/.test(response.body)) return excerpt(message ?? response.body, 200);
  return undefined;
}

/** How one answer reads for the "is this endpoint open to anonymous users" checks. */
function openReading(probe: Probe, ex: Exchange): Reading {
  const bad = unreadable(ex);
  if (bad) return bad;
  const r = (ex.outcome as { response: Response }).response;
  if (r.status >= 200 && r.status < 300) {
    const described = DESCRIBE[probe](asObject(jsonOf(r)), r);
    if (described === undefined) {
      return { kind: 'unknown', why: `answered ${statusLabel(r)}, but not with ${EXPECTED[probe]} (${r.contentType || 'no content type'}: ${excerpt(r.body, 80)}); is this a Kubernetes API server?` };
    }
    return { kind: 'hit', detail: `${statusLabel(r)} without credentials: ${described}` };
  }
  return { kind: 'clear' };
}

/** Go's answer when plain HTTP reaches a TLS port. */
const HTTP_TO_HTTPS = /client sent an http request to an https server/i;

export async function probeApiServer(url: URL, options: SendOptions): Promise<TargetReport> {
  const target = targetLabel(url);
  const report: TargetReport = { resource: targetResource('APIServer', target), inputs: [target], verdicts: [] };
  const request = (probe: Probe) => ({ method: 'GET' as const, url: new URL(PATHS[probe], url) });

  const first = await exchange(request('version'), options);
  if (!first.outcome.ok) {
    const failure = first.outcome.failure;
    // A server that insists on a client certificate during the handshake lets no anonymous request in.
    report.verdicts = failure.kind === 'client-cert-required' ? allPass(API_CHECKS) : allNotEvaluated(API_CHECKS, failureReason(target, failure));
    return report;
  }
  if (first.outcome.response.status === 400 && HTTP_TO_HTTPS.test(first.outcome.response.body)) {
    report.verdicts = allNotEvaluated(API_CHECKS, `${target} speaks TLS; probe it with an https:// URL`);
    return report;
  }

  const rest = (Object.keys(PATHS) as Probe[]).filter((p) => p !== 'version');
  const exchanges = new Map<Probe, Exchange>([['version', first]]);
  const answers = await Promise.all(rest.map((p) => exchange(request(p), options)));
  rest.forEach((p, i) => exchanges.set(p, answers[i]!));
  const ex = (p: Probe): Exchange => exchanges.get(p)!;
  const readings = (probes: Probe[]) => probes.map((p) => ({ exchange: ex(p), reading: openReading(p, ex(p)) }));

  const version = DESCRIBE.version(asObject(jsonOf(first.outcome.response)), first.outcome.response);
  const verdicts: [string, Verdict][] = [
    [API_ANONYMOUS, anonymousVerdict(exchanges)],
    [API_VERSION, judge(readings(['version']), () => `Anyone who can reach ${target} reads the exact Kubernetes ${version ?? 'version'} without credentials.`)],
    [API_DISCOVERY, judge(readings(['api', 'apis']), () => `Anyone who can reach ${target} lists the cluster's API groups and versions without credentials.`)],
    [API_PODS, judge(readings(['pods']), () => `Anyone who can reach ${target} lists the pods of namespace default without credentials; authorization lets anonymous users read workloads.`)],
    [API_SECRETS, judge(readings(['secrets', 'kubeSystemSecrets']), () => `Anyone who can reach ${target} reads Kubernetes Secrets without credentials: full cluster compromise from the network.`)],
    [API_HEALTH, judge(readings(HEALTH), (n) => `${n} health endpoint${n === 1 ? '' : 's'} of ${target} answer${n === 1 ? 's' : ''} without credentials.`)],
    [API_PLAIN_HTTP, plainHttpVerdict(url, target, [...exchanges.values()])],
  ];
  report.verdicts = verdicts.map(([id, verdict]): CheckVerdict => ({ meta: metaOf(id), verdict }));
  return report;
}

/**
 * Anonymous authentication is on when a non-health request is answered 200 (with the expected body) or
 * 403 naming the anonymous user; it is off when one is answered 401 (authentication is the same for every
 * path). Health endpoints are left out: Kubernetes 1.32+ can allow anonymous requests to them alone.
 */
function anonymousVerdict(exchanges: Map<Probe, Exchange>): Verdict {
  const hits: { exchange: Exchange; reading: Reading }[] = [];
  let rejected = false;
  for (const [probe, ex] of exchanges) {
    if (HEALTH.includes(probe) || !ex.outcome.ok) continue;
    const r = ex.outcome.response;
    if (r.status === 401) rejected = true;
    const forbidden = anonymousForbidden(r);
    if (forbidden !== undefined) hits.push({ exchange: ex, reading: { kind: 'hit', detail: `${statusLabel(r)}: "${forbidden}" — authenticated as anonymous, then refused by authorization` } });
    const open = openReading(probe, ex);
    if (open.kind === 'hit') hits.push({ exchange: ex, reading: open });
  }
  if (hits.length > 0) {
    return judge(hits, (n) => `${n} request${n === 1 ? '' : 's'} without credentials ${n === 1 ? 'was' : 'were'} authenticated as system:anonymous rather than rejected with 401: anonymous authentication is enabled.`);
  }
  if (rejected) return { status: 'pass' };
  return { status: 'not-evaluated', reason: 'no request was answered 401, 403 or 200 in a way kubeward could read' };
}

/** A plain-HTTP URL that answers like Kubernetes: any readable Kubernetes answer is the evidence. */
function plainHttpVerdict(url: URL, target: string, exchanges: Exchange[]): Verdict {
  if (url.protocol !== 'http:') return { status: 'pass' };
  for (const ex of exchanges) {
    if (!ex.outcome.ok) continue;
    const r = ex.outcome.response;
    const json = asObject(jsonOf(r));
    const kubernetesLike = typeof json?.gitVersion === 'string' || json?.kind === 'Status' || json?.kind === 'APIVersions' || json?.kind === 'APIGroupList' || /List$/.test(String(json?.kind ?? ''));
    if (kubernetesLike) {
      // Name what came back, never quote it: it may be a SecretList.
      const what = typeof json?.gitVersion === 'string' ? `version ${json.gitVersion}` : `a Kubernetes ${String(json?.kind)}`;
      return judge([{ exchange: ex, reading: { kind: 'hit', detail: `${statusLabel(r)} over plain HTTP with ${what}` } }], () => `${target} answers Kubernetes API requests over unencrypted HTTP.`);
    }
  }
  return { status: 'not-evaluated', reason: `nothing at ${target} answered like a Kubernetes API server` };
}
