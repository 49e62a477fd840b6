// The Istio provider: injection, effective PeerAuthentication, DestinationRule conflicts, authorization.
import type { AnalyzerOutput } from '../../../core/analyzer.js';
import type { Finding } from '../../../core/finding.js';
import type { Inventory, InventoryObject, PodTemplate } from '../../../inventory/index.js';
import { isJsonObject } from '../../../inventory/index.js';
import { toFindings, type Violation } from '../../../workloads/check.js';
import {
  ALLOW_ALL_AUTHZ, BYPASSABLE_AUTHZ, DISABLED_SERVER_CONFLICT, DR_DISABLES_TLS, MTLS_DISABLED, NOT_MESHED,
  PERMISSIVE_MTLS, STRICT_CLIENT_CONFLICT,
} from '../checks.js';
import {
  findWorkload, refLabel, servicePortsTo, servicesOf, targetPortOf, templateOf, workloads,
  type ConnectionVerdict, type MeshConnection, type MeshOptions, type MeshProvider,
} from '../common.js';
import { actionOf, identityFields, isAuthorizationPolicy, policiesFor, rulePorts, specOf } from './authorization.js';
import { clientTls, isDestinationRule, qualifyHost, hostMatch, ruleTlsSettings, type ClientTls } from './destination-rule.js';
import { istioInjection } from './injection.js';
import { isPeerAuthentication, PeerAuthIndex, type EffectiveMode } from './peer-authentication.js';

export { istioInjection, type InjectionState } from './injection.js';
export { PeerAuthIndex, type EffectiveMode, type MtlsMode } from './peer-authentication.js';
export { evaluateAuthorization, policiesFor, type AuthzRequest, type AuthzResult } from './authorization.js';
export { clientTls, destinationRuleFor, hostMatch, exportedTo, qualifyHost } from './destination-rule.js';

const ISTIO_KINDS = new Set(['PeerAuthentication', 'DestinationRule', 'AuthorizationPolicy', 'VirtualService', 'Gateway', 'Sidecar', 'ServiceEntry', 'RequestAuthentication', 'EnvoyFilter', 'WorkloadEntry']);

function rootOf(options: MeshOptions): string { return options.istioRootNamespace ?? 'istio-system'; }
function domainOf(options: MeshOptions): string { return options.clusterDomain ?? 'cluster.local'; }

