/**
 * What the risky-grant checks and the escalation graph share: one RBAC index (over the input and
 * the built-in ClusterRoles that bindings reference but the input lacks), memoized who-can
 * answers with the Kubernetes bootstrap grants set aside, the bindings as records, and the
 * workloads, service accounts and token Secrets that grants are attributed to.
 *
 * Every permission question goes to the evaluator (`whoCan`, `permissions`, `ruleAllows`); nothing
 * here matches rules itself.
 */
import { Inventory, isJsonObject, podTemplateOf, type InventoryObject, type JsonPath, type PodTemplate } from '../../inventory/index.js';
import {
  buildRbacIndex, ruleAllows, serviceAccountUsername, splitServiceAccountUsername, userInfo,
  type Grant, type PermissionsResult, type ResourceRequest, type RoleRefInfo, type RuleInfo, type Subject, type UserInfo,
} from '../index.js';
import type { RbacIndex } from '../index.js';
import bootstrap from './bootstrap.json' with { type: 'json' };
import defaults from './default-roles.json' with { type: 'json' };
import { DEFAULT_PRIVILEGED_NAMESPACES } from './catalog.js';

export interface RbacAnalysisOptions {
  /** Namespaces whose RoleBindings count like ClusterRoleBindings for the `privileged` checks (default: kube-system). */
  privilegedNamespaces?: readonly string[];
  /** Also report the grants of the Kubernetes bootstrap policy (by default they are expected and set aside). */
  includeBootstrap?: boolean;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const BUILTIN_SOURCE = '(Kubernetes default ClusterRole, not in the input)';

/** A subject with everything a binding grants it: the grants of one question. */
export interface Holder {
  subject: Subject;
  grants: Grant[];
}

/** A RoleBinding or ClusterRoleBinding as the evaluator reads it (first of duplicates), with its valid subjects resolved. */
export interface BindingRecord {
  object: InventoryObject;
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** `""` for ClusterRoleBindings. */
  namespace: string;
  roleRef: { kind: string; name: string };
  /** `kind\0namespace\0name` of the role the roleRef names (namespace only for a Role). */
  roleKey: string;
  /** Subjects that can match a user (User, Group, ServiceAccount with a namespace), ServiceAccount namespace defaulted; with their index in `subjects`. */
  subjects: { subject: Subject; index: number }[];
}

/** The rules a binding's role gives, as the evaluator resolved them. */
export interface BindingRules {
  role: RoleRefInfo;
  rules: RuleInfo[];
}

export interface WorkloadRecord {
  object: InventoryObject;
  pod: PodTemplate;
  namespace: string;
  serviceAccount: string;
  /** Path of spec.serviceAccountName in the object. */
  serviceAccountPath: JsonPath;
  /** The pod gets an API token (automounted, or a projected serviceAccountToken volume). */
  tokenMounted: boolean;
}

export interface TokenSecret {
  object: InventoryObject;
  namespace: string;
  name: string;
  serviceAccount: string;
}

/** `Kind\0namespace\0name`: one key per subject. */
export function subjectKey(subject: Subject): string {
  return `${subject.kind}\u0000${subject.namespace ?? ''}\u0000${subject.name}`;
}

/** The key under which the evaluator matches the subject to users: `u:` user name (ServiceAccounts as theirs), `g:` group. */
export function matchKey(subject: Subject): string | undefined {
  if (subject.kind === 'User') return `u:${subject.name}`;
  if (subject.kind === 'Group') return `g:${subject.name}`;
  if (subject.kind === 'ServiceAccount' && subject.namespace) return `u:${serviceAccountUsername(subject.namespace, subject.name)}`;
  return undefined;
}

/**
 * Who a subject stands for when asked as a user: a User or ServiceAccount itself; for a Group, a
 * member with no other group than those every member has (`system:serviceaccounts:NS` members are
 * service accounts, so also in `system:serviceaccounts`).
 */
export function identityOf(subject: Subject): Required<UserInfo> {
  if (subject.kind === 'ServiceAccount' && subject.namespace) return userInfo(serviceAccountUsername(subject.namespace, subject.name));
  if (subject.kind === 'Group') {
    const groups = [subject.name];
    if (subject.name.startsWith('system:serviceaccounts:')) groups.push('system:serviceaccounts');
    return userInfo({ name: `kubeward:member-of:${subject.name}`, groups });
  }
  return userInfo(subject.name);
}

/** The match keys a user is found under: its name and each of its groups. */
export function identityKeys(user: Required<UserInfo>): string[] {
  return [`u:${user.name}`, ...user.groups.map((g) => `g:${g}`)];
}

/** `ServiceAccount shop/api`, `User alice`, `Group system:authenticated`. */
export function subjectText(subject: Subject): string {
  return subject.kind === 'ServiceAccount' ? `ServiceAccount ${subject.namespace ?? ''}/${subject.name}` : `${subject.kind} ${subject.name}`;
}

/** The subject a user name stands for: a ServiceAccount for `system:serviceaccount:NS:NAME`, else a User. */
export function subjectOfUser(name: string): Subject {
  const sa = splitServiceAccountUsername(name);
  return sa ? { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace } : { kind: 'User', name };
}

/** A probe request nobody names explicitly: only `*` verbs, resources and groups match it. */
export const ANY_VERB = 'kubeward:any-verb';
export const ANY_GROUP = 'kubeward.invalid';
export const ANY_RESOURCE = 'kubeward-any-resource';

interface BootstrapBinding {
  kind: string;
  name: string;
  namespace?: string;
  roleRef: { kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
}

const BOOTSTRAP_LABEL = bootstrap.label;
const BOOTSTRAP_BINDINGS = new Map<string, BootstrapBinding>(
  (bootstrap.bindings as BootstrapBinding[]).map((b) => [`${b.kind}\u0000${b.namespace ?? ''}\u0000${b.name}`, b]),
);
const DEFAULT_ROLES = defaults.roles as unknown as { kind: string; apiVersion: string; metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> } }[];
/** Built-in ClusterRoles a binding may reference without the input defining them, and what each needs beside it (aggregation sources). */
const DEFAULT_ROLE_CLOSURE: Record<string, string[]> = {
  'cluster-admin': ['cluster-admin'],
  admin: ['admin', 'edit', 'view', 'system:aggregate-to-admin', 'system:aggregate-to-edit', 'system:aggregate-to-view'],
  edit: ['edit', 'view', 'system:aggregate-to-edit', 'system:aggregate-to-view'],
  view: ['view', 'system:aggregate-to-view'],
};

function hasBootstrapLabel(obj: InventoryObject | undefined): boolean {
  return obj !== undefined && obj.labels[BOOTSTRAP_LABEL.key] === BOOTSTRAP_LABEL.value;
}

function isRbacObject(obj: InventoryObject): boolean {
  return obj.apiVersion.startsWith(`${RBAC_GROUP}/`);
}

/**
 * The built-in ClusterRoles (cluster-admin, admin, edit, view and the roles the last three
 * aggregate) that some binding references and the input does not define, as inventory objects
 * whose source says they are Kubernetes defaults.
 */
export function missingDefaultRoles(inventory: Inventory): InventoryObject[] {
  const wanted = new Set<string>();
  for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
    for (const obj of inventory.ofKind(kind)) {
      const ref = obj.object.roleRef;
      if (!isRbacObject(obj) || !isJsonObject(ref) || ref.kind !== 'ClusterRole' || typeof ref.name !== 'string') continue;
      if (DEFAULT_ROLE_CLOSURE[ref.name] && !inventory.find('ClusterRole', undefined, ref.name)) for (const name of DEFAULT_ROLE_CLOSURE[ref.name]!) wanted.add(name);
    }
  }
  const added: InventoryObject[] = [];
  for (const role of DEFAULT_ROLES) {
    if (!wanted.has(role.metadata.name) || inventory.find('ClusterRole', undefined, role.metadata.name)) continue;
    const location = { file: BUILTIN_SOURCE, line: 1, column: 1 };
    added.push({
      key: `kubeward:builtin:ClusterRole:${role.metadata.name}`,
      apiVersion: role.apiVersion,
      kind: role.kind,
      name: role.metadata.name,
      namespaceDefaulted: false,
      labels: { ...role.metadata.labels },
      annotations: { ...role.metadata.annotations },
      object: structuredClone(role) as unknown as Record<string, unknown>,
      source: { ...location, origin: 'cluster', locate: () => ({ ...location }) },
    });
  }
  return added;
}

