import { isJsonObject, type JsonObject, type JsonPath, type ContainerView, type PodTemplate } from '../inventory/index.js';

/** A setting as the kubelet resolves it, and the path it was read from (or where it belongs when unset). */
export interface Setting<T = unknown> {
  value: T | undefined;
  path: JsonPath;
  /** Where it came from: the container's own securityContext, the pod's, or nowhere. */
  from: 'container' | 'pod' | 'unset';
}

/** Fields a container inherits from the pod securityContext when it does not set them (kubelet's DetermineEffectiveSecurityContext). */
export type InheritedField = 'runAsUser' | 'runAsGroup' | 'runAsNonRoot' | 'seccompProfile' | 'appArmorProfile' | 'seLinuxOptions';

export function podSecurityContext(pod: PodTemplate): JsonObject {
  return isJsonObject(pod.spec.securityContext) ? pod.spec.securityContext : {};
}

export function containerSecurityContext(container: ContainerView): JsonObject {
  return isJsonObject(container.spec.securityContext) ? container.spec.securityContext : {};
}

/** The container's setting, else the pod's: the container value replaces the pod value whole. */
export function effectiveSetting<T = unknown>(pod: PodTemplate, container: ContainerView, field: InheritedField): Setting<T> {
  const own = containerSecurityContext(container)[field];
  if (own !== undefined && own !== null) return { value: own as T, path: [...container.path, 'securityContext', field], from: 'container' };
  const inherited = podSecurityContext(pod)[field];
  if (inherited !== undefined && inherited !== null) return { value: inherited as T, path: [...pod.specPath, 'securityContext', field], from: 'pod' };
  return { value: undefined, path: [...container.path, 'securityContext', field], from: 'unset' };
}

/** A container-only securityContext field (privileged, capabilities, readOnlyRootFilesystem…). */
export function containerSetting<T = unknown>(container: ContainerView, field: string): Setting<T> {
  const value = containerSecurityContext(container)[field];
  const path = [...container.path, 'securityContext', field];
  return value === undefined || value === null ? { value: undefined, path, from: 'unset' } : { value: value as T, path, from: 'container' };
}

/** A pod-level securityContext field. */
export function podSetting<T = unknown>(pod: PodTemplate, field: string): Setting<T> {
  const value = podSecurityContext(pod)[field];
  const path = [...pod.specPath, 'securityContext', field];
  return value === undefined || value === null ? { value: undefined, path, from: 'unset' } : { value: value as T, path, from: 'pod' };
}

/** Windows pods (spec.os.name: windows) are exempt from the Linux-only restricted controls. */
export function isWindowsPod(pod: PodTemplate): boolean {
  return isJsonObject(pod.spec.os) && pod.spec.os.name === 'windows';
}

/** `container \`app\`` or `init container \`setup\`` — how findings name a container. */
export function containerLabel(container: ContainerView): string {
  const kind = container.list === 'initContainers' ? 'init container' : container.list === 'ephemeralContainers' ? 'ephemeral container' : 'container';
  return `${kind} \`${container.name}\``;
}

/**
 * The container's capability list (`add` / `drop`). `raw` is the string as written (Pod Security
 * Standards compare it exactly); `name` is upper-case without a CAP_ prefix, as container runtimes read it.
 */
export function capabilities(container: ContainerView, list: 'add' | 'drop'): { raw: string; name: string; index: number }[] {
  const caps = containerSecurityContext(container).capabilities;
  if (!isJsonObject(caps) || !Array.isArray(caps[list])) return [];
  return (caps[list] as unknown[]).map((raw, index) => ({ raw: String(raw), name: String(raw).toUpperCase().replace(/^CAP_/, ''), index }));
}

export function capabilityPath(container: ContainerView, list: 'add' | 'drop', index?: number): JsonPath {
  const base = [...container.path, 'securityContext', 'capabilities', list];
  return index === undefined ? base : [...base, index];
}
