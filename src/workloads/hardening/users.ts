import type { ContainerView, PodTemplate } from '../../inventory/index.js';
import { podCheck, type Check, type Violation } from '../check.js';
import { containerLabel, effectiveSetting, isWindowsPod, podSetting } from '../security-context.js';
import { ksv, listing, meta, SECURITY_CONTEXT_DOC, show, violation } from './util.js';

// User and group ids the containers run with. The kubelet resolves runAsUser / runAsGroup as
// "container value, else pod value"; a pod-level value is reported once, at the pod, naming the
// containers that inherit it, so one line of YAML gives one piece of evidence.

/** Highest id that may collide with a node's own users and groups (Trivy KSV-0020 / KSV-0021). */
export const HOST_ID_CEILING = 10000;

const asId = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) ? value : undefined);

/** Per container, the effective value of `field`; pod-level values grouped with the containers inheriting them. */
function resolve(pod: PodTemplate, field: 'runAsUser' | 'runAsGroup'): {
  own: { container: ContainerView; value: unknown; path: readonly (string | number)[] }[];
  inherited: ContainerView[];
  unset: { container: ContainerView; path: readonly (string | number)[] }[];
} {
  const own: { container: ContainerView; value: unknown; path: readonly (string | number)[] }[] = [];
  const inherited: ContainerView[] = [];
  const unset: { container: ContainerView; path: readonly (string | number)[] }[] = [];
  for (const container of pod.containers) {
    const setting = effectiveSetting(pod, container, field);
    if (setting.from === 'container') own.push({ container, value: setting.value, path: setting.path });
    else if (setting.from === 'pod') inherited.push(container);
    else unset.push({ container, path: setting.path });
  }
  return { own, inherited, unset };
}

const names = (containers: ContainerView[]): string => listing(containers.map(containerLabel));

function lowIdViolations(pod: PodTemplate, field: 'runAsUser' | 'runAsGroup', noun: 'user' | 'group'): Violation[] {
  if (isWindowsPod(pod)) return []; // Windows uses windowsOptions.runAsUserName
  const { own, inherited, unset } = resolve(pod, field);
  const out: Violation[] = [];
  for (const { container, value, path } of own) {
    const id = asId(value);
    if (id !== undefined && id <= HOST_ID_CEILING) out.push(violation(path, `${containerLabel(container)} runs with ${field}: ${id} (≤ ${HOST_ID_CEILING})`, { value: id, container }));
  }
  const podLevel = podSetting(pod, field);
  const podId = asId(podLevel.value);
  if (inherited.length > 0 && podId !== undefined && podId <= HOST_ID_CEILING) {
    out.push(violation(podLevel.path, `the pod sets ${field}: ${podId} (≤ ${HOST_ID_CEILING}), used by ${names(inherited)}`, { value: podId }));
  }
  for (const { container, path } of unset) {
    out.push(violation(path, `neither ${containerLabel(container)} nor its pod sets ${field}, so the image's ${noun} applies (often root, id 0)`, { container }));
  }
  return out;
}

/** KW-WL-038 */
export const lowUserId = podCheck(meta({
  id: 'KW-WL-038',
  title: 'Container user id 10000 or lower',
  severity: 'low',
  description: 'The effective runAsUser of a container (its own, else the pod\'s) is 10000 or lower, or is not set at all so the image decides.',
  rationale: 'Low user ids are the ones node accounts use. If a container breaks out, or shares a hostPath volume with the node, its processes act as whatever node user has the same id. Ids above 10000 make such collisions unlikely; an unset id usually means root.',
  remediation: 'Set securityContext.runAsUser to a value above 10000 (for example 10001) at the pod level, and build the image so it works as that user.',
  references: [SECURITY_CONTEXT_DOC],
  aliases: [...ksv('KSV-0020')],
}), (pod) => lowIdViolations(pod, 'runAsUser', 'user'));

/** KW-WL-039 */
export const lowGroupId = podCheck(meta({
  id: 'KW-WL-039',
  title: 'Container group id 10000 or lower',
  severity: 'low',
  description: 'The effective runAsGroup of a container (its own, else the pod\'s) is 10000 or lower, or is not set at all so the image decides.',
  rationale: 'A primary group id shared with node groups gives a container that escapes, or that writes to a hostPath, the file permissions of that node group. An unset group usually means the root group.',
  remediation: 'Set securityContext.runAsGroup to a value above 10000 (for example 10001) at the pod level.',
  references: [SECURITY_CONTEXT_DOC],
  aliases: [...ksv('KSV-0021')],
}), (pod) => lowIdViolations(pod, 'runAsGroup', 'group'));

/** KW-WL-040 */
export const rootGroup = podCheck(meta({
  id: 'KW-WL-040',
  title: 'Runs with the root group',
  severity: 'low',
  description: 'A container\'s effective runAsGroup is 0, or the pod sets fsGroup: 0 or lists 0 in supplementalGroups.',
  rationale: 'Group 0 owns many files on the node and in images that are writable by the group. A process in the root group can change them, and after an escape it keeps those permissions on the host.',
  remediation: 'Use non-zero group ids for runAsGroup, fsGroup and supplementalGroups.',
  references: [SECURITY_CONTEXT_DOC],
  aliases: [...ksv('KSV-0116')],
}), (pod) => {
  if (isWindowsPod(pod)) return [];
  const out: Violation[] = [];
  const { own, inherited } = resolve(pod, 'runAsGroup');
  for (const { container, value, path } of own) {
    if (asId(value) === 0) out.push(violation(path, `${containerLabel(container)} sets runAsGroup: 0`, { value: 0, container }));
  }
  const podGroup = podSetting(pod, 'runAsGroup');
  if (inherited.length > 0 && asId(podGroup.value) === 0) {
    out.push(violation(podGroup.path, `the pod sets runAsGroup: 0, used by ${names(inherited)}`, { value: 0 }));
  }
  const fsGroup = podSetting(pod, 'fsGroup');
  if (asId(fsGroup.value) === 0) out.push(violation(fsGroup.path, 'the pod sets fsGroup: 0, so its volumes are group-owned by root', { value: 0 }));
  const supplemental = podSetting(pod, 'supplementalGroups');
  if (Array.isArray(supplemental.value)) {
    supplemental.value.forEach((group, index) => {
      if (asId(group) === 0) out.push(violation([...supplemental.path, index], `the pod adds supplemental group 0 (root) to every container: supplementalGroups ${show(supplemental.value)}`, { value: 0 }));
    });
  }
  return out;
});

export const USER_CHECKS: readonly Check[] = [lowUserId, lowGroupId, rootGroup];