/** The inventory with `missingDefaultRoles` added (the same inventory when none is missing). */
export function withDefaultRoles(inventory: Inventory): { inventory: Inventory; added: InventoryObject[] } {
  const added = missingDefaultRoles(inventory);
  return added.length ? { inventory: new Inventory([...inventory.objects, ...added]), added } : { inventory, added };
}

/** The kinds the evaluator reads (its README: the RBAC objects, and CRDs for the scope of custom resources). */
const EVALUATOR_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'CustomResourceDefinition'];

/** What the evaluator needs, plus the built-in roles: a small inventory to index instead of a copy of everything. */
function evaluatorInventory(inventory: Inventory, added: readonly InventoryObject[]): Inventory {
  return new Inventory([...EVALUATOR_KINDS.flatMap((k) => inventory.ofKind(k)), ...added]);
}

/** What does not depend on the options: the input, the built-in roles it lacks, the index, the records, raw who-can answers. */
export class SharedData {
  readonly inventory: Inventory;
  readonly index: RbacIndex;
  readonly added: readonly InventoryObject[];
  readonly builtin: ReadonlySet<InventoryObject>;
  /** The built-in ClusterRoles added, by name (the input inventory does not have them). */
  readonly addedByName: ReadonlyMap<string, InventoryObject>;
  readonly bindings: readonly BindingRecord[];
  readonly workloads: readonly WorkloadRecord[];
  readonly tokenSecrets: readonly TokenSecret[];
  readonly resourceNames: ReadonlySet<string>;
  readonly whoCan = new Map<string, Holder[]>();
  readonly rules = new Map<string, BindingRules | null>();
  readonly permissions = new Map<string, PermissionsResult>();
  private readonly roleRefs = new Map<string, RoleRefInfo>();
  readonly identities = new Map<string, { user: Required<UserInfo>; keys: string[] }>();

