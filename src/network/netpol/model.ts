/** Workloads and policies read from an inventory into the shapes the reachability engine evaluates. */
import { getPath, isJsonObject, podTemplateOf, type Inventory, type InventoryObject, type LabelSelector } from '../../inventory/index.js';
import type { Protocol } from './connset.js';
import { parseCidr, type IpRange } from './ip.js';

/** Pods grouped by owner: one Deployment, StatefulSet…, or one bare Pod. */
export interface Workload {
  /** `namespace/name[Kind]`, as netpol-analyzer names it. */
  id: string;
  namespace: string;
  name: string;
  kind: string;
  podLabels: Record<string, string>;
  namespaceLabels: Record<string, string>;
  /** Named container ports, the targets of named ports in policies. */
  namedPorts: NamedPort[];
  hostNetwork: boolean;
  object: InventoryObject;
  /** Pods grouped under one owner, each as its own `ns/pod[Pod]` workload; set only when there are several. */
  members?: Workload[];
}

export interface NamedPort {
  name: string;
  protocol: Protocol;
  port: number;
}

export type Peer =
  | { type: 'pods'; /** undefined: the policy's own namespace */ namespaceSelector?: LabelSelector; /** undefined: all pods */ podSelector?: LabelSelector; policyNamespace?: string }
  | { type: 'ipBlock'; cidr: IpRange; except: IpRange[]; text: string }
  | { type: 'nodes' };

export type PortSpec =
  | { type: 'number'; protocol: Protocol; from: number; to: number }
  | { type: 'named'; protocol: Protocol | undefined; name: string }
  | { type: 'all'; protocol: Protocol };

export interface Rule {
  /** Position in its list (0-based). */
  index: number;
  /** ANP / BANP rule name. */
  name?: string;
  action: 'Allow' | 'Deny' | 'Pass';
  /** undefined: every peer (NetworkPolicy rule without from/to). */
  peers?: Peer[];
  /** undefined: every port. */
  ports?: PortSpec[];
}

export interface Policy {
  layer: 'ANP' | 'NP' | 'BANP';
  /** `ns/name` for NetworkPolicy, the name otherwise. */
  id: string;
  namespace?: string;
  priority: number;
  /** Who the policy applies to. */
  subject: { namespace?: string; namespaceSelector?: LabelSelector; podSelector: LabelSelector };
  /** undefined: the policy does not affect that direction. */
  ingress?: Rule[];
  egress?: Rule[];
  object: InventoryObject;
}

export interface Model {
  workloads: Workload[];
  policies: Policy[];
  warnings: string[];
}

const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);
const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

export function buildModel(inventory: Inventory): Model {
  const warnings: string[] = [];
  const nsLabels = new Map<string, Record<string, string>>();
  for (const ns of inventory.ofKind('Namespace')) nsLabels.set(ns.name, { ...ns.labels, 'kubernetes.io/metadata.name': ns.name });
  const labelsOf = (namespace: string): Record<string, string> => {
    let labels = nsLabels.get(namespace);
    if (!labels) nsLabels.set(namespace, (labels = { 'kubernetes.io/metadata.name': namespace }));
    return labels;
  };

  const workloads = new Map<string, Workload>();
  for (const obj of inventory.objects) {
    if (!WORKLOAD_KINDS.has(obj.kind) || obj.namespace === undefined) continue;
    const template = podTemplateOf(obj);
    if (!template) continue;
    let kind = obj.kind;
    let name = obj.name;
    if (obj.kind === 'Pod') {
      const owners = getPath(obj.object, ['metadata', 'ownerReferences']);
      if (Array.isArray(owners) && owners.length) {
        const owner = owners.find((o) => isJsonObject(o) && o.controller === true) ?? owners[0];
        // static pods: the kubelet makes the Node their owner, yet each is a pod of its own (not replicas of one controller)
        if (isJsonObject(owner) && typeof owner.name === 'string' && owner.kind !== 'Node') {
          // an ownerReference without kind (hand-written manifests): the pods are still one workload; netpol-analyzer names it [Pod]
          kind = typeof owner.kind === 'string' && owner.kind ? owner.kind : 'Pod';
          name = owner.name;
        }
      }
    }
    const id = `${obj.namespace}/${name}[${kind}]`;
    const labels = isJsonObject(template.metadata.labels) ? stringRecord(template.metadata.labels) : {};
    const existing = workloads.get(id);
    if (existing) {
      // pods of one owner normally share the template's labels; when they do not, keep each pod so the engine can
      // tell whether a policy selector sees them differently (then they are analysed one by one)
      if (obj.kind === 'Pod') {
        const self = podWorkload(obj, template, labels, labelsOf(obj.namespace));
        if (!existing.members) existing.members = [podWorkload(existing.object, podTemplateOf(existing.object)!, existing.podLabels, existing.namespaceLabels)];
        existing.members.push(self);
      }
      continue;
    }
    const namedPorts = namedPortsOf(template);
    workloads.set(id, {
      id, namespace: obj.namespace, name, kind, podLabels: labels, namespaceLabels: labelsOf(obj.namespace), namedPorts,
      hostNetwork: template.spec.hostNetwork === true, object: obj,
    });
  }

  const policies: Policy[] = [];
  for (const obj of inventory.ofKind('NetworkPolicy')) {
    const p = readNetworkPolicy(obj, warnings);
    if (p) policies.push(p);
  }
  for (const kind of ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'] as const) {
    for (const obj of inventory.ofKind(kind)) {
      const p = readAdminPolicy(obj, kind === 'AdminNetworkPolicy' ? 'ANP' : 'BANP', warnings);
      if (p) policies.push(p);
    }
  }
  return { workloads: [...workloads.values()], policies, warnings };
}

