/**
 * Granted but never used: the subject's effective rules (the evaluator's `permissions`), split into
 * (verb, apiGroup, resource) or (verb, URL) pieces per binding scope, minus the pieces some allowed
 * request of the log exercised. Ranked by risk, worst first.
 *
 * A piece limited to resourceNames counts as used when a request named one of them (the collector
 * remembers every requested name that the RBAC lists; without that list, when more names were
 * requested than it remembers, the piece counts as used: never "unused" without proof).
 */
import {
  apiGroupMatches, resourceMatches, resourceNameMatches, ruleAllows, subjectLabel, verbMatches,
  type BindingRef, type EffectiveRule, type PermissionsResult, type PolicyRule, type ResourceTable, type RoleRefInfo, type Subject,
} from '../index.js';
import { compare } from './generate.js';
import type { SubjectUsage } from './usage.js';

export type Risk = 'critical' | 'high' | 'medium' | 'low';
export const RISK_ORDER: readonly Risk[] = ['critical', 'high', 'medium', 'low'];

export interface UnusedPermission {
  risk: Risk;
  /** Why it ranks there. */
  why: string;
  /** `*` for cluster-wide (ClusterRoleBinding), else the RoleBinding's namespace. */
  scope: string;
  /** The verbs of the rule never used on this resource (or URL). */
  verbs: string[];
  apiGroup?: string;
  /** `resource` or `resource/subresource`, as the rule writes it (may be `*`). */
  resource?: string;
  resourceNames?: string[];
  nonResourceURL?: string;
  binding: { kind: string; name: string; namespace?: string; file: string; line: number };
  role: { kind: string; name: string; namespace?: string; aggregated: boolean };
  /** Index of the rule in the role's effective rules, and its text. */
  rule: { index: number; text: string; aggregatedFrom?: string };
  /** The binding subject that gives it to the user (the user, or one of its groups). */
  via: string;
  /** For a wildcard that was used: what for (`get pods`, `get /healthz`). Its verbs are the wildcard's, not unused ones. */
  usedAs?: string[];
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const READ_VERBS = new Set(['get', 'list', 'watch']);
const POD_CREATORS = new Set(['pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers']);
const RBAC_RESOURCES = new Set(['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']);
const WEBHOOKS = new Set(['mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']);

/**
 * The ranking, small on purpose:
 *  - critical: any wildcard (`*` verb, resource or URL); escalate, bind, impersonate; nodes/proxy;
 *    creating service account tokens — each is a step to cluster admin;
 *  - high: secrets (any verb); exec, attach, port-forward and ephemeral containers into pods;
 *    writing pods or anything that makes pods (runs code as any ServiceAccount of the namespace);
 *    writing RBAC objects, admission webhooks and policies, nodes, CSR approval;
 *  - medium: every other write, and verbs kubeward does not know;
 *  - low: reads (get, list, watch) and non-resource URLs.
 */
export function riskOf(verb: string, apiGroup: string | undefined, resource: string | undefined, url?: string): { risk: Risk; why: string } {
  if (url !== undefined) {
    if (url === '*' || verb === '*') return { risk: 'critical', why: 'wildcard' };
    return { risk: 'low', why: 'non-resource URL' };
  }
  const res = resource ?? '';
  const [base = '', sub = ''] = res.split('/') as [string, string?];
  if (verb === '*' || base === '*' || (apiGroup === '*' && res === '*')) return { risk: 'critical', why: 'wildcard' };
  if (verb === 'escalate' || verb === 'bind' || verb === 'impersonate') return { risk: 'critical', why: `${verb}: privilege escalation` };
  if (base === 'nodes' && sub === 'proxy') return { risk: 'critical', why: 'nodes/proxy: kubelet API (exec in any pod of the node)' };
  if (base === 'serviceaccounts' && sub === 'token' && verb === 'create') return { risk: 'critical', why: 'creates tokens of service accounts' };
  if (base === 'secrets') return { risk: 'high', why: 'secrets' };
  if (base === 'pods' && ['exec', 'attach', 'portforward'].includes(sub)) return { risk: 'high', why: `pods/${sub}: runs or reaches code in pods` };
  if (base === 'pods' && sub === 'ephemeralcontainers' && verb !== 'get') return { risk: 'high', why: 'adds containers to running pods' };
  const write = WRITE_VERBS.has(verb);
  if (write && !sub && POD_CREATORS.has(base) && verb !== 'delete' && verb !== 'deletecollection') return { risk: 'high', why: 'creates pods: runs code as any service account of the namespace' };
  if (write && !sub && RBAC_RESOURCES.has(base)) return { risk: 'high', why: 'writes RBAC' };
  if (write && !sub && WEBHOOKS.has(base)) return { risk: 'high', why: 'writes admission control' };
  if (write && base === 'nodes') return { risk: 'high', why: 'writes nodes (labels, taints: steers workloads)' };
  if (base === 'certificatesigningrequests' && sub === 'approval') return { risk: 'high', why: 'approves certificates' };
  if (apiGroup === 'certificates.k8s.io' && base === 'signers' && (verb === 'approve' || verb === 'sign')) return { risk: 'high', why: `${verb} certificates` };
  if (write) return { risk: 'medium', why: 'write' };
  if (READ_VERBS.has(verb)) return { risk: 'low', why: 'read' };
  return { risk: 'medium', why: `verb ${verb}` };
}

function rank(risk: Risk): number {
  return RISK_ORDER.indexOf(risk);
}

/**
 * The never-used pieces of the user's permissions, worst first. A piece with a wildcard (`*` verb,
 * resource or group, a URL ending in `*`) that was used is listed too, with what it was used for:
 * the wildcard is broader than the use.
 */
export function unusedPermissions(permissions: PermissionsResult, usage: SubjectUsage | undefined, resources: ResourceTable, rbacNamesKnown = false): UnusedPermission[] {
  const out: UnusedPermission[] = [];
  for (const ns of permissions.namespaces) {
    for (const effective of ns.rules) {
      const rule = effective.rule.rule;
      const scope = ns.namespace;
      if (rule.nonResourceURLs.length) {
        if (scope !== '*') continue; // a RoleBinding never grants non-resource URLs
        for (const url of new Set(rule.nonResourceURLs)) {
          const piece: PolicyRule = { verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [url] };
          const wildcard = url.endsWith('*');
          collect(out, effective, scope, [...new Set(rule.verbs)], (verb) => urlUses(usage, { ...piece, verbs: [verb] }), wildcard, { nonResourceURL: url });
        }
        continue;
      }
      for (const apiGroup of new Set(rule.apiGroups)) {
        for (const resource of new Set(rule.resources)) {
          const base = resource.split('/')[0]!;
          // through a RoleBinding, cluster-scoped resources take no effect (namespaces: only its own, which stays)
          if (scope !== '*' && base !== '*' && !(apiGroup === '' && base === 'namespaces') && resources.isNamespaced(apiGroup, base) === false) continue;
          const piece: PolicyRule = { verbs: [], apiGroups: [apiGroup], resources: [resource], resourceNames: rule.resourceNames, nonResourceURLs: [] };
          const fields: Partial<UnusedPermission> = { apiGroup, resource };
          if (rule.resourceNames.length) fields.resourceNames = rule.resourceNames;
          const wildcard = apiGroup === '*' || base === '*';
          collect(out, effective, scope, [...new Set(rule.verbs)], (verb) => resourceUses(usage, scope, { ...piece, verbs: [verb] }, rbacNamesKnown), wildcard, fields);
        }
      }
    }
  }
  return out.sort((a, b) =>
    rank(a.risk) - rank(b.risk)
    || (a.scope === b.scope ? 0 : a.scope === '*' ? -1 : b.scope === '*' ? 1 : compare(a.scope, b.scope))
    || compare(a.apiGroup ?? '', b.apiGroup ?? '')
    || compare(a.resource ?? a.nonResourceURL ?? '', b.resource ?? b.nonResourceURL ?? '')
    || compare(a.binding.name, b.binding.name));
}

/** Adds the row of one piece: its never-used verbs, and its used wildcards with what they were used for. */
function collect(out: UnusedPermission[], effective: EffectiveRule, scope: string, verbs: string[], usesOf: (verb: string) => string[], wildcard: boolean, fields: Partial<UnusedPermission>): void {
  const unused: string[] = [];
  const usedAs = new Set<string>();
  const usedWildcards: string[] = [];
  for (const verb of verbs) {
    const uses = usesOf(verb);
    if (uses.length === 0) unused.push(verb);
    else if (wildcard || verb === '*') {
      usedWildcards.push(verb);
      for (const u of uses) usedAs.add(u);
    }
  }
  if (unused.length) out.push(entry(effective, scope, unused, fields));
  if (usedWildcards.length) {
    const row = entry(effective, scope, usedWildcards, fields);
    row.usedAs = [...usedAs].sort(compare);
    row.why = `wildcard, used only for: ${row.usedAs.join(', ')}`;
    out.push(row);
  }
}

function entry(effective: EffectiveRule, scope: string, verbs: string[], fields: Partial<UnusedPermission>): UnusedPermission {
  let worst = { risk: 'low' as Risk, why: '' };
  for (const verb of verbs) {
    const r = riskOf(verb, fields.apiGroup, fields.resource, fields.nonResourceURL);
    if (!worst.why || rank(r.risk) < rank(worst.risk)) worst = r;
  }
  return {
    risk: worst.risk,
    why: worst.why,
    scope,
    verbs: verbs.sort(compare),
    ...fields,
    binding: bindingInfo(effective.binding),
    role: roleInfo(effective.role),
    rule: { index: effective.rule.index, text: effective.rule.text, ...(effective.rule.aggregatedFrom ? { aggregatedFrom: effective.rule.aggregatedFrom } : {}) },
    via: subjectLabel(effective.subject as Subject),
  };
}

function bindingInfo(b: BindingRef): UnusedPermission['binding'] {
  return { kind: b.kind, name: b.name, ...(b.namespace !== undefined ? { namespace: b.namespace } : {}), file: b.source.file, line: b.source.line };
}

function roleInfo(r: RoleRefInfo): UnusedPermission['role'] {
  return { kind: r.kind, name: r.name, ...(r.namespace !== undefined ? { namespace: r.namespace } : {}), aggregated: r.aggregated };
}

/** The allowed requests of the log that the one-verb URL piece allows, as `verb URL`. */
function urlUses(usage: SubjectUsage | undefined, piece: PolicyRule): string[] {
  const out: string[] = [];
  if (!usage) return out;
  for (const [url, verbs] of usage.urls) {
    for (const verb of verbs.keys()) if (ruleAllows({ verb, nonResourceURL: url }, piece)) out.push(`${verb} ${url}`);
  }
  return out;
}

/**
 * The allowed requests of the log in this scope (`*`: any) that the one-verb piece allows, as
 * `verb resource.group/sub`. With resourceNames, a request counts when it named one of them: the
 * collector remembers every such name when it knew the RBAC's names (`rbacNamesKnown`); otherwise,
 * when more names were requested than it remembers, the request counts (never "unused" without proof).
 */
function resourceUses(usage: SubjectUsage | undefined, scope: string, piece: PolicyRule, rbacNamesKnown: boolean): string[] {
  const out: string[] = [];
  if (!usage) return out;
  for (const [namespace, resources] of usage.scopes) {
    if (scope !== '*' && namespace !== scope) continue;
    for (const ru of resources.values()) {
      // group and resource first, without building a request: most entries stop here
      if (!apiGroupMatches(piece, ru.apiGroup)) continue;
      if (!resourceMatches(piece, ru.subresource ? `${ru.resource}/${ru.subresource}` : ru.resource, ru.subresource)) continue;
      for (const [verb, vu] of ru.verbs) {
        if (!verbMatches(piece, verb)) continue;
        const used = piece.resourceNames.length === 0
          || [...(vu.names ?? []), ...(vu.rbacNames ?? [])].some((name) => resourceNameMatches(piece, name))
          || (vu.names === null && !rbacNamesKnown); // too many names to know: never "unused" without proof
        if (used) out.push(`${verb} ${ru.resource}${ru.apiGroup ? `.${ru.apiGroup}` : ''}${ru.subresource ? `/${ru.subresource}` : ''}`);
      }
    }
  }
  return out;
}