  /** who-can entries as holders, each role reference shared by all grants of that role (the evaluator makes one per grant). */
  intern(entries: { subject: Subject; grants: Grant[] }[]): Holder[] {
    for (const e of entries) {
      for (const g of e.grants) {
        const k = `${g.role.kind}\u0000${g.role.namespace ?? ''}\u0000${g.role.name}`;
        const role = this.roleRefs.get(k);
        if (!role) this.roleRefs.set(k, g.role);
        else g.role = role; // the answer is ours: share the equal object
      }
    }
    return entries;
  }

  constructor(input: Inventory, index: RbacIndex | undefined) {
    const added = missingDefaultRoles(input);
    const inventory = input;
    this.inventory = input;
    this.added = added;
    this.builtin = new Set(added);
    this.addedByName = new Map(added.map((r) => [r.name, r]));
    this.index = added.length === 0 && index ? index : buildRbacIndex(added.length ? evaluatorInventory(input, added) : input);
    this.bindings = readBindings(inventory);
    this.workloads = readWorkloads(inventory);
    this.tokenSecrets = readTokenSecrets(inventory);
    const names = new Set<string>();
    for (const kind of ['Role', 'ClusterRole']) {
      for (const role of [...inventory.ofKind(kind), ...(kind === 'ClusterRole' ? added : [])]) {
        const rules = role.object.rules;
        if (!Array.isArray(rules)) continue;
        for (const rule of rules) if (isJsonObject(rule) && Array.isArray(rule.resourceNames)) for (const n of rule.resourceNames) if (n !== null && n !== undefined) names.add(String(n));
      }
    }
    this.resourceNames = names;
  }
}

export class RbacAnalysisContext {
  /** The input (the built-in ClusterRoles added for the evaluator are not in it: see `objectOf`). */
  readonly inventory: Inventory;
  readonly index: RbacIndex;
  /** Built-in ClusterRoles added because bindings reference them and the input lacks them. */
  readonly addedRoles: readonly InventoryObject[];
  readonly privilegedNamespaces: ReadonlySet<string>;
  /** Bootstrap grants count like any other (else they are set aside by `holders` and the binding readers). */
  readonly includeBootstrap: boolean;
  readonly bindings: readonly BindingRecord[];
  readonly workloads: readonly WorkloadRecord[];
  readonly tokenSecrets: readonly TokenSecret[];
  /** ServiceAccounts per namespace: the objects of the inventory, the accounts workloads run as, and `default`. */
  readonly serviceAccounts: ReadonlyMap<string, ReadonlySet<string>>;
  /** Every namespace the input mentions (objects, RoleBindings, ServiceAccount subjects), plus default and the privileged ones. */
  readonly namespaces: readonly string[];
  /** Every name listed in some rule's resourceNames: only those need a named question (others get the answer of a nameless one). */
  readonly resourceNames: ReadonlySet<string>;

