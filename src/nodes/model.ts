import type { ParsedObject } from '../inventory/index.js';

// What `kubeward node` knows about one node. Collectors (src/nodes/collect/) build a NodeSnapshot
// from the node's root filesystem and /proc; the benchmark (src/nodes/benchmark/) and the host
// checks (src/nodes/host/) only read it, so they are tested with snapshots built in memory.

/** A file (or directory) on the node, as `stat` sees it, with names resolved from the node's own passwd/group. */
export interface FileFacts {
  /** Absolute path on the node (`/etc/kubernetes/admin.conf`), never the path under `--root`. */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  /** Permission bits incl. setuid/setgid/sticky (`0o600`). */
  mode: number;
  uid: number;
  gid: number;
  /** User name from the node's /etc/passwd; undefined when the uid has no entry. */
  user?: string;
  /** Group name from the node's /etc/group. */
  group?: string;
  /** For symlinks: the target as written. The facts above are of the file the link resolves to (inside the root). */
  linkTarget?: string;
}

/** A file with every directory above it, `/` first: a file is only as safe as the directories that hold it. */
export interface FileWithParents {
  file: FileFacts;
  parents: FileFacts[];
}

/** A running process, from `/proc/<pid>/cmdline` (and `environ` when readable). */
export interface ProcessInfo {
  pid: number;
  argv: string[];
  /** `KEY=value` pairs of the process's environment, when readable (etcd reads ETCD_* variables). */
  env?: Record<string, string>;
  /** Where the command line was read, e.g. `/proc/1234/cmdline`. */
  source: string;
}

export const NODE_COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet', 'kube-proxy'] as const;
export type NodeComponent = (typeof NODE_COMPONENTS)[number];

/** One component found on the node: from a running process, or only from its static pod manifest. */
export interface ComponentInstance {
  component: NodeComponent;
  from: 'process' | 'static-pod';
  /** Program and arguments (the process's argv, or the manifest container's command + args). */
  argv: string[];
  env: Record<string, string>;
  /** `/proc/1234/cmdline` or `/etc/kubernetes/manifests/kube-apiserver.yaml:17`. */
  source: string;
  pid?: number;
}

/** Where a kubelet / kube-proxy setting came from, in the order the component applies them. */
export type SettingOrigin = 'default' | 'config-file' | 'drop-in' | 'flag';

/** One effective setting of the kubelet or kube-proxy. */
export interface EffectiveSetting {
  /** Config-file path in KubeletConfiguration / KubeProxyConfiguration terms, e.g. `authentication.anonymous.enabled`. */
  path: string;
  value: unknown;
  origin: SettingOrigin;
  /** `--anonymous-auth=true (/proc/812/cmdline)` or `/var/lib/kubelet/config.yaml:12`. */
  where: string;
  /** Values given elsewhere and overridden, e.g. the config file's value when a flag wins. */
  overridden?: { value: unknown; origin: SettingOrigin; where: string }[];
}

/** The configuration a kubelet or kube-proxy actually runs with: flags merged with its config file(s) the way it merges them. */
export interface EffectiveConfig {
  component: 'kubelet' | 'kube-proxy';
  /** The `--config` file the process uses (absolute node path), if any. */
  configFile?: string;
  /** Drop-in files applied (`--config-dir`, kubelet ≥ 1.28), in order. */
  dropIns: string[];
  /** Every setting known, by config path. Unset settings are absent (their defaults are the checks' business). */
  settings: ReadonlyMap<string, EffectiveSetting>;
  /** Flags given that have no config-file field (e.g. `--kubeconfig`, `--hostname-override` on old kubelets): by flag name. */
  flagsOnly: ReadonlyMap<string, EffectiveSetting>;
  /** Problems reading the configuration (unreadable file, bad YAML): reported, never fatal. */
  problems: string[];
}

/** A line of /proc/<pid>/mountinfo: what is mounted where, and how. */
export interface MountInfo {
  mountPoint: string;
  /** Mount options (`ro`, `rw`, `nosuid`…), per-mount and super-block options together. */
  options: string[];
  fsType: string;
  /** Mount source, e.g. `/dev/mapper/luks-…`, `/dev/sda1`, `overlay`. */
  source: string;
  /** `major:minor` of the device. */
  device: string;
}

