/**
 * Roles and bindings read from the inventory: rules parsed, aggregation recomputed, roleRefs
 * resolved as `GetRoleReferenceRules` does (pkg/registry/rbac/validation/rule.go), and everything
 * the API server would reject or that grants nothing reported as a diagnostic.
 */
import type { SourcePosition } from '../core/finding.js';
import { isJsonObject, type Inventory, type InventoryObject } from '../inventory/index.js';
import { aggregateClusterRoles, diagnostic as roleDiagnostic, storedRuleInfos } from './aggregation.js';
import { policyRuleProblems, readPolicyRule } from './rules.js';
import { resolvedSubject, subjectIndexKey } from './subjects.js';
import type { BindingKind, BindingRef, Diagnostic, Grant, PolicyRule, RoleKind, RoleRefInfo, RuleInfo, Subject } from './types.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface RoleModel {
  kind: RoleKind;
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  object: InventoryObject;
  storedRules: PolicyRule[];
  /** The rules the authorizer uses (recomputed for aggregated ClusterRoles). */
  rules: RuleInfo[];
  aggregated: boolean;
  /** Set once the rules are final (after aggregation); shared by every grant of this role. */
  ref?: RoleRefInfo;
}

export interface BindingModel {
  kind: BindingKind;
  name: string;
  /** `""` for ClusterRoleBindings. */
  namespace: string;
  ref: BindingRef;
  roleRef: { kind: string; name: string; apiGroup: string };
  subjects: Subject[];
  /** The subjects that can match a user, once each: namespace defaulted, with their index key (`u:`/`g:`) and a display key. */
  matchable: { subject: Subject; userKey: string; entryKey: string }[];
  /** The role the roleRef resolves to; undefined when it does not (a diagnostic says why). */
  role?: RoleModel;
  problem?: Diagnostic;
  /** Visit order: ClusterRoleBindings first, then RoleBindings, each in input order. */
  order: number;
}

export interface RbacModel {
  roles: RoleModel[];
  bindings: BindingModel[];
  diagnostics: Diagnostic[];
}

export function roleKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

/** The role as grants show it (one shared object per role). */
export function roleRefInfo(role: RoleModel): RoleRefInfo {
  if (role.ref) return role.ref;
  const out: RoleRefInfo = { kind: role.kind, name: role.name, source: position(role.object), aggregated: role.aggregated };
  if (role.namespace !== undefined) out.namespace = role.namespace;
  return (role.ref = out);
}

function isRbac(obj: InventoryObject): boolean {
  return obj.apiVersion.startsWith(`${RBAC_GROUP}/`);
}

export function loadRbacModel(inventory: Inventory): RbacModel {
  const diagnostics: Diagnostic[] = [];
  const roles = new Map<string, RoleModel>();
  for (const kind of ['Role', 'ClusterRole'] as const) {
    for (const obj of inventory.ofKind(kind)) {
      if (!isRbac(obj)) continue;
      const key = roleKey(kind, obj.namespace, obj.name);
      const role = readRole(kind, obj, diagnostics);
      const first = roles.get(key);
      if (first) {
        diagnostics.push(duplicate(obj, first.object));
        continue;
      }
      roles.set(key, role);
    }
  }
  aggregateClusterRoles([...roles.values()].filter((r) => r.kind === 'ClusterRole'), diagnostics);

  const bindings: BindingModel[] = [];
  const seen = new Map<string, InventoryObject>();
  for (const kind of ['ClusterRoleBinding', 'RoleBinding'] as const) {
    for (const obj of inventory.ofKind(kind)) {
      if (!isRbac(obj)) continue;
      const key = roleKey(kind, obj.namespace, obj.name);
      const first = seen.get(key);
      if (first) {
        diagnostics.push(duplicate(obj, first));
        continue;
      }
      seen.set(key, obj);
      bindings.push(readBinding(kind, obj, roles, bindings.length, diagnostics));
    }
  }
  diagnostics.sort((a, b) => a.position.file.localeCompare(b.position.file) || a.position.line - b.position.line || a.position.column - b.position.column);
  return { roles: [...roles.values()], bindings, diagnostics };
}

