import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import {
  apiserverFlags, controllerManagerFlags, ENCRYPTION_CONFIG, etcdFlags, GROUP, HARDENED_SSHD, KUBEADM_DROP_IN, kubeconfig,
  kubeletConfigYaml, kubeProxyConfigYaml, PASSWD, PKI, schedulerFlags, SHADOW, staticPodManifest, WEAK_SSHD,
} from './node-files.js';

// A node written to disk from a declarative spec: the root filesystem (files, directories, symlinks
// with the modes and owners the spec gives, set with chmod/chown: the tests run as root), a fake
// /proc (cmdline of each process, pid 1's mountinfo, cpuinfo, the kernel command line) and a fake /sys
// (class/block/<dev>/dev, dm/uuid, slaves/). Three ready specs: a hardened and a weak kubeadm control
// plane, and a worker whose kubelet flags contradict its config file.

export interface Owned {
  mode?: number;
  uid?: number;
  gid?: number;
}
export interface FileEntry extends Owned {
  content?: string | Buffer;
}
export interface ProcessEntry {
  pid: number;
  argv: string[];
  env?: Record<string, string>;
}
export interface BlockDeviceEntry {
  name: string;
  /** `major:minor` */
  dev: string;
  dmUuid?: string;
  slaves?: string[];
}
export interface NodeRootSpec {
  /** Node paths (`/etc/kubernetes/admin.conf`) → file. Missing parents are created 0755 root:root. */
  files: Record<string, FileEntry>;
  /** Node directories with their own mode/owner (applied after the files are written). */
  dirs?: Record<string, Owned>;
  /** Node path → link target as written (absolute targets mean the node's root). */
  symlinks?: Record<string, string>;
  processes?: ProcessEntry[];
  mountinfo?: string;
  cpuinfo?: string;
  kernelCmdline?: string;
  blockDevices?: BlockDeviceEntry[];
}
export interface NodeRoot {
  root: string;
  proc: string;
  sys: string;
}

const DIR_MODE = 0o755;

async function ensureDir(root: string, nodeDir: string): Promise<void> {
  const parts = nodeDir.split('/').filter(Boolean);
  let current = root;
  for (const part of parts) {
    current = path.join(current, part);
    // Created one by one so each new directory gets 0755 root:root regardless of the umask.
    const made = await fs.mkdir(current).then(() => true, (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      return false;
    });
    if (made) await setOwned(current, { mode: DIR_MODE });
  }
}

async function setOwned(target: string, owned: Owned, defaultMode = DIR_MODE): Promise<void> {
  await fs.chown(target, owned.uid ?? 0, owned.gid ?? 0);
  await fs.chmod(target, owned.mode ?? defaultMode);
}

async function writeFile(base: string, nodePath: string, entry: FileEntry, defaultMode = 0o644): Promise<void> {
  await ensureDir(base, path.posix.dirname(nodePath));
  const target = path.join(base, nodePath);
  await fs.writeFile(target, entry.content ?? '');
  await setOwned(target, entry, defaultMode);
}