function readNetworkPolicy(obj: InventoryObject, warnings: string[]): Policy | undefined {
  const spec = isJsonObject(obj.object.spec) ? obj.object.spec : {};
  const namespace = obj.namespace ?? 'default';
  const id = `${namespace}/${obj.name}`;
  const bad = (msg: string): undefined => void warnings.push(`NetworkPolicy ${id}: ${msg}; policy ignored`);
  const podSelector = spec.podSelector === undefined || spec.podSelector === null ? {} : spec.podSelector;
  if (!isJsonObject(podSelector)) return bad('spec.podSelector is not a label selector');
  // policyTypes defaulting (normalization usually did it already): Ingress always, Egress when egress rules exist
  let types = Array.isArray(spec.policyTypes) && spec.policyTypes.length ? spec.policyTypes : undefined;
  if (!types) types = Array.isArray(spec.egress) && spec.egress.length ? ['Ingress', 'Egress'] : ['Ingress'];
  const policy: Policy = { layer: 'NP', id, namespace, priority: 0, subject: { namespace, podSelector: podSelector as LabelSelector }, object: obj };
  for (const [type, key, peerKey] of [['Ingress', 'ingress', 'from'], ['Egress', 'egress', 'to']] as const) {
    if (!types.includes(type)) continue;
    const list = spec[key] ?? [];
    if (!Array.isArray(list)) return bad(`spec.${key} is not a list`);
    const rules: Rule[] = [];
    for (const [index, raw] of list.entries()) {
      const rule = isJsonObject(raw) ? raw : {};
      const peersRaw = rule[peerKey];
      let peers: Peer[] | undefined;
      if (Array.isArray(peersRaw) && peersRaw.length) {
        peers = [];
        for (const pr of peersRaw) {
          const peer = readNpPeer(pr, namespace);
          if (typeof peer === 'string') return bad(`spec.${key}[${index}].${peerKey}: ${peer}`);
          peers.push(peer);
        }
      }
      const ports = readNpPorts(rule.ports);
      if (typeof ports === 'string') return bad(`spec.${key}[${index}].ports: ${ports}`);
      rules.push({ index, action: 'Allow', ...(peers ? { peers } : {}), ...(ports ? { ports } : {}) });
    }
    policy[key] = rules;
  }
  return policy;
}

