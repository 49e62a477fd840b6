import { alias, type Alias, type CheckMeta } from '../../core/catalog.js';
import type { Severity } from '../../core/severity.js';
import { isJsonObject, type ContainerView, type JsonPath, type PodTemplate } from '../../inventory/index.js';
import type { Violation } from '../check.js';
import { show } from '../helpers.js';
import { containerLabel, containerSetting, podSetting, type Setting } from '../security-context.js';

export { show };

// ---------------------------------------------------------------------------------------------
// Shared helpers (restricted.ts uses them too). Values are compared exactly as pod-security-admission
// compares them (k8s.io/pod-security-admission/policy/check_*.go): no case folding, no CAP_ stripping.
// ---------------------------------------------------------------------------------------------

export const PSS_DOC = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';
const PSA_SOURCE = 'https://github.com/kubernetes/kubernetes/tree/master/staging/src/k8s.io/pod-security-admission/policy';

interface PssMetaInput {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  rationale: string;
  remediation: string;
  /** Extra references after the standard and the admission library. */
  references?: string[];
  aliases: Alias[];
}

/** A catalog entry for a Pod Security Standards check: the standard and PSA source are always referenced. */
export function pssMeta(level: 'baseline' | 'restricted', input: PssMetaInput): CheckMeta {
  const { references = [], ...rest } = input;
  return { ...rest, category: 'workloads', references: [`${PSS_DOC}#${level}`, PSA_SOURCE, ...references] };
}

/** A securityContext field as written at one level — the pod's, or one container's own — and who wrote it. */
export interface Declared<T = unknown> extends Setting<T> {
  container?: ContainerView;
  /** `the pod` or `container \`app\`` — the subject of a finding's sentence. */
  who: string;
}

/** Every container's own setting of `field` that is present (containers, init and ephemeral containers). */
export function containerDeclarations<T = unknown>(pod: PodTemplate, field: string): Declared<T>[] {
  const out: Declared<T>[] = [];
  for (const container of pod.containers) {
    const setting = containerSetting<T>(container, field);
    if (setting.from !== 'unset') out.push({ ...setting, container, who: containerLabel(container) });
  }
  return out;
}

/** The pod-level setting of `field` and each container's own, each judged on its own (as Baseline does). */
export function declarations<T = unknown>(pod: PodTemplate, field: string): Declared<T>[] {
  const own = podSetting<T>(pod, field);
  const podLevel: Declared<T>[] = own.from === 'unset' ? [] : [{ ...own, who: 'the pod' }];
  return [...podLevel, ...containerDeclarations<T>(pod, field)];
}

/** A violation at `where.path` + `tail`, attributed to the container when there is one. */
export function violationAt(where: { path: JsonPath; container?: ContainerView }, tail: JsonPath, value: unknown, detail: string): Violation {
  const violation: Violation = { path: [...where.path, ...tail], detail };
  if (value !== undefined && value !== null) violation.value = value;
  if (where.container) violation.container = where.container.name;
  return violation;
}


/** `field` of an object-valued setting (e.g. seccompProfile.type), or undefined when the setting is not an object. */
export function member(value: unknown, field: string): unknown {
  return isJsonObject(value) ? value[field] : undefined;
}

/** Seccomp / AppArmor profile types PSA accepts wherever a profile is set. */
export const CONFINED_PROFILE_TYPES: ReadonlySet<unknown> = new Set(['RuntimeDefault', 'Localhost']);

/** `seccompProfile.type: Unconfined`, or `seccompProfile without a type` (which PSA rejects as type ""). */
export function describeProfile(field: 'seccompProfile' | 'appArmorProfile', value: unknown): string {
  const type = member(value, 'type');
  return type === undefined || type === null ? `${field} without a type` : `${field}.type: ${show(type)}`;
}

/** Explicitly set profile types (pod or container) other than RuntimeDefault / Localhost. */
export function badProfileTypes(settings: Declared[], field: 'seccompProfile' | 'appArmorProfile'): Violation[] {
  return settings
    .filter((s) => !CONFINED_PROFILE_TYPES.has(member(s.value, 'type')))
    .map((s) => violationAt(s, ['type'], member(s.value, 'type'), `${s.who} sets ${describeProfile(field, s.value)}`));
}

// ---------------------------------------------------------------------------------------------
// Allowed values (pod-security-admission, latest policy version)
// ---------------------------------------------------------------------------------------------

/** check_capabilities_baseline.go: the only capabilities Baseline lets a container add. */
export const BASELINE_ADDABLE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** check_seLinuxOptions.go (policy 1.31+): the SELinux types Baseline allows; "" means unset. */
export const SELINUX_ALLOWED_TYPES: ReadonlySet<unknown> = new Set([undefined, null, '', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** check_sysctls.go (policy 1.32+): the "safe" namespaced sysctls. */
export const SAFE_SYSCTLS: ReadonlySet<unknown> = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
]);

export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

export function allowedAppArmorAnnotation(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

/** spec.volumes as written, with their index. */
export function volumes(pod: PodTemplate): { volume: Record<string, unknown>; index: number; path: JsonPath }[] {
  const list = pod.spec.volumes;
  if (!Array.isArray(list)) return [];
  return list.flatMap((volume, index) => (isJsonObject(volume) ? [{ volume, index, path: [...pod.specPath, 'volumes', index] }] : []));
}

/** The alias of a Pod Security Standards control, e.g. `pss('baseline/privileged')`. */
export const pss = (control: string): Alias => ({ framework: 'PSS', id: control });
export const { ksv, kubescape, cis } = alias;