function hasIstioObjects(inventory: Inventory): boolean {
  return inventory.objects.some((o) => ISTIO_KINDS.has(o.kind) && /(^|\.)istio\.io\//.test(o.apiVersion));
}

function hasIstioMarkers(inventory: Inventory): boolean {
  if (inventory.ofKind('Namespace').some((n) => n.labels['istio-injection'] === 'enabled' || n.labels['istio.io/rev'] !== undefined || n.labels['istio.io/dataplane-mode'] === 'ambient')) return true;
  return workloads(inventory).some((p) => istioInjection(inventory, p).dataplane !== 'none');
}

export const istio: MeshProvider = {
  name: 'istio',
  inUse: (inventory) => hasIstioObjects(inventory) || hasIstioMarkers(inventory),
  meshed(inventory, workload) {
    const pod = templateOf(workload);
    if (!pod) return { meshed: false, reason: `${workload.kind} ${workload.name} runs no pods` };
    const state = istioInjection(inventory, pod);
    return { meshed: state.dataplane !== 'none', reason: state.reason };
  },
  analyze: analyzeIstio,
  connection: istioConnection,
};

export function analyzeIstio(inventory: Inventory, options: MeshOptions = {}): AnalyzerOutput {
  const root = rootOf(options);
  const domain = domainOf(options);
  const index = new PeerAuthIndex(inventory, root);
  const findings: Finding[] = [];
  const notEvaluated = [];
  const pods = workloads(inventory);
  const meshedPods = pods.filter((p) => istioInjection(inventory, p).dataplane !== 'none');

  if (!inventory.objects.some(isPeerAuthentication) || !index.mesh) {
    notEvaluated.push({
      target: `PeerAuthentication ${root}/* (mesh-wide)`,
      reason: `no mesh-wide PeerAuthentication in the root namespace ${root} was scanned; the cluster may have one, so Istio's default PERMISSIVE was assumed as the mesh-wide mode${options.istioRootNamespace ? '' : ' (root namespace assumed to be istio-system; set it if MeshConfig rootNamespace differs)'}`,
    });
  }

  // Workloads outside the mesh.
  for (const pod of pods) {
    const state = istioInjection(inventory, pod);
    if (state.dataplane !== 'none') continue;
    const v: Violation = { path: state.path ?? pod.metadataPath, detail: `${refLabel({ kind: pod.workload.kind, namespace: pod.workload.namespace ?? 'default', name: pod.workload.name })} has no Istio sidecar: ${state.reason}` };
    findings.push(...toFindings(NOT_MESHED, pod.workload, [v]));
  }

  // Server-side modes: PERMISSIVE and DISABLE, reported on the policy that decided (or the workload when none).
  for (const pod of meshedPods) {
    const ambient = istioInjection(inventory, pod).dataplane === 'ambient';
    const eff = index.effective(pod);
    const modes: EffectiveMode[] = [eff.workload, ...[...eff.ports.values()].filter((m) => m.source?.scope === 'port')];
    for (const mode of modes) {
      if (mode.mode === 'STRICT') continue;
      if (mode.mode === 'DISABLE' && ambient) continue; // DISABLE is not supported in ambient mode: ztunnel keeps mTLS
      const meta = mode.mode === 'DISABLE' ? MTLS_DISABLED : PERMISSIVE_MTLS;
      const w = `${pod.workload.kind} ${pod.workload.namespace}/${pod.workload.name}`;
      const detail = `${w} is ${mode.mode}: ${mode.reason}`;
      if (mode.source) findings.push(...toFindings(meta, mode.source.policy, [{ path: mode.source.path, value: mode.mode, detail }]));
      else findings.push(...toFindings(meta, pod.workload, [{ path: pod.metadataPath, detail }]));
    }
  }
  notEvaluated.push(...index.notes.filter((n, i, all) => all.findIndex((m) => m.target === n.target && m.reason === n.reason) === i));

  findings.push(...destinationRuleConflicts(inventory, index, root, domain));
  findings.push(...authorizationFindings(inventory, index, root));
  return { findings: dedupe(findings), notEvaluated };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.checkId}|${f.resource.kind}|${f.resource.namespace}|${f.resource.name}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Workloads (and their pod port for a service port) behind every Service a DestinationRule host covers. */
function backends(inventory: Inventory, rule: InventoryObject, domain: string): { svc: InventoryObject; pod: PodTemplate }[] {
  const host = specOf(rule).host;
  if (typeof host !== 'string') return [];
  const qualified = qualifyHost(host, rule.namespace ?? 'default', domain);
  const out: { svc: InventoryObject; pod: PodTemplate }[] = [];
  for (const svc of inventory.ofKind('Service')) {
    if (hostMatch(qualified, `${svc.name}.${svc.namespace}.svc.${domain}`, domain) < 0) continue;
    for (const pod of workloads(inventory)) if (servicesOf(inventory, pod).includes(svc)) out.push({ svc, pod });
  }
  return out;
}

function destinationRuleConflicts(inventory: Inventory, index: PeerAuthIndex, root: string, domain: string): Finding[] {
  const findings: Finding[] = [];
  for (const rule of inventory.objects.filter(isDestinationRule)) {
    const settings = ruleTlsSettings(rule);
    if (settings.length === 0) continue;
    const violations = new Map<typeof STRICT_CLIENT_CONFLICT, Violation[]>();
    const add = (meta: typeof STRICT_CLIENT_CONFLICT, v: Violation) => violations.set(meta, [...(violations.get(meta) ?? []), v]);
    for (const { svc, pod } of backends(inventory, rule, domain)) {
      const state = istioInjection(inventory, pod);
      const w = `${pod.workload.kind} ${pod.workload.namespace}/${pod.workload.name}`;
      const svcPorts = (isJsonObject(svc.object.spec) && Array.isArray(svc.object.spec.ports) ? svc.object.spec.ports : []).filter(isJsonObject);
      for (const setting of settings) {
        // The server modes on the pod ports this setting reaches.
        const ports = svcPorts.filter((p) => setting.port === undefined || p.port === setting.port);
        const targets = ports.map((p) => targetPortOf(p, pod));
        const modes = targets.length > 0 ? targets.map((t) => index.modeOn(pod, t)) : [index.effective(pod).workload];
        for (const mode of modes) {
          const server = state.dataplane === 'none' ? 'no sidecar' : mode.mode;
          const where = `tls.mode ${setting.mode}${setting.port !== undefined ? ` for port ${setting.port}` : ''} towards Service ${svc.namespace}/${svc.name}`;
          if (server === 'STRICT' && (setting.mode === 'DISABLE' || setting.mode === 'SIMPLE')) {
            add(STRICT_CLIENT_CONFLICT, { path: setting.path, value: setting.mode, detail: `${where}, but ${w} requires STRICT mTLS (${mode.reason})` });
          } else if ((server === 'DISABLE' || server === 'no sidecar') && setting.mode === 'ISTIO_MUTUAL') {
            add(DISABLED_SERVER_CONFLICT, { path: setting.path, value: setting.mode, detail: `${where}, but ${w} ${server === 'no sidecar' ? `has no sidecar (${state.reason})` : `has mTLS disabled (${mode.reason})`}` });
          } else if (server === 'PERMISSIVE' && setting.mode === 'DISABLE') {
            add(DR_DISABLES_TLS, { path: setting.path, value: setting.mode, detail: `${where}: clients send plaintext to meshed ${w}, which accepts it (${mode.reason})` });
          }
        }
      }
    }
    for (const [meta, list] of violations) {
      const unique = list.filter((v, i) => list.findIndex((u) => u.detail === v.detail) === i);
      findings.push(...toFindings(meta, rule, unique));
    }
  }
  return findings;
}

function authorizationFindings(inventory: Inventory, index: PeerAuthIndex, root: string): Finding[] {
  const findings: Finding[] = [];
  const pods = workloads(inventory);
  for (const policy of inventory.objects.filter(isAuthorizationPolicy)) {
    const spec = specOf(policy);
    const action = actionOf(policy);
    if (action === 'ALLOW' && Array.isArray(spec.rules) && spec.rules.some((r) => isJsonObject(r) && Object.keys(r).length === 0)) {
      const i = spec.rules.findIndex((r) => isJsonObject(r) && Object.keys(r).length === 0);
      findings.push(...toFindings(ALLOW_ALL_AUTHZ, policy, [{ path: ['spec', 'rules', i], value: {}, detail: `ALLOW policy ${policy.namespace}/${policy.name} has an empty rule, which allows every request` }]));
    }
    const identity = identityFields(policy);
    if (identity.length === 0 || action === 'AUDIT') continue;
    const ports = rulePorts(policy);
    const weak: string[] = [];
    for (const pod of pods) {
      if (!policiesFor(inventory, pod, root).includes(policy)) continue;
      const modes = ports === undefined ? [index.effective(pod).workload, ...index.effective(pod).ports.values()] : ports.map((p) => index.modeOn(pod, p));
      const notStrict = modes.find((m) => m.mode !== 'STRICT');
      const state = istioInjection(inventory, pod);
      if (state.dataplane === 'ambient') continue; // ztunnel always carries identity in ambient mode
      if (notStrict) weak.push(`${pod.workload.kind} ${pod.workload.namespace}/${pod.workload.name} (${notStrict.mode}: ${notStrict.reason})`);
      else if (state.dataplane === 'none') weak.push(`${pod.workload.kind} ${pod.workload.namespace}/${pod.workload.name} (no sidecar: ${state.reason})`);
    }
    if (weak.length === 0) continue;
    const consequence = action === 'DENY'
      ? 'plaintext requests carry no identity, so this DENY rule does not match them'
      : 'the source identity is not verified on plaintext connections';
    findings.push(...toFindings(BYPASSABLE_AUTHZ, policy, identity.map((f) => ({
      path: f.path, value: f.value,
      detail: `${action} policy ${policy.namespace}/${policy.name} matches on source identity but applies to workloads not in STRICT mTLS: ${weak.join('; ')} — ${consequence}`,
    }))));
  }
  return findings;
}

/** What happens on the wire for one connection, under Istio. */
export function istioConnection(inventory: Inventory, connection: MeshConnection, options: MeshOptions = {}): ConnectionVerdict {
  const root = rootOf(options);
  const domain = domainOf(options);
  const verdict = (state: ConnectionVerdict['state'], reasons: string[]): ConnectionVerdict => ({
    connection, provider: 'istio', state, reasons,
    unencrypted: state === 'plaintext', unauthenticated: state === 'plaintext' || state === 'tls',
  });
  const fromObj = findWorkload(inventory, connection.from);
  const toObj = findWorkload(inventory, connection.to);
  const fromPod = fromObj && templateOf(fromObj);
  const toPod = toObj && templateOf(toObj);
  if (!fromPod || !toPod) {
    return verdict('plaintext', [`${!fromPod ? refLabel(connection.from) : refLabel(connection.to)} is not in the scanned manifests; its sidecar and policies are unknown, so plaintext is assumed`]);
  }
  const client = istioInjection(inventory, fromPod);
  const server = istioInjection(inventory, toPod);
  const index = new PeerAuthIndex(inventory, root);
  const mode = index.modeOn(toPod, connection.port);

  // Client TLS: the DestinationRule of the first Service leading to this port.
  let tls: ClientTls = { reason: 'no Service leads to this port: the client connects to the pod directly, auto-mTLS applies' };
  for (const svc of servicesOf(inventory, toPod)) {
    const ports = servicePortsTo(svc, toPod, connection.port);
    if (ports.length === 0) continue;
    tls = clientTls(inventory, connection.from.namespace, svc, ports[0], root, domain);
    break;
  }
  const clientMeshed = client.dataplane !== 'none';
  const serverMeshed = server.dataplane !== 'none';
  const serverMode = server.dataplane === 'ambient' && mode.mode === 'DISABLE' ? 'PERMISSIVE' : mode.mode;

  if (!serverMeshed) {
    if (tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') return verdict(tls.mode === 'MUTUAL' ? 'mtls' : 'tls', [`no sidecar at the server (${server.reason}); the client originates TLS: ${tls.reason}`]);
    if (clientMeshed && tls.mode === 'ISTIO_MUTUAL') return verdict('broken', [`the client sends Istio mTLS (${tls.reason}) but the server has no sidecar (${server.reason})`]);
    return verdict('plaintext', [`no sidecar at the server: ${server.reason}`]);
  }
  if (!clientMeshed) {
    if (serverMode === 'STRICT') return verdict('rejected', [`no sidecar at the client (${client.reason}); the server requires STRICT mTLS (${mode.reason}) and resets plaintext connections`]);
    return verdict('plaintext', [`no sidecar at the client: ${client.reason}`, `the server accepts plaintext: ${mode.reason}`]);
  }
  // Both ends meshed.
  if (serverMode === 'DISABLE') {
    if (tls.mode === 'ISTIO_MUTUAL') return verdict('broken', [`${tls.reason}, but the server has mTLS disabled: ${mode.reason}`]);
    return verdict('plaintext', [`mTLS disabled at the server: ${mode.reason}`]);
  }
  if (tls.mode === 'DISABLE') {
    if (serverMode === 'STRICT') return verdict('rejected', [`${tls.reason} (plaintext), but the server requires STRICT mTLS: ${mode.reason}`]);
    return verdict('plaintext', [`DestinationRule disables TLS: ${tls.reason}`, `the server accepts plaintext: ${mode.reason}`]);
  }
  if (tls.mode === 'SIMPLE') {
    if (serverMode === 'STRICT') return verdict('rejected', [`${tls.reason} (no client certificate), but the server requires STRICT mTLS: ${mode.reason}`]);
    return verdict('tls', [`${tls.reason}: TLS without a client certificate, the client is not authenticated`]);
  }
  return verdict('mtls', [tls.mode ? tls.reason : `both ends are meshed and ${tls.reason}`, `server: ${mode.reason}`]);
}
