import type { Alias, CheckMeta } from '../../core/catalog.js';
import type { Category, Severity } from '../../core/severity.js';
import { isJsonObject, type ContainerView, type JsonObject, type JsonPath, type PodTemplate } from '../../inventory/index.js';
import type { Violation } from '../check.js';

// Helpers shared by the hardening and exposure checks. They only read; nothing here knows a controller kind.

export interface MetaInput {
  id: string;
  title: string;
  severity: Severity;
  /** Defaults to `workloads`. */
  category?: Category;
  description: string;
  rationale: string;
  remediation: string;
  references: string[];
  aliases: Alias[];
}

export function meta(input: MetaInput): CheckMeta {
  const { category = 'workloads', ...rest } = input;
  return { ...rest, category };
}

const aliasesOf = (framework: Alias['framework']) => (...ids: string[]): Alias[] => ids.map((id) => ({ framework, id }));

/** Alias builders, one per framework: `ksv('KSV-0014')`, `kubescape('C-0017')`… */
export const ksv = aliasesOf('KSV');
export const kubescape = aliasesOf('Kubescape');
export const cis = aliasesOf('CIS');
export const polaris = aliasesOf('Polaris');
export const kubeLinter = aliasesOf('KubeLinter');
export const mitre = aliasesOf('MITRE');

/** Kubescape's page for a control id, e.g. C-0017. */
export const kubescapeDoc = (id: string): string => `https://kubescape.io/docs/controls/${id.toLowerCase()}/`;
export const SECURITY_CONTEXT_DOC = 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/';

/** A violation; `value` and `container` are set only when given. */
export function violation(path: JsonPath, detail: string, options: { value?: unknown; container?: ContainerView | string } = {}): Violation {
  const out: Violation = { path, detail };
  if (options.value !== undefined && options.value !== null) out.value = options.value;
  if (options.container !== undefined) out.container = typeof options.container === 'string' ? options.container : options.container.name;
  return out;
}

/** A value as a sentence shows it. */
export function show(value: unknown): string {
  if (value === undefined || value === null) return 'unset';
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}

/** `a`, `a and b`, `a, b and c`. */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function objectAt(value: unknown, key: string): JsonObject | undefined {
  if (!isJsonObject(value)) return undefined;
  const inner = value[key];
  return isJsonObject(inner) ? inner : undefined;
}

/** Entries of an array field that are objects, with their index. */
export function entries(value: unknown): { entry: JsonObject; index: number }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry, index) => (isJsonObject(entry) ? [{ entry, index }] : []));
}

/** True when `value` is absent, null or an empty mapping — i.e. says nothing. */
export function isEmptySetting(value: unknown): boolean {
  return value === undefined || value === null || (isJsonObject(value) && Object.keys(value).length === 0);
}

/** A hostPath volume of the pod, with the path to its `hostPath.path`. */
export interface HostPathVolume {
  name: string;
  hostPath: string;
  index: number;
  /** Path from the object root to `volumes[index].hostPath.path`. */
  path: JsonPath;
}

export function hostPathVolumes(pod: PodTemplate): HostPathVolume[] {
  return entries(pod.spec.volumes).flatMap(({ entry, index }) => {
    const hostPath = objectAt(entry, 'hostPath');
    if (!hostPath || typeof hostPath.path !== 'string') return [];
    const name = typeof entry.name === 'string' ? entry.name : `#${index}`;
    return [{ name, hostPath: hostPath.path, index, path: [...pod.specPath, 'volumes', index, 'hostPath', 'path'] }];
  });
}

/** One container's volumeMount of a volume, with the path to the mount. */
export interface VolumeMount {
  container: ContainerView;
  mount: JsonObject;
  index: number;
  path: JsonPath;
  mountPath: string;
  /** subPath when set (subPathExpr cannot be resolved statically and is reported as-is). */
  subPath?: string;
  subPathExpr?: string;
  readOnly: boolean;
}

/** Every mount of the named volume, across containers, init and ephemeral containers. */
export function mountsOf(pod: PodTemplate, volumeName: string): VolumeMount[] {
  return pod.containers.flatMap((container) => entries(container.spec.volumeMounts)
    .filter(({ entry }) => entry.name === volumeName)
    .map(({ entry, index }) => {
      const mount: VolumeMount = {
        container, mount: entry, index,
        path: [...container.path, 'volumeMounts', index],
        mountPath: typeof entry.mountPath === 'string' ? entry.mountPath : '?',
        readOnly: entry.readOnly === true,
      };
      if (typeof entry.subPath === 'string' && entry.subPath !== '') mount.subPath = entry.subPath;
      if (typeof entry.subPathExpr === 'string' && entry.subPathExpr !== '') mount.subPathExpr = entry.subPathExpr;
      return mount;
    }));
}

/** Containers that can carry resources (ephemeral containers cannot). */
export function resourceContainers(pod: PodTemplate): ContainerView[] {
  return pod.containers.filter((c) => c.list !== 'ephemeralContainers');
}