/** A block device under /sys/class/block (or /sys/block), with what it is stacked on. */
export interface BlockDevice {
  name: string;
  /** `major:minor`. */
  device: string;
  /** device-mapper UUID (`CRYPT-LUKS2-…` for dm-crypt), from /sys/block/<dm>/dm/uuid. */
  dmUuid?: string;
  /** Names of the devices under this one (/sys/block/<name>/slaves). */
  slaves: string[];
}

/** An account from the node's /etc/passwd and /etc/shadow. */
export interface NodeAccount {
  name: string;
  uid: number;
  gid: number;
  shell?: string;
  /** `set` (a hash), `empty` (no password: anyone can log in), `locked`, or `unknown` (no shadow entry readable). */
  password: 'set' | 'empty' | 'locked' | 'unknown';
  /** `/etc/passwd:3` and `/etc/shadow:3`. */
  source: string;
}

/** How the Kubernetes version was found (it chooses the benchmark version). */
export interface DetectedVersion {
  /** `1.31.2` (no leading v). */
  version: string;
  /** e.g. `image registry.k8s.io/kube-apiserver:v1.31.2 in /etc/kubernetes/manifests/kube-apiserver.yaml`. */
  source: string;
}

/** A text file read from the node, with its facts (for sshd_config, sudoers, kubeconfigs…). */
export interface NodeTextFile {
  path: string;
  text: string;
  facts: FileFacts;
}

/** Everything the collectors gathered about one node. Checks never touch the filesystem themselves. */
export interface NodeSnapshot {
  hostname: string;
  /** The directory the node's root filesystem was read from (`/` on the node, `/host` in a pod). */
  root: string;
  /** The /proc read (`/proc`; with the host PID namespace it shows the node's processes). */
  proc: string;
  kubernetesVersion?: DetectedVersion;
  processes: ProcessInfo[];
  components: ComponentInstance[];
  /** Static pod manifests (kubelet's staticPodPath, default /etc/kubernetes/manifests), parsed. */
  staticPods: { path: string; objects: ParsedObject[]; errors: string[] }[];
  kubelet?: EffectiveConfig;
  kubeProxy?: EffectiveConfig;
  accounts: NodeAccount[];
  groups: ReadonlyMap<number, string>;
  mounts: MountInfo[];
  blockDevices: BlockDevice[];
  /** /proc/cpuinfo flags of the first CPU (memory encryption: sme, sev, sev_es, sev_snp, tdx_guest). */
  cpuFlags: string[];
  /** Kernel command line (/proc/cmdline), e.g. `mem_encrypt=on`. */
  kernelCmdline: string;
  /** Facts of a path on the node, with its parents; undefined when it does not exist. Cached. */
  stat(path: string): FileWithParents | undefined;
  /** A text file of the node (≤ 4 MiB), undefined when absent or unreadable. Cached. */
  readText(path: string): NodeTextFile | undefined;
  /** Paths matching a glob on the node (`/etc/kubernetes/pki/*.key`), sorted. */
  glob(pattern: string): string[];
  /** Problems met while collecting (unreadable /proc entries…), reported as notes. */
  notes: string[];
}

/** Status of one benchmark recommendation on one node. */
export type NodeCheckStatus = 'pass' | 'fail' | 'manual' | 'not-evaluated';

/** One benchmark recommendation (or host check) evaluated on one node. */
export interface NodeCheckResult {
  /** CIS id (`1.2.6`) or `host` checks' own id (`KW-NODE-201`). */
  id: string;
  /** The kubeward check that reports it (`KW-API-006`, `KW-NODE-012`…). */
  checkId: string;
  /** `1.1`, `1.2`, … `4.3`, or `host`. */
  section: string;
  title: string;
  status: NodeCheckStatus;
  /** Why not evaluated, or what to check by hand (manual), or what failed (one line). */
  reason?: string;
}

/** A node's posture in the report (JSON `nodes[]`): identity, benchmark chosen and every check's status. */
export interface NodeReport {
  hostname: string;
  roles: ('control-plane' | 'etcd' | 'worker')[];
  kubernetesVersion?: DetectedVersion;
  benchmark: { id: string; title: string; version: string; chosenBy: string };
  checks: NodeCheckResult[];
  summary: Record<NodeCheckStatus, number>;
}
