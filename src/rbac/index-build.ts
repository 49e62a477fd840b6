/**
 * The indexes built once per inventory: bindings by subject (for can-i and permissions), rules by
 * resource and URL and bindings by role (for who-can). Queries then touch only what can match.
 */
import type { Inventory } from '../inventory/index.js';
import { loadRbacModel, type BindingModel, type RoleModel } from './model.js';
import { crdResources, ResourceTable } from './resources.js';
import type { Diagnostic, RuleInfo, Subject } from './types.js';

/** One subject of one binding, found under its index key. */
export interface SubjectEntry {
  binding: BindingModel;
  /** The subject with its ServiceAccount namespace defaulted. */
  subject: Subject;
}

/** The bindings of one user or group key: cluster-wide ones and RoleBindings per namespace. */
export interface SubjectBucket {
  cluster: SubjectEntry[];
  byNamespace: Map<string, SubjectEntry[]>;
}

export interface RuleRef {
  role: RoleModel;
  rule: RuleInfo;
}

export interface RbacIndexData {
  resources: ResourceTable;
  roles: RoleModel[];
  bindings: BindingModel[];
  diagnostics: Diagnostic[];
  /** `u:NAME` (users, and ServiceAccounts as their user names) and `g:NAME` (groups) → bindings. */
  bySubject: Map<string, SubjectBucket>;
  /** Rule resource string as written (`pods`, `pods/exec`, `*`, and `*` + `/scale`) → rules that list it. */
  rulesByResource: Map<string, RuleRef[]>;
  /** Non-resource URL as written → rules that list it exactly. */
  rulesByURL: Map<string, RuleRef[]>;
  /** Rules with a non-resource URL ending in `*` (prefix match; `*` alone is the empty prefix). */
  rulesByURLPrefix: { prefix: string; ref: RuleRef }[];
  /** Bindings whose roleRef resolved, per role. */
  bindingsByRole: Map<RoleModel, BindingModel[]>;
}

export function buildIndexData(inventory: Inventory): RbacIndexData {
  const model = loadRbacModel(inventory);
  const data: RbacIndexData = {
    resources: new ResourceTable(crdResources(inventory)),
    roles: model.roles,
    bindings: model.bindings,
    diagnostics: model.diagnostics,
    bySubject: new Map(),
    rulesByResource: new Map(),
    rulesByURL: new Map(),
    rulesByURLPrefix: [],
    bindingsByRole: new Map(),
  };

  for (const binding of model.bindings) {
    if (binding.role) push(data.bindingsByRole, binding.role, binding);
    for (const { subject, userKey } of binding.matchable) {
      let bucket = data.bySubject.get(userKey);
      if (!bucket) data.bySubject.set(userKey, (bucket = { cluster: [], byNamespace: new Map() }));
      const list = binding.kind === 'ClusterRoleBinding' ? bucket.cluster : listIn(bucket.byNamespace, binding.namespace);
      if (list.at(-1)?.binding !== binding) list.push({ binding, subject }); // a user named twice in one binding
    }
  }

  for (const role of model.roles) {
    for (const rule of role.rules) {
      const ref: RuleRef = { role, rule };
      for (const resource of new Set(rule.rule.resources)) push(data.rulesByResource, resource, ref);
      for (const url of new Set(rule.rule.nonResourceURLs)) {
        if (url.endsWith('*')) data.rulesByURLPrefix.push({ prefix: url.replace(/\*+$/, ''), ref });
        else push(data.rulesByURL, url, ref);
      }
    }
  }
  return data;
}

function listIn<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
