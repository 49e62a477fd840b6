/**
 * Segmentation coverage: what NetworkPolicy (with AdminNetworkPolicy / BaselineAdminNetworkPolicy) leaves open,
 * and what it silently fails to do. Built on the reachability engine in ../netpol.
 */
import type { CheckMeta } from '../../core/catalog.js';
import type { AnalyzerOutput } from '../../core/analyzer.js';
import type { Finding } from '../../core/finding.js';
import {
  isJsonObject, podTemplateOf, selectorMatches,
  type Inventory, type InventoryObject, type JsonPath, type LabelSelector,
} from '../../inventory/index.js';
import { toFindings, type Violation } from '../../workloads/check.js';
import { ConnSet, type Protocol } from '../netpol/connset.js';
import { NetpolEngine, type Endpoint } from '../netpol/engine.js';
import { formatRange } from '../netpol/ip.js';
import type { Policy, Workload } from '../netpol/model.js';
import * as C from './checks.js';

export { NETWORK_COVERAGE_METAS } from './checks.js';

export function networkCoverageMetas(): CheckMeta[] {
  return [...C.NETWORK_COVERAGE_METAS];
}

type Direction = 'ingress' | 'egress';
const PEER_KEY = { ingress: 'from', egress: 'to' } as const;
const NAME_LABEL = 'kubernetes.io/metadata.name';

/** Violations collected per (check, object), turned into findings at the end. */
class Collector {
  private readonly groups = new Map<string, { meta: CheckMeta; object: InventoryObject; violations: Violation[] }>();
  add(meta: CheckMeta, object: InventoryObject, violation: Violation): void {
    const key = `${meta.id}\u0000${object.key}`;
    const group = this.groups.get(key);
    if (group) group.violations.push(violation);
    else this.groups.set(key, { meta, object, violations: [violation] });
  }
  findings(): Finding[] {
    const out = [...this.groups.values()].flatMap((g) => toFindings(g.meta, g.object, g.violations));
    return out.sort((a, b) => a.checkId.localeCompare(b.checkId) || label(a).localeCompare(label(b)));
  }
}

function label(f: Finding): string {
  return `${f.resource.namespace ?? ''}/${f.resource.kind}/${f.resource.name}`;
}

function isEmptySelector(sel: unknown): boolean {
  if (!isJsonObject(sel)) return false;
  const labels = isJsonObject(sel.matchLabels) ? Object.keys(sel.matchLabels) : [];
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  return labels.length === 0 && exprs.length === 0;
}

function subjectMatches(policy: Policy, w: Workload): boolean {
  const s = policy.subject;
  if (s.namespace !== undefined && s.namespace !== w.namespace) return false;
  if (s.namespaceSelector && !selectorMatches(s.namespaceSelector, w.namespaceLabels)) return false;
  return selectorMatches(s.podSelector, w.podLabels);
}

/** Policies that may apply to workloads of a namespace: its NetworkPolicies, and every cluster-wide ANP/BANP. */
const candidatesByList = new WeakMap<readonly Policy[], Map<string, Policy[]>>();

function candidates(policies: readonly Policy[], namespace: string): Policy[] {
  let byNamespace = candidatesByList.get(policies);
  if (!byNamespace) {
    byNamespace = new Map();
    const clusterWide = policies.filter((p) => p.subject.namespace === undefined);
    for (const p of policies) {
      if (p.subject.namespace === undefined) continue;
      if (!byNamespace.has(p.subject.namespace)) byNamespace.set(p.subject.namespace, [...clusterWide]);
      byNamespace.get(p.subject.namespace)!.push(p);
    }
    byNamespace.set('\u0000cluster-wide', clusterWide);
    candidatesByList.set(policies, byNamespace);
  }
  return byNamespace.get(namespace) ?? byNamespace.get('\u0000cluster-wide')!;
}

/** Policies that make `w` isolated in `direction` (NetworkPolicy) or decide some of its traffic (ANP/BANP). */
function policiesFor(policies: readonly Policy[], w: Workload, direction: Direction): Policy[] {
  return candidates(policies, w.namespace).filter((p) => {
    const rules = p[direction];
    if (!rules) return false;
    if (p.layer !== 'NP' && rules.length === 0) return false;
    return subjectMatches(p, w);
  });
}

