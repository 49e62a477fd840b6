/**
 * NetworkPolicy (v1) reachability with AdminNetworkPolicy / BaselineAdminNetworkPolicy tiers:
 * ANP (priority order, first matching rule) → NetworkPolicy (per-direction isolation, additive allows) → BANP → allow.
 * A connection needs the egress side of the source and the ingress side of the destination.
 * Evaluated on equivalence classes of workloads (namespace, pod labels, named ports), so the cost grows
 * with the distinct classes and policies, not with pods squared.
 */
import { selectorMatches, type Inventory } from '../../inventory/index.js';
import { ConnSet } from './connset.js';
import { formatRange, partition, rangeContains, type IpRange } from './ip.js';
import { buildModel, type Peer, type Policy, type PortSpec, type Rule, type Workload } from './model.js';

export interface ExternalPeer {
  /** `0.0.0.0-255.255.255.255[External]` */
  id: string;
  range: IpRange;
}

export interface Connection {
  src: string;
  dst: string;
  conns: ConnSet;
}

export interface Connectivity {
  workloads: Workload[];
  externals: ExternalPeer[];
  /** hostNetwork workloads: outside the scope of NetworkPolicy (behaviour is implementation-defined); no connections computed. */
  outOfScope: Workload[];
  /** Allowed connections (never empty), sorted by source then destination. */
  connections: Connection[];
  warnings: string[];
}

export interface ConnectivityOptions {
  /** Treat hostNetwork pods like any other pod (netpol-analyzer does); default: leave them out. */
  hostNetworkAsPod?: boolean;
}

/** One step of a decision, for `explain`. */
export interface Step {
  direction: 'Egress' | 'Ingress';
  layer: 'ANP' | 'NP' | 'BANP' | 'default';
  policy?: string;
  rule?: string;
  action: 'Allow' | 'Deny' | 'Pass' | 'Isolated' | 'Not isolated';
  conns: ConnSet;
}

export type Endpoint = { kind: 'workload'; workload: Workload } | { kind: 'external'; external: ExternalPeer };

export class NetpolEngine {
  readonly workloads: Workload[];
  readonly externals: ExternalPeer[];
  readonly outOfScope: Workload[];
  readonly warnings: string[];
  private readonly policies: Policy[];
  private readonly anps: Policy[];
  private readonly nps: Policy[];
  private readonly banps: Policy[];

  constructor(inventory: Inventory, options: ConnectivityOptions = {}) {
    const model = buildModel(inventory);
    this.warnings = model.warnings;
    this.workloads = model.workloads.filter((w) => options.hostNetworkAsPod || !w.hostNetwork);
    this.outOfScope = model.workloads.filter((w) => !options.hostNetworkAsPod && w.hostNetwork);
    this.policies = model.policies;
    this.anps = model.policies.filter((p) => p.layer === 'ANP').sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
    this.nps = model.policies.filter((p) => p.layer === 'NP');
    this.banps = model.policies.filter((p) => p.layer === 'BANP');
    const seen = new Map<number, string>();
    for (const p of this.anps) {
      const other = seen.get(p.priority);
      if (other !== undefined) this.warnings.push(`AdminNetworkPolicies ${other} and ${p.id} have the same priority ${p.priority}: their order is undefined`);
      else seen.set(p.priority, p.id);
    }
    const ranges: IpRange[] = [];
    for (const p of this.policies) for (const rule of [...(p.ingress ?? []), ...(p.egress ?? [])]) {
      for (const peer of rule.peers ?? []) if (peer.type === 'ipBlock') ranges.push(peer.cidr, ...peer.except);
    }
    this.externals = partition(ranges).map((range) => ({ id: `${formatRange(range)}[External]`, range }));
  }

