import picomatch from 'picomatch';
import type { Finding, SuppressedFinding } from './finding.js';
import type { InputError } from './coverage.js';
import type { ExpiredException } from './scan-result.js';

/** One entry of `.kubewardignore.yaml`. */
export interface ExceptionRule {
  checks: string[];
  kind?: string;
  namespace?: string;
  name?: string;
  /** Image vulnerabilities: advisory id or alias glob (`CVE-2019-5018`, `GHSA-*`). */
  advisory?: string;
  /** Image vulnerabilities: package name glob. */
  package?: string;
  reason: string;
  /** ISO date (YYYY-MM-DD); the rule stops suppressing after that day. */
  expires?: string;
  /** file:line of the entry, for reports. */
  source: string;
}

/** Annotations that suppress checks on the object that carries them. */
export const IGNORE_ANNOTATION = 'kubeward.io/ignore';
export const IGNORE_REASON_ANNOTATION = 'kubeward.io/ignore-reason';

export interface ExceptionOutcome {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  expired: ExpiredException[];
}

/** Looks up the annotations of the object a finding is about. */
export type AnnotationLookup = (finding: Finding) => Record<string, string>;

/**
 * Applies ignore-file rules and inline annotations. Expired rules stop suppressing and are reported.
 * Globs (`*`, `?`, `{a,b}`) work in check ids, kinds, namespaces and names.
 */
export function applyExceptions(findings: Finding[], rules: ExceptionRule[], annotationsOf: AnnotationLookup, today: Date = new Date()): ExceptionOutcome {
  const day = today.toISOString().slice(0, 10);
  const active = rules.filter((r) => !r.expires || r.expires >= day);
  const expired: ExpiredException[] = rules
    .filter((r) => r.expires && r.expires < day)
    .map((r) => ({ checkId: r.checks.join(','), match: describeMatch(r), reason: r.reason, expires: r.expires!, source: r.source }));
  const outcome: ExceptionOutcome = { findings: [], suppressed: [], expired };
  const compiled = active.map((rule) => ({ rule, matches: compileRule(rule) }));

  for (const finding of findings) {
    const byRule = compiled.find((c) => c.matches(finding));
    if (byRule) {
      const suppression: SuppressedFinding['suppression'] = { by: 'ignore-file', reason: byRule.rule.reason, source: byRule.rule.source };
      if (byRule.rule.expires) suppression.expires = byRule.rule.expires;
      outcome.suppressed.push({ ...finding, suppression });
      continue;
    }
    const annotations = annotationsOf(finding);
    const ignored = annotations[IGNORE_ANNOTATION];
    if (ignored && checkListMatches(ignored, finding.checkId)) {
      const reason = annotations[IGNORE_REASON_ANNOTATION] ?? '(no reason given)';
      outcome.suppressed.push({ ...finding, suppression: { by: 'annotation', reason, source: `${IGNORE_ANNOTATION} on ${finding.resource.kind} ${finding.resource.name}` } });
      continue;
    }
    outcome.findings.push(finding);
  }
  return outcome;
}

function compileRule(rule: ExceptionRule): (finding: Finding) => boolean {
  const glob = (pattern: string | undefined): ((value: string | undefined) => boolean) => {
    if (pattern === undefined) return () => true;
    const isMatch = picomatch(pattern, { nocase: false, dot: true });
    return (value) => value !== undefined && isMatch(value);
  };
  const checkMatchers = rule.checks.map((c) => picomatch(c.toUpperCase()));
  const kind = glob(rule.kind);
  const namespace = glob(rule.namespace);
  const name = glob(rule.name);
  const pkg = glob(rule.package);
  const advisory = rule.advisory === undefined ? () => true : advisoryMatcher(rule.advisory);
  return (f) =>
    checkMatchers.some((m) => m(f.checkId)) && kind(f.resource.kind) && namespace(f.resource.namespace) && name(f.resource.name) &&
    (rule.package === undefined || pkg(f.package?.name)) && advisory(f);
}

/** An advisory glob matches the advisory's id or any alias (CVE-2019-5018 also matches ALPINE-CVE-2019-5018's alias). */
function advisoryMatcher(pattern: string): (finding: Finding) => boolean {
  const isMatch = picomatch(pattern.toUpperCase());
  return (f) => f.advisory !== undefined && [f.advisory.id, ...f.advisory.aliases].some((id) => isMatch(id.toUpperCase()));
}

/** `KW-WL-001, KW-WL-0*` style lists from annotations. */
export function checkListMatches(list: string, checkId: string): boolean {
  return list.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean).some((pattern) => picomatch(pattern)(checkId));
}

function describeMatch(rule: ExceptionRule): string {
  return [rule.kind ?? '*', `${rule.namespace ?? '*'}/${rule.name ?? '*'}`, ...(rule.package ? [`package ${rule.package}`] : []), ...(rule.advisory ? [`advisory ${rule.advisory}`] : [])].join(' ');
}

/** Validates the parsed ignore file; errors name the file and entry position. */
export function parseExceptionRules(doc: unknown, file: string, lineOf: (index: number) => number | undefined): { rules: ExceptionRule[]; errors: InputError[] } {
  const rules: ExceptionRule[] = [];
  const errors: InputError[] = [];
  const list = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>).exceptions : undefined;
  if (doc === null || doc === undefined) return { rules, errors };
  if (!Array.isArray(list)) {
    errors.push({ file, line: 1, message: 'expected a top-level `exceptions:` list' });
    return { rules, errors };
  }
  list.forEach((entry, index) => {
    const line = lineOf(index);
    const fail = (message: string): void => void errors.push({ file, ...(line ? { line } : {}), message: `exception ${index + 1}: ${message}` });
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return fail('must be a mapping');
    const e = entry as Record<string, unknown>;
    const checks = typeof e.check === 'string' ? [e.check] : Array.isArray(e.checks) ? e.checks.map(String) : [];
    if (checks.length === 0) return fail('needs `check:` or `checks:` (check ids, globs allowed)');
    if (typeof e.reason !== 'string' || e.reason.trim() === '') return fail('needs a `reason:`');
    const expires = e.expires instanceof Date ? e.expires.toISOString().slice(0, 10) : e.expires === undefined ? undefined : String(e.expires);
    if (expires !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(expires)) return fail(`expires must be a date (YYYY-MM-DD), not ${JSON.stringify(e.expires)}`);
    const resource = (e.resource && typeof e.resource === 'object' ? e.resource : e) as Record<string, unknown>;
    const rule: ExceptionRule = { checks, reason: e.reason, source: `${file}${line ? `:${line}` : ''}` };
    for (const field of ['kind', 'namespace', 'name'] as const) if (typeof resource[field] === 'string') rule[field] = resource[field] as string;
    for (const field of ['advisory', 'package'] as const) if (typeof e[field] === 'string') rule[field] = e[field] as string;
    if (expires) rule.expires = expires;
    rules.push(rule);
  });
  return { rules, errors };
}