function podSpecPath(obj: InventoryObject): JsonPath {
  return podTemplateOf(obj)?.specPath ?? ['spec'];
}

export function analyzeNetworkCoverage(inventory: Inventory): AnalyzerOutput {
  const engine = new NetpolEngine(inventory);
  // the engine's model: workloads as it groups them (hostNetwork ones included), its policies
  const model = { workloads: [...engine.workloads, ...engine.outOfScope], policies: engine.policies };
  const all = model.workloads;
  const out = new Collector();

  // namespaces and their labels, as far as the input tells
  const namespaceObjects = new Map<string, InventoryObject>();
  for (const ns of inventory.ofKind('Namespace')) namespaceObjects.set(ns.name, ns);
  const nsLabels = new Map<string, Record<string, string>>();
  for (const ns of inventory.namespaces()) nsLabels.set(ns, { [NAME_LABEL]: ns });
  for (const [name, ns] of namespaceObjects) nsLabels.set(name, { ...ns.labels, [NAME_LABEL]: name });
  for (const w of all) nsLabels.set(w.namespace, w.namespaceLabels);
  const byNamespace = new Map<string, Workload[]>();
  for (const w of all) byNamespace.set(w.namespace, [...(byNamespace.get(w.namespace) ?? []), w]);

  // KW-NET-010 / 011: namespaces with workloads and no namespace-wide policy per direction
  for (const [ns, workloads] of [...byNamespace].sort(([a], [b]) => a.localeCompare(b))) {
    const nsObject = namespaceObjects.get(ns);
    const where: { object: InventoryObject; path: JsonPath } = nsObject
      ? { object: nsObject, path: ['metadata', 'name'] }
      : { object: workloads[0]!.object, path: ['metadata', 'namespace'] };
    for (const [direction, meta] of [['ingress', C.NAMESPACE_NO_DEFAULT_DENY_INGRESS], ['egress', C.NAMESPACE_NO_DEFAULT_DENY_EGRESS]] as const) {
      const baseline = model.policies.some((p) => p.layer === 'NP' && p.namespace === ns && isEmptySelector(p.subject.podSelector)
        && p[direction] !== undefined && !p[direction]!.some((r) => !r.peers && !r.ports));
      if (baseline) continue;
      out.add(meta, where.object, {
        path: where.path, value: ns,
        detail: `namespace \`${ns}\` runs ${workloads.length} workload(s) and no NetworkPolicy there selects every pod (podSelector: {}) for ${direction === 'ingress' ? 'Ingress' : 'Egress'} without allowing everything`,
      });
    }
  }

  // KW-NET-012 / 013: workloads no policy selects
  for (const w of engine.workloads) {
    for (const [direction, meta] of [['ingress', C.WORKLOAD_NOT_INGRESS_ISOLATED], ['egress', C.WORKLOAD_NOT_EGRESS_ISOLATED]] as const) {
      if (policiesFor(model.policies, w, direction).length) continue;
      out.add(meta, w.object, {
        path: [...podTemplateOf(w.object)?.metadataPath ?? ['metadata'], 'labels'], value: w.podLabels,
        detail: `${w.id}: no policy selects its pods for ${direction === 'ingress' ? 'Ingress: every pod and address can connect to it' : 'Egress: it can connect to every pod and address'}`,
      });
    }
  }

  // KW-NET-014: NetworkPolicies selecting nothing (when their namespace has workloads in the input)
  for (const p of model.policies) {
    if (p.layer !== 'NP') continue;
    const workloads = byNamespace.get(p.namespace!) ?? [];
    if (workloads.length === 0 || workloads.some((w) => selectorMatches(p.subject.podSelector, w.podLabels))) continue;
    out.add(C.DANGLING_POLICY, p.object, {
      path: ['spec', 'podSelector'], value: p.subject.podSelector,
      detail: `NetworkPolicy \`${p.id}\` selects none of the ${workloads.length} workload(s) of namespace \`${p.namespace}\``,
    });
  }

  // KW-NET-015 / 016 / 017 / 019: rule by rule, on the manifest as written
  const anyNamespaceObjects = namespaceObjects.size > 0;
  for (const p of model.policies) {
    if (p.layer !== 'NP') continue;
    const spec = isJsonObject(p.object.object.spec) ? p.object.object.spec : {};
    for (const direction of ['ingress', 'egress'] as const) {
      if (!p[direction]) continue;
      const list = Array.isArray(spec[direction]) ? spec[direction] : [];
      const peerKey = PEER_KEY[direction];
      for (const [i, raw] of list.entries()) {
        if (!isJsonObject(raw)) continue;
        const rulePath: JsonPath = ['spec', direction, i];
        const peers = Array.isArray(raw[peerKey]) ? (raw[peerKey] as unknown[]) : [];
        if (peers.length === 0) {
          out.add(C.OPEN_TO_ANY_ADDRESS, p.object, {
            path: rulePath, detail: `${direction} rule ${i} of \`${p.id}\` has no ${peerKey}: it ${direction === 'ingress' ? 'admits every source' : 'allows every destination'}, pods and addresses alike`,
          });
        }
        const candidates: Workload[] = [];
        for (const [j, peer] of peers.entries()) {
          if (!isJsonObject(peer)) continue;
          const peerPath: JsonPath = [...rulePath, peerKey, j];
          if (isJsonObject(peer.ipBlock)) {
            const cidr = String(peer.ipBlock.cidr ?? '').trim();
            if (/^0\.0\.0\.0\/0$|^::\/0$/.test(cidr)) {
              const except = Array.isArray(peer.ipBlock.except) && peer.ipBlock.except.length ? ` (except ${peer.ipBlock.except.map(String).join(', ')})` : '';
              out.add(C.OPEN_TO_ANY_ADDRESS, p.object, {
                path: [...peerPath, 'ipBlock', 'cidr'], value: cidr,
                detail: `${direction} rule ${i} of \`${p.id}\` ${direction === 'ingress' ? 'admits' : 'allows'} ${cidr}${except}: any address`,
              });
            }
            continue;
          }
          const nsSel = peer.namespaceSelector;
          const podSel = peer.podSelector;
          if (isEmptySelector(nsSel) && (podSel === undefined || podSel === null || isEmptySelector(podSel))) {
            out.add(C.OPEN_TO_ALL_NAMESPACES, p.object, {
              path: [...peerPath, 'namespaceSelector'], value: nsSel,
              detail: `${direction} rule ${i} of \`${p.id}\` ${direction === 'ingress' ? 'admits' : 'allows'} every pod of every namespace (namespaceSelector: {})`,
            });
          }
          // which namespaces and workloads the peer matches in the input
          let namespaces: string[];
          if (isJsonObject(nsSel)) {
            namespaces = [...nsLabels].filter(([, labels]) => selectorMatches(nsSel as LabelSelector, labels)).map(([n]) => n);
            const onlyName = Object.keys(isJsonObject(nsSel.matchLabels) ? nsSel.matchLabels : {}).every((k) => k === NAME_LABEL)
              && (Array.isArray(nsSel.matchExpressions) ? nsSel.matchExpressions : []).every((e) => isJsonObject(e) && e.key === NAME_LABEL);
            if (namespaces.length === 0 && (anyNamespaceObjects || onlyName)) {
              out.add(C.PEER_MATCHES_NOTHING, p.object, {
                path: [...peerPath, 'namespaceSelector'], value: nsSel,
                detail: `${direction} rule ${i} of \`${p.id}\`: namespaceSelector matches no namespace in the input`,
              });
              continue;
            }
          } else namespaces = [p.namespace!];
          const inScope = namespaces.flatMap((n) => byNamespace.get(n) ?? []);
          const matched = isJsonObject(podSel) ? inScope.filter((w) => selectorMatches(podSel as LabelSelector, w.podLabels)) : inScope;
          candidates.push(...matched);
          if (isJsonObject(podSel) && inScope.length > 0 && matched.length === 0) {
            out.add(C.PEER_MATCHES_NOTHING, p.object, {
              path: [...peerPath, 'podSelector'], value: podSel,
              detail: `${direction} rule ${i} of \`${p.id}\`: podSelector matches no pod of namespace(s) ${namespaces.map((n) => `\`${n}\``).join(', ')}`,
            });
          }
        }
        // named ports resolve on the selected pods (ingress) or on the peer pods (egress)
        const ports = Array.isArray(raw.ports) ? raw.ports : [];
        const resolveOn = direction === 'ingress'
          ? (byNamespace.get(p.namespace!) ?? []).filter((w) => selectorMatches(p.subject.podSelector, w.podLabels))
          : peers.length === 0 ? all : candidates;
        for (const [k, port] of ports.entries()) {
          if (!isJsonObject(port) || typeof port.port !== 'string' || /^\d+$/.test(port.port) || resolveOn.length === 0) continue;
          const name = port.port;
          const protocol = typeof port.protocol === 'string' ? port.protocol : 'TCP';
          if (resolveOn.some((w) => w.namedPorts.some((n) => n.name === name && n.protocol === protocol))) continue;
          out.add(C.NAMED_PORT_UNRESOLVED, p.object, {
            path: [...rulePath, 'ports', k, 'port'], value: name,
            detail: `${direction} rule ${i} of \`${p.id}\`: named port \`${name}\`/${protocol} is declared by none of the ${resolveOn.length} ${direction === 'ingress' ? 'selected' : 'peer'} workload(s) (${resolveOn.slice(0, 3).map((w) => w.id).join(', ')}${resolveOn.length > 3 ? ', …' : ''})`,
          });
        }
      }
    }
  }

  // KW-NET-018: egress-isolated workloads that cannot resolve names
  const realDns = engine.workloads.filter((w) => w.podLabels['k8s-app'] === 'kube-dns');
  for (const w of engine.workloads) {
    if (realDns.includes(w)) continue;
    const egressPolicies = policiesFor(model.policies, w, 'egress');
    if (egressPolicies.length === 0) continue;
    const src: Endpoint = { kind: 'workload', workload: w };
    const targets: Endpoint[] = (realDns.length ? realDns : [syntheticDns(w)]).map((d) => ({ kind: 'workload', workload: d }));
    targets.push(...engine.externals.map((e): Endpoint => ({ kind: 'external', external: e })));
    let allowed = ConnSet.empty();
    for (const t of targets) allowed = allowed.union(engine.allowed(src, t));
    const missing = (['UDP', 'TCP'] as Protocol[]).filter((proto) => !allowed.has(proto, 53));
    if (missing.length === 0) continue;
    out.add(C.EGRESS_BLOCKS_DNS, w.object, {
      path: [...podTemplateOf(w.object)?.metadataPath ?? ['metadata'], 'labels'], value: w.podLabels,
      detail: `${w.id} is isolated for egress by ${egressPolicies.map((p) => `\`${p.id}\``).join(', ')}, which allow no ${missing.map((m) => `${m} 53`).join(' nor ')} to kube-dns`,
    });
  }

  // KW-NET-020: hostNetwork workloads
  for (const w of engine.outOfScope) {
    const selecting = [...new Set([...policiesFor(model.policies, w, 'ingress'), ...policiesFor(model.policies, w, 'egress')])];
    out.add(C.HOST_NETWORK_OUTSIDE_POLICY, w.object, {
      path: [...podSpecPath(w.object), 'hostNetwork'], value: true,
      detail: `${w.id} uses hostNetwork: NetworkPolicy does not reliably apply to it${selecting.length ? ` (selected by ${selecting.map((p) => `\`${p.id}\``).join(', ')}, likely without effect)` : ''}`,
    });
  }

  // KW-NET-021 / 022: exposure outside the cluster joined with what NetworkPolicy admits from external addresses
  for (const exposure of exposures(inventory, all)) {
    for (const target of exposure.targets) {
      const w = target.workload;
      const reach = externalReach(engine, w, target.ports);
      const portText = target.ports.length ? ` on ${target.ports.map((p) => `${p.protocol} ${p.port}`).join(', ')}` : '';
      const detail = `${exposure.what} exposes ${w.id}${portText}; ${reach.text}`;
      out.add(reach.open ? C.EXPOSED_AND_OPEN : C.EXPOSED_RESTRICTED, exposure.object, { path: exposure.path, value: exposure.value, detail });
    }
  }

  return {
    findings: out.findings(),
    notEvaluated: engine.warnings.map((w) => ({ target: 'network coverage', reason: w })),
  };
}

