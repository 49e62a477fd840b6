/**
 * Kubernetes Ingress exposure, as netpol-analyzer models it: every backend of an Ingress (networking.k8s.io/v1,
 * networking.k8s.io/v1beta1, extensions/v1beta1) names a Service of the Ingress's namespace and one of its ports;
 * the Service's selector picks the workloads, the service port maps to its targetPort (a number, or a container
 * port name resolved on the workload's pods). Whether the ingress controller may reach those ports is decided by the
 * engine (see GOLDEN.md).
 */
import { isJsonObject, selectorMatches, type Inventory, type InventoryObject } from '../../inventory/index.js';
import { ConnSet, type Protocol } from './connset.js';
import type { Workload } from './model.js';

/** The ingress controller peer, as netpol-analyzer names it. */
export const INGRESS_CONTROLLER_ID = '{ingress-controller}';
/** The namespace of the synthetic ingress-controller pod (no manifest names it; the pod has no labels). */
export const INGRESS_CONTROLLER_NAMESPACE = 'ingress-controller-ns';

/** An Ingress backend: a Service of the Ingress's namespace and a service port (number or name). */
export interface IngressBackend {
  ingress: string;
  namespace: string;
  service: string;
  port: number | string | undefined;
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

/** The Service backends of every Ingress: rules[].http.paths[].backend and the default backend. */
export function readIngressBackends(inventory: Inventory, warnings: string[]): IngressBackend[] {
  const out: IngressBackend[] = [];
  for (const obj of inventory.ofKind('Ingress')) {
    const spec = isJsonObject(obj.object.spec) ? obj.object.spec : {};
    const namespace = obj.namespace ?? 'default';
    const raws: unknown[] = [spec.defaultBackend, spec.backend];
    for (const rule of Array.isArray(spec.rules) ? spec.rules : []) {
      if (!isJsonObject(rule) || !isJsonObject(rule.http) || !Array.isArray(rule.http.paths)) continue;
      for (const p of rule.http.paths) if (isJsonObject(p)) raws.push(p.backend);
    }
    for (const raw of raws) {
      if (!isJsonObject(raw)) continue;
      const b = readBackend(raw);
      if (b) out.push({ ingress: `${namespace}/${obj.name}`, namespace, ...b });
      else if (!isJsonObject(raw.resource)) warnings.push(`Ingress ${namespace}/${obj.name}: a backend names no service; ignored`);
    }
  }
  return out;
}

function readBackend(raw: Record<string, unknown>): { service: string; port: number | string | undefined } | undefined {
  // networking.k8s.io/v1: backend.service.{name, port.{number|name}}
  if (isJsonObject(raw.service) && typeof raw.service.name === 'string') {
    const port = isJsonObject(raw.service.port) ? raw.service.port : {};
    return { service: raw.service.name, port: typeof port.number === 'number' ? port.number : typeof port.name === 'string' ? port.name : undefined };
  }
  // extensions/v1beta1, networking.k8s.io/v1beta1: backend.{serviceName, servicePort (int or string)}
  if (typeof raw.serviceName === 'string') {
    const sp = raw.servicePort;
    const port = typeof sp === 'number' ? sp : typeof sp === 'string' ? (/^\d+$/.test(sp) ? Number(sp) : sp) : undefined;
    return { service: raw.serviceName, port };
  }
  return undefined;
}

/**
 * What each workload exposes to the ingress controller through Ingress backends, before network policies:
 * workload id → connections (protocol and targetPort of each matching service port).
 */
export function ingressExposure(inventory: Inventory, workloads: Workload[], warnings: string[]): Map<Workload, ConnSet> {
  const exposed = new Map<Workload, ConnSet>();
  const backends = readIngressBackends(inventory, warnings);
  if (!backends.length) return exposed;
  const services = new Map<string, InventoryObject>();
  for (const s of inventory.ofKind('Service')) services.set(`${s.namespace ?? 'default'}/${s.name}`, s);
  for (const b of backends) {
    const svc = services.get(`${b.namespace}/${b.service}`);
    if (!svc) {
      warnings.push(`Ingress ${b.ingress}: backend service ${b.namespace}/${b.service} not found; ignored`);
      continue;
    }
    const spec = isJsonObject(svc.object.spec) ? svc.object.spec : {};
    const selector = isJsonObject(spec.selector) ? (spec.selector as Record<string, unknown>) : undefined;
    if (!selector || !Object.keys(selector).length) continue; // no selector: endpoints managed by hand, no workloads
    const matchLabels: Record<string, string> = {};
    for (const [k, v] of Object.entries(selector)) matchLabels[k] = String(v);
    const ports = (Array.isArray(spec.ports) ? spec.ports : []).filter(isJsonObject).filter((p) =>
      b.port === undefined ? true : typeof b.port === 'number' ? p.port === b.port : p.name === b.port,
    );
    if (!ports.length) {
      warnings.push(`Ingress ${b.ingress}: service ${b.namespace}/${b.service} has no port ${String(b.port)}; ignored`);
      continue;
    }
    for (const w of workloads) {
      if (w.namespace !== b.namespace || !selectorMatches({ matchLabels }, w.podLabels)) continue;
      let set = exposed.get(w) ?? ConnSet.empty();
      for (const p of ports) {
        const protocol = (typeof p.protocol === 'string' && PROTOCOLS.has(p.protocol) ? p.protocol : 'TCP') as Protocol;
        const target = p.targetPort ?? p.port;
        if (typeof target === 'number' || (typeof target === 'string' && /^\d+$/.test(target))) {
          set = set.union(ConnSet.ports(protocol, Number(target)));
        } else if (typeof target === 'string') {
          for (const named of w.namedPorts) if (named.name === target && named.protocol === protocol) set = set.union(ConnSet.ports(protocol, named.port));
        }
      }
      if (!set.isEmpty()) exposed.set(w, set);
    }
  }
  return exposed;
}

/** The synthetic ingress-controller pod: no labels, in a namespace of its own that no manifest names. */
export function ingressControllerWorkload(): Workload {
  return {
    id: INGRESS_CONTROLLER_ID,
    namespace: INGRESS_CONTROLLER_NAMESPACE,
    name: 'ingress-controller',
    kind: 'Pod',
    podLabels: {},
    namespaceLabels: { 'kubernetes.io/metadata.name': INGRESS_CONTROLLER_NAMESPACE },
    namedPorts: [],
    hostNetwork: false,
    object: { key: INGRESS_CONTROLLER_ID, apiVersion: 'v1', kind: 'Pod', name: 'ingress-controller', namespace: INGRESS_CONTROLLER_NAMESPACE, namespaceDefaulted: false, labels: {}, annotations: {}, object: {} } as unknown as InventoryObject,
  };
}
