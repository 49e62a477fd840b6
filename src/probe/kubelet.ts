import { KUBELET_ANONYMOUS, KUBELET_CHECKS, KUBELET_CONFIGZ, KUBELET_PODS, KUBELET_READ_ONLY, KUBELET_RUNNING_PODS } from './checks.js';
import { excerpt, jsonOf, statusLabel, type Response, type SendOptions } from './http.js';
import { readOnlyTarget, targetLabel } from './targets.js';
import {
  allNotEvaluated, allPass, exchange, failureReason, judge, targetResource, unreadable,
  type CheckVerdict, type Exchange, type Reading, type TargetReport, type Verdict,
} from './verdict.js';

// A kubelet: its HTTPS API (10250) without credentials, and its read-only HTTP port (10255).

type JsonObject = Record<string, unknown>;
const asObject = (value: unknown): JsonObject | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined);
const metaOf = (id: string) => KUBELET_CHECKS.find((c) => c.id === id)!;
const HTTPS_CHECKS = KUBELET_CHECKS.filter((c) => c.id !== KUBELET_READ_ONLY);

/** `PodList with 12 pods (first: kube-system/kube-proxy-x, …)`, or undefined when the body is no PodList. */
export function describePodList(response: Response): string | undefined {
  const json = asObject(jsonOf(response));
  if (!json || (json.kind !== 'PodList' && !Array.isArray(json.items))) return undefined;
  const items = Array.isArray(json.items) ? json.items : [];
  const names = items.slice(0, 3).map((item) => {
    const meta = asObject(asObject(item)?.metadata);
    const name = typeof meta?.name === 'string' ? meta.name : '?';
    return typeof meta?.namespace === 'string' ? `${meta.namespace}/${name}` : name;
  });
  return `PodList with ${items.length} pod${items.length === 1 ? '' : 's'}${names.length > 0 ? ` (first: ${names.join(', ')}${items.length > 3 ? ', …' : ''})` : ''}`;
}

/** The settings of /configz that matter to an attacker. */
function describeConfigz(response: Response): string | undefined {
  const config = asObject(asObject(jsonOf(response))?.kubeletconfig);
  if (!config) return undefined;
  const authn = asObject(config.authentication);
  const settings = [
    ['authentication.anonymous.enabled', asObject(authn?.anonymous)?.enabled],
    ['authentication.webhook.enabled', asObject(authn?.webhook)?.enabled],
    ['authorization.mode', asObject(config.authorization)?.mode],
    ['readOnlyPort', config.readOnlyPort],
  ].filter(([, v]) => v !== undefined).map(([k, v]) => `${String(k)}=${String(v)}`);
  return `kubelet configuration${settings.length > 0 ? ` (${settings.join(', ')})` : ''}`;
}

function openReading(ex: Exchange, describe: (r: Response) => string | undefined, expected: string): Reading {
  const bad = unreadable(ex);
  if (bad) return bad;
  const r = (ex.outcome as { response: Response }).response;
  if (r.status >= 200 && r.status < 300) {
    const described = describe(r);
    if (described === undefined) return { kind: 'unknown', why: `answered ${statusLabel(r)}, but not with ${expected} (${excerpt(r.body, 80)}); is this a kubelet?` };
    return { kind: 'hit', detail: `${statusLabel(r)} without credentials: ${described}` };
  }
  return { kind: 'clear' };
}

export interface KubeletProbeOptions extends SendOptions {
  /** The read-only port to try on the same host; 0 skips it. */
  readOnlyPort: number;
}

export async function probeKubelet(url: URL, options: KubeletProbeOptions): Promise<TargetReport> {
  const target = targetLabel(url);
  const readOnlyUrl = options.readOnlyPort > 0 ? readOnlyTarget(url, options.readOnlyPort) : undefined;
  const report: TargetReport = { resource: targetResource('Kubelet', target), inputs: [target, ...(readOnlyUrl ? [targetLabel(readOnlyUrl)] : [])], verdicts: [] };
  const get = (base: URL, path: string) => ({ method: 'GET' as const, url: new URL(path, base) });

  const readOnly = readOnlyUrl ? exchange(get(readOnlyUrl, '/pods'), options).then((ex) => readOnlyVerdict(ex, targetLabel(readOnlyUrl))) : undefined;
  const https = probeHttps(url, target, options, get);
  const [httpsVerdicts, readOnlyResult] = await Promise.all([https, readOnly]);
  report.verdicts = [...httpsVerdicts, ...(readOnlyResult ? [{ meta: metaOf(KUBELET_READ_ONLY), verdict: readOnlyResult }] : [])];
  return report;
}