function readRole(kind: RoleKind, obj: InventoryObject, diagnostics: Diagnostic[]): RoleModel {
  const storedRules: PolicyRule[] = [];
  const role: RoleModel = { kind, name: obj.name, labels: obj.labels, object: obj, storedRules, rules: [], aggregated: false };
  if (obj.namespace !== undefined) role.namespace = obj.namespace;
  const raw = obj.object.rules;
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) {
    diagnostics.push(roleDiagnostic(role, 'error', 'invalid-rule', `${kind} ${label(obj)}: rules is not a list; it grants nothing`, ['rules']));
  }
  const aggregating = kind === 'ClusterRole' && obj.object.aggregationRule !== undefined && obj.object.aggregationRule !== null;
  for (const [i, value] of (Array.isArray(raw) ? raw : []).entries()) {
    const { rule, problems } = readPolicyRule(value);
    // stored rules of an aggregating role are replaced, so the API server's checks on them do not matter here
    if (!aggregating) problems.push(...policyRuleProblems(rule, kind === 'Role'));
    for (const problem of problems) {
      diagnostics.push(roleDiagnostic(role, 'warning', 'invalid-rule', `${kind} ${label(obj)} rules[${i}]: ${problem} (the API server rejects this rule)`, ['rules', i]));
    }
    storedRules.push(rule);
  }
  role.rules = storedRuleInfos(storedRules);
  return role;
}

