/**
 * NetworkPolicy (v1) reachability with AdminNetworkPolicy / BaselineAdminNetworkPolicy tiers:
 * ANP (priority order, first matching rule) → NetworkPolicy (per-direction isolation, additive allows) → BANP → allow.
 * A connection needs the egress side of the source and the ingress side of the destination.
 * Evaluated on equivalence classes of workloads (namespace, pod labels, named ports), so the cost grows
 * with the distinct classes and policies, not with pods squared.
 */
import { selectorMatches, type Inventory, type LabelSelector } from '../../inventory/index.js';
import { ConnSet } from './connset.js';
import { formatRange, partition, rangeContains, type IpRange } from './ip.js';
import { ingressControllerWorkload, ingressExposure } from './ingress.js';
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
  /** Set on connections from the ingress controller (`src` is `{ingress-controller}`) to an Ingress backend workload. */
  ingressController?: true;
}

export interface Connectivity {
  workloads: Workload[];
  /**
   * The address space cut at every CIDR of every rule. Connections use coarser cuts: ingress lines at the CIDRs of
   * ingress rules only, egress lines at those of egress rules only (each a union of pieces listed here).
   */
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

interface DirectionMemo {
  /** Every rule of the policies applying to the subject in this direction, in evaluation order. */
  rules: Rule[];
  /** Whether a rule has named ports (then the verdict also depends on the destination's container ports). */
  named: boolean;
  /** Verdict per signature (which rules match the peer). */
  verdicts: Map<string, ConnSet>;
  /** Per rule, its match array over the workloads (when there are no named ports and at most 30 rules). */
  arrays?: Uint8Array[];
  /** Verdict per signature as a bit set, for `arrays`. */
  byBits: Map<number, ConnSet>;
}

const namedKeys = new WeakMap<Workload, string>();
function namedKey(w: Workload): string {
  let key = namedKeys.get(w);
  if (key === undefined) namedKeys.set(w, (key = w.namedPorts.map((p) => `${p.name}/${p.protocol}/${p.port}`).sort().join(',')));
  return key;
}

export class NetpolEngine {
  readonly workloads: Workload[];
  readonly externals: ExternalPeer[];
  readonly outOfScope: Workload[];
  readonly warnings: string[];
  /** Every policy of the input, all tiers. */
  readonly policies: Policy[];
  private readonly anps: Policy[];
  private readonly nps: Policy[];
  private readonly banps: Policy[];
  private readonly workloadIndex = new Map<Workload, number>();
  private readonly ruleArrays = new Map<Rule, Uint8Array>();
  private readonly egressMemo = new WeakMap<Workload, DirectionMemo>();
  private readonly ingressMemo = new WeakMap<Workload, DirectionMemo>();
  private readonly applicableCache = new WeakMap<Workload, { anps: Policy[]; nps: Policy[]; banps: Policy[] }>();
  private readonly peerCache = new Map<Peer, WeakMap<Workload, boolean>>();
  private readonly portsCache = new WeakMap<Rule, ConnSet>();
  /** External sources of ingress connections: the address space cut at the CIDRs of ingress rules. */
  private readonly ingressExternals: ExternalPeer[];
  /** External destinations of egress connections: the address space cut at the CIDRs of egress rules. */
  private readonly egressExternals: ExternalPeer[];
  private readonly inventory: Inventory;
  /** The synthetic ingress-controller pod (see GOLDEN.md): the source of Ingress exposure. */
  readonly ingressController: Workload = ingressControllerWorkload();