async function probeHttps(url: URL, target: string, options: SendOptions, get: (base: URL, path: string) => { method: 'GET'; url: URL }): Promise<CheckVerdict[]> {
  const pods = await exchange(get(url, '/pods'), options);
  if (!pods.outcome.ok) {
    const failure = pods.outcome.failure;
    return failure.kind === 'client-cert-required' ? allPass(HTTPS_CHECKS) : allNotEvaluated(HTTPS_CHECKS, failureReason(target, failure));
  }
  const [running, configz] = await Promise.all([exchange(get(url, '/runningpods/'), options), exchange(get(url, '/configz'), options)]);
  const podsReading = openReading(pods, describePodList, 'a PodList');
  const runningReading = openReading(running, describePodList, 'a PodList');
  const configReading = openReading(configz, describeConfigz, 'a kubelet configuration');

  const verdicts: [string, Verdict][] = [
    [KUBELET_PODS, judge([{ exchange: pods, reading: podsReading }], () => `The kubelet at ${target} lists its pods to anyone without credentials; the same authorization allows /run and /exec, i.e. running commands in every container on the node.`)],
    [KUBELET_RUNNING_PODS, judge([{ exchange: running, reading: runningReading }], () => `The kubelet at ${target} lists the containers its runtime runs to anyone without credentials.`)],
    [KUBELET_CONFIGZ, judge([{ exchange: configz, reading: configReading }], () => `The kubelet at ${target} shows its running configuration to anyone without credentials.`)],
    [KUBELET_ANONYMOUS, anonymousVerdict(target, [
      { exchange: pods, reading: podsReading },
      { exchange: running, reading: runningReading },
      { exchange: configz, reading: configReading },
    ])],
  ];
  return verdicts.map(([id, verdict]) => ({ meta: metaOf(id), verdict }));
}

/** On when any request was answered 200, or 403 naming system:anonymous; off when one was answered 401. */
function anonymousVerdict(target: string, readings: { exchange: Exchange; reading: Reading }[]): Verdict {
  const hits: { exchange: Exchange; reading: Reading }[] = [];
  let rejected = false;
  for (const { exchange: ex, reading } of readings) {
    if (!ex.outcome.ok) continue;
    const r = ex.outcome.response;
    if (r.status === 401) rejected = true;
    if (r.status === 403 && /system:(anonymous|unauthenticated)/.test(r.body)) {
      hits.push({ exchange: ex, reading: { kind: 'hit', detail: `${statusLabel(r)}: "${excerpt(r.body, 160)}" — authenticated as anonymous, then refused by authorization` } });
    } else if (reading.kind === 'hit') {
      hits.push({ exchange: ex, reading });
    }
  }
  if (hits.length > 0) return judge(hits, () => `The kubelet at ${target} authenticates requests without credentials as system:anonymous instead of rejecting them with 401: anonymous authentication is enabled.`);
  if (rejected) return { status: 'pass' };
  return { status: 'not-evaluated', reason: 'no request was answered 401, 403 or 200 in a way kubeward could read' };
}

/** Refused means closed (passed); any 2xx means open; anything else is reported, not guessed. */
function readOnlyVerdict(ex: Exchange, target: string): Verdict {
  if (!ex.outcome.ok) {
    const failure = ex.outcome.failure;
    if (failure.kind === 'refused') return { status: 'pass' };
    return { status: 'not-evaluated', reason: failureReason(target, failure) };
  }
  const r = ex.outcome.response;
  if (r.status >= 200 && r.status < 300) {
    const pods = describePodList(r);
    const detail = `${statusLabel(r)} without credentials or TLS: ${pods ?? excerpt(r.body, 80)}`;
    return judge([{ exchange: ex, reading: { kind: 'hit', detail } }], () => `The kubelet read-only port ${target} answers without authentication or TLS${pods ? ', serving the pod specs of the node' : ''}.`);
  }
  return { status: 'not-evaluated', reason: `${target} answered ${statusLabel(r)} to GET /pods, which is not what a kubelet read-only port answers; check what listens there` };
}