  private readonly shared: SharedData;
  private readonly whoCanMemo = new Map<string, Map<string, Holder>>();
  private readonly bindMemo = new Map<string, Map<string, Holder>>();
  private readonly bootstrapMemo = new Map<string, boolean>();
  private readonly mentionMemo = new Map<string, boolean>();

  /** @internal use `analysisContext`. */
  constructor(shared: SharedData, options: RbacAnalysisOptions = {}) {
    this.shared = shared;
    this.inventory = shared.inventory;
    this.index = shared.index;
    this.addedRoles = shared.added;
    this.bindings = shared.bindings;
    this.workloads = shared.workloads;
    this.tokenSecrets = shared.tokenSecrets;
    this.resourceNames = shared.resourceNames;
    this.privilegedNamespaces = new Set(options.privilegedNamespaces ?? DEFAULT_PRIVILEGED_NAMESPACES);
    this.includeBootstrap = options.includeBootstrap === true;
    const accounts = new Map<string, Set<string>>();
    const addAccount = (namespace: string, name: string): void => {
      let set = accounts.get(namespace);
      if (!set) accounts.set(namespace, (set = new Set()));
      set.add(name);
    };
    for (const sa of this.inventory.ofKind('ServiceAccount')) addAccount(sa.namespace ?? 'default', sa.name);
    for (const w of this.workloads) addAccount(w.namespace, w.serviceAccount);
    const namespaces = new Set<string>(['default', ...this.privilegedNamespaces, ...this.inventory.namespaces(), ...this.inventory.ofKind('Namespace').map((n) => n.name)]);
    for (const b of this.bindings) {
      if (b.namespace) namespaces.add(b.namespace);
      for (const { subject } of b.subjects) if (subject.namespace) namespaces.add(subject.namespace);
    }
    for (const ns of namespaces) addAccount(ns, 'default'); // every namespace has its default ServiceAccount
    this.serviceAccounts = accounts;
    this.namespaces = [...namespaces].sort();
  }

  isBuiltin(obj: InventoryObject | undefined): boolean {
    return obj !== undefined && this.shared.builtin.has(obj);
  }

  isPrivileged(namespace: string): boolean {
    return this.privilegedNamespaces.has(namespace);
  }

  /** The object a grant's binding is, or a role is (undefined for what the input does not have). */
  objectOf(kind: string, namespace: string | undefined, name: string): InventoryObject | undefined {
    return this.inventory.find(kind, kind === 'ClusterRole' || kind === 'ClusterRoleBinding' ? undefined : namespace, name)
      ?? (kind === 'ClusterRole' ? this.shared.addedByName.get(name) : undefined);
  }

  /**
   * Whether a grant is part of the Kubernetes bootstrap policy: the binding is one bootstrap.json
   * lists (or a `system:controller:NAME` binding of the ServiceAccount kube-system/NAME), it and its
   * role carry `kubernetes.io/bootstrapping: rbac-defaults`, its roleRef is the expected role, and the
   * subject is one the policy binds.
   */
  isBootstrapGrant(grant: Grant): boolean {
    const b = grant.binding;
    // most bindings are not named like the bootstrap policy: no need to look further
    if (!b.name.startsWith(bootstrap.controllers.prefix) && !BOOTSTRAP_BINDINGS.has(`${b.kind}\u0000${b.namespace ?? ''}\u0000${b.name}`)) return false;
    const key = `${b.kind}\u0000${b.namespace ?? ''}\u0000${b.name}\u0000${subjectKey(grant.subject)}\u0000${grant.role.kind}\u0000${grant.role.name}`;
    let known = this.bootstrapMemo.get(key);
    if (known === undefined) this.bootstrapMemo.set(key, (known = this.computeBootstrap(grant)));
    return known;
  }

  /** A bootstrap grant, unless `includeBootstrap`: set aside by every reader of this context. */
  isExpected(grant: Grant): boolean {
    return !this.includeBootstrap && this.isBootstrapGrant(grant);
  }

