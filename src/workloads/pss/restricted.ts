import type { CheckMeta } from '../../core/catalog.js';
import type { PodTemplate } from '../../inventory/index.js';
import { podCheck, type Check, type CheckContext, type Violation } from '../check.js';
import { capabilities, capabilityPath, containerLabel, containerSetting, effectiveSetting, isWindowsPod, podSetting, type InheritedField } from '../security-context.js';
import {
  cis, CONFINED_PROFILE_TYPES, declarations, describeProfile, ksv, kubescape, member, pss, pssMeta, show, violationAt, volumes,
} from './helpers.js';

/** check_restrictedVolumes.go: the inline volume sources Restricted allows (`image` since Kubernetes 1.33). */
export const RESTRICTED_VOLUME_TYPES: ReadonlySet<string> = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
]);

/** Windows pods (spec.os.name: windows) are exempt, as in pod-security-admission 1.25+. */
const windows = (pod: PodTemplate): boolean => isWindowsPod(pod);
/** Pods in a user namespace (spec.hostUsers: false) are exempt, as in pod-security-admission 1.35+ (KEP-127). */
const userNamespaced = (pod: PodTemplate): boolean => pod.spec.hostUsers === false;

/** A pod check that does not apply to pods `exempt` says are out of scope. */
function podCheckUnless(meta: CheckMeta, exempt: (pod: PodTemplate) => boolean, evaluate: (pod: PodTemplate, context: CheckContext) => Violation[]): Check {
  return podCheck(meta, (pod, context) => (exempt(pod) ? [] : evaluate(pod, context)));
}

/**
 * The Restricted rule for a field containers inherit from the pod: the pod-level value, when set, must be
 * allowed; each container must have an allowed value of its own or inherit an allowed pod-level one.
 * An explicitly bad value anywhere fails, even when a container overrides it.
 */
function requiredEverywhere(pod: PodTemplate, field: InheritedField, allowed: (value: unknown) => boolean, wanted: string,
  describe: (value: unknown) => string, tail: string[] = []): Violation[] {
  const out: Violation[] = [];
  const podLevel = podSetting(pod, field);
  if (podLevel.from !== 'unset' && !allowed(podLevel.value)) out.push(violationAt(podLevel, tail, pick(podLevel.value, tail), `the pod sets ${describe(podLevel.value)}`));
  for (const container of pod.containers) {
    const effective = effectiveSetting(pod, container, field);
    const who = containerLabel(container);
    if (effective.from === 'container' && !allowed(effective.value)) {
      out.push(violationAt({ path: effective.path, container }, tail, pick(effective.value, tail), `${who} sets ${describe(effective.value)}`));
    } else if (effective.from === 'unset') {
      out.push(violationAt({ path: effective.path, container }, tail, undefined, `${who} does not set ${wanted}, and the pod does not set it either`));
    }
  }
  return out;
}

function pick(value: unknown, tail: string[]): unknown {
  return tail.reduce<unknown>((node, step) => member(node, step), value);
}

const volumeTypes = podCheck(pssMeta('restricted', {
  id: 'KW-WL-012',
  title: 'Volume type not allowed by the restricted profile',
  severity: 'medium',
  description: 'The pod uses an inline volume source other than configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret.',
  rationale: 'Other inline sources (hostPath, nfs, iscsi, gitRepo, cephfs, rbd, flexVolume…) reach node or network storage directly with credentials and options the pod author controls, bypassing PersistentVolume administration; gitRepo runs git on the node.',
  remediation: 'Mount the storage through a PersistentVolumeClaim (an administrator-defined PersistentVolume or StorageClass), or use one of the allowed sources.',
  references: ['https://kubernetes.io/docs/concepts/storage/volumes/'],
  aliases: [pss('restricted/volume-types'), ...ksv('KSV-0028', 'KSV-0121')],
}), (pod) => volumes(pod).flatMap(({ volume, path }) => {
  const sources = Object.keys(volume).filter((key) => key !== 'name' && volume[key] !== undefined && volume[key] !== null);
  // No source at all: the API server defaults the volume to emptyDir.
  if (sources.length === 0 || sources.some((key) => RESTRICTED_VOLUME_TYPES.has(key))) return [];
  const type = sources[0]!;
  return [violationAt({ path }, [type], undefined, `volume \`${show(volume.name)}\` uses restricted volume type ${type}`)];
}));

const privilegeEscalation = podCheckUnless(pssMeta('restricted', {
  id: 'KW-WL-013',
  title: 'Privilege escalation allowed',
  severity: 'medium',
  description: 'A container does not set securityContext.allowPrivilegeEscalation: false (Linux pods).',
  rationale: 'Unless no_new_privs is set, a process can gain privileges through set-user-ID / set-group-ID binaries or file capabilities, turning a foothold as an unprivileged user into root in the container.',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  aliases: [pss('restricted/privilege-escalation'), ...ksv('KSV-0001'), ...kubescape('C-0016', 'C-0197'), ...cis('5.2.6')],
}), windows, (pod) => pod.containers.flatMap((container) => {
  const setting = containerSetting(container, 'allowPrivilegeEscalation');
  if (setting.value === false) return [];
  const detail = setting.from === 'unset'
    ? `${containerLabel(container)} does not set allowPrivilegeEscalation: false`
    : `${containerLabel(container)} sets allowPrivilegeEscalation: ${show(setting.value)}`;
  return [violationAt({ path: setting.path, container }, [], setting.value, detail)];
}));

