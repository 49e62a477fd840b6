import path from 'node:path';
import { DEFINITIONS } from '../../access/definitions.js';
import { lastValues, parseFlags, splitList } from '../../access/flags.js';
import type { ComponentInstance, NodeSnapshot } from '../model.js';

// Where etcd is and which client certificate reads it, from the control-plane node itself: the API
// server's own etcd client settings first (a certificate etcd is sure to accept), else etcd's
// serving flags (its server certificate usually also carries clientAuth, as kubeadm makes it).

export interface EtcdConnectionDefaults {
  endpoints: string[];
  /** Paths under the snapshot's root (readable from where kubeward runs). */
  cacert?: string;
  cert?: string;
  key?: string;
  /** `kube-apiserver flags (/proc/812/cmdline)`. */
  source: string;
}

/** The component's flags, last occurrence winning; etcd's ETCD_* environment fills flags not given. */
function flagsOf(instance: ComponentInstance, component: 'kube-apiserver' | 'etcd'): Map<string, string> {
  const spec = DEFINITIONS.components[component];
  const parsed = parseFlags(instance.argv.slice(1), { style: spec.flagStyle, booleans: new Set(spec.booleanFlags), shorthands: spec.shorthands, normalizeUnderscores: spec.normalizeUnderscores });
  const flags = lastValues(parsed);
  if (spec.envPrefix) {
    for (const [name, value] of Object.entries(instance.env)) {
      if (!name.startsWith(spec.envPrefix)) continue;
      const flag = name.slice(spec.envPrefix.length).toLowerCase().replaceAll('_', '-');
      if (!flags.has(flag)) flags.set(flag, value);
    }
  }
  return flags;
}

/** A running process is better evidence than a manifest that may not have been applied yet. */
const pick = (snapshot: NodeSnapshot, component: 'kube-apiserver' | 'etcd'): ComponentInstance | undefined =>
  snapshot.components.find((c) => c.component === component && c.from === 'process') ?? snapshot.components.find((c) => c.component === component);

/** A listen address of every interface is reached on loopback. */
function reachable(url: string): string {
  return url.replace(/^(https?:\/\/)(0\.0\.0\.0|\[::\])(?=[:/]|$)/, '$1127.0.0.1');
}

/** Connection settings from the node's kube-apiserver or etcd flags; undefined when neither runs here. */
export function defaultsFromNode(snapshot: NodeSnapshot): EtcdConnectionDefaults | undefined {
  const onNode = (file: string | undefined): string | undefined => (file ? path.posix.join(snapshot.root, file) : undefined);
  const withFiles = (base: EtcdConnectionDefaults, ca?: string, cert?: string, key?: string): EtcdConnectionDefaults => {
    const out = { ...base };
    const c = onNode(ca), ce = onNode(cert), k = onNode(key);
    if (c) out.cacert = c;
    if (ce) out.cert = ce;
    if (k) out.key = k;
    return out;
  };

  const apiserver = pick(snapshot, 'kube-apiserver');
  if (apiserver) {
    const flags = flagsOf(apiserver, 'kube-apiserver');
    const servers = splitList(flags.get('etcd-servers') ?? '');
    if (servers.length > 0) {
      return withFiles({ endpoints: servers.map(reachable), source: `kube-apiserver flags (${apiserver.source})` }, flags.get('etcd-cafile'), flags.get('etcd-certfile'), flags.get('etcd-keyfile'));
    }
  }
  const etcd = pick(snapshot, 'etcd');
  if (!etcd) return undefined;
  const flags = flagsOf(etcd, 'etcd');
  const urls = [...splitList(flags.get('advertise-client-urls') ?? ''), ...splitList(flags.get('listen-client-urls') ?? '')].map(reachable);
  // etcd's default when no client URL is given.
  const endpoints = urls.length > 0 ? [...new Set(urls)] : ['http://127.0.0.1:2379'];
  return withFiles({ endpoints, source: `etcd flags (${etcd.source})` }, flags.get('trusted-ca-file'), flags.get('cert-file'), flags.get('key-file'));
}