  private computeBootstrap(grant: Grant): boolean {
    const b = grant.binding;
    const entry = BOOTSTRAP_BINDINGS.get(`${b.kind}\u0000${b.namespace ?? ''}\u0000${b.name}`) ?? controllerBinding(b.kind, b.namespace, b.name);
    if (!entry) return false;
    if (grant.role.kind !== entry.roleRef.kind || grant.role.name !== entry.roleRef.name) return false;
    if (!entry.subjects.some((s) => s.kind === grant.subject.kind && s.name === grant.subject.name && (s.namespace ?? '') === (grant.subject.namespace ?? ''))) return false;
    if (!hasBootstrapLabel(this.objectOf(b.kind, b.namespace, b.name))) return false;
    return hasBootstrapLabel(this.objectOf(grant.role.kind, grant.role.namespace, grant.role.name));
  }

  /**
   * Every subject granted `request` through any binding (ClusterRoleBindings and RoleBindings of
   * every namespace), expected grants set aside; each grant carries its scope (`*` or a namespace).
   * The request must not carry a namespace: callers filter grants by scope.
   */
  holders(request: ResourceRequest): ReadonlyMap<string, Holder> {
    const key = JSON.stringify(request);
    let known = this.whoCanMemo.get(key);
    if (!known) {
      let raw = this.shared.whoCan.get(key);
      if (!raw) this.shared.whoCan.set(key, (raw = this.shared.intern(this.index.whoCan(request, { allNamespaces: true }).entries)));
      known = new Map();
      for (const entry of raw) {
        // most holders have no bootstrap grant: share the entry
        const grants = entry.grants.some((g) => this.isExpected(g)) ? entry.grants.filter((g) => !this.isExpected(g)) : entry.grants;
        if (grants.length) known.set(subjectKey(entry.subject), grants === entry.grants ? entry : { subject: entry.subject, grants });
      }
      this.whoCanMemo.set(key, known);
    }
    return known;
  }

  /**
   * `holders`, asked the way the API server's `bind` check asks: in the namespace of the binding
   * being written. For a cluster-scoped resource (clusterroles) the evaluator's requests carry no
   * namespace, so RoleBindings never count; here, the rules of each RoleBinding are tested against
   * the request in that RoleBinding's namespace (with the evaluator's `ruleAllows`).
   */
  bindHolders(request: ResourceRequest): ReadonlyMap<string, Holder> {
    if (this.index.resources.isNamespaced(request.apiGroup, request.resource) !== false) return this.holders(request);
    const key = JSON.stringify(request);
    let known = this.bindMemo.get(key);
    if (!known) {
      known = new Map([...this.holders(request)].map(([k, h]) => [k, { subject: h.subject, grants: [...h.grants] }]));
      for (const binding of this.bindings) {
        if (binding.kind !== 'RoleBinding' || !this.mayMention(binding, request.resource)) continue;
        const rules = this.bindingRules(binding);
        const rule = rules?.rules.find((r) => ruleAllows({ ...request, namespace: binding.namespace }, r.rule));
        if (!rules || !rule) continue;
        for (const { subject } of binding.subjects) {
          const grant: Grant = { binding: bindingRef(binding), subject, role: rules.role, rule, scope: binding.namespace };
          if (this.isExpected(grant)) continue;
          const k = subjectKey(subject);
          const holder = known.get(k);
          if (holder) holder.grants.push(grant);
          else known.set(k, { subject, grants: [grant] });
        }
      }
      this.bindMemo.set(key, known);
    }
    return known;
  }

  /**
   * A cheap filter before asking the evaluator for a binding's rules: whether its role, as written,
   * could have a rule naming `resource` (or `*`, or containing the text `match`). Aggregated
   * ClusterRoles and roles the input lacks always may.
   */
  mayMention(binding: BindingRecord, resource: string, match?: string): boolean {
    const key = `${binding.roleKey}\u0000${resource}\u0000${match ?? ''}`;
    let known = this.mentionMemo.get(key);
    if (known === undefined) {
      const role = this.objectOf(binding.roleRef.kind, binding.namespace, binding.roleRef.name);
      if (!role || (role.kind === 'ClusterRole' && isJsonObject(role.object.aggregationRule))) known = true;
      else {
        const rules = Array.isArray(role.object.rules) ? role.object.rules : [];
        known = rules.some((r) => isJsonObject(r) && ((Array.isArray(r.resources) && r.resources.some((x) => x === '*' || x === resource || (typeof x === 'string' && x.startsWith(`${resource}/`))))
          || (match !== undefined && JSON.stringify(r).includes(match))));
      }
      this.mentionMemo.set(key, known);
    }
    return known;
  }

