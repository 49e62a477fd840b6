/**
 * `node --import tsx bench/netpol.ts [SIZES]`: NetworkPolicy reachability on generated clusters of 1,000, 5,000
 * and 20,000 pods (Deployments of 1–4 replicas; at 5,000 pods: 500 namespaces, 1,000 NetworkPolicies, scaled
 * proportionally for the other sizes; plus one AdminNetworkPolicy and a BaselineAdminNetworkPolicy).
 * Policies per namespace: a default-deny ingress in 70% of namespaces, an allow from the same namespace to the
 * `web` tier, an allow from a `monitoring` namespace, egress restrictions with an ipBlock in some namespaces.
 * Prints, per size: pods, workloads, policies, workload-level connectivity time, connections, peak RSS
 * (target at 5,000 pods: < 5 s and < 1 GB). Each size runs in its own process so peak RSS is per size.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Inventory, normalize, parseManifests } from '../src/inventory/index.js';
import { computeConnectivity } from '../src/network/netpol/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function generate(pods: number): object[] {
  const rand = rng(pods);
  const namespaces = Math.max(1, Math.round(pods / 10));
  const policies = namespaces * 2;
  const tiers = ['web', 'api', 'db'];
  const out: object[] = [];
  const ns = (i: number): string => (i === 0 ? 'monitoring' : `team-${i}`);
  for (let i = 0; i < namespaces; i++) out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns(i), labels: { team: `t${i % 50}`, env: i % 3 ? 'prod' : 'dev' } } });
  let made = 0;
  let w = 0;
  while (made < pods) {
    const replicas = Math.min(pods - made, 1 + Math.floor(rand() * 4));
    const namespace = ns(w % namespaces);
    const labels = { app: `app-${w}`, tier: tiers[w % 3]! };
    out.push({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `app-${w}`, namespace },
      spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }] } } },
    });
    made += replicas;
    w++;
  }
  let p = 0;
  for (let i = 0; p < policies; i = (i + 1) % namespaces) {
    const namespace = ns(i);
    const np = (name: string, spec: object): object => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
    if (i % 10 < 7) out.push(np(`deny-${p}`, { podSelector: {}, policyTypes: ['Ingress'] }));
    else if (i % 10 < 9) out.push(np(`egress-${p}`, { podSelector: { matchLabels: { tier: 'db' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: `10.${i % 256}.0.0/16`, except: [`10.${i % 256}.1.0/24`] } }], ports: [{ port: 5432 }] }, { to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }] }] }));
    else out.push(np(`from-monitoring-${p}`, { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 'metrics' }] }] }));
    p++;
    if (p >= policies) break;
    out.push(np(`allow-web-${p}`, { podSelector: { matchLabels: { tier: 'web' } }, ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchLabels: { tier: 'api' } } }], ports: [{ port: 'http' }, { port: 443 }] }] }));
    p++;
  }
  out.push({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: 'cluster' }, spec: { priority: 10, subject: { namespaces: {} }, ingress: [{ name: 'monitoring', action: 'Allow', from: [{ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ portNumber: { port: 9090, protocol: 'TCP' } }] }, { name: 'pass-dev', action: 'Pass', from: [{ namespaces: { matchLabels: { env: 'dev' } } }] }], egress: [{ name: 'no-smtp', action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }], ports: [{ portNumber: { port: 25, protocol: 'TCP' } }] }] } });
  out.push({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec: { subject: { namespaces: { matchLabels: { env: 'dev' } } }, ingress: [{ name: 'deny-cross-team', action: 'Deny', from: [{ namespaces: { matchLabels: { team: 't1' } } }] }] } });
  return out;
}

function runOne(pods: number): void {
  const objects = generate(pods);
  const parsed = parseManifests(objects.map((o) => JSON.stringify(o)).join('\n---\n'), 'bench.yaml', 'file');
  const inventory = new Inventory(parsed.objects.map((o, i) => normalize(o, String(i))));
  const start = performance.now();
  const result = computeConnectivity(inventory);
  const ms = performance.now() - start;
  const policies = inventory.ofKind('NetworkPolicy').length;
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${pods} pods, ${result.workloads.length} workloads, ${inventory.ofKind('Namespace').length} namespaces, ${policies} NetworkPolicies: connectivity ${(ms / 1000).toFixed(2)} s, ${result.connections.length} connections, peak RSS ${rss.toFixed(0)} MB\n`);
}

const self = fileURLToPath(import.meta.url);
const arg = process.argv[2];
if (arg && /^\d+$/.test(arg)) runOne(Number(arg));
else {
  const sizes = arg ? arg.split(',').map(Number) : [1000, 5000, 20000];
  for (const n of sizes) process.stdout.write(execFileSync(process.execPath, [...process.execArgv, self, String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 }));
}
