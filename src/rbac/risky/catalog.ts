/**
 * The risky-grant catalogue (risky-grants.json), validated once when the module loads, and the
 * catalog entries built from it. A malformed file is a programming error: it throws.
 */
import type { Alias, CheckMeta, Framework } from '../../core/catalog.js';
import { isSeverity } from '../../core/severity.js';
import data from './risky-grants.json' with { type: 'json' };

/**
 * Where a grant must apply for a pattern to count:
 * - `cluster`: through a ClusterRoleBinding (every namespace, cluster-scoped resources);
 * - `privileged`: through a ClusterRoleBinding, or a RoleBinding in a privileged namespace (kube-system);
 * - `namespaced`: through any binding (a RoleBinding in any namespace, or a ClusterRoleBinding).
 */
export type Scope = 'cluster' | 'privileged' | 'namespaced';
export const SCOPES: readonly Scope[] = ['cluster', 'privileged', 'namespaced'];

/** Every verb × resource (× name) combination is one alternative request. */
export interface RequestSet {
  verbs: string[];
  /** kubectl style: `pods`, `pods/exec`, `deployments.apps`, `clusterroles.rbac.authorization.k8s.io`; `@any` is a resource no rule names. */
  resources: string[];
  /** Named requests (a rule limited by resourceNames matches only those); absent: a request without a name, which such rules never match. */
  names?: string[];
  /**
   * Ask it as the API server's `bind` check does: in the namespace of the binding being written, also
   * for the cluster-scoped `clusterroles` (a RoleBinding granting `bind` on ClusterRoles lets its
   * subjects bind ClusterRoles in that namespace).
   */
  bindingNamespace?: boolean;
}

/** One requirement: any of its request sets. */
export interface Requirement {
  anyOf: RequestSet[];
}

/** Every requirement must hold for the same subject, in the same place (cluster-wide or one namespace). */
export interface Pattern {
  scope: Scope;
  allOf: Requirement[];
}

export type Match =
  | { type: 'permission'; patterns: Pattern[] }
  /** Any grant at all to these subjects (whatever the role). */
  | { type: 'subjects'; subjects: { kind: 'User' | 'Group'; name: string }[] }
  /** Any grant to a ServiceAccount named `default`. */
  | { type: 'default-service-account' }
  /** A granted rule with `*` in its verbs, resources, API groups or non-resource URLs. */
  | { type: 'wildcard-rule' };

export interface RiskyCheck {
  meta: CheckMeta;
  /** What the subject can do, completing "ServiceAccount shop/api can …". */
  can: string;
  match: Match;
  /** Not reported for a subject that one of these checks already reports (they cover strictly more). */
  supersededBy: string[];
  /** Also report a copy on every workload that runs as the subject. */
  attribute: boolean;
  /** Names of the same rule in tools without a framework of their own in the catalog. */
  alsoKnownAs: { tool: string; id: string }[];
}

/** Frameworks an alias may name (the catalog's `Framework` type). */
const FRAMEWORKS: readonly Framework[] = ['PSS', 'CIS', 'KSV', 'KCV', 'Kubescape', 'Polaris', 'KubeLinter', 'MITRE'];
const CHECK_ID = /^KW-RBAC-\d{3}$/;

