import type { PodTemplate } from '../../inventory/index.js';
import { podCheck, type Check, type CheckContext, type Violation } from '../check.js';
import { containerLabel } from '../security-context.js';
import { entries, kubeLinter, kubescape, kubescapeDoc, ksv, meta, objectAt, polaris, resourceContainers, violation } from './util.js';

// CPU and memory requests and limits, judged as the API server would store them:
//  - a container limit without a request makes the request equal to the limit (API defaulting);
//  - a LimitRange of type Container in the namespace fills in defaults at admission
//    (default → limit; defaultRequest, else default, else max, else min → request;
//    max also becomes the default limit — SetDefaults_LimitRangeItem);
//  - pod-level resources (spec.resources) bound every container that sets none.
// Ephemeral containers cannot set resources and are not checked.

type Resource = 'cpu' | 'memory';
type Kind = 'requests' | 'limits';

/** Resources a namespace's LimitRanges default for containers. */
function limitRangeDefaults(context: CheckContext, namespace: string | undefined): { requests: Set<string>; limits: Set<string>; names: string[] } {
  const requests = new Set<string>();
  const limits = new Set<string>();
  const names: string[] = [];
  for (const range of context.inventory.ofKind('LimitRange')) {
    if (range.namespace !== namespace) continue;
    for (const { entry } of entries(objectAt(range.object, 'spec')?.limits)) {
      if (entry.type !== 'Container') continue;
      const keys = (field: string): string[] => Object.keys(objectAt(entry, field) ?? {});
      for (const key of [...keys('default'), ...keys('max')]) limits.add(key);
      for (const key of [...keys('defaultRequest'), ...keys('default'), ...keys('max'), ...keys('min')]) requests.add(key);
      names.push(range.name);
    }
  }
  return { requests, limits, names };
}

const has = (container: Record<string, unknown>, kind: Kind, resource: Resource): boolean => {
  const value = objectAt(objectAt(container, 'resources'), kind)?.[resource];
  return value !== undefined && value !== null && value !== '';
};

function missing(kind: Kind, resource: Resource) {
  const noun = `${resource === 'cpu' ? 'CPU' : 'memory'} ${kind === 'requests' ? 'request' : 'limit'}`;
  return (pod: PodTemplate, context: CheckContext): Violation[] => {
    // Pod-level resources cover every container (requests also default from pod-level limits).
    if (has(pod.spec, kind, resource) || (kind === 'requests' && has(pod.spec, 'limits', resource))) return [];
    const defaults = limitRangeDefaults(context, pod.workload.namespace);
    if ((kind === 'requests' ? defaults.requests : defaults.limits).has(resource)) return [];
    return resourceContainers(pod).flatMap((container) => {
      if (has(container.spec, kind, resource)) return [];
      if (kind === 'requests' && has(container.spec, 'limits', resource)) return []; // request defaults to the limit
      const ranges = defaults.names.length > 0 ? ` and LimitRange ${defaults.names.map((n) => `\`${n}\``).join(', ')} gives no default` : ', and no LimitRange in its namespace gives a default';
      return [violation([...container.path, 'resources', kind, resource], `${containerLabel(container)} sets no ${noun}${ranges}`, { container })];
    });
  };
}

const RESOURCES_DOC = 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/';
const LIMIT_RANGE_DOC = 'https://kubernetes.io/docs/concepts/policy/limit-range/';
const SCHEDULING_RATIONALE = 'Without a request the scheduler treats the container as needing nothing: nodes get overcommitted, the pod lands in the BestEffort QoS class and is the first evicted under pressure, and capacity planning has nothing to go on.';
const LIMIT_RATIONALE = 'Without a limit one container can take all of the node\'s';

/** KW-WL-021 */
export const cpuRequest = podCheck(meta({
  id: 'KW-WL-021',
  title: 'CPU request missing',
  severity: 'low',
  description: 'A container or init container has no resources.requests.cpu, no CPU limit it would default from, and neither pod-level resources nor a LimitRange in its namespace supply one.',
  rationale: SCHEDULING_RATIONALE,
  remediation: 'Set resources.requests.cpu on every container (e.g. 100m), or give the namespace a LimitRange with a defaultRequest for cpu.',
  references: [RESOURCES_DOC, LIMIT_RANGE_DOC, kubescapeDoc('C-0268')],
  aliases: [...ksv('KSV-0015'), ...kubescape('C-0268', 'C-0050'), ...polaris('cpuRequestsMissing'), ...kubeLinter('unset-cpu-requirements')],
}), missing('requests', 'cpu'));

/** KW-WL-022 */
export const cpuLimit = podCheck(meta({
  id: 'KW-WL-022',
  title: 'CPU limit missing',
  severity: 'low',
  description: 'A container or init container has no resources.limits.cpu, and neither pod-level resources nor a LimitRange in its namespace supply one.',
  rationale: `${LIMIT_RATIONALE} CPU: a compromised or runaway container (e.g. a crypto miner) starves every other pod on the node, a denial of service that spreads beyond the workload.`,
  remediation: 'Set resources.limits.cpu on every container, or give the namespace a LimitRange with a default cpu limit.',
  references: [RESOURCES_DOC, LIMIT_RANGE_DOC, kubescapeDoc('C-0270')],
  aliases: [...ksv('KSV-0011'), ...kubescape('C-0270', 'C-0050', 'C-0009'), ...polaris('cpuLimitsMissing'), ...kubeLinter('unset-cpu-requirements')],
}), missing('limits', 'cpu'));

/** KW-WL-023 */
export const memoryRequest = podCheck(meta({
  id: 'KW-WL-023',
  title: 'Memory request missing',
  severity: 'low',
  description: 'A container or init container has no resources.requests.memory, no memory limit it would default from, and neither pod-level resources nor a LimitRange in its namespace supply one.',
  rationale: SCHEDULING_RATIONALE,
  remediation: 'Set resources.requests.memory on every container, or give the namespace a LimitRange with a defaultRequest for memory.',
  references: [RESOURCES_DOC, LIMIT_RANGE_DOC, kubescapeDoc('C-0269')],
  aliases: [...ksv('KSV-0016'), ...kubescape('C-0269', 'C-0004'), ...polaris('memoryRequestsMissing'), ...kubeLinter('unset-memory-requirements')],
}), missing('requests', 'memory'));

/** KW-WL-024 */
export const memoryLimit = podCheck(meta({
  id: 'KW-WL-024',
  title: 'Memory limit missing',
  severity: 'low',
  description: 'A container or init container has no resources.limits.memory, and neither pod-level resources nor a LimitRange in its namespace supply one.',
  rationale: `${LIMIT_RATIONALE} memory: the kernel OOM killer then picks victims across the node, taking down other workloads, and a memory leak or an attacker becomes a node-wide denial of service.`,
  remediation: 'Set resources.limits.memory on every container, or give the namespace a LimitRange with a default memory limit.',
  references: [RESOURCES_DOC, LIMIT_RANGE_DOC, kubescapeDoc('C-0271')],
  aliases: [...ksv('KSV-0018'), ...kubescape('C-0271', 'C-0004', 'C-0009'), ...polaris('memoryLimitsMissing'), ...kubeLinter('unset-memory-requirements')],
}), missing('limits', 'memory'));

export const RESOURCE_CHECKS: readonly Check[] = [cpuRequest, cpuLimit, memoryRequest, memoryLimit];