/** A stand-in for kube-dns when the input has none: kube-system, k8s-app=kube-dns, dns 53/UDP, dns-tcp 53/TCP. */
function syntheticDns(like: Workload): Workload {
  return {
    id: 'kube-system/kube-dns[Deployment]', namespace: 'kube-system', name: 'kube-dns', kind: 'Deployment',
    podLabels: { 'k8s-app': 'kube-dns' }, namespaceLabels: { [NAME_LABEL]: 'kube-system' },
    namedPorts: [{ name: 'dns', protocol: 'UDP', port: 53 }, { name: 'dns-tcp', protocol: 'TCP', port: 53 }],
    hostNetwork: false, object: like.object,
  };
}

interface ExposedPort { protocol: Protocol; port: number }
interface Exposure {
  object: InventoryObject;
  path: JsonPath;
  value?: unknown;
  what: string;
  targets: { workload: Workload; ports: ExposedPort[] }[];
}

const PROTOS = new Set(['TCP', 'UDP', 'SCTP']);
const protoOf = (raw: unknown): Protocol => (typeof raw === 'string' && PROTOS.has(raw) ? (raw as Protocol) : 'TCP');

/** Workloads behind a Service, with the container ports its ports target (named target ports resolved per workload). */
function serviceTargets(service: InventoryObject, all: Workload[], onlyPort?: unknown): Exposure['targets'] {
  const spec = isJsonObject(service.object.spec) ? service.object.spec : {};
  if (!isJsonObject(spec.selector) || Object.keys(spec.selector).length === 0) return [];
  const selector = spec.selector as Record<string, unknown>;
  const ports = (Array.isArray(spec.ports) ? spec.ports : []).filter(isJsonObject)
    .filter((p) => onlyPort === undefined || p.port === onlyPort || p.name === onlyPort);
  return all.filter((w) => w.namespace === service.namespace && Object.entries(selector).every(([k, v]) => w.podLabels[k] === String(v)))
    .map((workload) => ({
      workload,
      ports: ports.flatMap((p): ExposedPort[] => {
        const protocol = protoOf(p.protocol);
        const target = p.targetPort ?? p.port;
        if (typeof target === 'number') return [{ protocol, port: target }];
        if (typeof target === 'string' && /^\d+$/.test(target)) return [{ protocol, port: Number(target) }];
        const named = workload.namedPorts.find((n) => n.name === target && n.protocol === protocol);
        return named ? [{ protocol, port: named.port }] : [];
      }),
    }));
}

