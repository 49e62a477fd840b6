/** One control of the Pod Security Standards and the kubeward checks that evaluate it. */
export interface PssControl {
  /** `pss-<level>/<control>`; the checks carry the alias `{ framework: 'PSS', id: '<level>/<control>' }`. */
  id: string;
  level: 'baseline' | 'restricted';
  /** The control's name in the standard (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
  title: string;
  checkIds: string[];
}

/**
 * Every control of the Baseline and Restricted profiles, in the order the standard lists them. The
 * Restricted profile is cumulative: it is every Baseline control plus the restricted ones. Restricted
 * "Seccomp" and "Capabilities" tighten the Baseline controls of the same name (KW-WL-016 also fails on
 * Unconfined, KW-WL-017 also fails on any added capability but NET_BIND_SERVICE).
 */
export const PSS_CONTROLS: readonly PssControl[] = [
  { id: 'pss-baseline/host-process', level: 'baseline', title: 'HostProcess', checkIds: ['KW-WL-001'] },
  { id: 'pss-baseline/host-namespaces', level: 'baseline', title: 'Host Namespaces', checkIds: ['KW-WL-002'] },
  { id: 'pss-baseline/privileged', level: 'baseline', title: 'Privileged Containers', checkIds: ['KW-WL-003'] },
  { id: 'pss-baseline/capabilities', level: 'baseline', title: 'Capabilities', checkIds: ['KW-WL-004'] },
  { id: 'pss-baseline/host-path-volumes', level: 'baseline', title: 'HostPath Volumes', checkIds: ['KW-WL-005'] },
  { id: 'pss-baseline/host-ports', level: 'baseline', title: 'Host Ports', checkIds: ['KW-WL-006'] },
  { id: 'pss-baseline/host-probes-lifecycle-hooks', level: 'baseline', title: 'Host Probes / Lifecycle Hooks', checkIds: ['KW-WL-018'] },
  { id: 'pss-baseline/apparmor', level: 'baseline', title: 'AppArmor', checkIds: ['KW-WL-007'] },
  { id: 'pss-baseline/selinux', level: 'baseline', title: 'SELinux', checkIds: ['KW-WL-008'] },
  { id: 'pss-baseline/proc-mount', level: 'baseline', title: '/proc Mount Type', checkIds: ['KW-WL-009'] },
  { id: 'pss-baseline/seccomp', level: 'baseline', title: 'Seccomp', checkIds: ['KW-WL-010'] },
  { id: 'pss-baseline/sysctls', level: 'baseline', title: 'Sysctls', checkIds: ['KW-WL-011'] },
  { id: 'pss-restricted/volume-types', level: 'restricted', title: 'Volume Types', checkIds: ['KW-WL-012'] },
  { id: 'pss-restricted/privilege-escalation', level: 'restricted', title: 'Privilege Escalation', checkIds: ['KW-WL-013'] },
  { id: 'pss-restricted/running-as-non-root', level: 'restricted', title: 'Running as Non-root', checkIds: ['KW-WL-014'] },
  { id: 'pss-restricted/running-as-non-root-user', level: 'restricted', title: 'Running as Non-root user', checkIds: ['KW-WL-015'] },
  { id: 'pss-restricted/seccomp', level: 'restricted', title: 'Seccomp', checkIds: ['KW-WL-016'] },
  { id: 'pss-restricted/capabilities', level: 'restricted', title: 'Capabilities', checkIds: ['KW-WL-017'] },
];
