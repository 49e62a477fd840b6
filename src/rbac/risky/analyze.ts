/**
 * The risky-grant analyzer: every check of risky-grants.json over the evaluator, one finding per
 * (check, subject), and a copy on every workload that runs as that subject.
 */
import type { NotEvaluated } from '../../core/coverage.js';
import type { Evidence, Finding, ResourceRef } from '../../core/finding.js';
import { formatPath, resourceRef, type Inventory } from '../../inventory/index.js';
import type { Grant, RbacIndex, RuleInfo, Subject } from '../index.js';
import { RISKY_CHECKS, type RiskyCheck } from './catalog.js';
import {
  analysisContext, bindingRef, subjectKey, subjectOfUser, subjectText,
  type BindingRecord, type RbacAnalysisContext, type RbacAnalysisOptions, type WorkloadRecord,
} from './context.js';
import { bindingText, bindingWhere, flat, grantChainShort, grantEvidence, roleText, whereText } from './evidence.js';
import { evaluatePattern, mergeHoldings, whereOf, type Holding } from './patterns.js';

/** Grants shown as evidence per finding (each is two pieces: binding subject, role rule); the message counts the rest. */
export const MAX_EVIDENCE_GRANTS = 5;

export interface RiskyGrantsResult {
  findings: Finding[];
  notEvaluated: NotEvaluated[];
}

/**
 * Holdings of every check, per subject key. A grant is left out where a check of `supersededBy`
 * holds for the same subject in the same place (cluster-wide covers everything): full admin says it all.
 */
export function riskyHoldings(ctx: RbacAnalysisContext, checks: readonly RiskyCheck[] = RISKY_CHECKS): Map<string, Map<string, Holding>> {
  const raw = new Map<string, Map<string, Holding>>();
  for (const check of checks) raw.set(check.meta.id, holdingsOf(ctx, check));
  const out = new Map<string, Map<string, Holding>>();
  for (const check of checks) {
    const own = new Map<string, Holding>();
    for (const [key, holding] of raw.get(check.meta.id)!) {
      // grants in places where a stronger check holds for the same subject are said by that check
      const covering = check.supersededBy.map((id) => raw.get(id)?.get(key)?.where).filter((w): w is string[] => w !== undefined);
      const grants = holding.grants.filter((g) => !covering.some((where) => where.includes('*') || where.includes(g.scope)));
      if (grants.length === holding.grants.length) own.set(key, holding);
      else if (grants.length) own.set(key, { subject: holding.subject, where: whereOf(grants), grants });
    }
    out.set(check.meta.id, own);
  }
  return out;
}

function holdingsOf(ctx: RbacAnalysisContext, check: RiskyCheck): Map<string, Holding> {
  const match = check.match;
  const out = new Map<string, Holding>();
  switch (match.type) {
    case 'permission':
      for (const pattern of match.patterns) mergeHoldings(out, evaluatePattern(ctx, pattern));
      return out;
    case 'subjects':
      return bindingHoldings(ctx, (s) => match.subjects.some((m) => m.kind === s.kind && m.name === s.name), (rules) => rules.slice(0, 1));
    case 'default-service-account':
      return bindingHoldings(ctx, (s) => s.kind === 'ServiceAccount' && s.name === 'default', (rules) => rules.slice(0, 1));
    case 'wildcard-rule':
      return bindingHoldings(ctx, () => true, (rules) => rules.filter((r) => hasWildcard(r)), (b) => ctx.mayMention(b, '*', '*'));
  }
}

/** A rule with `*` among its verbs, API groups or non-resource URLs, or in a resource (`*`, or `*` + `/scale`). */
export function hasWildcard(rule: RuleInfo): boolean {
  const r = rule.rule;
  return r.verbs.includes('*') || r.apiGroups.includes('*') || r.resources.some((x) => x.includes('*')) || r.nonResourceURLs.includes('*');
}

/**
 * Holdings read binding by binding: the subjects `wanted` accepts, with the rules `pick` selects
 * from what the binding's role grants (as the evaluator resolved it). Bootstrap grants are set aside.
 */