function readBinding(kind: BindingKind, obj: InventoryObject, roles: Map<string, RoleModel>, order: number, diagnostics: Diagnostic[]): BindingModel {
  const namespace = kind === 'RoleBinding' ? (obj.namespace ?? '') : '';
  const ref: BindingRef = { kind, name: obj.name, source: position(obj) };
  if (kind === 'RoleBinding') ref.namespace = namespace;
  const raw = isJsonObject(obj.object.roleRef) ? obj.object.roleRef : {};
  const roleRef = { kind: str(raw.kind), name: str(raw.name), apiGroup: str(raw.apiGroup) || RBAC_GROUP };
  const binding: BindingModel = { kind, name: obj.name, namespace, ref, roleRef, subjects: [], matchable: [], order };
  const report = (severity: Diagnostic['severity'], code: Diagnostic['code'], message: string, path: (string | number)[]): Diagnostic => {
    const d: Diagnostic = { severity, code, message, object: { kind, name: obj.name }, position: obj.source.locate(path) };
    if (kind === 'RoleBinding') d.object.namespace = namespace;
    diagnostics.push(d);
    return d;
  };

  if (roleRef.apiGroup !== RBAC_GROUP) {
    report('warning', 'invalid-role-ref', `${kind} ${label(obj)}: roleRef.apiGroup ${roleRef.apiGroup} is not ${RBAC_GROUP} (the API server rejects it)`, ['roleRef', 'apiGroup']);
  }
  if (roleRef.kind === 'Role' || roleRef.kind === 'ClusterRole') {
    // a Role is looked up in the binding's namespace: "" for a ClusterRoleBinding, where none can exist
    const role = roles.get(roleKey(roleRef.kind, roleRef.kind === 'Role' ? namespace : undefined, roleRef.name));
    if (role) binding.role = role;
    else if (roleRef.kind === 'Role' && kind === 'ClusterRoleBinding') {
      binding.problem = report('error', 'unsupported-role-ref', `ClusterRoleBinding ${obj.name}: roleRef names Role ${roleRef.name}, but a ClusterRoleBinding can only reference a ClusterRole; it grants nothing`, ['roleRef', 'kind']);
    } else {
      const where = roleRef.kind === 'Role' ? ` in namespace ${namespace}` : '';
      binding.problem = report('error', 'missing-role', `${kind} ${label(obj)}: ${roleRef.kind} ${roleRef.name}${where} not found; the binding grants nothing`, ['roleRef', 'name']);
    }
  } else {
    binding.problem = report('error', 'unsupported-role-ref', `${kind} ${label(obj)}: unsupported roleRef kind ${JSON.stringify(roleRef.kind)} (Role or ClusterRole); the binding grants nothing`, ['roleRef', 'kind']);
  }

  const subjects = obj.object.subjects;
  for (const [i, value] of (Array.isArray(subjects) ? subjects : []).entries()) {
    if (!isJsonObject(value)) {
      report('warning', 'invalid-subject', `${kind} ${label(obj)} subjects[${i}] is not a mapping`, ['subjects', i]);
      continue;
    }
    const subject: Subject = { kind: str(value.kind), name: str(value.name) };
    if (typeof value.namespace === 'string' && value.namespace) subject.namespace = value.namespace;
    if (typeof value.apiGroup === 'string') subject.apiGroup = value.apiGroup;
    binding.subjects.push(subject);
    if (subject.kind !== 'User' && subject.kind !== 'Group' && subject.kind !== 'ServiceAccount') {
      report('warning', 'unsupported-subject', `${kind} ${label(obj)} subjects[${i}]: kind ${JSON.stringify(subject.kind)} is not User, Group or ServiceAccount (case matters); it never matches`, ['subjects', i, 'kind']);
    } else if (subject.kind === 'ServiceAccount' && !subject.namespace && kind === 'ClusterRoleBinding') {
      report('warning', 'service-account-without-namespace', `ClusterRoleBinding ${obj.name} subjects[${i}]: ServiceAccount ${subject.name} has no namespace; it never matches (the API server requires one)`, ['subjects', i]);
    } else if (!subject.name) {
      report('warning', 'invalid-subject', `${kind} ${label(obj)} subjects[${i}]: ${subject.kind} without a name`, ['subjects', i]);
    } else if (subject.kind === 'ServiceAccount' && subject.apiGroup) {
      report('warning', 'invalid-subject', `${kind} ${label(obj)} subjects[${i}]: a ServiceAccount subject takes apiGroup "" (the API server rejects ${subject.apiGroup})`, ['subjects', i, 'apiGroup']);
    } else if (subject.kind !== 'ServiceAccount' && subject.apiGroup && subject.apiGroup !== RBAC_GROUP) {
      report('warning', 'invalid-subject', `${kind} ${label(obj)} subjects[${i}]: a ${subject.kind} subject takes apiGroup ${RBAC_GROUP} (the API server rejects ${subject.apiGroup})`, ['subjects', i, 'apiGroup']);
    }
  }
  for (const raw of binding.subjects) {
    const userKey = subjectIndexKey(raw, namespace);
    if (userKey === undefined) continue;
    const subject = resolvedSubject(raw, namespace);
    const entryKey = `${subject.kind}\u0000${subject.namespace ?? ''}\u0000${subject.name}`;
    if (!binding.matchable.some((m) => m.entryKey === entryKey)) binding.matchable.push({ subject, userKey, entryKey });
  }
  return binding;
}

function duplicate(obj: InventoryObject, first: InventoryObject): Diagnostic {
  const p = position(first);
  const d: Diagnostic = {
    severity: 'warning',
    code: 'duplicate-object',
    message: `${obj.kind} ${label(obj)} is defined again (first at ${p.file}:${p.line}); this copy is ignored`,
    object: { kind: obj.kind, name: obj.name },
    position: position(obj),
  };
  if (obj.namespace !== undefined) d.object.namespace = obj.namespace;
  return d;
}

export function position(obj: InventoryObject): SourcePosition {
  return { file: obj.source.file, line: obj.source.line, column: obj.source.column };
}

function label(obj: InventoryObject): string {
  return obj.namespace !== undefined ? `${obj.namespace}/${obj.name}` : obj.name;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** A grant: this binding, through this subject, lets its role's rule apply. */
export function makeGrant(binding: BindingModel, subject: Subject, rule: RuleInfo): Grant {
  return { binding: binding.ref, subject, role: roleRefInfo(binding.role!), rule, scope: binding.kind === 'ClusterRoleBinding' ? '*' : binding.namespace };
}