function readNpPeer(raw: unknown, policyNamespace: string): Peer | string {
  if (!isJsonObject(raw)) return 'peer is not an object';
  if (raw.ipBlock !== undefined) {
    if (!isJsonObject(raw.ipBlock) || typeof raw.ipBlock.cidr !== 'string') return 'ipBlock without cidr';
    const cidr = parseCidr(raw.ipBlock.cidr);
    if (!cidr) return `invalid CIDR ${JSON.stringify(raw.ipBlock.cidr)}`;
    const except: IpRange[] = [];
    for (const e of Array.isArray(raw.ipBlock.except) ? raw.ipBlock.except : []) {
      const r = typeof e === 'string' ? parseCidr(e) : undefined;
      if (!r) return `invalid except CIDR ${JSON.stringify(e)}`;
      except.push(r);
    }
    return { type: 'ipBlock', cidr, except, text: raw.ipBlock.cidr };
  }
  const ns = raw.namespaceSelector;
  const pod = raw.podSelector;
  if ((ns !== undefined && ns !== null && !isJsonObject(ns)) || (pod !== undefined && pod !== null && !isJsonObject(pod))) return 'selector is not a label selector';
  if (!isJsonObject(ns) && !isJsonObject(pod)) return 'peer with neither podSelector, namespaceSelector nor ipBlock';
  return {
    type: 'pods', policyNamespace,
    ...(isJsonObject(ns) ? { namespaceSelector: ns as LabelSelector } : {}),
    ...(isJsonObject(pod) ? { podSelector: pod as LabelSelector } : {}),
  };
}

function readProtocol(raw: unknown): Protocol | string {
  if (raw === undefined || raw === null) return 'TCP';
  return typeof raw === 'string' && PROTOCOLS.has(raw) ? (raw as Protocol) : `unknown protocol ${JSON.stringify(raw)}`;
}

function readNpPorts(raw: unknown): PortSpec[] | undefined | string {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) return 'not a list';
  if (raw.length === 0) return undefined;
  const out: PortSpec[] = [];
  for (const p of raw) {
    if (!isJsonObject(p)) return 'port entry is not an object';
    const protocol = readProtocol(p.protocol);
    if (!PROTOCOLS.has(protocol)) return protocol;
    const proto = protocol as Protocol;
    let port = p.port;
    if (typeof port === 'string' && /^\d+$/.test(port)) port = Number(port);
    if (port === undefined || port === null) out.push({ type: 'all', protocol: proto });
    else if (typeof port === 'number') {
      const end = typeof p.endPort === 'number' ? p.endPort : port;
      if (end < port) return `endPort ${end} < port ${port}`;
      out.push({ type: 'number', protocol: proto, from: port, to: end });
    } else if (typeof port === 'string') out.push({ type: 'named', protocol: proto, name: port });
    else return `invalid port ${JSON.stringify(port)}`;
  }
  return out;
}

