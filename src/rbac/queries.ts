/**
 * The three questions: can-i (the authorizer's `Authorize` / `VisitRulesFor`), who-can (the same,
 * inverted through the rule index), and the effective permissions of a user.
 */
import { closestRules, elsewhereGrants, noBindingsMessage, permissionNotes } from './explain.js';
import type { RbacIndexData, RuleRef, SubjectEntry } from './index-build.js';
import { makeGrant, type BindingModel, type RoleModel } from './model.js';
import { asServerSees } from './resources.js';
import { combinedResource, ruleAllows } from './rules.js';
import { appliesToUser, compareSubjects, PRIVILEGED_GROUP, resolvedSubject, userIndexKeys, userInfo } from './subjects.js';
import {
  isNonResourceRequest,
  type CanIQuery, type Decision, type EffectiveRule, type Grant, type NamespacePermissions, type PermissionsResult,
  type RbacRequest, type UserInfo, type WhoCanEntry, type WhoCanResult,
} from './types.js';

/** The namespace whose RoleBindings the authorizer visits for the request (`""`: none). */
export function requestNamespace(request: RbacRequest): string {
  return isNonResourceRequest(request) ? '' : (request.namespace ?? '');
}

/** The user's bindings that `VisitRulesFor(user, namespace)` visits, each once, in visit order, with the subject that applies. */
export function applicableBindings(data: RbacIndexData, user: Required<UserInfo>, namespace: string): SubjectEntry[] {
  return userBindings(data, user, (bucket) => (namespace ? [bucket.cluster, bucket.byNamespace.get(namespace) ?? []] : [bucket.cluster]));
}

/** Every binding of the user, in any namespace. */
export function allUserBindings(data: RbacIndexData, user: Required<UserInfo>): SubjectEntry[] {
  return userBindings(data, user, (bucket) => [bucket.cluster, ...bucket.byNamespace.values()]);
}

function userBindings(data: RbacIndexData, user: Required<UserInfo>, lists: (bucket: NonNullable<ReturnType<RbacIndexData['bySubject']['get']>>) => SubjectEntry[][]): SubjectEntry[] {
  const found = new Map<BindingModel, SubjectEntry>();
  for (const key of userIndexKeys(user)) {
    const bucket = data.bySubject.get(key);
    if (!bucket) continue;
    for (const list of lists(bucket)) for (const entry of list) if (!found.has(entry.binding)) found.set(entry.binding, entry);
  }
  const out: SubjectEntry[] = [];
  for (const binding of found.keys()) {
    // appliesTo: the first of the binding's subjects that matches, in the binding's order
    const raw = binding.subjects.find((s) => appliesToUser(user, s, binding.namespace))!;
    out.push({ binding, subject: resolvedSubject(raw, binding.namespace) });
  }
  return out.sort((a, b) => a.binding.order - b.binding.order);
}

/** The first rule of the binding's role that allows the request, as a grant. */
export function firstGrant(entry: SubjectEntry, request: RbacRequest): Grant | undefined {
  const role = entry.binding.role;
  if (!role) return undefined;
  for (const rule of role.rules) if (ruleAllows(request, rule.rule)) return makeGrant(entry.binding, entry.subject, rule);
  return undefined;
}

export function canI(data: RbacIndexData, query: CanIQuery, options: { explain?: boolean } = {}): Decision {
  const { user: rawUser, ...rest } = query;
  const user = userInfo(rawUser);
  const request = asServerSees(rest as RbacRequest, data.resources);
  const entries = applicableBindings(data, user, requestNamespace(request));
  const grants: Grant[] = [];
  for (const entry of entries) {
    const grant = firstGrant(entry, request);
    if (grant) grants.push(grant);
  }
  const privileged = user.groups.includes(PRIVILEGED_GROUP);
  const decision: Decision = {
    allowed: privileged || grants.length > 0,
    request,
    user,
    grants,
    elsewhere: [],
    brokenBindings: entries.flatMap((e) => (e.binding.problem ? [e.binding.problem] : [])),
  };
  if (privileged) decision.privilegedGroup = PRIVILEGED_GROUP;
  if (!decision.allowed && options.explain !== false) {
    const withRoles = entries.filter((e) => e.binding.role);
    decision.reason = withRoles.length === 0
      ? { code: 'no-bindings', message: noBindingsMessage(user, request, entries.length) }
      : {
          code: 'no-matching-rule',
          message: `${withRoles.length} binding(s) apply, but no rule of their roles allows the request`,
          bindings: withRoles.map((e) => e.binding.ref),
          closest: closestRules(request, withRoles.map((e) => e.binding)),
        };
    decision.elsewhere = elsewhereGrants(data, request, allUserBindings(data, user), new Set(entries.map((e) => e.binding)));
  }
  return decision;
}

