import { podCheck, type Check } from '../check.js';
import { entries, ksv, listing, meta, show, violation } from './util.js';

// Pod-level settings that weaken isolation between the pod's own containers, or between the pod and
// the node's name resolution.

/** KW-WL-033 */
export const sharedProcessNamespace = podCheck(meta({
  id: 'KW-WL-033',
  title: 'Process namespace shared between containers',
  severity: 'medium',
  description: 'The pod sets shareProcessNamespace: true.',
  rationale: 'With a shared PID namespace every container sees and can signal the processes of the others, and can read their environment and files through /proc/<pid>/environ and /proc/<pid>/root: a compromised sidecar reaches the main container\'s secrets and file system.',
  remediation: 'Remove shareProcessNamespace (it defaults to false). For debugging, use an ephemeral container targeting a single container (kubectl debug --target) instead.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/'],
  aliases: [],
}), (pod) => (pod.spec.shareProcessNamespace === true
  ? [violation([...pod.specPath, 'shareProcessNamespace'], 'the pod sets shareProcessNamespace: true, so its containers see each other\'s processes, environment and files', { value: true })]
  : []));

/** KW-WL-034 */
export const hostAliases = podCheck(meta({
  id: 'KW-WL-034',
  title: 'Pod manages /etc/hosts (hostAliases)',
  severity: 'low',
  description: 'The pod sets hostAliases, which writes extra entries into every container\'s /etc/hosts.',
  rationale: 'hostAliases override DNS for the listed names inside the pod. They hide where traffic really goes from reviewers and from DNS-based controls, and are a simple way to redirect a workload\'s connections (e.g. to an attacker-controlled endpoint) without touching the image.',
  remediation: 'Remove spec.hostAliases and publish the names in DNS (a Service, an ExternalName Service, or CoreDNS configuration).',
  references: ['https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/'],
  aliases: [...ksv('KSV-0007')],
}), (pod) => {
  const aliases = pod.spec.hostAliases;
  if (!Array.isArray(aliases) || aliases.length === 0) return [];
  const pairs = entries(aliases).map(({ entry }) => {
    const hostnames = Array.isArray(entry.hostnames) ? entry.hostnames.map(show) : [];
    return `${hostnames.join(', ') || '(no hostnames)'} → ${show(entry.ip)}`;
  });
  return [violation([...pod.specPath, 'hostAliases'], `the pod writes /etc/hosts entries: ${listing(pairs)}`, { value: aliases })];
});

export const POD_CHECKS: readonly Check[] = [sharedProcessNamespace, hostAliases];
