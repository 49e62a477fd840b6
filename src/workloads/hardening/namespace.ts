import { WORKLOAD_KINDS, type InventoryObject } from '../../inventory/index.js';
import { objectCheck, type Check } from '../check.js';
import { cis, kubeLinter, kubescape, kubescapeDoc, ksv, meta, violation } from './util.js';

/**
 * Namespaced kinds KW-WL-031 looks at: every workload kind plus the built-in (and Gateway API)
 * namespaced kinds people deploy from manifests. Custom resources are not listed: a check reads the
 * kinds it names, and the framework has no "every kind" selector.
 */
export const DEFAULT_NAMESPACE_KINDS: readonly string[] = [
  ...WORKLOAD_KINDS,
  'Service', 'Endpoints', 'EndpointSlice', 'Ingress', 'NetworkPolicy',
  'ConfigMap', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding',
  'PersistentVolumeClaim', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'LimitRange', 'ResourceQuota',
  'Lease', 'ControllerRevision', 'CSIStorageCapacity',
  'Gateway', 'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute', 'ReferenceGrant',
];

/** Objects the API server itself creates in `default`; they are there whatever the user does. */
function createdByKubernetes(object: InventoryObject): boolean {
  switch (object.kind) {
    case 'Service': case 'Endpoints': case 'EndpointSlice': return object.name === 'kubernetes';
    case 'ServiceAccount': return object.name === 'default';
    case 'ConfigMap': return object.name === 'kube-root-ca.crt';
    case 'Secret': return object.object.type === 'kubernetes.io/service-account-token' && object.annotations['kubernetes.io/service-account.name'] === 'default';
    default: return false;
  }
}

/** KW-WL-031 */
export const defaultNamespace = objectCheck(meta({
  id: 'KW-WL-031',
  title: 'Object placed in the default namespace',
  severity: 'low',
  description: 'The manifest puts the object in the `default` namespace explicitly (metadata.namespace: default). Objects that name no namespace are not reported: where they land depends on how they are applied. Objects Kubernetes itself creates there (the `kubernetes` Service, the `default` ServiceAccount, kube-root-ca.crt) are ignored.',
  rationale: 'The default namespace is where everything without a home ends up. Workloads there share its default ServiceAccount, its NetworkPolicies (usually none) and its Pod Security level with unrelated objects, and RBAC or quota boundaries cannot separate them.',
  remediation: 'Create a namespace per application or team and deploy the object there; give that namespace its own NetworkPolicies, Pod Security Admission labels and RBAC.',
  references: ['https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/', kubescapeDoc('C-0212')],
  aliases: [...ksv('KSV-0110'), ...kubescape('C-0212', 'C-0061'), ...cis('5.6.4'), ...kubeLinter('use-namespace')],
}), DEFAULT_NAMESPACE_KINDS, (object) => {
  if (object.namespace !== 'default' || object.namespaceDefaulted || createdByKubernetes(object)) return [];
  return [violation(['metadata', 'namespace'], `${object.kind} \`${object.name}\` is placed in the \`default\` namespace`, { value: 'default' })];
});

export const NAMESPACE_CHECKS: readonly Check[] = [defaultNamespace];
