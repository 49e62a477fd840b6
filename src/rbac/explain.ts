/**
 * Why not: the rules that came closest to allowing a request, the grants that would allow it
 * somewhere else, and the limits of rules reached through a RoleBinding.
 */
import type { RbacIndexData, SubjectEntry } from './index-build.js';
import type { BindingModel } from './model.js';
import { roleRefInfo } from './model.js';
import { apiGroupMatches, combinedResource, nonResourceURLMatches, resourceMatches, resourceNameMatches, ruleMismatches, verbMatches } from './rules.js';
import { userLabel } from './subjects.js';
import { isNonResourceRequest, type Grant, type NearMiss, type PolicyRule, type RbacRequest, type UserInfo } from './types.js';
import { firstGrant } from './queries.js';

const CLOSEST = 3;
const ELSEWHERE = 20;

/** Weight of each failed condition: a rule for the right resource is closer than one for the right verb. */
const WEIGHTS: Record<string, number> = { verb: 1, name: 1, group: 2, resource: 3, url: 3 };
/** Rules farther than this (e.g. wrong resource and wrong verb) are not shown as close. */
const MAX_DISTANCE = 3;

/**
 * The rules of these bindings' roles that come closest to allowing the request: the right resource
 * with the wrong verb, `pods` for `pods/exec`, the right name list without a name… Rules of the
 * other kind (non-resource rules for a resource request, and back) are never close.
 */
export function closestRules(request: RbacRequest, bindings: readonly BindingModel[], limit = CLOSEST): NearMiss[] {
  const nonResource = isNonResourceRequest(request);
  const scored: (NearMiss & { order: number; distance: number })[] = [];
  for (const binding of bindings) {
    if (!binding.role) continue;
    for (const rule of binding.role.rules) {
      if (nonResource ? rule.rule.nonResourceURLs.length === 0 : rule.rule.resources.length === 0) continue;
      const failed = failedConditions(request, rule.rule);
      const distance = failed.reduce((sum, f) => sum + WEIGHTS[f]!, 0);
      if (distance === 0 || distance > MAX_DISTANCE) continue;
      scored.push({ binding: binding.ref, role: roleRefInfo(binding.role), rule, mismatches: ruleMismatches(request, rule.rule), order: scored.length, distance });
    }
  }
  return scored
    .sort((a, b) => a.distance - b.distance || a.order - b.order)
    .slice(0, limit)
    .map(({ order: _order, distance: _distance, ...miss }) => miss);
}

function failedConditions(request: RbacRequest, rule: PolicyRule): string[] {
  const out: string[] = [];
  if (!verbMatches(rule, request.verb)) out.push('verb');
  if (isNonResourceRequest(request)) {
    if (!nonResourceURLMatches(rule, request.nonResourceURL)) out.push('url');
    return out;
  }
  if (!apiGroupMatches(rule, request.apiGroup)) out.push('group');
  if (!resourceMatches(rule, combinedResource(request), request.subresource ?? '')) out.push('resource');
  if (!resourceNameMatches(rule, request.name ?? '')) out.push('name');
  return out;
}

/** Grants of the user's other bindings that would allow the request if they applied here, and why they do not. */
export function elsewhereGrants(data: RbacIndexData, request: RbacRequest, all: readonly SubjectEntry[], applicable: ReadonlySet<BindingModel>): { grant: Grant; why: string }[] {
  const out: { grant: Grant; why: string }[] = [];
  for (const entry of all) {
    if (applicable.has(entry.binding)) continue;
    const grant = firstGrant(entry, request);
    if (!grant) continue;
    out.push({ grant, why: whyNotHere(data, request, entry.binding.namespace) });
    if (out.length === ELSEWHERE) break;
  }
  return out;
}

function whyNotHere(data: RbacIndexData, request: RbacRequest, bindingNamespace: string): string {
  if (isNonResourceRequest(request)) return 'non-resource URLs are granted only by ClusterRoleBindings';
  if (data.resources.isNamespaced(request.apiGroup, request.resource) === false) {
    return request.resource === 'namespaces' && request.apiGroup === ''
      ? `a RoleBinding grants namespaces only for its own namespace (${request.verb} namespaces ${bindingNamespace})`
      : `RoleBindings never grant cluster-scoped resources (${request.resource})`;
  }
  if (!request.namespace) return `a RoleBinding grants only in its namespace (${bindingNamespace}); this request is for all namespaces`;
  return `a RoleBinding grants only in its namespace (${bindingNamespace}), not in ${request.namespace}`;
}

export function noBindingsMessage(user: Required<UserInfo>, request: RbacRequest, broken: number): string {
  const groups = user.groups.length ? ` or its groups (${user.groups.join(', ')})` : '';
  const where = isNonResourceRequest(request) || !request.namespace ? 'no ClusterRoleBinding' : `no ClusterRoleBinding, and no RoleBinding in namespace ${request.namespace},`;
  const tail = broken > 0 ? `; ${broken} binding(s) would, but their role is missing or unsupported` : '';
  return `${where} applies to ${userLabel(user)}${groups}${tail}`;
}

/** What part of a rule cannot take effect through a RoleBinding in `namespace`. */
export function permissionNotes(data: RbacIndexData, rule: PolicyRule, namespace: string): string[] {
  const notes: string[] = [];
  if (rule.nonResourceURLs.length) notes.push('non-resource URLs are granted only by ClusterRoleBindings: no effect here');
  const clusterScoped = new Set<string>();
  let namespaces = false;
  for (const resource of rule.resources) {
    const base = resource.split('/')[0]!;
    for (const group of rule.apiGroups) {
      if (data.resources.isNamespaced(group, base) !== false) continue;
      if (group === '' && base === 'namespaces') namespaces = true;
      else clusterScoped.add(resource);
    }
  }
  if (clusterScoped.size) notes.push(`cluster-scoped resources have no effect through a RoleBinding: ${[...clusterScoped].join(', ')}`);
  if (namespaces) notes.push(`namespaces: only the namespace ${namespace} itself`);
  return notes;
}
