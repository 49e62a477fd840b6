import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ComponentInstance, DetectedVersion, NodeSnapshot } from '../model.js';
import { nodeAccounts, nodeGroups, parseCpuFlags, readBlockDevices, readMounts } from './host.js';
import { kubeletConfig, kubeProxyConfig } from './kubelet.js';
import { componentsFromProcesses, readProcesses } from './proc.js';
import { NodeFs } from './root-fs.js';
import { controlPlaneOfStaticPods, DEFAULT_STATIC_POD_PATH, readStaticPods, staticPodComponents, versionFromStaticPods } from './static-pods.js';
import { versionFromKubeletBinary } from './version.js';

// collectNode: everything the node checks read, gathered once. Node files are read under `root`
// (symlinks confined to it), processes and kernel facts from `proc`, block devices from `sys`.

export interface CollectOptions {
  /** The node's root filesystem (`/`, or `/host` in a pod). Default `/`. */
  root?: string;
  /** The /proc to read (the host's, with hostPID). Default `/proc`. */
  proc?: string;
  /** The /sys to read block devices from (it is usually not under the host root mount in a pod). Default `/sys`. */
  sys?: string;
  /** The node's name; default `<root>/etc/hostname`, else this machine's. */
  hostname?: string;
}

/** Reads a text file of the scanner's own filesystem (`proc`, not under the root); undefined when unreadable. */
function readLocal(file: string, notes: string[]): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    notes.push(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return undefined;
  }
}

/** The first component instance of a kind among running processes. */
const first = (components: readonly ComponentInstance[], name: ComponentInstance['component']): ComponentInstance | undefined => components.find((c) => c.component === name);

export async function collectNode(options: CollectOptions = {}): Promise<NodeSnapshot> {
  const root = path.resolve(options.root ?? '/');
  const proc = path.resolve(options.proc ?? '/proc');
  const sys = path.resolve(options.sys ?? '/sys');
  // A mistyped --root must not become a report of an empty, "clean" node.
  for (const [flag, dir] of [['--root', root], ['--proc', proc]] as const) requireDirectory(flag, dir);
  const notes: string[] = [];
  const nodeFs = new NodeFs(root, notes);

  // Accounts first: stat() names owners from the node's own passwd and group.
  const passwd = nodeFs.readText('/etc/passwd');
  const shadow = nodeFs.readText('/etc/shadow');
  const group = nodeFs.readText('/etc/group');
  const { accounts, problems: accountProblems } = passwd ? nodeAccounts(passwd, shadow) : { accounts: [], problems: ['/etc/passwd: not found; owners are shown by uid only'] };
  const { groups, problems: groupProblems } = nodeGroups(group);
  notes.push(...accountProblems, ...groupProblems);
  nodeFs.setNames(new Map(accounts.map((a) => [a.uid, a.name] as [number, string]).reverse()), groups);

  const scan = readProcesses(proc);
  notes.push(...scan.notes);
  const running = componentsFromProcesses(scan.processes);
  const kubeletProcess = first(running, 'kubelet');
  const kubelet = kubeletConfig(nodeFs, kubeletProcess);
  const kubeProxy = kubeProxyConfig(nodeFs, first(running, 'kube-proxy'));

  const podPathSetting = kubelet?.settings.get('staticPodPath');
  const staticPodPath = typeof podPathSetting?.value === 'string' && podPathSetting.value !== '' ? podPathSetting.value : DEFAULT_STATIC_POD_PATH;
  const staticPods = readStaticPods(nodeFs, staticPodPath);
  const controlPlane = controlPlaneOfStaticPods(staticPods);
  // A manifest without a process: the component is not running (or the node is an image at rest).
  const fromManifests = staticPodComponents(controlPlane).filter((c) => !running.some((r) => r.component === c.component));

  let kubernetesVersion: DetectedVersion | undefined = versionFromStaticPods(controlPlane);
  if (!kubernetesVersion) {
    const binaries = [...(kubeletProcess && kubeletProcess.argv[0]?.startsWith('/') ? [kubeletProcess.argv[0]] : []), '/usr/bin/kubelet', '/usr/local/bin/kubelet'];
    kubernetesVersion = versionFromKubeletBinary(nodeFs, [...new Set(binaries)], notes);
  }

  const cpuinfo = readLocal(path.join(proc, 'cpuinfo'), notes);
  const cmdline = readLocal(path.join(proc, 'cmdline'), notes);
  const hostname = options.hostname ?? nodeFs.readText('/etc/hostname')?.text.split('\n')[0]?.trim() ?? os.hostname();

  return {
    hostname: hostname === '' ? os.hostname() : hostname,
    root,
    proc,
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
    processes: scan.processes,
    components: [...running, ...fromManifests],
    staticPods,
    ...(kubelet ? { kubelet } : {}),
    ...(kubeProxy ? { kubeProxy } : {}),
    accounts,
    groups,
    mounts: readMounts(proc, notes),
    blockDevices: readBlockDevices(sys, notes),
    cpuFlags: cpuinfo ? parseCpuFlags(cpuinfo) : [],
    kernelCmdline: cmdline?.replace(/\0/g, ' ').trim() ?? '',
    stat: (p) => nodeFs.stat(p),
    readText: (p) => nodeFs.readText(p),
    glob: (p) => nodeFs.glob(p),
    notes,
  };
}

export { NodeFs, resolveInRoot, segmentPattern, MAX_SYMLINK_HOPS, MAX_TEXT_BYTES, type Resolved, type ResolveOutcome } from './root-fs.js';
export { parseCmdline, parseEnviron, componentOfArgv, readProcesses, componentsFromProcesses, type ProcessScan } from './proc.js';
export { flattenConfig, mergeLayers, configLayer, readFlags, typedFlagValue, type Layer, type LayerEntry, type FlagReadout } from './effective-config.js';
export { KUBELET_FLAGS, KUBE_PROXY_FLAGS, KUBELET_BOOLEANS, KUBE_PROXY_BOOLEANS, type FlagField, type FlagValueType } from './flag-tables.js';
export { kubeletConfig, kubeProxyConfig, configFromUnit, dropInFiles, flagArgs, KUBEADM_DROP_INS, DEFAULT_KUBELET_CONFIG } from './kubelet.js';
export { readStaticPods, controlPlaneOfStaticPods, staticPodComponents, versionOfImageTag, versionFromStaticPods, DEFAULT_STATIC_POD_PATH } from './static-pods.js';
export { gitVersionOfBinary, versionCandidates, chooseVersion, plainVersion, versionFromKubeletBinary } from './version.js';
export { parseMountinfo, unescapeOctal, readMounts, readBlockDevices, parseCpuFlags, nodeAccounts, nodeGroups } from './host.js';

/** Thrown when --root or --proc is not a readable directory (the CLI prints it as one line, exit 2). */
export class NodeRootError extends Error {}

function requireDirectory(flag: string, dir: string): void {
  let isDir = false;
  try {
    isDir = fs.statSync(dir).isDirectory();
  } catch (error) {
    throw new NodeRootError(`${flag} ${dir}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (error as Error).message}`);
  }
  if (!isDir) throw new NodeRootError(`${flag} ${dir}: not a directory`);
}