/** Writes `spec` under `dir` (`dir/root`, `dir/proc`, `dir/sys`) and returns the three paths. */
export async function writeNodeRoot(dir: string, spec: NodeRootSpec): Promise<NodeRoot> {
  const out = { root: path.join(dir, 'root'), proc: path.join(dir, 'proc'), sys: path.join(dir, 'sys') };
  for (const d of Object.values(out)) await fs.mkdir(d, { recursive: true, mode: 0o755 });
  await setOwned(out.root, { mode: 0o755 });
  for (const [nodePath, entry] of Object.entries(spec.files)) await writeFile(out.root, nodePath, entry);
  for (const [nodePath, target] of Object.entries(spec.symlinks ?? {})) {
    await ensureDir(out.root, path.posix.dirname(nodePath));
    await fs.symlink(target, path.join(out.root, nodePath));
  }
  for (const nodePath of Object.keys(spec.dirs ?? {})) await ensureDir(out.root, nodePath);
  // Deepest first is not needed for root, but modes are applied last so a 0700 directory is final.
  for (const [nodePath, owned] of Object.entries(spec.dirs ?? {})) await setOwned(path.join(out.root, nodePath), owned);

  for (const p of spec.processes ?? []) {
    // /proc/<pid>/cmdline: the arguments, each ended by a NUL.
    await writeFile(out.proc, `/${p.pid}/cmdline`, { content: p.argv.map((a) => `${a}\0`).join('') }, 0o444);
    if (p.env) await writeFile(out.proc, `/${p.pid}/environ`, { content: Object.entries(p.env).map(([k, v]) => `${k}=${v}\0`).join('') }, 0o400);
  }
  if (spec.mountinfo !== undefined) await writeFile(out.proc, '/1/mountinfo', { content: spec.mountinfo }, 0o444);
  if (spec.cpuinfo !== undefined) await writeFile(out.proc, '/cpuinfo', { content: spec.cpuinfo }, 0o444);
  if (spec.kernelCmdline !== undefined) await writeFile(out.proc, '/cmdline', { content: `${spec.kernelCmdline}\n` }, 0o444);
  for (const b of spec.blockDevices ?? []) {
    const base = `/class/block/${b.name}`;
    await writeFile(out.sys, `${base}/dev`, { content: `${b.dev}\n` }, 0o444);
    if (b.dmUuid) await writeFile(out.sys, `${base}/dm/uuid`, { content: `${b.dmUuid}\n` }, 0o444);
    if (b.slaves) {
      await ensureDir(out.sys, `${base}/slaves`);
      for (const s of b.slaves) await fs.symlink(`../../${s}`, path.join(out.sys, base, 'slaves', s));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ready specs

const PID = { init: 1, sshd: 640, containerd: 700, kubelet: 812, proxy: 1500, apiserver: 1101, controllerManager: 1102, scheduler: 1103, etcd: 1104 };
export { PID };

const secret = (content = ''): FileEntry => ({ content, mode: 0o600 });
const pub = (content = ''): FileEntry => ({ content, mode: 0o644 });

const cpuinfo = (flags: string): string => `processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7543\nflags\t\t: ${flags}\n\n`;
const X86 = 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm';

/** pid 1's mountinfo: `/` read-only or not; /var on a LUKS volume (253:0) or a plain partition (8:3). */
function mountinfo(rootRo: boolean, varEncrypted: boolean): string {
  const var_ = varEncrypted ? '253:0 / /var rw,nosuid,nodev,relatime shared:2 - ext4 /dev/mapper/luks-var rw' : '8:3 / /var rw,relatime shared:2 - ext4 /dev/sda3 rw';
  return [
    `22 1 8:2 / / ${rootRo ? 'ro' : 'rw'},relatime shared:1 - ext4 /dev/sda2 ${rootRo ? 'ro' : 'rw'},errors=remount-ro`,
    `23 22 ${var_}`,
    '24 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:5 - proc proc rw',
    '',
  ].join('\n');
}

const BLOCK_DEVICES: BlockDeviceEntry[] = [
  { name: 'sda', dev: '8:0' },
  { name: 'sda2', dev: '8:2' },
  { name: 'sda3', dev: '8:3' },
  { name: 'dm-0', dev: '253:0', dmUuid: 'CRYPT-LUKS2-5f2c0a4e8d1b4c3f9e7a6b5c4d3e2f1a-luks-var', slaves: ['sda3'] },
];

/** Files every kubeadm node has: accounts, kubelet, kube-proxy, container runtime, sshd, sudo. */
function baseFiles(hostname: string, hardened: boolean): Record<string, FileEntry> {
  return {
    '/etc/hostname': pub(`${hostname}\n`),
    '/etc/passwd': pub(PASSWD),
    '/etc/group': pub(GROUP),
    '/etc/shadow': { content: SHADOW, mode: 0o640, gid: 42 },
    '/etc/ssh/sshd_config': pub(hardened ? HARDENED_SSHD : WEAK_SSHD),
    '/usr/sbin/sshd': { content: '#!ELF sshd\n', mode: 0o755 },
    '/usr/bin/sudo': { content: '#!ELF sudo\n', mode: 0o4755 },
    '/etc/sudoers': { content: `Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ${hardened ? '' : 'NOPASSWD: '}ALL\n`, mode: 0o440 },
    '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf': secret(KUBEADM_DROP_IN),
    '/etc/kubernetes/kubelet.conf': secret(kubeconfig(`system:node:${hostname}`)),
    [`${PKI}/ca.crt`]: pub('-----BEGIN CERTIFICATE-----\n'),
    '/var/lib/kubelet/config.yaml': secret(kubeletConfigYaml()),
    '/var/lib/kubelet/pki/kubelet.crt': pub('-----BEGIN CERTIFICATE-----\n'),
    '/var/lib/kubelet/pki/kubelet.key': secret('-----BEGIN PRIVATE KEY-----\n'),
    '/var/lib/kube-proxy/config.conf': secret(kubeProxyConfigYaml()),
    '/var/lib/kube-proxy/kubeconfig.conf': secret(kubeconfig('kube-proxy')),
    '/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db': secret(),
    '/etc/cni/net.d/10-calico.conflist': secret('{"name":"k8s-pod-network","cniVersion":"0.3.1","plugins":[]}\n'),
  };
}

function baseProcesses(kubeletFlags: string[]): ProcessEntry[] {
  return [
    { pid: PID.init, argv: ['/sbin/init', 'splash'] },
    { pid: PID.sshd, argv: ['sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'] },
    { pid: PID.containerd, argv: ['/usr/bin/containerd'] },
    { pid: PID.kubelet, argv: ['/usr/bin/kubelet', ...kubeletFlags] },
    { pid: PID.proxy, argv: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'] },
  ];
}

const KUBELET_FLAGS = [
  '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf', '--kubeconfig=/etc/kubernetes/kubelet.conf', '--config=/var/lib/kubelet/config.yaml',
  '--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock', '--pod-infra-container-image=registry.k8s.io/pause:3.10',
];

export interface ControlPlaneFlags {
  apiserver: string[];
  controllerManager: string[];
  scheduler: string[];
  etcd: string[];
}

export function hardenedFlags(hostname: string, etcdServers?: string): ControlPlaneFlags {
  return { apiserver: apiserverFlags(etcdServers), controllerManager: controllerManagerFlags(), scheduler: schedulerFlags(), etcd: etcdFlags(hostname) };
}

const MANIFESTS = '/etc/kubernetes/manifests';

/** The control-plane static pods (and, unless `processes: false`, their running processes) with these flags. */
export function controlPlaneParts(version: string, flags: ControlPlaneFlags, processes = true): { files: Record<string, FileEntry>; processes: ProcessEntry[] } {
  const parts: [string, string, string[], number][] = [
    ['kube-apiserver', `registry.k8s.io/kube-apiserver:v${version}`, flags.apiserver, PID.apiserver],
    ['kube-controller-manager', `registry.k8s.io/kube-controller-manager:v${version}`, flags.controllerManager, PID.controllerManager],
    ['kube-scheduler', `registry.k8s.io/kube-scheduler:v${version}`, flags.scheduler, PID.scheduler],
    ['etcd', 'registry.k8s.io/etcd:3.5.16-0', flags.etcd, PID.etcd],
  ];
  return {
    files: Object.fromEntries(parts.map(([c, image, f]) => [`${MANIFESTS}/${c}.yaml`, secret(staticPodManifest(c, image, f))])),
    processes: processes ? parts.map(([c, , f, pid]) => ({ pid, argv: [c, ...f] })) : [],
  };
}

/** Control-plane files: kubeconfigs, PKI, etcd data, the EncryptionConfiguration (all as kubeadm + CIS want them). */
function controlPlaneFiles(): Record<string, FileEntry> {
  const files: Record<string, FileEntry> = {
    '/etc/kubernetes/admin.conf': secret(kubeconfig('kubernetes-admin')),
    '/etc/kubernetes/super-admin.conf': secret(kubeconfig('kubernetes-super-admin')),
    '/etc/kubernetes/controller-manager.conf': secret(kubeconfig('system:kube-controller-manager')),
    '/etc/kubernetes/scheduler.conf': secret(kubeconfig('system:kube-scheduler')),
    '/etc/kubernetes/enc/enc.yaml': secret(ENCRYPTION_CONFIG),
    '/etc/kubernetes/audit-policy.yaml': secret('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n'),
    '/var/lib/etcd/member/snap/db': { content: '', mode: 0o600, uid: 998, gid: 998 },
  };
  for (const name of ['ca', 'apiserver', 'apiserver-kubelet-client', 'apiserver-etcd-client', 'front-proxy-ca', 'front-proxy-client', 'etcd/ca', 'etcd/server', 'etcd/peer', 'etcd/healthcheck-client']) {
    files[`${PKI}/${name}.crt`] = pub('-----BEGIN CERTIFICATE-----\n');
    files[`${PKI}/${name}.key`] = secret('-----BEGIN PRIVATE KEY-----\n');
  }
  files[`${PKI}/sa.key`] = secret('-----BEGIN PRIVATE KEY-----\n');
  files[`${PKI}/sa.pub`] = pub('-----BEGIN PUBLIC KEY-----\n');
  return files;
}

const CONTROL_PLANE_DIRS: Record<string, Owned> = {
  [MANIFESTS]: { mode: 0o700 },
  '/var/lib/etcd': { mode: 0o700, uid: 998, gid: 998 },
  '/var/lib/etcd/member': { mode: 0o700, uid: 998, gid: 998 },
  '/var/lib/etcd/member/snap': { mode: 0o700, uid: 998, gid: 998 },
  '/tmp': { mode: 0o1777 },
};

function hostState(hardened: boolean): Pick<NodeRootSpec, 'mountinfo' | 'cpuinfo' | 'kernelCmdline' | 'blockDevices'> {
  return {
    mountinfo: mountinfo(hardened, hardened),
    cpuinfo: cpuinfo(hardened ? `${X86} sme` : X86),
    kernelCmdline: hardened ? 'BOOT_IMAGE=/vmlinuz-6.8.0 root=/dev/sda2 ro mem_encrypt=on' : 'BOOT_IMAGE=/vmlinuz-6.8.0 root=/dev/sda2 rw',
    blockDevices: BLOCK_DEVICES,
  };
}

/** A kubeadm control plane (with its kubelet and kube-proxy) configured the way the CIS benchmark asks, host hardened too. */
export function hardenedControlPlane(options: { hostname?: string; version?: string; etcdServers?: string } = {}): NodeRootSpec {
  const hostname = options.hostname ?? 'cp-hardened';
  const cp = controlPlaneParts(options.version ?? '1.31.4', hardenedFlags(hostname, options.etcdServers));
  return {
    files: { ...baseFiles(hostname, true), ...controlPlaneFiles(), ...cp.files },
    dirs: { ...CONTROL_PLANE_DIRS },
    processes: [...baseProcesses(KUBELET_FLAGS), ...cp.processes],
    ...hostState(true),
  };
}

const swap = (flags: string[], name: string, value: string | undefined): string[] => [
  ...flags.filter((f) => !f.startsWith(`--${name}=`)),
  ...(value === undefined ? [] : [`--${name}=${value}`]),
];

/**
 * A control plane with planted weaknesses (what each one breaks is in node-cli.test.ts): loose modes and
 * owners, a group-writable /var/lib/kubelet, weak flags on the running components, a weak kubelet config
 * and kube-proxy metrics on every address, and a weak host.
 */
export function weakControlPlane(options: { hostname?: string; version?: string } = {}): NodeRootSpec {
  const hostname = options.hostname ?? 'cp-weak';
  const flags = hardenedFlags(hostname);
  flags.apiserver = swap(swap(swap(swap(flags.apiserver, 'authorization-mode', 'AlwaysAllow'), 'profiling', 'true'), 'audit-log-maxage', '7'), 'anonymous-auth', 'true');
  flags.controllerManager = swap(flags.controllerManager, 'profiling', undefined);
  flags.scheduler = swap(flags.scheduler, 'bind-address', '0.0.0.0');
  flags.etcd = swap(swap(flags.etcd, 'client-cert-auth', 'false'), 'auto-tls', 'true');
  const cp = controlPlaneParts(options.version ?? '1.33.1', flags);
  const files = { ...baseFiles(hostname, false), ...controlPlaneFiles(), ...cp.files };
  files[`${MANIFESTS}/kube-apiserver.yaml`]!.mode = 0o644;
  files[`${MANIFESTS}/kube-scheduler.yaml`] = { ...files[`${MANIFESTS}/kube-scheduler.yaml`], uid: 1000, gid: 1000 };
  files['/etc/kubernetes/admin.conf']!.mode = 0o644;
  files['/etc/systemd/system/kubelet.service.d/10-kubeadm.conf']!.mode = 0o644;
  files['/var/lib/kubelet/config.yaml'] = secret(kubeletConfigYaml({ authorization: 'authorization:\n  mode: AlwaysAllow', rotateCertificates: 'rotateCertificates: false' }));
  files['/var/lib/kube-proxy/config.conf'] = secret(kubeProxyConfigYaml('0.0.0.0:10249'));
  // A second uid 0 account with an empty password.
  files['/etc/passwd'] = pub(`${PASSWD}toor:x:0:0:backdoor:/root:/bin/bash\n`);
  files['/etc/shadow'] = { content: `${SHADOW}toor::19800:0:99999:7:::\n`, mode: 0o640, gid: 42 };
  return {
    files,
    dirs: { ...CONTROL_PLANE_DIRS, '/var/lib/etcd': { mode: 0o755 }, '/var/lib/kubelet': { mode: 0o775 } },
    processes: [...baseProcesses(KUBELET_FLAGS), ...cp.processes],
    ...hostState(false),
  };
}

/** A NUL-bounded gitVersion, the way `-ldflags -X` stamps it into the kubelet binary. */
const kubeletBinary = (version: string): Buffer => Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0'), Buffer.alloc(64), Buffer.from(`\0v${version}\0`), Buffer.alloc(64), Buffer.from(`\0v${version}\0`)]);

/**
 * A worker: no control plane. The kubelet runs with `--config` (whose file says
 * authentication.anonymous.enabled: false) and `--anonymous-auth=true` on its command line, which wins.
 * `flagsOnly: true` drops `--config`: a kubelet with flags only, whose defaults differ.
 */
export function worker(options: { hostname?: string; version?: string; flagsOnly?: boolean } = {}): NodeRootSpec {
  const hostname = options.hostname ?? 'worker-1';
  const flags = options.flagsOnly
    ? ['--kubeconfig=/etc/kubernetes/kubelet.conf', `--client-ca-file=${PKI}/ca.crt`, '--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock']
    : [...KUBELET_FLAGS, '--anonymous-auth=true'];
  const files = baseFiles(hostname, true);
  files['/etc/ssh/sshd_config'] = pub(WEAK_SSHD);
  files['/usr/bin/kubelet'] = { content: kubeletBinary(options.version ?? '1.32.3'), mode: 0o755 };
  if (options.flagsOnly) delete files['/var/lib/kubelet/config.yaml'];
  return { files, dirs: { '/tmp': { mode: 0o1777 } }, processes: baseProcesses(flags), ...hostState(true) };
}
