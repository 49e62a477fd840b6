import type { CheckMeta } from '../core/catalog.js';
import type { Evidence, Finding, ResourceRef } from '../core/finding.js';
import type { NotEvaluated } from '../core/coverage.js';
import { send, type Failure, type Outcome, type Request, type Response, type SendOptions } from './http.js';

// What the target modules share: one request/answer pair as evidence, and the three ways a check ends.

/** A request the probe sent and what came back. */
export interface Exchange {
  request: Request;
  outcome: Outcome;
}

export type Verdict =
  | { status: 'fail'; message: string; evidence: Evidence[] }
  | { status: 'pass' }
  | { status: 'not-evaluated'; reason: string };

export interface CheckVerdict {
  meta: CheckMeta;
  verdict: Verdict;
}

/** Everything probing one target produced. */
export interface TargetReport {
  /** The target as reports name it (kind APIServer, Kubelet or Etcd; name = its URL). */
  resource: ResourceRef;
  /** URLs contacted, for the report's inputs. */
  inputs: string[];
  verdicts: CheckVerdict[];
}

export const PROBE_API_VERSION = 'kubeward.io/probe';

export function targetResource(kind: 'APIServer' | 'Kubelet' | 'Etcd', name: string): ResourceRef {
  return { apiVersion: PROBE_API_VERSION, kind, name };
}

export async function exchange(request: Request, options: SendOptions): Promise<Exchange> {
  return { request, outcome: await send(request, options) };
}

/** `GET https://10.0.0.1:6443/api/v1/secrets?limit=5` */
export function requestLabel(request: Request): string {
  return `${request.method} ${request.url.href}`;
}

/** How the answer travelled, said in every piece of evidence. */
export function transportNote(response: Response | undefined, url: URL): string {
  if (url.protocol === 'http:') return ' [plain HTTP, unencrypted]';
  if (response?.tls && !response.tls.verified) {
    return ` [TLS certificate NOT verified (--insecure)${response.tls.wouldFail ? `; verification would have failed: ${response.tls.wouldFail}` : ''}]`;
  }
  return '';
}

/** Evidence for one exchange: the request, the HTTP status, and a sentence on what came back. */
export function evidenceOf(ex: Exchange, detail: string): Evidence {
  const response = ex.outcome.ok ? ex.outcome.response : undefined;
  const evidence: Evidence = { path: requestLabel(ex.request), detail: `${detail}${transportNote(response, ex.request.url)}` };
  if (response) evidence.value = response.status;
  return evidence;
}

/** The reason every check of a target is not evaluated when the target gave no HTTP answer. */
export function failureReason(target: string, failure: Failure): string {
  switch (failure.kind) {
    case 'refused':
    case 'unreachable':
    case 'timeout':
      return `${target} could not be reached: ${failure.message}`;
    case 'tls-verify':
      return `${target}: ${failure.message}. Give the cluster's CA with --cacert FILE, or skip verification with --insecure`;
    case 'not-tls':
      return `${target}: ${failure.message}; if it really serves plain HTTP, probe it with an http:// URL`;
    case 'client-cert-required':
      return `${target}: ${failure.message}`;
    case 'tls-handshake':
      return `${target}: ${failure.message}`;
  }
}

/** Not evaluated, for each of `metas`, with the same reason. */
export function allNotEvaluated(metas: readonly CheckMeta[], reason: string): CheckVerdict[] {
  return metas.map((meta) => ({ meta, verdict: { status: 'not-evaluated', reason } }));
}

export function allPass(metas: readonly CheckMeta[]): CheckVerdict[] {
  return metas.map((meta) => ({ meta, verdict: { status: 'pass' } }));
}

/** What one exchange says about one check. */
export type Reading = { kind: 'hit'; detail: string } | { kind: 'clear' } | { kind: 'unknown'; why: string };

/**
 * The usual rule: any hit fails the check (with every hit as evidence); otherwise any unknown leaves it
 * not evaluated (a check is never passed on an answer kubeward could not read); otherwise it passes.
 * The message is `lead`, then what the first hit saw (the table shows only the message).
 */
export function judge(readings: { exchange: Exchange; reading: Reading }[], lead: (hits: number) => string): Verdict {
  const hits = readings.filter((r) => r.reading.kind === 'hit');
  if (hits.length > 0) {
    const first = hits[0]!;
    const response = first.exchange.outcome.ok ? first.exchange.outcome.response : undefined;
    const url = first.exchange.request.url;
    const more = hits.length > 1 ? ` (and ${hits.length - 1} more, see the evidence)` : '';
    const seen = `${first.exchange.request.method} ${url.pathname}${url.search}: ${(first.reading as { detail: string }).detail}${more}`;
    return {
      status: 'fail',
      message: `${lead(hits.length)} Seen: ${seen}${transportNote(response, url)}`,
      evidence: hits.map((h) => evidenceOf(h.exchange, (h.reading as { detail: string }).detail)),
    };
  }
  const unknown = readings.filter((r) => r.reading.kind === 'unknown');
  if (unknown.length > 0) {
    return { status: 'not-evaluated', reason: unknown.map((u) => `${requestLabel(u.exchange.request)}: ${(u.reading as { why: string }).why}`).join('; ') };
  }
  return { status: 'pass' };
}

/** Reading for answers that say nothing about the check: redirects, server errors, rate limits, broken connections. */
export function unreadable(ex: Exchange): Reading | undefined {
  if (!ex.outcome.ok) return { kind: 'unknown', why: ex.outcome.failure.message };
  const r = ex.outcome.response;
  if (r.status >= 300 && r.status < 400) {
    return { kind: 'unknown', why: `redirected (HTTP ${r.status}${r.location ? ` to ${r.location}` : ''}); kubeward follows no redirects, it only talks to the targets you name` };
  }
  if (r.status === 408 || r.status === 429 || r.status >= 500 || r.status < 200) return { kind: 'unknown', why: `answered HTTP ${r.status}, which says nothing about access` };
  return undefined;
}

export function toFindings(report: TargetReport): { findings: Finding[]; notEvaluated: NotEvaluated[] } {
  const findings: Finding[] = [];
  const notEvaluated: NotEvaluated[] = [];
  for (const { meta, verdict } of report.verdicts) {
    if (verdict.status === 'fail') {
      findings.push({
        checkId: meta.id,
        severity: meta.severity,
        category: meta.category,
        title: meta.title,
        resource: report.resource,
        message: verdict.message,
        evidence: verdict.evidence,
        remediation: meta.remediation,
        references: meta.references,
      });
    } else if (verdict.status === 'not-evaluated') {
      notEvaluated.push({ target: meta.id, reason: `not evaluated for ${report.resource.kind} ${report.resource.name}, because ${verdict.reason}` });
    }
  }
  return { findings, notEvaluated };
}
