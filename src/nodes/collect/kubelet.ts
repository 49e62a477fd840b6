import * as path from 'node:path';
import type { ComponentInstance, EffectiveConfig } from '../model.js';
import { configLayer, mergeLayers, readFlags, type Layer } from './effective-config.js';
import { KUBE_PROXY_BOOLEANS, KUBE_PROXY_FLAGS, KUBE_PROXY_FLAGS_WITH_CONFIG, KUBELET_BOOLEANS, KUBELET_FLAGS } from './flag-tables.js';
import type { NodeFs } from './root-fs.js';

// Where the kubelet's and kube-proxy's configuration comes from on this node, and the merge.

/** kubeadm's systemd drop-in, which passes `--config` to the kubelet (deb/rpm packages and older installs). */
export const KUBEADM_DROP_INS = [
  '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf',
  '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf',
  '/lib/systemd/system/kubelet.service.d/10-kubeadm.conf',
];
/** kubeadm's kubelet config path, used when nothing names one. */
export const DEFAULT_KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';

/** The flags of a component's argv: after the program, and after `hyperkube <name>`. */
export function flagArgs(argv: readonly string[]): string[] {
  return path.posix.basename(argv[0] ?? '') === 'hyperkube' ? argv.slice(2) : argv.slice(1);
}

/** `--config=/x` or `--config /x` in a systemd unit text, with its line. */
export function configFromUnit(text: string): { config: string; line: number } | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*#/.test(lines[i]!)) continue;
    const match = /--config(?:=|\s+)("?)([^\s"]+)\1/.exec(lines[i]!);
    if (match) return { config: match[2]!, line: i + 1 };
  }
  return undefined;
}

/** A node path for a value given to the component (relative paths are taken from `/`). */
const nodePath = (p: string): string => path.posix.resolve('/', p);

/** The `*.conf` files of a drop-in directory in the kubelet's order (Go's filepath.WalkDir: lexical, depth first). */
export function dropInFiles(nodeFs: NodeFs, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of nodeFs.list(d)) {
      const full = `${d.replace(/\/$/, '')}/${name}`;
      const facts = nodeFs.stat(full)?.file;
      if (!facts) continue;
      if (facts.type === 'dir') walk(full); // WalkDir does not follow a symlink to a directory
      else if (name.endsWith('.conf')) out.push(full);
    }
  };
  walk(dir);
  return out;
}

interface Located {
  configFile?: string;
  /** Appended to every `where` of the config file's settings (how the file was chosen). */
  suffix: string;
}

/** Which kubelet config file to read when no kubelet process is running. */
function locateKubeletConfig(nodeFs: NodeFs): Located | undefined {
  for (const unit of KUBEADM_DROP_INS) {
    const text = nodeFs.readText(unit);
    const found = text ? configFromUnit(text.text) : undefined;
    if (found) return { configFile: nodePath(found.config), suffix: ` (kubelet not running; --config from ${unit}:${found.line})` };
  }
  if (nodeFs.stat(DEFAULT_KUBELET_CONFIG)) return { configFile: DEFAULT_KUBELET_CONFIG, suffix: ' (kubelet not running; kubeadm default path)' };
  return undefined;
}

/** One config file (or drop-in) as a layer; a missing or bad file becomes a problem. */
function fileLayer(nodeFs: NodeFs, file: string, origin: 'config-file' | 'drop-in', kind: string, suffix: string, problems: string[]): Layer | undefined {
  const text = nodeFs.readText(file);
  if (!text) {
    problems.push(`${file}: cannot read the ${origin === 'drop-in' ? 'drop-in' : 'config file'}`);
    return undefined;
  }
  const result = configLayer(text.text, file, origin, kind, suffix);
  problems.push(...result.problems);
  return result.layer;
}

/** The kubelet's effective configuration: from its process, or (stopped node) from its unit files. */
export function kubeletConfig(nodeFs: NodeFs, instance: ComponentInstance | undefined): EffectiveConfig | undefined {
  const problems: string[] = [];
  const flags = instance ? readFlags(flagArgs(instance.argv), KUBELET_FLAGS, KUBELET_BOOLEANS, instance.source, 'kubelet') : undefined;
  problems.push(...(flags?.problems ?? []));
  let located: Located | undefined;
  if (flags) {
    const config = flags.last.get('config');
    located = { ...(config ? { configFile: nodePath(config) } : {}), suffix: '' };
  } else {
    located = locateKubeletConfig(nodeFs);
    if (!located) return undefined;
  }
  const layers: Layer[] = [];
  if (located.configFile) {
    const layer = fileLayer(nodeFs, located.configFile, 'config-file', 'KubeletConfiguration', located.suffix, problems);
    if (layer) layers.push(layer);
  }
  const configDir = flags?.last.get('config-dir');
  const dropIns = configDir ? dropInFiles(nodeFs, nodePath(configDir)) : [];
  for (const file of dropIns) {
    const layer = fileLayer(nodeFs, file, 'drop-in', 'KubeletConfiguration', '', problems);
    if (layer) layers.push(layer);
  }
  if (flags) layers.push({ origin: 'flag', entries: flags.entries });
  return {
    component: 'kubelet',
    ...(located.configFile ? { configFile: located.configFile } : {}),
    dropIns,
    settings: mergeLayers(layers),
    flagsOnly: flags?.flagsOnly ?? new Map(),
    problems,
  };
}

/**
 * kube-proxy's effective configuration. With `--config`, kube-proxy ignores the flags that have a
 * config field (except `--hostname-override`): an ignored flag is listed under the config value
 * it lost to, or as a problem when the config file leaves the field to its default.
 */
export function kubeProxyConfig(nodeFs: NodeFs, instance: ComponentInstance | undefined): EffectiveConfig | undefined {
  if (!instance) return undefined;
  const problems: string[] = [];
  const flags = readFlags(flagArgs(instance.argv), KUBE_PROXY_FLAGS, KUBE_PROXY_BOOLEANS, instance.source, 'kube-proxy');
  problems.push(...flags.problems);
  const config = flags.last.get('config');
  const configFile = config ? nodePath(config) : undefined;
  const layers: Layer[] = [];
  if (configFile) {
    const layer = fileLayer(nodeFs, configFile, 'config-file', 'KubeProxyConfiguration', '', problems);
    if (layer) layers.push(layer);
    layers.push({ origin: 'flag', entries: flags.entries.filter((e) => KUBE_PROXY_FLAGS_WITH_CONFIG.has(flags.flagOfPath.get(e.path) ?? '')) });
  } else {
    layers.push({ origin: 'flag', entries: flags.entries });
  }
  const settings = mergeLayers(layers);
  if (configFile) {
    for (const entry of flags.entries) {
      if (KUBE_PROXY_FLAGS_WITH_CONFIG.has(flags.flagOfPath.get(entry.path) ?? '')) continue;
      const winner = settings.get(entry.path);
      if (winner) winner.overridden = [...(winner.overridden ?? []), { value: entry.value, origin: 'flag', where: entry.where }];
      else problems.push(`${entry.where}: ignored, kube-proxy reads ${configFile} (--config), which leaves ${entry.path} to its default`);
    }
  }
  return { component: 'kube-proxy', ...(configFile ? { configFile } : {}), dropIns: [], settings, flagsOnly: flags.flagsOnly, problems };
}