/** Candidate rules for a request from the rule index (a superset of the rules that allow it). */
function candidateRules(data: RbacIndexData, request: RbacRequest): RuleRef[] {
  if (isNonResourceRequest(request)) {
    const url = request.nonResourceURL;
    return [...(data.rulesByURL.get(url) ?? []), ...data.rulesByURLPrefix.filter((p) => url.startsWith(p.prefix)).map((p) => p.ref)];
  }
  const keys = [combinedResource(request), '*'];
  if (request.subresource) keys.push(`*/${request.subresource}`);
  return keys.flatMap((k) => data.rulesByResource.get(k) ?? []);
}

export function whoCan(data: RbacIndexData, rawRequest: RbacRequest, options: { allNamespaces?: boolean } = {}): WhoCanResult {
  const request = asServerSees(rawRequest, data.resources);
  const namespaced = !isNonResourceRequest(request) && data.resources.isNamespaced(request.apiGroup, request.resource) !== false;
  // -A looks at RoleBindings of every namespace; a cluster-scoped request has only its own namespace (if any)
  const allNamespaces = options.allNamespaces === true && namespaced;
  const namespace = requestNamespace(request);

  const firstRule = new Map<RoleModel, number>();
  for (const ref of candidateRules(data, request)) {
    const known = firstRule.get(ref.role);
    if ((known === undefined || ref.rule.index < known) && ruleAllows(request, ref.rule.rule)) firstRule.set(ref.role, ref.rule.index);
  }

  const bySubject = new Map<string, WhoCanEntry>();
  const matched: { binding: BindingModel; role: RoleModel; index: number }[] = [];
  for (const [role, index] of firstRule) {
    for (const binding of data.bindingsByRole.get(role) ?? []) {
      const applies = binding.kind === 'ClusterRoleBinding' || (!isNonResourceRequest(request) && (allNamespaces || (namespace !== '' && binding.namespace === namespace)));
      if (applies) matched.push({ binding, role, index });
    }
  }
  matched.sort((a, b) => a.binding.order - b.binding.order);
  for (const { binding, role, index } of matched) {
    for (const { subject, entryKey } of binding.matchable) {
      let entry = bySubject.get(entryKey);
      if (!entry) bySubject.set(entryKey, (entry = { subject, grants: [] }));
      entry.grants.push(makeGrant(binding, subject, role.rules[index]!));
    }
  }
  const entries = [...bySubject.values()].sort((a, b) => compareSubjects(a.subject, b.subject));
  return { request, allNamespaces, entries, privilegedGroups: [PRIVILEGED_GROUP] };
}

export function permissions(data: RbacIndexData, rawUser: string | UserInfo): PermissionsResult {
  const user = userInfo(rawUser);
  const entries = allUserBindings(data, user);
  const byScope = new Map<string, EffectiveRule[]>();
  for (const entry of entries) {
    const { binding } = entry;
    if (!binding.role) continue;
    const scope = binding.kind === 'ClusterRoleBinding' ? '*' : binding.namespace;
    let rules = byScope.get(scope);
    if (!rules) byScope.set(scope, (rules = []));
    for (const rule of binding.role.rules) {
      const grant = makeGrant(binding, entry.subject, rule);
      rules.push({ rule, binding: grant.binding, subject: grant.subject, role: grant.role, notes: binding.kind === 'RoleBinding' ? permissionNotes(data, rule.rule, binding.namespace) : [] });
    }
  }
  const namespaces: NamespacePermissions[] = [...byScope.entries()]
    .sort(([a], [b]) => (a === '*' ? -1 : b === '*' ? 1 : a.localeCompare(b)))
    .map(([namespace, rules]) => ({ namespace, rules }));
  const result: PermissionsResult = { user, namespaces, brokenBindings: entries.flatMap((e) => (e.binding.problem ? [e.binding.problem] : [])) };
  if (user.groups.includes(PRIVILEGED_GROUP)) result.privilegedGroup = PRIVILEGED_GROUP;
  return result;
}