function bindingHoldings(ctx: RbacAnalysisContext, wanted: (s: Subject) => boolean, pick: (rules: RuleInfo[]) => RuleInfo[], worthIt: (b: BindingRecord) => boolean = () => true): Map<string, Holding> {
  const out = new Map<string, Holding>();
  for (const binding of ctx.bindings) {
    const subjects = binding.subjects.filter((s) => wanted(s.subject));
    if (!subjects.length || !worthIt(binding)) continue;
    const rules = ctx.bindingRules(binding);
    if (!rules) continue;
    const picked = pick(rules.rules);
    for (const { subject } of subjects) {
      const grants = picked.map((rule) => grantOf(binding, subject, rules.role, rule)).filter((g) => !ctx.isExpected(g));
      if (!grants.length) continue;
      const key = subjectKey(subject);
      const known = out.get(key);
      if (known) {
        known.grants.push(...grants);
        known.where = whereOf(known.grants);
      } else out.set(key, { subject, where: whereOf(grants), grants });
    }
  }
  return out;
}

function grantOf(binding: BindingRecord, subject: Subject, role: Grant['role'], rule: RuleInfo): Grant {
  return { binding: bindingRef(binding), subject, role, rule, scope: binding.kind === 'ClusterRoleBinding' ? '*' : binding.namespace };
}

const SUBJECT_ORDER: Record<string, number> = { User: 0, Group: 1, ServiceAccount: 2 };
function compareHoldings(a: Holding, b: Holding): number {
  return (SUBJECT_ORDER[a.subject.kind] ?? 3) - (SUBJECT_ORDER[b.subject.kind] ?? 3)
    || (a.subject.namespace ?? '').localeCompare(b.subject.namespace ?? '') || a.subject.name.localeCompare(b.subject.name);
}

/** What the holding says, after the subject: `can read Secrets cluster-wide: ClusterRoleBinding … → …`. */
function statement(check: RiskyCheck, holding: Holding): string {
  const first = holding.grants[0]!;
  const more = holding.grants.length > 1 ? ` (and ${holding.grants.length - 1} more grant${holding.grants.length > 2 ? 's' : ''})` : '';
  if (check.match.type === 'subjects' || check.match.type === 'default-service-account') {
    const bindings = [...new Map(holding.grants.map((g) => [`${bindingText(g.binding)}`, g])).values()];
    const list = bindings.slice(0, 3).map((g) => `${roleText(g.role)} by ${bindingText(g.binding)} (${bindingWhere(g.binding)})`).join('; ');
    const rest = bindings.length > 3 ? ` and ${bindings.length - 3} more` : '';
    return `is bound to ${list}${rest}: what it grants can ${check.can}`;
  }
  return `can ${check.can} ${whereText(holding.where)}: ${grantChainShort(first)}${more}`;
}

function subjectResource(ctx: RbacAnalysisContext, holding: Holding): ResourceRef {
  const s = holding.subject;
  const source = { ...holding.grants[0]!.binding.source };
  if (s.kind === 'ServiceAccount') {
    const obj = ctx.inventory.find('ServiceAccount', s.namespace, s.name);
    if (obj) return resourceRef(obj);
    return { apiVersion: 'v1', kind: 'ServiceAccount', name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}), source };
  }
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: s.kind, name: s.name, source };
}

/** The workloads that run as the subject with an API token: its own pods for a ServiceAccount, every pod of the namespace for `system:serviceaccounts:NS`… */
export function workloadsOf(ctx: RbacAnalysisContext, subject: Subject): { workload: WorkloadRecord; via?: string }[] {
  const index = workloadIndex(ctx);
  const account = subject.kind === 'User' ? subjectOfUser(subject.name) : subject;
  if (account.kind === 'ServiceAccount') return (index.byAccount.get(`${account.namespace ?? ''}/${account.name}`) ?? []).map((workload) => ({ workload }));
  if (subject.kind !== 'Group') return [];
  const via = `Group ${subject.name}`;
  if (subject.name === 'system:serviceaccounts' || subject.name === 'system:authenticated') return index.all.map((workload) => ({ workload, via }));
  if (subject.name.startsWith('system:serviceaccounts:')) {
    return (index.byNamespace.get(subject.name.slice('system:serviceaccounts:'.length)) ?? []).map((workload) => ({ workload, via }));
  }
  return [];
}