function fail(where: string, message: string): never {
  throw new Error(`risky-grants.json: ${where}: ${message}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.trim() === '') fail(where, 'expected a non-empty string');
  return v;
}

function strings(v: unknown, where: string, allowEmpty = false): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s !== '')) fail(where, 'expected a list of non-empty strings');
  if (!allowEmpty && v.length === 0) fail(where, 'expected at least one value');
  return v as string[];
}

function requestSet(raw: unknown, where: string): RequestSet {
  if (!isObject(raw)) fail(where, 'expected a mapping');
  const set: RequestSet = { verbs: strings(raw.verbs, `${where}.verbs`), resources: strings(raw.resources, `${where}.resources`) };
  if (raw.names !== undefined) set.names = strings(raw.names, `${where}.names`);
  if (raw.bindingNamespace !== undefined) {
    if (typeof raw.bindingNamespace !== 'boolean') fail(`${where}.bindingNamespace`, 'expected a boolean');
    set.bindingNamespace = raw.bindingNamespace;
  }
  for (const key of Object.keys(raw)) if (!['verbs', 'resources', 'names', 'bindingNamespace'].includes(key)) fail(where, `unknown key ${key}`);
  return set;
}

function requirement(raw: unknown, where: string): Requirement {
  if (isObject(raw) && Array.isArray(raw.anyOf)) {
    if (raw.anyOf.length === 0) fail(`${where}.anyOf`, 'expected at least one request set');
    return { anyOf: raw.anyOf.map((s, i) => requestSet(s, `${where}.anyOf[${i}]`)) };
  }
  return { anyOf: [requestSet(raw, where)] };
}

function match(raw: unknown, where: string): Match {
  if (!isObject(raw)) fail(where, 'expected a mapping');
  switch (raw.type) {
    case 'permission': {
      if (!Array.isArray(raw.patterns) || raw.patterns.length === 0) fail(`${where}.patterns`, 'expected at least one pattern');
      const patterns = raw.patterns.map((p, i): Pattern => {
        const at = `${where}.patterns[${i}]`;
        if (!isObject(p)) fail(at, 'expected a mapping');
        if (!SCOPES.includes(p.scope as Scope)) fail(`${at}.scope`, `expected one of ${SCOPES.join(', ')}`);
        if (!Array.isArray(p.allOf) || p.allOf.length === 0) fail(`${at}.allOf`, 'expected at least one requirement');
        return { scope: p.scope as Scope, allOf: p.allOf.map((r, j) => requirement(r, `${at}.allOf[${j}]`)) };
      });
      return { type: 'permission', patterns };
    }
    case 'subjects': {
      if (!Array.isArray(raw.subjects) || raw.subjects.length === 0) fail(`${where}.subjects`, 'expected at least one subject');
      const subjects = raw.subjects.map((s, i) => {
        if (!isObject(s) || (s.kind !== 'User' && s.kind !== 'Group')) fail(`${where}.subjects[${i}]`, 'expected {kind: User|Group, name}');
        return { kind: s.kind as 'User' | 'Group', name: text(s.name, `${where}.subjects[${i}].name`) };
      });
      return { type: 'subjects', subjects };
    }
    case 'default-service-account':
    case 'wildcard-rule':
      return { type: raw.type };
    default:
      return fail(`${where}.type`, `unknown match type ${JSON.stringify(raw.type)}`);
  }
}

function aliases(raw: unknown, where: string): Alias[] {
  if (!Array.isArray(raw)) fail(where, 'expected a list');
  return raw.map((a, i) => {
    if (!isObject(a) || !FRAMEWORKS.includes(a.framework as Framework)) fail(`${where}[${i}]`, `framework must be one of ${FRAMEWORKS.join(', ')}`);
    return { framework: a.framework as Framework, id: text(a.id, `${where}[${i}].id`) };
  });
}

function alsoKnownAs(raw: unknown, where: string): { tool: string; id: string }[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) fail(where, 'expected a list');
  return raw.map((a, i) => {
    if (!isObject(a)) fail(`${where}[${i}]`, 'expected {tool, id}');
    return { tool: text(a.tool, `${where}[${i}].tool`), id: text(a.id, `${where}[${i}].id`) };
  });
}

/** `Also known as: rbac-police cluster_admin; krane subjects-with-…` — tools that have no framework in the catalog. */
function knownAsSentence(names: { tool: string; id: string }[]): string {
  return names.length ? ` Also known as: ${names.map((n) => `${n.tool} \`${n.id}\``).join('; ')}.` : '';
}

function load(): { privilegedNamespaces: string[]; checks: RiskyCheck[] } {
  const raw = data as unknown;
  if (!isObject(raw) || !Array.isArray(raw.checks)) fail('root', 'expected {privilegedNamespaces, checks}');
  const privilegedNamespaces = strings(raw.privilegedNamespaces, 'privilegedNamespaces');
  const seen = new Set<string>();
  const checks = raw.checks.map((c, i): RiskyCheck => {
    const where = `checks[${i}]`;
    if (!isObject(c)) fail(where, 'expected a mapping');
    const id = text(c.id, `${where}.id`);
    if (!CHECK_ID.test(id)) fail(`${where}.id`, `${id} is not KW-RBAC-NNN`);
    if (seen.has(id)) fail(`${where}.id`, `${id} is defined twice`);
    seen.add(id);
    const severity = text(c.severity, `${where}.severity`);
    if (!isSeverity(severity)) fail(`${where}.severity`, `unknown severity ${severity}`);
    const known = alsoKnownAs(c.alsoKnownAs, `${where}.alsoKnownAs`);
    const meta: CheckMeta = {
      id,
      title: text(c.title, `${where}.title`),
      severity,
      category: 'access',
      description: `${text(c.description, `${where}.description`)}${knownAsSentence(known)}`,
      rationale: text(c.rationale, `${where}.rationale`),
      remediation: text(c.remediation, `${where}.remediation`),
      references: strings(c.references, `${where}.references`),
      aliases: aliases(c.aliases, `${where}.aliases`),
    };
    const supersededBy = c.supersededBy === undefined ? [] : strings(c.supersededBy, `${where}.supersededBy`);
    if (c.attribute !== undefined && typeof c.attribute !== 'boolean') fail(`${where}.attribute`, 'expected a boolean');
    return { meta, can: text(c.can, `${where}.can`), match: match(c.match, `${where}.match`), supersededBy, attribute: c.attribute !== false, alsoKnownAs: known };
  });
  for (const check of checks) {
    for (const other of check.supersededBy) if (!seen.has(other)) fail(check.meta.id, `supersededBy names an unknown check ${other}`);
  }
  return { privilegedNamespaces, checks };
}

const CATALOGUE = load();

/** Every risky-grant check, in id order. */
export const RISKY_CHECKS: readonly RiskyCheck[] = [...CATALOGUE.checks].sort((a, b) => a.meta.id.localeCompare(b.meta.id));

/** Namespaces whose RoleBindings count like ClusterRoleBindings for `privileged` patterns (kube-system). */
export const DEFAULT_PRIVILEGED_NAMESPACES: readonly string[] = CATALOGUE.privilegedNamespaces;

export function riskyCheck(id: string): RiskyCheck | undefined {
  return RISKY_CHECKS.find((c) => c.meta.id === id);
}
