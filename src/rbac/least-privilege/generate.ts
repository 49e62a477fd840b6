/**
 * The smallest Role/ClusterRole set that allows what a subject did:
 *  - requests in a namespace → a Role in that namespace, bound by a RoleBinding there;
 *  - cluster-wide requests (cluster-scoped resources, all-namespace lists) and non-resource URLs →
 *    one ClusterRole, bound by a ClusterRoleBinding; a namespaced grant the ClusterRole already
 *    covers is left out;
 *  - one rule per (apiGroup, resource[/subresource]) and set of resourceNames, verbs sorted;
 *    non-resource URLs with the same verbs share a rule;
 *  - resourceNames only where every request of that verb and resource, in that scope, named one
 *    of at most `maxResourceNames` objects; never for list, watch, create and deletecollection
 *    (the API server authorizes those without a name, so a name list would never match).
 */
import { createHash } from 'node:crypto';
import { splitServiceAccountUsername, type PolicyRule, type Subject } from '../index.js';
import type { SubjectUsage, VerbUsage } from './usage.js';

export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';
export const DEFAULT_MAX_RESOURCE_NAMES = 5;
/** Verbs the API server authorizes without a name: a resourceNames rule can never allow them. */
export const NAMELESS_VERBS: ReadonlySet<string> = new Set(['list', 'watch', 'create', 'deletecollection']);

export interface GenerateOptions {
  /** Largest resourceNames list kept (0: never restrict by name). */
  maxResourceNames?: number;
}

export interface GeneratedRule {
  rule: PolicyRule;
  /** Why the rule is limited to resourceNames, for the reader. */
  comment?: string;
}

export interface GeneratedRole {
  kind: 'Role' | 'ClusterRole';
  name: string;
  namespace?: string;
  rules: GeneratedRule[];
}

export interface GeneratedBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace?: string;
  roleRef: { apiGroup: string; kind: 'Role' | 'ClusterRole'; name: string };
  subjects: Subject[];
}

export interface LeastPrivilegeSet {
  username: string;
  /** The binding subject: a ServiceAccount for `system:serviceaccount:NS:NAME`, else a User. */
  subject: Subject;
  /** ClusterRole first (if any), then Roles by namespace. */
  roles: GeneratedRole[];
  /** One per role, in the same order. */
  bindings: GeneratedBinding[];
  /** Requests that could not be granted exactly, and grants left out as covered. */
  notes: string[];
}

/** `system:serviceaccount:NS:NAME` → ServiceAccount NS/NAME; anything else → User. */
export function bindingSubject(username: string): Subject {
  const sa = splitServiceAccountUsername(username);
  if (sa) return { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace };
  return { kind: 'User', apiGroup: RBAC_API_GROUP, name: username };
}

/**
 * The name of the generated roles and bindings: `kubeward-lp:USERNAME`. A name the API server
 * would reject (`/`, `%`) or that is awkward to type (spaces, control characters) gets them
 * replaced by `_` and a short hash of the user name, so two users never share a name.
 */
export function generatedName(username: string): string {
  const safe = username.replace(/[^A-Za-z0-9._:@+=,-]/g, '_');
  if (safe === username) return `kubeward-lp:${username}`;
  return `kubeward-lp:${safe}-${createHash('sha256').update(username).digest('hex').slice(0, 8)}`;
}

interface VerbGrant {
  verb: string;
  names: string[];
  count: number;
}

/** The resourceNames a verb's rule gets: the names seen, when every request named one of a few objects. */
export function resourceNamesFor(verb: string, usage: VerbUsage, max: number): string[] {
  if (NAMELESS_VERBS.has(verb) || usage.nameless || usage.names === null || usage.names.size === 0 || usage.names.size > max) return [];
  return [...usage.names].sort(compare);
}

export function leastPrivilege(usage: SubjectUsage, options: GenerateOptions = {}): LeastPrivilegeSet {
  const max = options.maxResourceNames ?? DEFAULT_MAX_RESOURCE_NAMES;
  const username = usage.username;
  const name = generatedName(username);
  const subject = bindingSubject(username);
  const notes: string[] = [];
  const set: LeastPrivilegeSet = { username, subject, roles: [], bindings: [], notes };

  // per scope: resource key → { group, resource string, verb grants }
  const grantsOf = (scope: string): Map<string, { apiGroup: string; resource: string; verbs: VerbGrant[] }> => {
    const out = new Map<string, { apiGroup: string; resource: string; verbs: VerbGrant[] }>();
    for (const [key, ru] of usage.scopes.get(scope) ?? []) {
      const resource = ru.subresource ? `${ru.resource}/${ru.subresource}` : ru.resource;
      const verbs = [...ru.verbs].map(([verb, vu]) => ({ verb, names: resourceNamesFor(verb, vu, max), count: vu.count }));
      out.set(key, { apiGroup: ru.apiGroup, resource, verbs });
    }
    return out;
  };

  const cluster = grantsOf('');
  const clusterRules = resourceRules(cluster);
  const urlRules = nonResourceRules(usage.urls, notes);
  if (clusterRules.length + urlRules.length > 0) {
    set.roles.push({ kind: 'ClusterRole', name, rules: [...clusterRules, ...urlRules] });
    set.bindings.push({ kind: 'ClusterRoleBinding', name, roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name }, subjects: [subject] });
  }

  const namespaces = [...usage.scopes.keys()].filter((ns) => ns !== '').sort(compare);
  for (const namespace of namespaces) {
    const grants = grantsOf(namespace);
    for (const [key, grant] of [...grants].sort(([a], [b]) => compare(a, b))) {
      const clusterVerbs = cluster.get(key)?.verbs;
      if (!clusterVerbs) continue;
      grant.verbs = grant.verbs.sort((a, b) => compare(a.verb, b.verb)).filter((v) => {
        const c = clusterVerbs.find((cv) => cv.verb === v.verb);
        const covered = c !== undefined && (c.names.length === 0 || (v.names.length > 0 && v.names.every((n) => c.names.includes(n))));
        if (covered) notes.push(`${v.verb} ${grant.resource}${grant.apiGroup ? `.${grant.apiGroup}` : ''} in namespace ${namespace}: already granted cluster-wide by the ClusterRole`);
        return !covered;
      });
    }
    const rules = resourceRules(grants);
    if (rules.length === 0) continue;
    set.roles.push({ kind: 'Role', name, namespace, rules });
    set.bindings.push({ kind: 'RoleBinding', name, namespace, roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name }, subjects: [subject] });
  }
  return set;
}

