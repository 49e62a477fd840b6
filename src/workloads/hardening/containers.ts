import { podCheck } from '../check.js';
import { containerLabel, containerSetting, isWindowsPod } from '../security-context.js';
import { cis, isEmptySetting, kubeLinter, kubescape, kubescapeDoc, ksv, meta, polaris, SECURITY_CONTEXT_DOC, show, violation } from './util.js';

// Container-level securityContext hygiene that the Pod Security Standards do not cover.

/** KW-WL-020: the container's root filesystem can be written. */
export const readOnlyRootFilesystem = podCheck(meta({
  id: 'KW-WL-020',
  title: 'Root filesystem not read-only',
  severity: 'medium',
  description: 'A container (or init / ephemeral container) does not set securityContext.readOnlyRootFilesystem: true.',
  rationale: 'A writable root filesystem lets an attacker who gets code execution drop tools, replace binaries or libraries the application loads, and persist across process restarts inside the container. A read-only root, with emptyDir volumes for the few paths that must be written, removes that foothold.',
  remediation: 'Set securityContext.readOnlyRootFilesystem: true on every container and mount an emptyDir (or a memory-backed emptyDir) where the application writes, e.g. /tmp.',
  references: [SECURITY_CONTEXT_DOC, kubescapeDoc('C-0017')],
  aliases: [...ksv('KSV-0014'), ...kubescape('C-0017'), ...polaris('notReadOnlyRootFilesystem'), ...kubeLinter('no-read-only-root-fs')],
}), (pod) => {
  // readOnlyRootFilesystem is a Linux-only field; Windows pods cannot set it.
  if (isWindowsPod(pod)) return [];
  return pod.containers.flatMap((container) => {
    const setting = containerSetting(container, 'readOnlyRootFilesystem');
    if (setting.value === true) return [];
    const why = setting.from === 'unset' ? 'does not set readOnlyRootFilesystem' : `sets readOnlyRootFilesystem: ${show(setting.value)}`;
    return [violation(setting.path, `${containerLabel(container)} ${why}, so its root filesystem is writable`, { value: setting.value, container })];
  });
});

/** KW-WL-044: neither the pod nor the container has any securityContext. */
export const noSecurityContext = podCheck(meta({
  id: 'KW-WL-044',
  title: 'No security context on container or pod',
  severity: 'medium',
  description: 'A container has no securityContext (or an empty one) and the pod has no securityContext either, so every security setting is left to the runtime defaults.',
  rationale: 'Without any securityContext the container runs as the image\'s user (often root), can escalate privileges, keeps the runtime\'s default capabilities and a writable root filesystem. A security context is where least privilege is written down; its complete absence usually means nobody looked.',
  remediation: 'Add a pod securityContext (runAsNonRoot: true, runAsUser/runAsGroup above 10000, seccompProfile RuntimeDefault) and a container securityContext (allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities.drop: [ALL]).',
  references: [SECURITY_CONTEXT_DOC, kubescapeDoc('C-0211')],
  aliases: [...ksv('KSV-0118'), ...kubescape('C-0211'), ...cis('5.6.3')],
}), (pod) => {
  if (!isEmptySetting(pod.spec.securityContext)) return [];
  return pod.containers
    .filter((container) => isEmptySetting(container.spec.securityContext))
    .map((container) => violation([...container.path, 'securityContext'],
      `neither ${containerLabel(container)} nor its pod sets a securityContext`, { container }));
});
