import type { ContainerView } from '../../inventory/index.js';
import { podCheck, type Check, type Violation } from '../check.js';
import { capabilities, capabilityPath, containerLabel, containerSetting, isWindowsPod } from '../security-context.js';
import { cis, kubeLinter, kubescape, kubescapeDoc, ksv, meta, mitre, polaris, SECURITY_CONTEXT_DOC, violation } from './util.js';

/**
 * The capability set containerd and Docker (moby) give a container unless told otherwise
 * (containerd `oci.defaultCapabilities`, moby `caps.DefaultCapabilities`). CRI-O's default set is
 * smaller and leaves out NET_RAW; kubeward assumes the common containerd / Docker default.
 */
export const RUNTIME_DEFAULT_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** How a capability ends up in (or out of) a container's bounding set, and the entry responsible. */
export interface CapabilityOutcome {
  granted: boolean;
  /** `add` / `drop` entry that decided it, when one did. */
  by?: { list: 'add' | 'drop'; raw: string; index: number };
  /** True when the container is privileged: every capability, whatever the lists say. */
  privileged: boolean;
}

/**
 * Whether `capability` (normalized: upper case, no CAP_) is in the container's capability set, the
 * way the CRI runtimes build it: start from the default set; `add: [ALL]` grants everything;
 * `drop: [ALL]` then clears everything; individually named adds are applied next and individually
 * named drops last (containerd `WithCapabilities`, CRI-O `setupCapabilities`).
 */
export function capabilityOutcome(container: ContainerView, capability: string): CapabilityOutcome {
  const add = capabilities(container, 'add');
  const drop = capabilities(container, 'drop');
  const privileged = containerSetting(container, 'privileged').value === true;
  const entry = (list: 'add' | 'drop', cap: { raw: string; index: number }) => ({ list, raw: cap.raw, index: cap.index });

  if (privileged) return { granted: true, privileged };
  const droppedByName = drop.find((c) => c.name === capability);
  if (droppedByName) return { granted: false, by: entry('drop', droppedByName), privileged };
  const addedByName = add.find((c) => c.name === capability);
  if (addedByName) return { granted: true, by: entry('add', addedByName), privileged };
  const dropAll = drop.find((c) => c.name === 'ALL');
  if (dropAll) return { granted: false, by: entry('drop', dropAll), privileged };
  const addAll = add.find((c) => c.name === 'ALL');
  if (addAll) return { granted: true, by: entry('add', addAll), privileged };
  return { granted: RUNTIME_DEFAULT_CAPABILITIES.has(capability), privileged };
}

/** Containers that end up holding a capability they only get when the manifest adds it. */
function addedCapability(capability: string) {
  return (container: ContainerView): Violation[] => {
    const outcome = capabilityOutcome(container, capability);
    if (!outcome.granted || !outcome.by || outcome.by.list !== 'add') return [];
    const how = outcome.by.raw.toUpperCase() === 'ALL' ? `adds capability ALL, which includes ${capability}` : `adds capability ${outcome.by.raw}`;
    return [violation(capabilityPath(container, 'add', outcome.by.index), `${containerLabel(container)} ${how}`, { value: outcome.by.raw, container })];
  };
}

const CAPABILITIES_DOC = `${SECURITY_CONTEXT_DOC}#set-capabilities-for-a-container`;

/** KW-WL-035 */
export const netRaw = podCheck(meta({
  id: 'KW-WL-035',
  title: 'NET_RAW capability retained',
  severity: 'medium',
  description: 'A container keeps the NET_RAW capability: it adds it, runs privileged, or simply does not drop it (NET_RAW is in the containerd and Docker default capability set), i.e. capabilities.drop contains neither ALL nor NET_RAW.',
  rationale: 'NET_RAW lets a process open raw sockets and forge packets: ARP and DNS spoofing against other pods on the node, and several kernel exploits (e.g. CVE-2020-14386) need it. Few applications use it; ping is the usual exception.',
  remediation: 'Add NET_RAW, or better ALL, to securityContext.capabilities.drop (and add back only what the process needs, e.g. NET_BIND_SERVICE).',
  references: [CAPABILITIES_DOC, kubescapeDoc('C-0199')],
  aliases: [...ksv('KSV-0119'), ...kubescape('C-0199'), ...cis('5.2.8'), ...polaris('insecureCapabilities'), ...kubeLinter('drop-net-raw-capability')],
}), (pod) => {
  if (isWindowsPod(pod)) return []; // Linux capabilities do not apply
  return pod.containers.flatMap((container) => {
    const outcome = capabilityOutcome(container, 'NET_RAW');
    if (!outcome.granted) return [];
    const label = containerLabel(container);
    if (outcome.privileged) {
      return [violation([...container.path, 'securityContext', 'privileged'], `${label} runs privileged, which grants NET_RAW whatever its capability lists say`, { value: true, container })];
    }
    if (outcome.by) {
      const how = outcome.by.raw.toUpperCase() === 'ALL' ? 'adds capability ALL, which includes NET_RAW' : `adds capability ${outcome.by.raw}`;
      return [violation(capabilityPath(container, 'add', outcome.by.index), `${label} ${how}`, { value: outcome.by.raw, container })];
    }
    const drops = capabilities(container, 'drop').map((c) => c.raw);
    const current = drops.length > 0 ? `capabilities.drop lists only ${drops.join(', ')}` : 'it drops no capabilities';
    return [violation(capabilityPath(container, 'drop'), `${label} keeps NET_RAW from the runtime's default set: ${current}`, { value: drops.length > 0 ? drops : undefined, container })];
  });
});

/** KW-WL-036 */
export const sysAdmin = podCheck(meta({
  id: 'KW-WL-036',
  title: 'SYS_ADMIN capability added',
  severity: 'high',
  description: 'A container adds the SYS_ADMIN capability (named, with or without CAP_, in any case, or through ALL) and does not drop it again.',
  rationale: 'SYS_ADMIN is "the new root": it allows mount, unshare, bpf and many other privileged operations, and most published container escapes (cgroup release_agent, mounting the host disk) start from it.',
  remediation: 'Remove SYS_ADMIN (and ALL) from securityContext.capabilities.add. If a narrow feature needs it (e.g. FUSE), use a dedicated device plugin or a more specific capability.',
  references: [CAPABILITIES_DOC, 'https://man7.org/linux/man-pages/man7/capabilities.7.html'],
  aliases: [...ksv('KSV-0005'), ...kubescape('C-0046'), ...polaris('dangerousCapabilities'), ...mitre('T1611')],
}), (pod) => pod.containers.flatMap(addedCapability('SYS_ADMIN')));

/** KW-WL-037 */
export const sysModule = podCheck(meta({
  id: 'KW-WL-037',
  title: 'SYS_MODULE capability added',
  severity: 'high',
  description: 'A container adds the SYS_MODULE capability (named, with or without CAP_, in any case, or through ALL) and does not drop it again.',
  rationale: 'SYS_MODULE lets the container load kernel modules into the node\'s kernel: arbitrary code in ring 0, i.e. full control of the node and every pod on it.',
  remediation: 'Remove SYS_MODULE (and ALL) from securityContext.capabilities.add; load the modules a workload needs on the node itself.',
  references: [CAPABILITIES_DOC, 'https://man7.org/linux/man-pages/man7/capabilities.7.html'],
  aliases: [...ksv('KSV-0120'), ...kubescape('C-0046'), ...mitre('T1611')],
}), (pod) => pod.containers.flatMap(addedCapability('SYS_MODULE')));

export const CAPABILITY_CHECKS: readonly Check[] = [netRaw, sysAdmin, sysModule];
