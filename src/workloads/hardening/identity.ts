import type { InventoryObject, PodTemplate } from '../../inventory/index.js';
import { podCheck, type Check, type CheckContext } from '../check.js';
import { cis, kubeLinter, kubescape, kubescapeDoc, ksv, meta, mitre, polaris, violation } from './util.js';

// The pod's Kubernetes API identity: which ServiceAccount it runs as and whether its token is mounted.

const SERVICE_ACCOUNT_DOC = 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/';

/** The pod's ServiceAccount name (normalization fills in `default` when the manifest leaves it out). */
export function serviceAccountName(pod: PodTemplate): string {
  return typeof pod.spec.serviceAccountName === 'string' && pod.spec.serviceAccountName !== '' ? pod.spec.serviceAccountName : 'default';
}

/** The ServiceAccount object the pod runs as, when the scan has it. */
export function serviceAccountOf(pod: PodTemplate, context: CheckContext): InventoryObject | undefined {
  const name = serviceAccountName(pod);
  return context.inventory.find('ServiceAccount', pod.workload.namespace, name);
}

/** Whether the kubelet mounts the API token: the pod's setting, else the ServiceAccount's, else true. */
export function tokenAutomounted(pod: PodTemplate, context: CheckContext): { mounted: boolean; decidedBy: 'pod' | 'serviceAccount' | 'default'; serviceAccount: InventoryObject | undefined } {
  const serviceAccount = serviceAccountOf(pod, context);
  const own = pod.spec.automountServiceAccountToken;
  if (typeof own === 'boolean') return { mounted: own, decidedBy: 'pod', serviceAccount };
  const fromAccount = serviceAccount?.object.automountServiceAccountToken;
  if (typeof fromAccount === 'boolean') return { mounted: fromAccount, decidedBy: 'serviceAccount', serviceAccount };
  return { mounted: true, decidedBy: 'default', serviceAccount };
}

/** KW-WL-030 */
export const tokenAutomount = podCheck(meta({
  id: 'KW-WL-030',
  title: 'Service account token automounted',
  severity: 'medium',
  description: 'The pod gets a Kubernetes API token mounted: pod.spec.automountServiceAccountToken is true, or it is unset and the pod\'s ServiceAccount does not set automountServiceAccountToken: false.',
  rationale: 'Every process in the pod can read the token under /var/run/secrets/kubernetes.io/serviceaccount and call the API server with the ServiceAccount\'s permissions. Most applications never talk to the API; for them the token is only a credential waiting to be stolen after a compromise.',
  remediation: 'Set automountServiceAccountToken: false on the pod (or on its ServiceAccount). Pods that do call the API should use a dedicated ServiceAccount with a minimal Role, or a projected token volume with a short expiry and a specific audience.',
  references: [SERVICE_ACCOUNT_DOC, kubescapeDoc('C-0034'), kubescapeDoc('C-0190')],
  aliases: [...ksv('KSV-0036'), ...kubescape('C-0034', 'C-0190'), ...cis('5.1.6'), ...polaris('automountServiceAccountToken'), ...mitre('T1528')],
}), (pod, context) => {
  const outcome = tokenAutomounted(pod, context);
  if (!outcome.mounted) return [];
  const path = [...pod.specPath, 'automountServiceAccountToken'];
  const name = serviceAccountName(pod);
  if (outcome.decidedBy === 'pod') return [violation(path, 'the pod sets automountServiceAccountToken: true', { value: true })];
  if (outcome.decidedBy === 'serviceAccount') {
    return [violation(path, `the pod does not set automountServiceAccountToken and its ServiceAccount \`${name}\` sets it to true, so the API token is mounted`)];
  }
  const account = outcome.serviceAccount
    ? `its ServiceAccount \`${name}\` does not set automountServiceAccountToken: false either`
    : `its ServiceAccount \`${name}\` is not among the scanned objects`;
  return [violation(path, `the pod does not set automountServiceAccountToken and ${account}, so the API token is mounted (the Kubernetes default)`)];
});

/** KW-WL-032 */
export const defaultServiceAccount = podCheck(meta({
  id: 'KW-WL-032',
  title: 'Pod runs as the default service account',
  severity: 'low',
  description: 'The pod runs as the `default` ServiceAccount of its namespace, explicitly or because it names none.',
  rationale: 'The default ServiceAccount is shared by every pod in the namespace that does not choose another. Any permission granted to it for one workload is granted to all of them, and its token (when mounted) is a credential for all of them; permissions cannot be reviewed per workload.',
  remediation: 'Create a ServiceAccount per workload, set spec.serviceAccountName to it, and set automountServiceAccountToken: false on the default ServiceAccount.',
  references: [SERVICE_ACCOUNT_DOC, kubescapeDoc('C-0189')],
  aliases: [...kubescape('C-0189'), ...cis('5.1.5'), ...kubeLinter('default-service-account')],
}), (pod, context) => {
  if (serviceAccountName(pod) !== 'default') return [];
  const token = tokenAutomounted(pod, context).mounted ? ' with its API token mounted' : ' (its token is not mounted)';
  return [violation([...pod.specPath, 'serviceAccountName'], `the pod runs as the namespace's \`default\` ServiceAccount${token}`, { value: 'default' })];
});

export const IDENTITY_CHECKS: readonly Check[] = [tokenAutomount, defaultServiceAccount];
