import { Inventory, isJsonObject, type InventoryObject } from '../../inventory/index.js';
import bootstrap from './bootstrap.json' with { type: 'json' };
import defaults from './default-roles.json' with { type: 'json' };

// The Kubernetes bootstrap policy as data: which bindings and roles the API server creates itself
// (their grants are expected, and set aside unless asked for), and the built-in ClusterRoles that
// bindings may reference without the input defining them.

const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const BUILTIN_SOURCE = '(Kubernetes default ClusterRole, not in the input)';

export interface BootstrapBinding {
  kind: string;
  name: string;
  namespace?: string;
  roleRef: { kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
}

const BOOTSTRAP_LABEL = bootstrap.label;
export const BOOTSTRAP_BINDINGS = new Map<string, BootstrapBinding>(
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

export function hasBootstrapLabel(obj: InventoryObject | undefined): boolean {
  return obj !== undefined && obj.labels[BOOTSTRAP_LABEL.key] === BOOTSTRAP_LABEL.value;
}

export function isRbacObject(obj: InventoryObject): boolean {
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
export function evaluatorInventory(inventory: Inventory, added: readonly InventoryObject[]): Inventory {
  return new Inventory([...EVALUATOR_KINDS.flatMap((k) => inventory.ofKind(k)), ...added]);
}


/** The binding kubeadm's controller manager gets for a `system:controller:*` role, when the name is one. */
export function controllerBinding(kind: string, namespace: string | undefined, name: string): BootstrapBinding | undefined {
  const c = bootstrap.controllers;
  if (!name.startsWith(c.prefix) || name.length === c.prefix.length) return undefined;
  const account = name.slice(c.prefix.length);
  const subjects = [{ kind: 'ServiceAccount', name: account, namespace: c.serviceAccountNamespace }];
  if (kind === 'ClusterRoleBinding') return { kind, name, roleRef: { kind: 'ClusterRole', name }, subjects };
  if (kind === 'RoleBinding' && namespace && c.roleBindingNamespaces.includes(namespace)) return { kind, name, namespace, roleRef: { kind: 'Role', name }, subjects };
  return undefined;
}
