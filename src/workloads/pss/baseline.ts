import { isJsonObject, type JsonPath } from '../../inventory/index.js';
import { podCheck, type Check, type Violation } from '../check.js';
import { capabilities, capabilityPath, containerLabel, podSetting } from '../security-context.js';
import {
  APPARMOR_ANNOTATION_PREFIX, allowedAppArmorAnnotation, BASELINE_ADDABLE_CAPABILITIES, badProfileTypes, cis, containerDeclarations, declarations, ksv,
  kubescape, member, pss, pssMeta, SAFE_SYSCTLS, SELINUX_ALLOWED_TYPES, show, violationAt, volumes,
} from './helpers.js';

// ---------------------------------------------------------------------------------------------
// The Baseline checks
// ---------------------------------------------------------------------------------------------

const hostProcess = podCheck(pssMeta('baseline', {
  id: 'KW-WL-001',
  title: 'Windows HostProcess container',
  severity: 'critical',
  description: 'The pod or a container sets securityContext.windowsOptions.hostProcess: true.',
  rationale: 'A HostProcess container runs directly on the Windows node with the host network and file system, with the privileges of a node administrator: nothing isolates it from the node.',
  remediation: 'Remove windowsOptions.hostProcess (or set it to false) from the pod and container securityContexts; run node agents that need it in a dedicated, tightly controlled namespace.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/'],
  aliases: [pss('baseline/host-process'), ...ksv('KSV-0103'), ...kubescape('C-0202'), ...cis('5.2.10')],
}), (pod) => declarations(pod, 'windowsOptions')
  .filter((s) => member(s.value, 'hostProcess') === true)
  .map((s) => violationAt(s, ['hostProcess'], true, `${s.who} sets windowsOptions.hostProcess: true`)));

const hostNamespaces = podCheck(pssMeta('baseline', {
  id: 'KW-WL-002',
  title: 'Host namespaces shared',
  severity: 'high',
  description: 'The pod sets hostNetwork, hostPID or hostIPC to true.',
  rationale: 'Sharing the node\'s network, process or IPC namespace lets the pod sniff or bind node traffic, see and signal every process on the node (and read their environment), or reach host shared memory: a direct path to other workloads and the node.',
  remediation: 'Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).',
  aliases: [pss('baseline/host-namespaces'), ...ksv('KSV-0008', 'KSV-0009', 'KSV-0010'), ...kubescape('C-0038', 'C-0041', 'C-0275', 'C-0276'), ...cis('5.2.3', '5.2.4', '5.2.5')],
}), (pod) => (['hostNetwork', 'hostPID', 'hostIPC'] as const)
  .filter((field) => pod.spec[field] === true)
  .map((field) => violationAt({ path: pod.specPath }, [field], true, `the pod sets ${field}: true`)));

const privileged = podCheck(pssMeta('baseline', {
  id: 'KW-WL-003',
  title: 'Privileged container',
  severity: 'critical',
  description: 'A container sets securityContext.privileged: true.',
  rationale: 'A privileged container gets every capability, all host devices and no seccomp, AppArmor or SELinux confinement: it is root on the node in all but name, and escaping is trivial.',
  remediation: 'Remove securityContext.privileged (or set it to false); add only the specific capabilities the process needs.',
  aliases: [pss('baseline/privileged'), ...ksv('KSV-0017'), ...kubescape('C-0057', 'C-0193'), ...cis('5.2.2')],
}), (pod) => containerDeclarations(pod, 'privileged')
  .filter((s) => s.value === true)
  .map((s) => violationAt(s, [], true, `${s.who} sets privileged: true`)));

const baselineCapabilities = podCheck(pssMeta('baseline', {
  id: 'KW-WL-004',
  title: 'Capabilities added beyond the baseline set',
  severity: 'high',
  description: 'A container adds a Linux capability outside the Baseline allowed list (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT).',
  rationale: 'Capabilities such as SYS_ADMIN, SYS_PTRACE, SYS_MODULE, NET_ADMIN or NET_RAW give a container kernel powers that are known container-escape and lateral-movement paths.',
  remediation: 'Remove the capability from securityContext.capabilities.add. Capabilities are compared exactly as written, as Pod Security Admission does: write allowed ones in upper case without a CAP_ prefix.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container'],
  aliases: [pss('baseline/capabilities'), ...ksv('KSV-0022', 'KSV-0005', 'KSV-0119', 'KSV-0120'), ...kubescape('C-0046', 'C-0200'), ...cis('5.2.9')],
}), (pod) => pod.containers.flatMap((container) => capabilities(container, 'add')
  .filter((cap) => !BASELINE_ADDABLE_CAPABILITIES.has(cap.raw))
  .map((cap) => violationAt({ path: capabilityPath(container, 'add', cap.index), container }, [], cap.raw,
    `${containerLabel(container)} adds capability ${cap.raw}${cap.raw !== cap.name && BASELINE_ADDABLE_CAPABILITIES.has(cap.name) ? ` (allowed only when written ${cap.name})` : ''}`))));

