/**
 * What the risky-grant checks and the escalation graph share: one RBAC index (over the input and
 * the built-in ClusterRoles that bindings reference but the input lacks), memoized who-can
 * answers with the Kubernetes bootstrap grants set aside, the bindings as records, and the
 * workloads, service accounts and token Secrets that grants are attributed to.
 *
 * Every permission question goes to the evaluator (`whoCan`, `permissions`, `ruleAllows`); nothing
 * here matches rules itself.
 */
import { Inventory, isJsonObject, type InventoryObject, type JsonPath, type PodTemplate } from '../../inventory/index.js';
import {
  buildRbacIndex, ruleAllows,
  type Grant, type PermissionsResult, type ResourceRequest, type RoleRefInfo, type RuleInfo, type Subject, type UserInfo,
} from '../index.js';
import type { RbacIndex } from '../index.js';
import bootstrap from './bootstrap.json' with { type: 'json' };
import { BOOTSTRAP_BINDINGS, controllerBinding, evaluatorInventory, hasBootstrapLabel, missingDefaultRoles } from './bootstrap-policy.js';
import { readBindings, readTokenSecrets, readWorkloads } from './records.js';
import { identityKeys, identityOf, subjectKey } from './subjects.js';
import { DEFAULT_PRIVILEGED_NAMESPACES } from './catalog.js';

export { BUILTIN_SOURCE, missingDefaultRoles, withDefaultRoles } from './bootstrap-policy.js';
export { identityKeys, identityOf, matchKey, subjectKey, subjectOfUser, subjectText } from './subjects.js';

export interface RbacAnalysisOptions {
  /** Namespaces whose RoleBindings count like ClusterRoleBindings for the `privileged` checks (default: kube-system). */
  privilegedNamespaces?: readonly string[];
  /** Also report the grants of the Kubernetes bootstrap policy (by default they are expected and set aside). */
  includeBootstrap?: boolean;
}


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

/** A probe request nobody names explicitly: only `*` verbs, resources and groups match it. */
export const ANY_VERB = 'kubeward:any-verb';
export const ANY_GROUP = 'kubeward.invalid';
export const ANY_RESOURCE = 'kubeward-any-resource';

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


export function bindingRef(binding: BindingRecord): Grant['binding'] {
  const ref: Grant['binding'] = { kind: binding.kind, name: binding.name, source: { file: binding.object.source.file, line: binding.object.source.line, column: binding.object.source.column } };
  if (binding.kind === 'RoleBinding') ref.namespace = binding.namespace;
  return ref;
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