  constructor(inventory: Inventory, options: ConnectivityOptions = {}) {
    this.inventory = inventory;
    const model = buildModel(inventory);
    this.warnings = model.warnings;
    this.policies = model.policies;
    const workloads = resolveOwnerGroups(model.workloads, model.policies, this.warnings);
    this.workloads = workloads.filter((w) => options.hostNetworkAsPod || !w.hostNetwork);
    this.outOfScope = workloads.filter((w) => !options.hostNetworkAsPod && w.hostNetwork);
    this.workloads.forEach((w, i) => this.workloadIndex.set(w, i));
    this.anps = model.policies.filter((p) => p.layer === 'ANP').sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
    this.nps = model.policies.filter((p) => p.layer === 'NP');
    this.banps = model.policies.filter((p) => p.layer === 'BANP');
    const seen = new Map<number, string>();
    for (const p of this.anps) {
      const other = seen.get(p.priority);
      if (other !== undefined) this.warnings.push(`AdminNetworkPolicies ${other} and ${p.id} have the same priority ${p.priority}: their order is undefined`);
      else seen.set(p.priority, p.id);
    }
    // external ranges are cut separately per direction, at the boundaries of that direction's rules only
    // (ingress sources vs egress destinations), as netpol-analyzer does; `externals` cuts at both, for lookups
    const ranges = { ingress: [] as IpRange[], egress: [] as IpRange[] };
    for (const p of this.policies) for (const key of ['ingress', 'egress'] as const) for (const rule of p[key] ?? []) {
      for (const peer of rule.peers ?? []) if (peer.type === 'ipBlock') ranges[key].push(peer.cidr, ...peer.except);
    }
    const toPeers = (list: IpRange[]): ExternalPeer[] => partition(list).map((range) => ({ id: `${formatRange(range)}[External]`, range }));
    this.externals = toPeers([...ranges.ingress, ...ranges.egress]);
    this.ingressExternals = toPeers(ranges.ingress);
    this.egressExternals = toPeers(ranges.egress);
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
      for (const external of this.egressExternals) {
        const out = this.allowed(src, { kind: 'external', external });
        for (const s of srcs) add(s.id, external.id, out);
      }
      for (const external of this.ingressExternals) {
        const back = this.allowed({ kind: 'external', external }, src);
        for (const s of srcs) add(external.id, s.id, back);
      }
    }
    // Ingress exposure: what a backend service port exposes, as far as the workload's policies admit the controller
    for (const [w, exposed] of ingressExposure(this.inventory, this.workloads, this.warnings)) {
      const conns = exposed.intersect(this.allowed({ kind: 'workload', workload: this.ingressController }, { kind: 'workload', workload: w }));
      if (conns.isEmpty()) {
        this.warnings.push(`Ingress specified ${w.id} as a backend, but network policies are blocking ingress connections from an arbitrary in-cluster source to it`);
        continue;
      }
      connections.push({ src: this.ingressController.id, dst: w.id, conns, ingressController: true });
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
    if (id === this.ingressController.id) return { kind: 'workload', workload: this.ingressController };
    const w = this.workloads.find((x) => x.id === id) ?? this.workloads.find((x) => `${x.namespace}/${x.name}` === id);
    if (w) return { kind: 'workload', workload: w };
    const e = [...this.externals, ...this.ingressExternals, ...this.egressExternals].find((x) => x.id === id || x.id === `${id}[External]`);
    return e ? { kind: 'external', external: e } : undefined;
  }

  /** What `subject`'s policies allow towards (egress) or from (ingress) `peer`; named ports resolve on `dst`. */
  private direction(direction: 'Egress' | 'Ingress', subject: Workload, peer: Endpoint, dst: Endpoint, trace?: Step[]): ConnSet {
    if (trace) return this.evaluate(direction, subject, peer, dst, trace);
    // the verdict depends only on which of the subject's rules match the peer (and on the destination's named
    // ports when a rule uses them): memoized on that signature, per subject and direction
    const memo = this.memoFor(direction, subject);
    const index = peer.kind === 'workload' ? this.workloadIndex.get(peer.workload) : undefined;
    if (index !== undefined && memo.arrays) {
      // fast path: the signature as a bit set, from per-rule match arrays over all workloads
      let bits = 0;
      for (let i = 0; i < memo.arrays.length; i++) if (memo.arrays[i]![index]) bits |= 1 << i;
      let verdict = memo.byBits.get(bits);
      if (!verdict) memo.byBits.set(bits, (verdict = this.evaluate(direction, subject, peer, dst)));
      return verdict;
    }
    let sig = '';
    for (const rule of memo.rules) sig += !rule.peers || rule.peers.some((p) => this.peerMatches(p, peer)) ? '1' : '0';
    if (memo.named) sig += dst.kind === 'external' ? '|x' : `|${namedKey(dst.workload)}`;
    let verdict = memo.verdicts.get(sig);
    if (!verdict) memo.verdicts.set(sig, (verdict = this.evaluate(direction, subject, peer, dst)));
    return verdict;
  }