const hostPathVolumes = podCheck(pssMeta('baseline', {
  id: 'KW-WL-005',
  title: 'HostPath volume',
  severity: 'high',
  description: 'The pod mounts a hostPath volume.',
  rationale: 'A hostPath volume exposes the node\'s file system to the pod: host credentials, the container runtime socket, kubelet files or /etc are a write away from taking over the node.',
  remediation: 'Replace the hostPath volume with an emptyDir, configMap, secret, projected or persistentVolumeClaim volume.',
  references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
  aliases: [pss('baseline/host-path-volumes'), ...ksv('KSV-0023'), ...kubescape('C-0048', 'C-0203'), ...cis('5.2.11')],
}), (pod) => volumes(pod)
  .filter(({ volume }) => volume.hostPath !== undefined && volume.hostPath !== null)
  .map(({ volume, path }) => violationAt({ path }, ['hostPath'], member(volume.hostPath, 'path'),
    `volume \`${show(volume.name)}\` mounts host path ${show(member(volume.hostPath, 'path'))}`)));

const hostPorts = podCheck(pssMeta('baseline', {
  id: 'KW-WL-006',
  title: 'Host port',
  severity: 'medium',
  description: 'A container declares a ports[].hostPort other than 0.',
  rationale: 'A host port binds the container directly on the node\'s interfaces, bypassing Services and NetworkPolicy-based exposure reviews, and ties the pod to specific nodes.',
  remediation: 'Remove hostPort and expose the container through a Service (ClusterIP, NodePort or LoadBalancer) instead.',
  aliases: [pss('baseline/host-ports'), ...ksv('KSV-0024'), ...kubescape('C-0044', 'C-0204'), ...cis('5.2.12')],
}), (pod) => pod.containers.flatMap((container) => {
  const ports = container.spec.ports;
  if (!Array.isArray(ports)) return [];
  return ports.flatMap((port, index) => {
    const hostPort = member(port, 'hostPort');
    if (hostPort === undefined || hostPort === null || Number(hostPort) === 0) return [];
    return [violationAt({ path: [...container.path, 'ports', index], container }, ['hostPort'], hostPort, `${containerLabel(container)} binds host port ${show(hostPort)}`)];
  });
}));

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOOKS = ['postStart', 'preStop'] as const;

const hostProbes = podCheck(pssMeta('baseline', {
  id: 'KW-WL-018',
  title: 'Probe or lifecycle hook aimed at another host',
  severity: 'medium',
  description: 'A container\'s liveness, readiness or startup probe, or its postStart/preStop hook, sets httpGet.host or tcpSocket.host (Pod Security Standards baseline since Kubernetes 1.34).',
  rationale: 'The kubelet sends probe and hook requests from the node. A host field lets a pod make the node call any address the node can reach — other nodes, the cloud metadata service, control-plane endpoints — a server-side request forgery through the kubelet.',
  remediation: 'Remove the host field: probes and hooks then target the pod\'s own IP. Expose anything else the check needs through the container itself.',
  references: ['https://github.com/kubernetes/enhancements/tree/master/keps/sig-auth/4940-psa-block-host-field-in-probes'],
  aliases: [pss('baseline/host-probes-lifecycle-hooks')],
}), (pod) => pod.containers.flatMap((container) => {
  const handlers: { path: JsonPath; what: string; handler: unknown }[] = [
    ...PROBES.map((probe) => ({ path: [probe], what: probe, handler: container.spec[probe] })),
    ...HOOKS.map((hook) => ({ path: ['lifecycle', hook], what: `lifecycle.${hook}`, handler: member(container.spec.lifecycle, hook) })),
  ];
  return handlers.flatMap(({ path, what, handler }) => (['httpGet', 'tcpSocket'] as const).flatMap((action) => {
    const host = member(member(handler, action), 'host');
    if (host === undefined || host === null || host === '') return [];
    return [violationAt({ path: [...container.path, ...path, action], container }, ['host'], host, `${containerLabel(container)} ${what}.${action} targets host ${show(host)}`)];
  }));
}));

const appArmor = podCheck(pssMeta('baseline', {
  id: 'KW-WL-007',
  title: 'AppArmor profile overridden or disabled',
  severity: 'medium',
  description: 'The pod or a container sets appArmorProfile.type to something other than RuntimeDefault or Localhost, or a container.apparmor.security.beta.kubernetes.io/<container> annotation to something other than runtime/default or localhost/<profile>.',
  rationale: 'The runtime\'s default AppArmor profile blocks many container-escape techniques; running Unconfined removes that layer.',
  remediation: 'Remove the override, or set securityContext.appArmorProfile.type to RuntimeDefault (or Localhost with a reviewed profile). Replace the deprecated annotations with the appArmorProfile field.',
  references: ['https://kubernetes.io/docs/tutorials/security/apparmor/'],
  aliases: [pss('baseline/apparmor'), ...ksv('KSV-0002')],
}), (pod) => {
  const annotations = isJsonObject(pod.metadata.annotations) ? pod.metadata.annotations : {};
  const fromAnnotations = Object.entries(annotations)
    .filter(([key, value]) => key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAppArmorAnnotation(String(value ?? '')))
    .map(([key, value]) => {
      const name = key.slice(APPARMOR_ANNOTATION_PREFIX.length);
      const violation = violationAt({ path: [...pod.metadataPath, 'annotations'] }, [key], value, `annotation ${key} sets AppArmor profile ${show(value)} for container \`${name}\``);
      if (name) violation.container = name;
      return violation;
    });
  return [...badProfileTypes(declarations(pod, 'appArmorProfile'), 'appArmorProfile'), ...fromAnnotations];
});