  /** The user a subject stands for (see `identityOf`) and the keys it is matched under, memoized. */
  identity(subject: Subject): { user: Required<UserInfo>; keys: string[] } {
    const key = subjectKey(subject);
    let known = this.shared.identities.get(key);
    if (!known) {
      const user = identityOf(subject);
      this.shared.identities.set(key, (known = { user, keys: identityKeys(user) }));
    }
    return known;
  }

  /** The evaluator's effective permissions of a user (memoized). */
  permissionsOf(user: Required<UserInfo>): PermissionsResult {
    const key = `${user.name}\u0000${user.groups.join('\u0000')}`;
    let known = this.shared.permissions.get(key);
    if (!known) this.shared.permissions.set(key, (known = this.index.permissions(user)));
    return known;
  }

  /**
   * The rules a binding grants, as the evaluator resolved its role (aggregation included): read from
   * the permissions of one of its subjects. Undefined when the binding grants nothing (missing role,
   * no subject that can match).
   */
  bindingRules(binding: BindingRecord): BindingRules | undefined {
    const roleKey = binding.roleKey;
    const cached = this.shared.rules.get(roleKey);
    if (cached !== undefined) return cached ?? undefined;
    const first = binding.subjects.find((s) => s.subject.kind !== 'Group') ?? binding.subjects[0];
    if (!first) return undefined;
    const perms = this.permissionsOf(identityOf(first.subject));
    const scope = binding.kind === 'ClusterRoleBinding' ? '*' : binding.namespace;
    const rules = perms.namespaces.find((n) => n.namespace === scope)?.rules.filter((r) => r.binding.kind === binding.kind && r.binding.name === binding.name && (r.binding.namespace ?? '') === binding.namespace);
    if (!rules || rules.length === 0) {
      // a missing role (or one without rules) gives nothing to any binding; anything else is about this binding only
      const missing = this.index.diagnostics.some((d) => d.code === 'missing-role' && d.object.kind === binding.kind && d.object.name === binding.name && (d.object.namespace ?? '') === binding.namespace);
      if (missing) this.shared.rules.set(roleKey, null);
      return undefined;
    }
    const result: BindingRules = { role: rules[0]!.role, rules: rules.map((r) => r.rule) };
    this.shared.rules.set(roleKey, result);
    return result;
  }

  /** The ServiceAccounts of a namespace (objects, accounts workloads run as, default). */
  accountsIn(namespace: string): string[] {
    return [...(this.serviceAccounts.get(namespace) ?? [])].sort();
  }
}

function controllerBinding(kind: string, namespace: string | undefined, name: string): BootstrapBinding | undefined {
  const c = bootstrap.controllers;
  if (!name.startsWith(c.prefix) || name.length === c.prefix.length) return undefined;
  const account = name.slice(c.prefix.length);
  const subjects = [{ kind: 'ServiceAccount', name: account, namespace: c.serviceAccountNamespace }];
  if (kind === 'ClusterRoleBinding') return { kind, name, roleRef: { kind: 'ClusterRole', name }, subjects };
  if (kind === 'RoleBinding' && namespace && c.roleBindingNamespaces.includes(namespace)) return { kind, name, namespace, roleRef: { kind: 'Role', name }, subjects };
  return undefined;
}

export function bindingRef(binding: BindingRecord): Grant['binding'] {
  const ref: Grant['binding'] = { kind: binding.kind, name: binding.name, source: { file: binding.object.source.file, line: binding.object.source.line, column: binding.object.source.column } };
  if (binding.kind === 'RoleBinding') ref.namespace = binding.namespace;
  return ref;
}

function readBindings(inventory: Inventory): BindingRecord[] {
  const out: BindingRecord[] = [];
  const seen = new Set<string>();
  for (const kind of ['ClusterRoleBinding', 'RoleBinding'] as const) {
    for (const obj of inventory.ofKind(kind)) {
      if (!isRbacObject(obj)) continue;
      const namespace = kind === 'RoleBinding' ? (obj.namespace ?? '') : '';
      const key = `${kind}\u0000${namespace}\u0000${obj.name}`;
      if (seen.has(key)) continue; // the API server keeps one object per name: the evaluator reads the first
      seen.add(key);
      const ref = isJsonObject(obj.object.roleRef) ? obj.object.roleRef : {};
      const subjects: BindingRecord['subjects'] = [];
      const raw = Array.isArray(obj.object.subjects) ? obj.object.subjects : [];
      raw.forEach((s, index) => {
        // read as the evaluator reads it: a scalar name is its text (YAML 1.1 makes `y` a boolean)
        if (!isJsonObject(s) || s.name === undefined || s.name === null || typeof s.name === 'object') return;
        const name = String(s.name);
        if (name === '') return;
        if (s.kind === 'User' || s.kind === 'Group') subjects.push({ subject: { kind: s.kind, name }, index });
        else if (s.kind === 'ServiceAccount') {
          const ns = typeof s.namespace === 'string' && s.namespace ? s.namespace : namespace;
          if (ns) subjects.push({ subject: { kind: 'ServiceAccount', name, namespace: ns }, index });
        }
      });
      const roleRef = { kind: String(ref.kind ?? ''), name: String(ref.name ?? '') };
      out.push({ object: obj, kind, name: obj.name, namespace, roleRef, roleKey: `${roleRef.kind}\u0000${roleRef.kind === 'Role' ? namespace : ''}\u0000${roleRef.name}`, subjects });
    }
  }
  return out;
}