interface WorkloadIndex {
  all: WorkloadRecord[];
  byAccount: Map<string, WorkloadRecord[]>;
  byNamespace: Map<string, WorkloadRecord[]>;
}
const workloadIndexes = new WeakMap<RbacAnalysisContext, WorkloadIndex>();

/** Token-mounted workloads by `NS/ServiceAccount` and by namespace. */
function workloadIndex(ctx: RbacAnalysisContext): WorkloadIndex {
  let index = workloadIndexes.get(ctx);
  if (index) return index;
  index = { all: ctx.workloads.filter((w) => w.tokenMounted), byAccount: new Map(), byNamespace: new Map() };
  for (const w of index.all) {
    const a = `${w.namespace}/${w.serviceAccount}`;
    index.byAccount.set(a, [...(index.byAccount.get(a) ?? []), w]);
    index.byNamespace.set(w.namespace, [...(index.byNamespace.get(w.namespace) ?? []), w]);
  }
  workloadIndexes.set(ctx, index);
  return index;
}

function workloadLabel(w: WorkloadRecord): string {
  return `${w.object.kind} ${w.namespace}/${w.object.name}`;
}

/** Runs every KW-RBAC check. `index` is reused when it was built from this inventory (and no built-in role had to be added). */
export function analyzeRiskyGrants(inventory: Inventory, index?: RbacIndex, options: RbacAnalysisOptions = {}): RiskyGrantsResult {
  const ctx = analysisContext(inventory, index, options);
  const notEvaluated: NotEvaluated[] = [];
  if (ctx.bindings.length === 0) {
    for (const check of RISKY_CHECKS) notEvaluated.push({ target: check.meta.id, reason: 'the input has no RoleBinding or ClusterRoleBinding: there are no grants to evaluate' });
    return { findings: [], notEvaluated };
  }
  for (const d of ctx.index.diagnostics) {
    if (d.code !== 'missing-role') continue; // a role the input lacks may exist in the cluster
    const target = `${d.object.kind} ${d.object.namespace !== undefined ? `${d.object.namespace}/` : ''}${d.object.name}`;
    notEvaluated.push({ target, reason: `${d.message} (${d.position.file}:${d.position.line}); what it grants in the cluster was not evaluated by the KW-RBAC checks` });
  }

  const findings: Finding[] = [];
  const attributed = new Map<string, Finding>();
  const holdings = riskyHoldings(ctx);
  for (const check of RISKY_CHECKS) {
    const meta = check.meta;
    for (const holding of [...holdings.get(meta.id)!.values()].sort(compareHoldings)) {
      const evidence = holding.grants.slice(0, MAX_EVIDENCE_GRANTS).flatMap((g) => grantEvidence(ctx, g));
      const said = statement(check, holding);
      findings.push({
        checkId: meta.id, severity: meta.severity, category: meta.category, title: meta.title,
        resource: subjectResource(ctx, holding),
        message: flat(`${subjectText(holding.subject)} ${said}`),
        evidence, remediation: meta.remediation, references: meta.references,
      });
      if (!check.attribute) continue;
      for (const { workload, via } of workloadsOf(ctx, holding.subject)) {
        const key = `${meta.id}\u0000${workload.object.key}`;
        const account = `ServiceAccount ${workload.namespace}/${workload.serviceAccount}`;
        const runsAs: Evidence = {
          path: formatPath(workload.serviceAccountPath),
          value: workload.serviceAccount,
          position: workload.object.source.locate(workload.serviceAccountPath),
          detail: flat(`${workloadLabel(workload)} runs as ${account}${via ? `, a member of ${via}` : ''}`),
        };
        const known = attributed.get(key);
        if (known) {
          for (const e of evidence) if (!known.evidence.some((k) => k.path === e.path && k.detail === e.detail)) known.evidence.push(e);
          continue;
        }
        const who = via ? `${account}, a member of ${via}, which ${said}` : `${account}, which ${said}`;
        attributed.set(key, {
          checkId: meta.id, severity: meta.severity, category: meta.category, title: meta.title,
          resource: resourceRef(workload.object),
          message: flat(`${workloadLabel(workload)} runs as ${who}`),
          evidence: [runsAs, ...evidence], remediation: meta.remediation, references: meta.references,
        });
      }
    }
  }
  findings.push(...attributed.values());
  return { findings, notEvaluated };
}