const seLinux = podCheck(pssMeta('baseline', {
  id: 'KW-WL-008',
  title: 'Custom SELinux options',
  severity: 'medium',
  description: 'The pod or a container sets seLinuxOptions.type outside container_t, container_init_t, container_kvm_t and container_engine_t, or sets seLinuxOptions.user or seLinuxOptions.role.',
  rationale: 'Other SELinux types (e.g. spc_t or unconfined_t) and custom users or roles can lift the SELinux confinement that keeps container processes away from host files and other containers.',
  remediation: 'Remove seLinuxOptions.user and seLinuxOptions.role, and leave seLinuxOptions.type unset or set it to one of the container types.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container'],
  aliases: [pss('baseline/selinux'), ...ksv('KSV-0025')],
}), (pod) => declarations(pod, 'seLinuxOptions').flatMap((s) => {
  const out: Violation[] = [];
  const type = member(s.value, 'type');
  if (!SELINUX_ALLOWED_TYPES.has(type)) out.push(violationAt(s, ['type'], type, `${s.who} sets seLinuxOptions.type: ${show(type)}`));
  for (const field of ['user', 'role'] as const) {
    const value = member(s.value, field);
    if (value !== undefined && value !== null && value !== '') out.push(violationAt(s, [field], value, `${s.who} sets seLinuxOptions.${field}: ${show(value)}`));
  }
  return out;
}));

const procMount = podCheck(pssMeta('baseline', {
  id: 'KW-WL-009',
  title: 'Unmasked /proc mount',
  severity: 'medium',
  description: 'A container sets securityContext.procMount to something other than Default.',
  rationale: 'The default /proc masks hide kernel interfaces (e.g. /proc/sys, /proc/sysrq-trigger, /proc/kcore) that a container can abuse to read host memory or reconfigure the node.',
  remediation: 'Remove securityContext.procMount or set it to Default.',
  aliases: [pss('baseline/proc-mount'), ...ksv('KSV-0027')],
}), (pod) => containerDeclarations(pod, 'procMount')
  .filter((s) => s.value !== 'Default')
  .map((s) => violationAt(s, [], s.value, `${s.who} sets procMount: ${show(s.value)}`)));

const seccompUnconfined = podCheck(pssMeta('baseline', {
  id: 'KW-WL-010',
  title: 'Seccomp profile set to Unconfined',
  severity: 'medium',
  description: 'The pod or a container sets seccompProfile.type to something other than RuntimeDefault or Localhost (typically Unconfined).',
  rationale: 'An unconfined container can call every system call, including the rarely needed ones behind most kernel container-escape exploits.',
  remediation: 'Set seccompProfile.type to RuntimeDefault (or Localhost with a reviewed profile) at the pod level, and remove Unconfined wherever it is set: a pod-level Unconfined is a finding even when every container overrides it.',
  references: ['https://kubernetes.io/docs/tutorials/security/seccomp/'],
  aliases: [pss('baseline/seccomp'), ...ksv('KSV-0104'), ...cis('5.6.2')],
}), (pod) => badProfileTypes(declarations(pod, 'seccompProfile'), 'seccompProfile'));

const sysctls = podCheck(pssMeta('baseline', {
  id: 'KW-WL-011',
  title: 'Unsafe sysctl',
  severity: 'medium',
  description: 'The pod sets a sysctl outside the safe, namespaced set that Pod Security Standards allow.',
  rationale: 'Sysctls outside the safe set are either not namespaced (they change the node for every pod) or can disable kernel security mechanisms.',
  remediation: 'Remove the sysctl from spec.securityContext.sysctls; tune node-level parameters on the node instead.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/'],
  aliases: [pss('baseline/sysctls'), ...ksv('KSV-0026')],
}), (pod) => {
  const setting = podSetting<unknown[]>(pod, 'sysctls');
  if (!Array.isArray(setting.value)) return [];
  return setting.value.flatMap((entry, index) => {
    const name = member(entry, 'name');
    return SAFE_SYSCTLS.has(name) ? [] : [violationAt(setting, [index, 'name'], name, `the pod sets sysctl ${show(name)}`)];
  });
});

/** Baseline Pod Security Standard, one check per control (KW-WL-001 … KW-WL-011). */
export const PSS_BASELINE_CHECKS: readonly Check[] = [
  hostProcess, hostNamespaces, privileged, baselineCapabilities, hostPathVolumes, hostPorts, hostProbes,
  appArmor, seLinux, procMount, seccompUnconfined, sysctls,
];