const runAsNonRoot = podCheckUnless(pssMeta('restricted', {
  id: 'KW-WL-014',
  title: 'Not required to run as non-root',
  severity: 'medium',
  description: 'runAsNonRoot is not true for every container: neither the pod nor the container sets it to true, or the pod or a container sets it to false.',
  rationale: 'Without runAsNonRoot: true the kubelet starts the image\'s default user, which is root for most images; root in a container is one kernel bug or misconfiguration away from root on the node.',
  remediation: 'Set spec.securityContext.runAsNonRoot: true (and a non-zero runAsUser if the image has no numeric non-root USER), and remove runAsNonRoot: false everywhere.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  aliases: [pss('restricted/running-as-non-root'), ...ksv('KSV-0012'), ...kubescape('C-0013', 'C-0198'), ...cis('5.2.7')],
}), userNamespaced, (pod) => requiredEverywhere(pod, 'runAsNonRoot', (v) => v === true, 'runAsNonRoot: true', (v) => `runAsNonRoot: ${show(v)}`));

const runAsUser = podCheckUnless(pssMeta('restricted', {
  id: 'KW-WL-015',
  title: 'Runs as root user (runAsUser: 0)',
  severity: 'medium',
  description: 'The pod or a container sets runAsUser: 0.',
  rationale: 'An explicit UID 0 runs the process as root, defeating runAsNonRoot and giving the process root\'s power over the container file system and any host resource it can reach.',
  remediation: 'Set runAsUser to a non-zero UID (or remove it and rely on a non-root image user with runAsNonRoot: true).',
  aliases: [pss('restricted/running-as-non-root-user'), ...ksv('KSV-0105'), ...kubescape('C-0013', 'C-0198'), ...cis('5.2.7')],
}), userNamespaced, (pod) => declarations(pod, 'runAsUser')
  .filter((s) => s.value === 0)
  .map((s) => violationAt(s, [], 0, `${s.who} sets runAsUser: 0`)));

const seccompRestricted = podCheckUnless(pssMeta('restricted', {
  id: 'KW-WL-016',
  title: 'Seccomp profile not set to RuntimeDefault or Localhost',
  severity: 'low',
  description: 'A container runs without an explicit RuntimeDefault or Localhost seccomp profile: neither it nor the pod sets one, or the pod or a container sets another type (Linux pods).',
  rationale: 'Unless the kubelet runs with --seccomp-default, a container without a profile is Unconfined and can use every system call, the kernel attack surface most container escapes rely on.',
  remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost with a reviewed profile); a container may leave it unset when the pod sets it.',
  references: ['https://kubernetes.io/docs/tutorials/security/seccomp/'],
  aliases: [pss('restricted/seccomp'), ...ksv('KSV-0030'), ...kubescape('C-0210'), ...cis('5.6.2')],
}), windows, (pod) => requiredEverywhere(pod, 'seccompProfile', (v) => CONFINED_PROFILE_TYPES.has(member(v, 'type')),
  'seccompProfile.type: RuntimeDefault or Localhost', (v) => describeProfile('seccompProfile', v), ['type']));

const capabilitiesRestricted = podCheckUnless(pssMeta('restricted', {
  id: 'KW-WL-017',
  title: 'Capabilities not dropped (restricted)',
  severity: 'low',
  description: 'A container does not drop ALL capabilities, or adds a capability other than NET_BIND_SERVICE (Linux pods).',
  rationale: 'The runtime default set still includes capabilities such as NET_RAW, CHOWN, DAC_OVERRIDE and SETUID that help an attacker spoof traffic or escalate; dropping ALL and adding back only NET_BIND_SERVICE removes them.',
  remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container, and add back at most NET_BIND_SERVICE. Values are compared exactly as written, as Pod Security Admission does ("ALL", not "all").',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container'],
  aliases: [pss('restricted/capabilities'), ...ksv('KSV-0106', 'KSV-0003'), ...kubescape('C-0199', 'C-0201'), ...cis('5.2.9')],
}), windows, (pod) => pod.containers.flatMap((container) => {
  const who = containerLabel(container);
  const out: Violation[] = [];
  const drop = capabilities(container, 'drop');
  if (!drop.some((cap) => cap.raw === 'ALL')) {
    const near = drop.find((cap) => cap.name === 'ALL');
    const detail = near ? `${who} drops ${near.raw}, which Pod Security Admission does not read as "ALL"` : `${who} does not drop ALL capabilities`;
    out.push(violationAt({ path: capabilityPath(container, 'drop'), container }, [], drop.length > 0 ? drop.map((c) => c.raw) : undefined, detail));
  }
  for (const cap of capabilities(container, 'add')) {
    if (cap.raw !== 'NET_BIND_SERVICE') out.push(violationAt({ path: capabilityPath(container, 'add', cap.index), container }, [], cap.raw, `${who} adds capability ${cap.raw}`));
  }
  return out;
}));

/** Restricted Pod Security Standard controls beyond Baseline (KW-WL-012 … KW-WL-017). */
export const PSS_RESTRICTED_CHECKS: readonly Check[] = [
  volumeTypes, privilegeEscalation, runAsNonRoot, runAsUser, seccompRestricted, capabilitiesRestricted,
];