function readWorkloads(inventory: Inventory): WorkloadRecord[] {
  const out: WorkloadRecord[] = [];
  for (const obj of inventory.objects) {
    if (obj.kind === 'PodTemplate') continue;
    const pod = podTemplateOf(obj);
    if (!pod || ownedByInventory(obj, inventory)) continue;
    const namespace = obj.namespace ?? 'default';
    const serviceAccount = typeof pod.spec.serviceAccountName === 'string' && pod.spec.serviceAccountName !== '' ? pod.spec.serviceAccountName : 'default';
    const account = inventory.find('ServiceAccount', namespace, serviceAccount);
    const own = pod.spec.automountServiceAccountToken;
    const fromAccount = account?.object.automountServiceAccountToken;
    const automounted = typeof own === 'boolean' ? own : typeof fromAccount === 'boolean' ? fromAccount : true;
    out.push({ object: obj, pod, namespace, serviceAccount, serviceAccountPath: [...pod.specPath, 'serviceAccountName'], tokenMounted: automounted || projectsToken(pod) });
  }
  return out;
}

/** A Pod or ReplicaSet whose controlling owner is in the input too: the owner is what is reported. */
function ownedByInventory(obj: InventoryObject, inventory: Inventory): boolean {
  const metadata = obj.object.metadata;
  const owners = isJsonObject(metadata) && Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : [];
  return owners.some((o) => isJsonObject(o) && o.controller === true && typeof o.kind === 'string' && typeof o.name === 'string' && inventory.find(o.kind, obj.namespace, o.name) !== undefined);
}

function projectsToken(pod: PodTemplate): boolean {
  const volumes = Array.isArray(pod.spec.volumes) ? pod.spec.volumes : [];
  return volumes.some((v) => isJsonObject(v) && isJsonObject(v.projected) && Array.isArray(v.projected.sources) && v.projected.sources.some((s) => isJsonObject(s) && isJsonObject(s.serviceAccountToken)));
}

function readTokenSecrets(inventory: Inventory): TokenSecret[] {
  const out: TokenSecret[] = [];
  for (const obj of inventory.ofKind('Secret')) {
    const account = obj.annotations['kubernetes.io/service-account.name'];
    if (obj.object.type !== 'kubernetes.io/service-account-token' || !account) continue;
    out.push({ object: obj, namespace: obj.namespace ?? 'default', name: obj.name, serviceAccount: account });
  }
  return out;
}

const contexts = new WeakMap<Inventory, { index: RbacIndex | undefined; shared: SharedData; byOptions: Map<string, RbacAnalysisContext> }[]>();

/**
 * The analysis context of an inventory: built once per inventory and index, then once per options
 * (the risky-grant checks and the escalation graph share the index and the who-can answers).
 */
export function analysisContext(inventory: Inventory, index?: RbacIndex, options: RbacAnalysisOptions = {}): RbacAnalysisContext {
  const key = JSON.stringify([[...(options.privilegedNamespaces ?? DEFAULT_PRIVILEGED_NAMESPACES)].sort(), options.includeBootstrap === true]);
  let list = contexts.get(inventory);
  if (!list) contexts.set(inventory, (list = []));
  let entry = list.find((c) => index === undefined || c.index === index);
  if (!entry) list.push((entry = { index, shared: new SharedData(inventory, index), byOptions: new Map() }));
  let context = entry.byOptions.get(key);
  if (!context) entry.byOptions.set(key, (context = new RbacAnalysisContext(entry.shared, options)));
  return context;
}