  private memoFor(direction: 'Egress' | 'Ingress', subject: Workload): DirectionMemo {
    const cache = direction === 'Egress' ? this.egressMemo : this.ingressMemo;
    let memo = cache.get(subject);
    if (!memo) {
      const key = direction === 'Egress' ? 'egress' : 'ingress';
      const { anps, nps, banps } = this.applicable(subject);
      const rules = [...anps, ...nps, ...banps].flatMap((p) => p[key] ?? []);
      // named ports resolve on the destination: the subject itself for ingress (fixed), the peer for egress
      const named = direction === 'Egress' && rules.some((r) => r.ports?.some((p) => p.type === 'named'));
      memo = { rules, named, verdicts: new Map(), byBits: new Map() };
      if (!named && rules.length <= 30) memo.arrays = rules.map((r) => this.ruleMatchArray(r));
      cache.set(subject, memo);
    }
    return memo;
  }

  /** For one rule, whether its peers match each workload (by index in `workloads`). */
  private ruleMatchArray(rule: Rule): Uint8Array {
    let array = this.ruleArrays.get(rule);
    if (!array) {
      array = new Uint8Array(this.workloads.length);
      this.workloads.forEach((w, i) => {
        const endpoint: Endpoint = { kind: 'workload', workload: w };
        array![i] = !rule.peers || rule.peers.some((p) => peerMatches(p, endpoint)) ? 1 : 0;
      });
      this.ruleArrays.set(rule, array);
    }
    return array;
  }