  connectivity(): Connectivity {
    // equivalence classes: workloads that every selector and named port sees alike
    const classes = new Map<string, Workload[]>();
    for (const w of this.workloads) {
      const key = JSON.stringify([w.namespace, sorted(w.podLabels), w.namedPorts.map((p) => `${p.name}/${p.protocol}/${p.port}`).sort()]);
      const list = classes.get(key);
      if (list) list.push(w);
      else classes.set(key, [w]);
    }
    const reps = [...classes.values()];
    const connections: Connection[] = [];
    const add = (src: string, dst: string, conns: ConnSet): void => {
      if (!conns.isEmpty()) connections.push({ src, dst, conns });
    };
    for (const srcs of reps) {
      const src: Endpoint = { kind: 'workload', workload: srcs[0]! };
      for (const dsts of reps) {
        const conns = this.allowed(src, { kind: 'workload', workload: dsts[0]! });
        if (conns.isEmpty()) continue;
        for (const s of srcs) for (const d of dsts) if (s !== d) add(s.id, d.id, conns);
      }
      for (const external of this.externals) {
        const dst: Endpoint = { kind: 'external', external };
        const out = this.allowed(src, dst);
        for (const s of srcs) add(s.id, external.id, out);
        const back = this.allowed(dst, src);
        for (const s of srcs) add(external.id, s.id, back);
      }
    }
    connections.sort((a, b) => compare(a.src, b.src) || compare(a.dst, b.dst));
    return { workloads: this.workloads, externals: this.externals, outOfScope: this.outOfScope, connections, warnings: this.warnings };
  }

  /** The connections allowed from `src` to `dst`: egress of the source AND ingress of the destination. */
  allowed(src: Endpoint, dst: Endpoint, trace?: Step[]): ConnSet {
    const egress = src.kind === 'workload' ? this.direction('Egress', src.workload, dst, dst, trace) : ConnSet.all();
    if (egress.isEmpty() && !trace) return egress;
    const ingress = dst.kind === 'workload' ? this.direction('Ingress', dst.workload, src, dst, trace) : ConnSet.all();
    return egress.intersect(ingress);
  }

  find(id: string): Endpoint | undefined {
    const w = this.workloads.find((x) => x.id === id) ?? this.workloads.find((x) => `${x.namespace}/${x.name}` === id);
    if (w) return { kind: 'workload', workload: w };
    const e = this.externals.find((x) => x.id === id || x.id === `${id}[External]`);
    return e ? { kind: 'external', external: e } : undefined;
  }

  /** What `subject`'s policies allow towards (egress) or from (ingress) `peer`; named ports resolve on `dst`. */
  private direction(direction: 'Egress' | 'Ingress', subject: Workload, peer: Endpoint, dst: Endpoint, trace?: Step[]): ConnSet {
    const key = direction === 'Egress' ? 'egress' : 'ingress';
    let remaining = ConnSet.all();
    let allowed = ConnSet.empty();
    // tier 1: AdminNetworkPolicies, lowest priority value first, first matching rule wins
    for (const anp of this.anps) {
      const rules = anp[key];
      if (!rules || !this.subjectMatches(anp, subject)) continue;
      for (const rule of rules) {
        if (remaining.isEmpty()) break;
        if (!rule.peers!.some((p) => peerMatches(p, peer))) continue;
        const hit = remaining.intersect(portsOf(rule.ports, dst));
        if (hit.isEmpty()) continue;
        remaining = remaining.subtract(hit);
        if (rule.action === 'Allow') allowed = allowed.union(hit);
        trace?.push({ direction, layer: 'ANP', policy: anp.id, rule: ruleLabel(rule), action: rule.action, conns: hit });
      }
    }
    if (remaining.isEmpty()) return allowed;
    // tier 2: NetworkPolicies; a pod selected for this direction is isolated: only the union of the rules passes
    const selecting = this.nps.filter((p) => p[key] && this.subjectMatches(p, subject));
    if (selecting.length) {
      let npAllowed = ConnSet.empty();
      for (const np of selecting) {
        let own = ConnSet.empty();
        for (const rule of np[key]!) {
          if (rule.peers && !rule.peers.some((p) => peerMatches(p, peer))) continue;
          const hit = portsOf(rule.ports, dst).intersect(remaining);
          if (hit.isEmpty()) continue;
          own = own.union(hit);
          trace?.push({ direction, layer: 'NP', policy: np.id, rule: ruleLabel(rule), action: 'Allow', conns: hit });
        }
        if (own.isEmpty()) trace?.push({ direction, layer: 'NP', policy: np.id, action: 'Isolated', conns: ConnSet.empty() });
        npAllowed = npAllowed.union(own);
      }
      return allowed.union(npAllowed.intersect(remaining));
    }
    // tier 3: BaselineAdminNetworkPolicy, first matching rule wins; anything left is allowed
    for (const banp of this.banps) {
      const rules = banp[key];
      if (!rules || !this.subjectMatches(banp, subject)) continue;
      for (const rule of rules) {
        if (remaining.isEmpty()) break;
        if (!rule.peers!.some((p) => peerMatches(p, peer))) continue;
        const hit = remaining.intersect(portsOf(rule.ports, dst));
        if (hit.isEmpty()) continue;
        remaining = remaining.subtract(hit);
        if (rule.action === 'Allow') allowed = allowed.union(hit);
        trace?.push({ direction, layer: 'BANP', policy: banp.id, rule: ruleLabel(rule), action: rule.action, conns: hit });
      }
    }
    if (!remaining.isEmpty()) trace?.push({ direction, layer: 'default', action: 'Not isolated', conns: remaining });
    return allowed.union(remaining);
  }

