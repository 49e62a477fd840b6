import { alias, type Alias, type CheckMeta } from '../../core/catalog.js';
import type { Category, Severity } from '../../core/severity.js';
import type { ContainerView, JsonObject, JsonPath, PodTemplate } from '../../inventory/index.js';
import { entries, objectAt } from '../helpers.js';

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

export const { ksv, kubescape, cis, polaris, kubeLinter, mitre } = alias;
export { entries, isEmptySetting, listing, objectAt, show, violation } from '../helpers.js';

/** Kubescape's page for a control id, e.g. C-0017. */
export { kubescapeDoc } from '../../core/catalog.js';
export const SECURITY_CONTEXT_DOC = 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/';







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
