import { isJsonObject, podTemplateOf, type Inventory, type InventoryObject, type PodTemplate } from '../../inventory/index.js';
import { isRbacObject } from './bootstrap-policy.js';
import type { BindingRecord, TokenSecret, WorkloadRecord } from './context.js';

// The input read as records the analysis works on: bindings (as the evaluator reads them), the
// workloads with the service account they run as and whether its token is mounted, token Secrets.

export function readBindings(inventory: Inventory): BindingRecord[] {
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

export function readWorkloads(inventory: Inventory): WorkloadRecord[] {
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

export function readTokenSecrets(inventory: Inventory): TokenSecret[] {
  const out: TokenSecret[] = [];
  for (const obj of inventory.ofKind('Secret')) {
    const account = obj.annotations['kubernetes.io/service-account.name'];
    if (obj.object.type !== 'kubernetes.io/service-account-token' || !account) continue;
    out.push({ object: obj, namespace: obj.namespace ?? 'default', name: obj.name, serviceAccount: account });
  }
  return out;
}
