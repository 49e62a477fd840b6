// Shared by the mesh providers: workload references, the connection type the plaintext report reads,
// and small lookups (pod labels, ports, Services selecting a workload).
import type { AnalyzerOutput } from '../../core/analyzer.js';
import { stringMap } from '../../inventory/object.js';
import {
  isJsonObject, podTemplateOf, selectorMatches,
  type Inventory, type InventoryObject, type JsonObject, type JsonPath, type PodTemplate,
} from '../../inventory/index.js';

/** A workload as the reachability engine names it. */
export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
}

/** One connection the network layer allows (produced by the reachability engine). */
export interface MeshConnection {
  from: WorkloadRef;
  to: WorkloadRef;
  /** Destination port: the pod (container) port, as network policies see it. */
  port: number;
  /** `TCP` (default), `UDP`, `SCTP`, or an application protocol such as `HTTP`. */
  protocol?: string;
}

/**
 * What happens to a connection on the wire.
 * - `mtls`: encrypted and both ends authenticated.
 * - `tls`: encrypted, the client is not authenticated (DestinationRule SIMPLE).
 * - `plaintext`: neither encrypted nor authenticated.
 * - `rejected`: the server refuses it (STRICT server, plaintext client; Linkerd policy requiring identity).
 * - `broken`: the two ends disagree on TLS; the connection fails.
 */
export type WireState = 'mtls' | 'tls' | 'plaintext' | 'rejected' | 'broken';

export interface ConnectionVerdict {
  connection: MeshConnection;
  provider: 'istio' | 'linkerd' | 'none';
  state: WireState;
  /** True when the bytes can travel unencrypted. */
  unencrypted: boolean;
  /** True when the server cannot know who the client is. */
  unauthenticated: boolean;
  /** Why, one sentence each, most important first. */
  reasons: string[];
}

export interface MeshOptions {
  /** Istio MeshConfig `rootNamespace` (default `istio-system`). */
  istioRootNamespace?: string;
  /** Cluster domain for Service host names (default `cluster.local`). */
  clusterDomain?: string;
}

/** The interface every provider folder implements. */
export interface MeshProvider {
  name: 'istio' | 'linkerd';
  /** True when the inventory shows the mesh is in use (its objects, or its injection markers). */
  inUse(inventory: Inventory): boolean;
  /** Is this workload's traffic handled by the mesh data plane? */
  meshed(inventory: Inventory, workload: InventoryObject): { meshed: boolean; reason: string };
  analyze(inventory: Inventory, options: MeshOptions): AnalyzerOutput;
  connection(inventory: Inventory, connection: MeshConnection, options: MeshOptions): ConnectionVerdict;
}

export function refOf(obj: InventoryObject): WorkloadRef {
  return { kind: obj.kind, namespace: obj.namespace ?? 'default', name: obj.name };
}

export function refLabel(ref: WorkloadRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

export function findWorkload(inventory: Inventory, ref: WorkloadRef): InventoryObject | undefined {
  return inventory.find(ref.kind, ref.namespace, ref.name);
}

/** Every object that runs pods, with its template. */
export function workloads(inventory: Inventory): PodTemplate[] {
  // Pods owned by controllers in the same scan are rare in manifests; every template counts.
  return [...inventory.podTemplates()].filter((t) => t.workload.kind !== 'PodTemplate');
}

export function podLabels(pod: PodTemplate): Record<string, string> {
  return stringMap(pod.metadata.labels);
}

export function podAnnotations(pod: PodTemplate): Record<string, string> {
  return stringMap(pod.metadata.annotations);
}

export function namespaceObject(inventory: Inventory, namespace: string | undefined): InventoryObject | undefined {
  return namespace === undefined ? undefined : inventory.find('Namespace', undefined, namespace);
}

export function hostNetwork(pod: PodTemplate): boolean {
  return pod.spec.hostNetwork === true;
}

export interface ContainerPort { port: number; name?: string }

/** Ports the containers of a pod declare. */
export function containerPorts(pod: PodTemplate): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const c of pod.containers) {
    if (c.list !== 'containers') continue;
    const ports = c.spec.ports;
    if (!Array.isArray(ports)) continue;
    for (const p of ports) {
      if (!isJsonObject(p) || typeof p.containerPort !== 'number') continue;
      const entry: ContainerPort = { port: p.containerPort };
      if (typeof p.name === 'string') entry.name = p.name;
      out.push(entry);
    }
  }
  return out;
}

/** Services in the workload's namespace whose selector selects its pods. */
export function servicesOf(inventory: Inventory, pod: PodTemplate): InventoryObject[] {
  const labels = podLabels(pod);
  return inventory.ofKind('Service').filter((svc) => {
    if (svc.namespace !== pod.workload.namespace) return false;
    const selector = isJsonObject(svc.object.spec) ? svc.object.spec.selector : undefined;
    if (!isJsonObject(selector) || Object.keys(selector).length === 0) return false;
    return selectorMatches({ matchLabels: stringMap(selector) }, labels);
  });
}

/** Service ports of `svc` that lead to container port `podPort` of `pod`. */
export function servicePortsTo(svc: InventoryObject, pod: PodTemplate, podPort: number): number[] {
  const spec = isJsonObject(svc.object.spec) ? svc.object.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports.filter(isJsonObject) : [];
  const named = new Map(containerPorts(pod).filter((p) => p.name).map((p) => [p.name!, p.port]));
  const out: number[] = [];
  for (const p of ports) {
    if (typeof p.port !== 'number') continue;
    const target = p.targetPort ?? p.port;
    const resolved = typeof target === 'number' ? target : /^\d+$/.test(String(target)) ? Number(target) : named.get(String(target));
    if (resolved === podPort) out.push(p.port);
  }
  return out;
}

/** Container port a Service port leads to for `pod` (undefined when a named target port is not declared). */
export function targetPortOf(servicePort: JsonObject, pod: PodTemplate): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(String(target))) return Number(target);
  return containerPorts(pod).find((p) => p.name === String(target))?.port;
}

export function templateOf(obj: InventoryObject): PodTemplate | undefined {
  return podTemplateOf(obj);
}

/** Path of a pod-template metadata field (label or annotation) from the workload root. */
export function metadataPath(pod: PodTemplate, field: 'labels' | 'annotations', key: string): JsonPath {
  return [...pod.metadataPath, field, key];
}

/** Istio string matching: exact, `prefix*`, `*suffix`, or `*` (any non-empty value). */
export function istioStringMatch(pattern: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    n = n * 256 + Number(part);
  }
  return n;
}

/** IPv4 address in CIDR (or equal to a bare address). IPv6 is compared textually. */
export function ipInBlock(block: string, ip: string | undefined): boolean {
  if (!ip) return false;
  const [base, bitsText] = block.split('/');
  const baseInt = ipv4ToInt(base ?? '');
  const ipInt = ipv4ToInt(ip);
  if (baseInt === undefined || ipInt === undefined) return block === ip;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!(bits >= 0 && bits <= 32)) return false;
  if (bits === 0) return true;
  const mask = bits === 32 ? 0xffffffff : (~0 << (32 - bits)) >>> 0;
  return ((baseInt & mask) >>> 0) === ((ipInt & mask) >>> 0);
}

export function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map((v) => String(v)) : undefined;
}
