import type { ResourceRef, SourcePosition } from '../core/finding.js';

/** A JSON path from an object's root: keys and array indexes. */
export type JsonPath = readonly (string | number)[];

export type JsonObject = Record<string, unknown>;

/** How an object came into the scan. */
export type Origin = 'file' | 'stdin' | 'kustomize' | 'helm' | 'cluster';

/** Where an object came from, and how to find any of its fields in that source. */
export interface ObjectSource {
  file: string;
  line: number;
  column: number;
  origin: Origin;
  /** Position of `path` in the source, or of its closest ancestor present there. */
  locate(path: JsonPath): SourcePosition;
}

/** One Kubernetes object as the scan sees it: normalized, with its source. */
export interface InventoryObject {
  /** Unique within one inventory. */
  key: string;
  apiVersion: string;
  kind: string;
  name: string;
  /** Set for namespaced kinds (defaulted to `default` when the manifest leaves it out). */
  namespace?: string;
  /** True when the manifest itself did not name a namespace. */
  namespaceDefaulted: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The normalized object (API defaults applied). */
  object: JsonObject;
  source: ObjectSource;
}

/** Kinds the API server keeps outside namespaces. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'RuntimeClass', 'IngressClass', 'CSIDriver', 'CSINode', 'VolumeAttachment',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'APIService',
  'CertificateSigningRequest', 'PodSecurityPolicy', 'FlowSchema', 'PriorityLevelConfiguration',
  'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterTrustBundle', 'GatewayClass', 'ComponentStatus',
  'TokenReview', 'SubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview',
  // configuration files of the control plane and the nodes, which live outside any namespace
  'EncryptionConfiguration', 'AdmissionConfiguration', 'KubeletConfiguration', 'KubeProxyConfiguration',
  'KubeSchedulerConfiguration', 'AuthenticationConfiguration', 'AuthorizationConfiguration', 'TracingConfiguration',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `path` from `root`; undefined when any step is missing or of the wrong shape. */
export function getPath(root: unknown, path: JsonPath): unknown {
  let node: unknown = root;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[step];
    } else {
      if (!isJsonObject(node)) return undefined;
      node = node[step];
    }
  }
  return node;
}

/** `['spec', 'containers', 0, 'image']` → `spec.containers[0].image`; keys with dots are quoted. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(step)) out += out ? `.${step}` : step;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

const refs = new WeakMap<InventoryObject, ResourceRef>();

/** The reference findings use for `obj` (one shared, read-only value per object). */
export function resourceRef(obj: InventoryObject): ResourceRef {
  const known = refs.get(obj);
  if (known) return known;
  const ref: ResourceRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.name };
  if (obj.namespace !== undefined) ref.namespace = obj.namespace;
  ref.source = { file: obj.source.file, line: obj.source.line, column: obj.source.column };
  refs.set(obj, ref);
  return ref;
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isJsonObject(value)) return out;
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}
