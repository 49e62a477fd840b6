import picomatch from 'picomatch';
import type { ComponentInstance, EffectiveConfig, EffectiveSetting, FileFacts, NodeSnapshot } from '../model.js';

// Test helper: a NodeSnapshot over an in-memory file map, so the benchmark is tested without a
// node. Directories not listed are implied (0755 root:root), as on a fresh install.

export interface FakeEntry {
  /** Permission bits, e.g. 0o600. */
  mode: number;
  /** `user:group` (names; uids: root 0, etcd 998, anything else 1000). */
  owner?: string;
  type?: 'file' | 'dir';
  text?: string;
}

export interface FakeSnapshotInput {
  hostname?: string;
  version?: string;
  files?: Record<string, FakeEntry>;
  components?: ComponentInstance[];
  kubelet?: EffectiveConfig;
  kubeProxy?: EffectiveConfig;
}

const UIDS: Record<string, number> = { root: 0, etcd: 998 };
const idOf = (name: string): number => UIDS[name] ?? 1000;

export const file = (mode: number, owner = 'root:root', text?: string): FakeEntry => (text === undefined ? { mode, owner } : { mode, owner, text });
export const dir = (mode: number, owner = 'root:root'): FakeEntry => ({ mode, owner, type: 'dir' });

function factsOf(path: string, entry: FakeEntry | undefined): FileFacts {
  const e = entry ?? dir(0o755);
  const [user, group] = (e.owner ?? 'root:root').split(':') as [string, string];
  return { path, type: e.type ?? 'file', mode: e.mode, uid: idOf(user), gid: idOf(group), user, group };
}

function parentsOf(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  const out = ['/'];
  for (let i = 1; i < parts.length; i++) out.push(`/${parts.slice(0, i).join('/')}`);
  return out;
}

/** A snapshot whose stat/readText/glob read `files`. */
export function fakeSnapshot(input: FakeSnapshotInput): NodeSnapshot {
  const files = input.files ?? {};
  const exists = (p: string): boolean => p in files || Object.keys(files).some((k) => k.startsWith(`${p}/`));
  const snapshot: NodeSnapshot = {
    hostname: input.hostname ?? 'node-1',
    root: '/',
    proc: '/proc',
    processes: [],
    components: input.components ?? [],
    staticPods: [],
    accounts: [],
    groups: new Map(),
    mounts: [],
    blockDevices: [],
    cpuFlags: [],
    kernelCmdline: '',
    notes: [],
    stat(path) {
      if (!exists(path)) return undefined;
      return { file: factsOf(path, files[path] ?? dir(0o755)), parents: parentsOf(path).map((p) => factsOf(p, files[p])) };
    },
    readText(path) {
      const entry = files[path];
      if (!entry || entry.text === undefined) return undefined;
      return { path, text: entry.text, facts: factsOf(path, entry) };
    },
    glob(pattern) {
      const match = picomatch(pattern, { dot: true });
      return Object.keys(files).filter((p) => match(p)).sort();
    },
  };
  if (input.version) snapshot.kubernetesVersion = { version: input.version, source: `test (v${input.version})` };
  if (input.kubelet) snapshot.kubelet = input.kubelet;
  if (input.kubeProxy) snapshot.kubeProxy = input.kubeProxy;
  return snapshot;
}

/** A component instance: a process (with pid) or a static pod (source = manifest:line). */
export function component(name: ComponentInstance['component'], argv: string[], from: 'process' | 'static-pod' = 'process', env: Record<string, string> = {}, pid = 100): ComponentInstance {
  const instance: ComponentInstance = { component: name, from, argv, env, source: from === 'process' ? `/proc/${pid}/cmdline` : `/etc/kubernetes/manifests/${name}.yaml:17` };
  if (from === 'process') instance.pid = pid;
  return instance;
}

type SettingInput = Omit<EffectiveSetting, 'path'>;

/** An EffectiveConfig from settings by path (and flags that have no config field). */
export function effectiveConfig(
  componentName: 'kubelet' | 'kube-proxy',
  configFile: string | undefined,
  settings: Record<string, SettingInput>,
  flagsOnly: Record<string, SettingInput> = {},
  problems: string[] = [],
): EffectiveConfig {
  const config: EffectiveConfig = {
    component: componentName,
    dropIns: [],
    settings: new Map(Object.entries(settings).map(([path, s]) => [path, { path, ...s }])),
    flagsOnly: new Map(Object.entries(flagsOnly).map(([path, s]) => [path, { path, ...s }])),
    problems,
  };
  if (configFile) config.configFile = configFile;
  return config;
}
