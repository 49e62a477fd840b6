import { posix } from 'node:path';
import type { PodTemplate } from '../../inventory/index.js';
import { podCheck, type Check, type Violation } from '../check.js';
import { containerLabel } from '../security-context.js';
import hostPaths from './host-paths.json' with { type: 'json' };
import { hostPathVolumes, kubeLinter, kubescape, kubescapeDoc, ksv, listing, meta, mitre, mountsOf, violation, type HostPathVolume, type VolumeMount } from './util.js';

// Host paths that give a pod the node: container runtime sockets (KW-WL-027), sensitive
// directories and files (KW-WL-028), and any hostPath mounted writable (KW-WL-029).
// The hostPath volume itself is reported by the Pod Security Standards check KW-WL-005.

interface SensitivePath { path: string; subtree: boolean; holds: string }
interface RuntimeSocket { path: string; runtime: string }

/** Normalizes `.`, `..`, duplicate and trailing slashes; /var/run is read as /run (it is a symlink to it). */
export function canonicalHostPath(path: string): string {
  let out = posix.normalize(path.trim());
  if (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  if (out === '/var/run' || out.startsWith('/var/run/')) out = `/run${out.slice('/var/run'.length)}`;
  return out;
}

/** True when `ancestor` is a parent directory of `path` (both canonical). */
export function isUnder(path: string, ancestor: string): boolean {
  return ancestor === '/' ? path !== '/' : path.startsWith(`${ancestor}/`);
}

const SOCKETS: RuntimeSocket[] = hostPaths.runtimeSockets.map((s) => ({ ...s, path: canonicalHostPath(s.path) }));
const SOCKET_FILE_NAMES = new Set(hostPaths.runtimeSocketFileNames);
const SENSITIVE: SensitivePath[] = hostPaths.sensitivePaths.map((s) => ({ ...s, path: canonicalHostPath(s.path) }));

/** What a host path exposes of the container runtime: the socket itself, or a directory holding sockets. */
export function runtimeSocketExposure(hostPath: string): { kind: 'socket' | 'parent'; runtimes: string[]; sockets: string[] } | undefined {
  const path = canonicalHostPath(hostPath);
  const exact = SOCKETS.filter((s) => s.path === path);
  if (exact.length > 0) return { kind: 'socket', runtimes: exact.map((s) => s.runtime), sockets: [path] };
  if (SOCKET_FILE_NAMES.has(posix.basename(path))) return { kind: 'socket', runtimes: ['container runtime'], sockets: [path] };
  const inside = SOCKETS.filter((s) => isUnder(s.path, path));
  if (inside.length > 0) return { kind: 'parent', runtimes: [...new Set(inside.map((s) => s.runtime))], sockets: inside.map((s) => s.path) };
  return undefined;
}

/** The sensitive entries a host path is, lies under (subtree entries) or contains. */
export function sensitiveExposure(hostPath: string): { kind: 'exact' | 'under' | 'parent'; entries: SensitivePath[] } | undefined {
  const path = canonicalHostPath(hostPath);
  const exact = SENSITIVE.filter((s) => s.path === path);
  if (exact.length > 0) return { kind: 'exact', entries: exact };
  const under = SENSITIVE.filter((s) => s.subtree && isUnder(path, s.path));
  if (under.length > 0) return { kind: 'under', entries: under.sort((a, b) => b.path.length - a.path.length).slice(0, 1) };
  const contained = SENSITIVE.filter((s) => isUnder(s.path, path));
  if (contained.length > 0) return { kind: 'parent', entries: contained };
  return undefined;
}

/** The host path a mount really sees: the volume's path joined with the mount's subPath. */
function effectiveHostPath(volume: HostPathVolume, mount: VolumeMount): string {
  return mount.subPath ? posix.join(volume.hostPath, mount.subPath) : volume.hostPath;
}

function mountLabel(volume: HostPathVolume, mount: VolumeMount, hostPath: string): string {
  const sub = mount.subPath ? ` (volume \`${volume.name}\` ${volume.hostPath}, subPath ${mount.subPath})` : mount.subPathExpr ? ` (subPathExpr ${mount.subPathExpr})` : '';
  return `${containerLabel(mount.container)} mounts host path ${hostPath}${sub} at ${mount.mountPath}`;
}

/**
 * For each hostPath volume, each container mount of it (or the volume alone when no container mounts
 * it) judged on the host path that mount really sees. Evidence points at the volume's hostPath.path.
 */
function perMount(pod: PodTemplate, judge: (hostPath: string) => string | undefined): Violation[] {
  return hostPathVolumes(pod).flatMap((volume) => {
    const mounts = mountsOf(pod, volume.name);
    if (mounts.length === 0) {
      const why = judge(volume.hostPath);
      return why ? [violation(volume.path, `hostPath volume \`${volume.name}\` points at ${volume.hostPath}${why} (no container mounts it yet)`, { value: volume.hostPath })] : [];
    }
    return mounts.flatMap((mount) => {
      const hostPath = effectiveHostPath(volume, mount);
      const why = judge(hostPath);
      return why ? [violation(volume.path, `${mountLabel(volume, mount, hostPath)}${why}`, { value: volume.hostPath, container: mount.container })] : [];
    });
  });
}

/** KW-WL-027 */
export const runtimeSocket = podCheck(meta({
  id: 'KW-WL-027',
  title: 'Container runtime socket mounted',
  severity: 'critical',
  description: 'A hostPath volume exposes a container runtime socket (Docker, containerd, CRI-O, cri-dockerd, Podman) to the pod, directly or through a parent directory such as /run or /var/run.',
  rationale: 'Whoever can talk to the runtime socket can start a privileged container with the host file system mounted, or exec into any container on the node: it is root on the node and access to every pod\'s secrets there.',
  remediation: 'Remove the hostPath volume. Build images with a daemonless builder (BuildKit rootless, kaniko, buildah) and read container metadata from the Kubernetes API or the kubelet instead of the runtime.',
  references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath', kubescapeDoc('C-0074')],
  aliases: [...ksv('KSV-0006'), ...kubescape('C-0074'), ...kubeLinter('docker-sock'), ...mitre('T1610', 'T1611')],
}), (pod) => perMount(pod, (hostPath) => {
  const exposure = runtimeSocketExposure(hostPath);
  if (!exposure) return undefined;
  if (exposure.kind === 'socket') return `, the ${listing(exposure.runtimes)} socket`;
  if (exposure.sockets.length <= 2) return `, which holds the ${listing(exposure.runtimes)} socket${exposure.sockets.length > 1 ? 's' : ''} (${listing(exposure.sockets)})`;
  return `, which holds the container runtime sockets (${exposure.sockets.slice(0, 2).join(', ')} and ${exposure.sockets.length - 2} more)`;
}));

/** KW-WL-028 */
export const sensitiveHostPath = podCheck(meta({
  id: 'KW-WL-028',
  title: 'Sensitive host path mounted',
  severity: 'high',
  description: 'A hostPath volume exposes a sensitive part of the node: /, /etc and its credential files, /proc, /sys, /dev, /boot, /root, /home, kubelet, etcd and container runtime state, Kubernetes PKI, CNI binaries, node logs, or system binaries, or a parent directory of one of them.',
  rationale: 'These paths hold the node\'s credentials (kubelet, etcd and PKI keys, every pod\'s service account token under /var/lib/kubelet), its kernel interfaces and its programs. Reading them leaks cluster credentials; writing them (cron, systemd units, binaries, CNI plugins, /var/log symlinks) is code execution as root on the node.',
  remediation: 'Remove the hostPath volume, or narrow it to the single file or directory the workload needs, mounted readOnly. Node agents that truly need such paths belong in a dedicated, access-controlled namespace.',
  references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath', kubescapeDoc('C-0048')],
  aliases: [...kubescape('C-0048'), ...kubeLinter('sensitive-host-mounts'), ...mitre('T1611')],
}), (pod) => perMount(pod, (hostPath) => {
  const exposure = sensitiveExposure(hostPath);
  if (!exposure) return undefined;
  if (exposure.kind === 'parent') {
    const shown = exposure.entries.slice(0, 3).map((e) => e.path);
    const others = exposure.entries.length - shown.length;
    return `, which contains ${others > 0 ? `${shown.join(', ')} and ${others} other sensitive path${others > 1 ? 's' : ''}` : listing(shown)}`;
  }
  return `: ${exposure.entries[0]!.holds}`;
}));

/** KW-WL-029 */
export const writableHostPath = podCheck(meta({
  id: 'KW-WL-029',
  title: 'Writable hostPath mount',
  severity: 'high',
  description: 'A container (or init / ephemeral container) mounts a hostPath volume without readOnly: true.',
  rationale: 'A writable host mount lets the container change files on the node: plant binaries, cron jobs or systemd units, tamper with other pods\' data or logs, and keep what it wrote after the pod is gone. It is the usual second step of a container escape.',
  remediation: 'Set readOnly: true on the volumeMount (and keep the hostPath as narrow as possible), or replace the hostPath volume with an emptyDir or a PersistentVolumeClaim.',
  references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath', kubescapeDoc('C-0045')],
  aliases: [...kubescape('C-0045'), ...kubeLinter('writable-host-mount'), ...mitre('T1611')],
}), (pod) => hostPathVolumes(pod).flatMap((volume) => mountsOf(pod, volume.name)
  .filter((mount) => !mount.readOnly)
  .map((mount) => violation([...mount.path, 'readOnly'],
    `${mountLabel(volume, mount, effectiveHostPath(volume, mount))} writable`,
    { value: mount.mount.readOnly, container: mount.container }))));

export const HOST_CHECKS: readonly Check[] = [runtimeSocket, sensitiveHostPath, writableHostPath];