function readAdminPolicy(obj: InventoryObject, layer: 'ANP' | 'BANP', warnings: string[]): Policy | undefined {
  const spec = isJsonObject(obj.object.spec) ? obj.object.spec : {};
  const kindName = layer === 'ANP' ? 'AdminNetworkPolicy' : 'BaselineAdminNetworkPolicy';
  const bad = (msg: string): undefined => void warnings.push(`${kindName} ${obj.name}: ${msg}; policy ignored`);
  const subject = readAdminSelector(spec.subject);
  if (typeof subject === 'string') return bad(`spec.subject: ${subject}`);
  let priority = 0;
  if (layer === 'ANP') {
    if (typeof spec.priority !== 'number') return bad('spec.priority is missing');
    priority = spec.priority;
  }
  const policy: Policy = { layer, id: obj.name, priority, subject: { namespaceSelector: subject.namespaceSelector, podSelector: subject.podSelector }, object: obj };
  for (const [key, peerKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    const list = spec[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) return bad(`spec.${key} is not a list`);
    const rules: Rule[] = [];
    for (const [index, raw] of list.entries()) {
      if (!isJsonObject(raw)) return bad(`spec.${key}[${index}] is not an object`);
      const action = raw.action;
      if (action !== 'Allow' && action !== 'Deny' && !(action === 'Pass' && layer === 'ANP')) return bad(`spec.${key}[${index}]: invalid action ${JSON.stringify(action)}`);
      const peersRaw = raw[peerKey];
      if (!Array.isArray(peersRaw) || peersRaw.length === 0) return bad(`spec.${key}[${index}].${peerKey} must list at least one peer`);
      const peers: Peer[] = [];
      for (const pr of peersRaw) {
        if (!isJsonObject(pr)) return bad(`spec.${key}[${index}].${peerKey}: peer is not an object`);
        if (Array.isArray(pr.networks)) {
          for (const n of pr.networks) {
            const cidr = typeof n === 'string' ? parseCidr(n) : undefined;
            if (!cidr) return bad(`invalid network ${JSON.stringify(n)}`);
            peers.push({ type: 'ipBlock', cidr, except: [], text: n as string });
          }
        } else if (pr.nodes !== undefined) peers.push({ type: 'nodes' });
        else {
          const sel = readAdminSelector(pr);
          if (typeof sel === 'string') return bad(`spec.${key}[${index}].${peerKey}: ${sel}`);
          peers.push({ type: 'pods', namespaceSelector: sel.namespaceSelector, podSelector: sel.podSelector });
        }
      }
      const ports = readAdminPorts(raw.ports);
      if (typeof ports === 'string') return bad(`spec.${key}[${index}].ports: ${ports}`);
      rules.push({ index, action, ...(typeof raw.name === 'string' ? { name: raw.name } : {}), peers, ...(ports ? { ports } : {}) });
    }
    policy[key] = rules;
  }
  return policy;
}

/** `{namespaces: sel}` or `{pods: {namespaceSelector, podSelector}}`. */
function readAdminSelector(raw: unknown): { namespaceSelector: LabelSelector; podSelector: LabelSelector } | string {
  if (!isJsonObject(raw)) return 'missing';
  if (isJsonObject(raw.namespaces)) return { namespaceSelector: raw.namespaces as LabelSelector, podSelector: {} };
  if (isJsonObject(raw.pods)) {
    const ns = raw.pods.namespaceSelector;
    const pod = raw.pods.podSelector;
    if ((ns !== undefined && !isJsonObject(ns)) || (pod !== undefined && !isJsonObject(pod))) return 'pods: selectors must be label selectors';
    // a missing selector selects everything (what netpol-analyzer and the CRD's defaulting do)
    return { namespaceSelector: (ns ?? {}) as LabelSelector, podSelector: (pod ?? {}) as LabelSelector };
  }
  return 'needs exactly one of namespaces or pods';
}

function readAdminPorts(raw: unknown): PortSpec[] | undefined | string {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) return 'not a list';
  const out: PortSpec[] = [];
  for (const p of raw) {
    if (!isJsonObject(p)) return 'port entry is not an object';
    if (isJsonObject(p.portNumber)) {
      const protocol = readProtocol(p.portNumber.protocol);
      if (!PROTOCOLS.has(protocol)) return protocol;
      if (typeof p.portNumber.port !== 'number') return 'portNumber.port must be a number';
      out.push({ type: 'number', protocol: protocol as Protocol, from: p.portNumber.port, to: p.portNumber.port });
    } else if (typeof p.namedPort === 'string') {
      out.push({ type: 'named', protocol: undefined, name: p.namedPort });
    } else if (isJsonObject(p.portRange)) {
      const protocol = readProtocol(p.portRange.protocol);
      if (!PROTOCOLS.has(protocol)) return protocol;
      const { start, end } = p.portRange;
      if (typeof start !== 'number' || typeof end !== 'number' || end < start) return 'portRange needs start <= end';
      out.push({ type: 'number', protocol: protocol as Protocol, from: start, to: end });
    } else return 'port entry needs portNumber, namedPort or portRange';
  }
  return out;
}

function podWorkload(obj: InventoryObject, template: NonNullable<ReturnType<typeof podTemplateOf>>, podLabels: Record<string, string>, namespaceLabels: Record<string, string>): Workload {
  const namespace = obj.namespace ?? 'default';
  return { id: `${namespace}/${obj.name}[Pod]`, namespace, name: obj.name, kind: 'Pod', podLabels, namespaceLabels, namedPorts: namedPortsOf(template), hostNetwork: template.spec.hostNetwork === true, object: obj };
}

function namedPortsOf(template: NonNullable<ReturnType<typeof podTemplateOf>>): NamedPort[] {
  const namedPorts: NamedPort[] = [];
  for (const c of template.containers) {
    const ports = c.spec.ports;
    if (!Array.isArray(ports)) continue;
    for (const p of ports) {
      if (!isJsonObject(p) || typeof p.name !== 'string' || typeof p.containerPort !== 'number') continue;
      const protocol = typeof p.protocol === 'string' && PROTOCOLS.has(p.protocol) ? (p.protocol as Protocol) : 'TCP';
      namedPorts.push({ name: p.name, protocol, port: p.containerPort });
    }
  }
  return namedPorts;
}

function stringRecord(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}