  private subjectMatches(policy: Policy, w: Workload): boolean {
    const s = policy.subject;
    if (s.namespace !== undefined && s.namespace !== w.namespace) return false;
    if (s.namespaceSelector && !selectorMatches(s.namespaceSelector, w.namespaceLabels)) return false;
    return selectorMatches(s.podSelector, w.podLabels);
  }
}

/** Peer semantics: podSelector alone = the policy's namespace; namespaceSelector alone = all pods there; both = AND. */
function peerMatches(peer: Peer, endpoint: Endpoint): boolean {
  if (endpoint.kind === 'external') {
    if (peer.type !== 'ipBlock') return false;
    const r = endpoint.external.range;
    // external ranges are cut at every CIDR boundary: each lies wholly inside or outside a CIDR
    return rangeContains(peer.cidr, r) && !peer.except.some((e) => rangeContains(e, r));
  }
  if (peer.type !== 'pods') return false;
  const w = endpoint.workload;
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, w.namespaceLabels)) return false;
  } else if (peer.policyNamespace !== undefined && peer.policyNamespace !== w.namespace) return false;
  return peer.podSelector === undefined || selectorMatches(peer.podSelector, w.podLabels);
}

/** The ports of a rule, named ports resolved on the destination's containers (never on an external range). */
function portsOf(ports: PortSpec[] | undefined, dst: Endpoint): ConnSet {
  if (!ports) return ConnSet.all();
  let set = ConnSet.empty();
  for (const p of ports) {
    if (p.type === 'all') set = set.union(ConnSet.protocol(p.protocol));
    else if (p.type === 'number') set = set.union(ConnSet.ports(p.protocol, p.from, p.to));
    else if (dst.kind === 'workload') {
      for (const named of dst.workload.namedPorts) {
        if (named.name === p.name && (p.protocol === undefined || p.protocol === named.protocol)) set = set.union(ConnSet.ports(named.protocol, named.port));
      }
    }
  }
  return set;
}

function ruleLabel(rule: Rule): string {
  return rule.name !== undefined ? `${rule.name} (rule ${rule.index})` : `rule ${rule.index}`;
}

function sorted(labels: Record<string, string>): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => compare(a, b));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function computeConnectivity(inventory: Inventory, options: ConnectivityOptions = {}): Connectivity {
  return new NetpolEngine(inventory, options).connectivity();
}