function resourceRules(grants: Map<string, { apiGroup: string; resource: string; verbs: VerbGrant[] }>): GeneratedRule[] {
  const out: { sort: string[]; rule: GeneratedRule }[] = [];
  for (const grant of grants.values()) {
    // verbs with the same resourceNames (none, or the same list) share a rule
    const byNames = new Map<string, VerbGrant[]>();
    for (const v of grant.verbs) {
      const key = JSON.stringify(v.names);
      const list = byNames.get(key);
      if (list) list.push(v);
      else byNames.set(key, [v]);
    }
    for (const [key, verbs] of byNames) {
      const names = JSON.parse(key) as string[];
      const rule: GeneratedRule = {
        rule: { apiGroups: [grant.apiGroup], resources: [grant.resource], resourceNames: names, verbs: verbs.map((v) => v.verb).sort(compare), nonResourceURLs: [] },
      };
      if (names.length) {
        const count = verbs.reduce((sum, v) => sum + v.count, 0);
        const requests = count === 1 ? `the one ${rule.rule.verbs.join('/')} request` : `all ${count} ${rule.rule.verbs.join('/')} requests`;
        rule.comment = `resourceNames: ${requests} of ${grant.resource} named ${names.length === 1 ? 'this object' : `one of these ${names.length} objects`}`;
      }
      // by group and resource; the rule without names first, then by verbs
      out.push({ sort: [grant.apiGroup, grant.resource, names.length ? '1' : '0', rule.rule.verbs.join(','), key], rule });
    }
  }
  return out.sort((a, b) => compareLists(a.sort, b.sort)).map((r) => r.rule);
}

function nonResourceRules(urls: Map<string, Map<string, number>>, notes: string[]): GeneratedRule[] {
  const byVerbs = new Map<string, string[]>();
  for (const [url, verbs] of urls) {
    if (url.endsWith('*')) {
      // a trailing * in a rule is a prefix wildcard: the URL itself cannot be granted alone
      notes.push(`${[...verbs.keys()].sort(compare).join(', ')} ${url}: a URL ending in * cannot be granted exactly (in a rule it is a prefix wildcard); not granted`);
      continue;
    }
    const key = JSON.stringify([...verbs.keys()].sort(compare));
    const list = byVerbs.get(key);
    if (list) list.push(url);
    else byVerbs.set(key, [url]);
  }
  return [...byVerbs]
    .map(([key, list]) => ({ rule: { apiGroups: [], resources: [], resourceNames: [], verbs: JSON.parse(key) as string[], nonResourceURLs: list.sort(compare) } }))
    .sort((a, b) => compare(a.rule.nonResourceURLs[0]!, b.rule.nonResourceURLs[0]!));
}

/** The objects to apply, in order: each role followed by its binding. */
export function manifestObjects(set: LeastPrivilegeSet): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  set.roles.forEach((role, i) => {
    out.push(roleObject(role));
    out.push(bindingObject(set.bindings[i]!));
  });
  return out;
}

export function roleObject(role: GeneratedRole): Record<string, unknown> {
  return {
    apiVersion: `${RBAC_API_GROUP}/v1`,
    kind: role.kind,
    metadata: role.namespace !== undefined ? { name: role.name, namespace: role.namespace } : { name: role.name },
    rules: role.rules.map((r) => ruleObject(r.rule)),
  };
}

export function ruleObject(rule: PolicyRule): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (rule.nonResourceURLs.length) out.nonResourceURLs = rule.nonResourceURLs;
  else {
    out.apiGroups = rule.apiGroups;
    out.resources = rule.resources;
    if (rule.resourceNames.length) out.resourceNames = rule.resourceNames;
  }
  out.verbs = rule.verbs;
  return out;
}

export function bindingObject(binding: GeneratedBinding): Record<string, unknown> {
  return {
    apiVersion: `${RBAC_API_GROUP}/v1`,
    kind: binding.kind,
    metadata: binding.namespace !== undefined ? { name: binding.name, namespace: binding.namespace } : { name: binding.name },
    roleRef: binding.roleRef,
    subjects: binding.subjects.map((s) => ({ ...s })),
  };
}

/** Code-unit order (stable across locales). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLists(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compare(a[i]!, b[i]!);
    if (c) return c;
  }
  return a.length - b.length;
}