function exposures(inventory: Inventory, all: Workload[]): Exposure[] {
  const out: Exposure[] = [];
  const serviceByName = (ns: string | undefined, name: unknown): InventoryObject | undefined =>
    typeof name === 'string' ? inventory.find('Service', ns, name) : undefined;
  for (const svc of inventory.ofKind('Service')) {
    const spec = isJsonObject(svc.object.spec) ? svc.object.spec : {};
    const ways: { path: JsonPath; value: unknown; what: string }[] = [];
    if (spec.type === 'LoadBalancer') ways.push({ path: ['spec', 'type'], value: 'LoadBalancer', what: `LoadBalancer Service \`${svc.namespace}/${svc.name}\`` });
    else if (spec.type === 'NodePort') ways.push({ path: ['spec', 'type'], value: 'NodePort', what: `NodePort Service \`${svc.namespace}/${svc.name}\`` });
    if (Array.isArray(spec.externalIPs) && spec.externalIPs.length) ways.push({ path: ['spec', 'externalIPs'], value: spec.externalIPs, what: `Service \`${svc.namespace}/${svc.name}\` with externalIPs` });
    if (ways.length === 0) continue;
    const targets = serviceTargets(svc, all);
    if (targets.length) out.push({ object: svc, ...ways[0]!, targets });
  }
  for (const ing of inventory.ofKind('Ingress')) {
    const spec = isJsonObject(ing.object.spec) ? ing.object.spec : {};
    const backends: { path: JsonPath; backend: unknown }[] = [];
    if (isJsonObject(spec.defaultBackend)) backends.push({ path: ['spec', 'defaultBackend', 'service', 'name'], backend: spec.defaultBackend });
    for (const [r, rule] of (Array.isArray(spec.rules) ? spec.rules : []).entries()) {
      const paths = isJsonObject(rule) && isJsonObject(rule.http) && Array.isArray(rule.http.paths) ? rule.http.paths : [];
      for (const [i, p] of paths.entries()) if (isJsonObject(p)) backends.push({ path: ['spec', 'rules', r, 'http', 'paths', i, 'backend', 'service', 'name'], backend: p.backend });
    }
    for (const b of backends) {
      const service = isJsonObject(b.backend) && isJsonObject(b.backend.service) ? b.backend.service : undefined;
      const svc = serviceByName(ing.namespace, service?.name);
      if (!svc || !service) continue;
      const port = isJsonObject(service.port) ? service.port.number ?? service.port.name : undefined;
      const targets = serviceTargets(svc, all, port);
      if (targets.length) out.push({ object: ing, path: b.path, value: service.name, what: `Ingress \`${ing.namespace}/${ing.name}\` (via Service \`${svc.name}\`)`, targets });
    }
  }
  for (const route of inventory.ofKind('HTTPRoute')) {
    const spec = isJsonObject(route.object.spec) ? route.object.spec : {};
    for (const [r, rule] of (Array.isArray(spec.rules) ? spec.rules : []).entries()) {
      const refs = isJsonObject(rule) && Array.isArray(rule.backendRefs) ? rule.backendRefs : [];
      for (const [i, ref] of refs.entries()) {
        if (!isJsonObject(ref) || (ref.kind !== undefined && ref.kind !== 'Service') || (ref.group !== undefined && ref.group !== '')) continue;
        const ns = typeof ref.namespace === 'string' ? ref.namespace : route.namespace;
        const svc = serviceByName(ns, ref.name);
        if (!svc) continue;
        const targets = serviceTargets(svc, all, ref.port);
        if (targets.length) out.push({ object: route, path: ['spec', 'rules', r, 'backendRefs', i, 'name'], value: ref.name, what: `HTTPRoute \`${route.namespace}/${route.name}\` (via Service \`${ns}/${svc.name}\`)`, targets });
      }
    }
  }
  for (const w of all) {
    const template = podTemplateOf(w.object);
    for (const c of template?.containers ?? []) {
      for (const [i, port] of (Array.isArray(c.spec.ports) ? c.spec.ports : []).entries()) {
        if (!isJsonObject(port) || typeof port.hostPort !== 'number' || port.hostPort === 0) continue;
        const protocol = protoOf(port.protocol);
        const containerPort = typeof port.containerPort === 'number' ? port.containerPort : port.hostPort;
        out.push({
          object: w.object, path: [...c.path, 'ports', i, 'hostPort'], value: port.hostPort,
          what: `hostPort ${port.hostPort}/${protocol} of container \`${c.name}\``, targets: [{ workload: w, ports: [{ protocol, port: containerPort }] }],
        });
      }
    }
  }
  return out;
}

/** Whether every external address reaches `w` on all the exposed ports (on anything, when no port is known). */
function externalReach(engine: NetpolEngine, w: Workload, ports: ExposedPort[]): { open: boolean; text: string } {
  if (w.hostNetwork) return { open: true, text: 'it uses hostNetwork, so NetworkPolicy does not restrict it' };
  const dst: Endpoint = { kind: 'workload', workload: w };
  const v4 = engine.externals.filter((e) => e.range.family === 4);
  const admitted: string[] = [];
  let everywhere = true;
  for (const e of v4) {
    const conns = engine.allowed({ kind: 'external', external: e }, dst);
    const ok = ports.length ? ports.every((p) => conns.has(p.protocol, p.port)) : !conns.isEmpty();
    if (ok) admitted.push(formatRange(e.range));
    else everywhere = false;
  }
  if (v4.length && everywhere) return { open: true, text: 'NetworkPolicy admits every external address (0.0.0.0/0)' };
  if (admitted.length === 0) return { open: false, text: 'NetworkPolicy admits no external address on those ports' };
  return { open: false, text: `NetworkPolicy admits only ${admitted.slice(0, 5).join(', ')}${admitted.length > 5 ? ', …' : ''}` };
}