  private evaluate(direction: 'Egress' | 'Ingress', subject: Workload, peer: Endpoint, dst: Endpoint, trace?: Step[]): ConnSet {
    const key = direction === 'Egress' ? 'egress' : 'ingress';
    // `unmatched`: not yet matched by any ANP rule; `remaining`: not decided (Allow/Deny) by the ANP tier.
    // A `Pass` match ends ANP evaluation for those connections but leaves them to NetworkPolicy / BANP.
    let unmatched = ConnSet.all();
    let remaining = ConnSet.all();
    let allowed = ConnSet.empty();
    // tier 1: AdminNetworkPolicies, lowest priority value first, first matching rule wins
    const applicable = this.applicable(subject);
    for (const anp of applicable.anps) {
      const rules = anp[key];
      if (!rules) continue;
      for (const rule of rules) {
        if (unmatched.isEmpty()) break;
        if (!rule.peers!.some((p) => this.peerMatches(p, peer))) continue;
        const hit = unmatched.intersect(this.portsOf(rule, dst));
        if (hit.isEmpty()) continue;
        unmatched = unmatched.subtract(hit);
        if (rule.action !== 'Pass') remaining = remaining.subtract(hit);
        if (rule.action === 'Allow') allowed = allowed.union(hit);
        trace?.push({ direction, layer: 'ANP', policy: anp.id, rule: ruleLabel(rule), action: rule.action, conns: hit });
      }
    }
    if (remaining.isEmpty()) return allowed;
    // tier 2: NetworkPolicies; a pod selected for this direction is isolated: only the union of the rules passes
    const selecting = applicable.nps.filter((p) => p[key]);
    if (selecting.length) {
      let npAllowed = ConnSet.empty();
      for (const np of selecting) {
        let own = ConnSet.empty();
        for (const rule of np[key]!) {
          if (rule.peers && !rule.peers.some((p) => this.peerMatches(p, peer))) continue;
          const hit = this.portsOf(rule, dst).intersect(remaining);
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
    for (const banp of applicable.banps) {
      const rules = banp[key];
      if (!rules) continue;
      for (const rule of rules) {
        if (remaining.isEmpty()) break;
        if (!rule.peers!.some((p) => this.peerMatches(p, peer))) continue;
        const hit = remaining.intersect(this.portsOf(rule, dst));
        if (hit.isEmpty()) continue;
        remaining = remaining.subtract(hit);
        if (rule.action === 'Allow') allowed = allowed.union(hit);
        trace?.push({ direction, layer: 'BANP', policy: banp.id, rule: ruleLabel(rule), action: rule.action, conns: hit });
      }
    }
    if (!remaining.isEmpty()) trace?.push({ direction, layer: 'default', action: 'Not isolated', conns: remaining });
    return allowed.union(remaining);
  }

  /** The policies whose subject is `w`, per tier (cached per workload: subject selection is the hot path). */
  private applicable(w: Workload): { anps: Policy[]; nps: Policy[]; banps: Policy[] } {
    let found = this.applicableCache.get(w);
    if (!found) {
      found = { anps: this.anps.filter((p) => this.subjectMatches(p, w)), nps: this.nps.filter((p) => this.subjectMatches(p, w)), banps: this.banps.filter((p) => this.subjectMatches(p, w)) };
      this.applicableCache.set(w, found);
    }
    return found;
  }

  /** peerMatches, memoized per (peer, workload) for workloads. */
  private peerMatches(peer: Peer, endpoint: Endpoint): boolean {
    if (endpoint.kind === 'external' || peer.type !== 'pods') return peerMatches(peer, endpoint);
    let memo = this.peerCache.get(peer);
    if (!memo) this.peerCache.set(peer, (memo = new WeakMap()));
    let hit = memo.get(endpoint.workload);
    if (hit === undefined) memo.set(endpoint.workload, (hit = peerMatches(peer, endpoint)));
    return hit;
  }

  /** The ports of a rule; without named ports the set does not depend on the destination and is cached. */
  private portsOf(rule: Rule, dst: Endpoint): ConnSet {
    if (rule.ports?.some((p) => p.type === 'named')) return portsOf(rule.ports, dst);
    let set = this.portsCache.get(rule);
    if (!set) this.portsCache.set(rule, (set = portsOf(rule.ports, dst)));
    return set;
  }

  private subjectMatches(policy: Policy, w: Workload): boolean {
    const s = policy.subject;
    if (s.namespace !== undefined && s.namespace !== w.namespace) return false;
    if (s.namespaceSelector && !selectorMatches(s.namespaceSelector, w.namespaceLabels)) return false;
    return selectorMatches(s.podSelector, w.podLabels);
  }
}

/**
 * Pods of one owner whose labels (or named ports) differ: they stay one workload when every pod selector of every
 * policy sees them alike (the connectivity is the same for each pod), otherwise each pod is analysed on its own,
 * since a policy may select some of them and not the others.
 */
function resolveOwnerGroups(workloads: Workload[], policies: Policy[], warnings: string[]): Workload[] {
  if (!workloads.some((w) => w.members)) return workloads;
  const selectors: LabelSelector[] = [];
  for (const p of policies) {
    selectors.push(p.subject.podSelector);
    for (const rule of [...(p.ingress ?? []), ...(p.egress ?? [])]) {
      for (const peer of rule.peers ?? []) if (peer.type === 'pods' && peer.podSelector) selectors.push(peer.podSelector);
    }
  }
  const signature = (w: Workload): string =>
    JSON.stringify([selectors.map((s) => selectorMatches(s, w.podLabels)), w.namedPorts.map((p) => `${p.name}/${p.protocol}/${p.port}`).sort(), w.hostNetwork]);
  const out: Workload[] = [];
  for (const w of workloads) {
    if (!w.members) {
      out.push(w);
      continue;
    }
    const first = signature(w.members[0]!);
    if (w.members.every((m) => signature(m) === first)) out.push(w);
    else {
      warnings.push(`pods of ${w.id} (${w.members.map((m) => m.name).join(', ')}) have different labels that policies select differently: analysed as separate pods`);
      out.push(...w.members);
    }
  }
  return out;
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

