// The Linkerd provider: meshed workloads, default inbound policy, Server / AuthorizationPolicy basics (semantics §5).
import type { AnalyzerOutput } from '../../../core/analyzer.js';
import type { NotEvaluated } from '../../../core/coverage.js';
import type { Finding } from '../../../core/finding.js';
import { stringMap } from '../../../inventory/object.js';
import { isJsonObject, selectorMatches, type Inventory, type InventoryObject, type JsonPath, type PodTemplate } from '../../../inventory/index.js';
import { toFindings } from '../../../workloads/check.js';
import { LINKERD_SERVER_UNAUTHORIZED, LINKERD_UNAUTHENTICATED, NOT_MESHED } from '../checks.js';
import {
  containerPorts, findWorkload, hostNetwork, metadataPath, namespaceObject, podAnnotations, podLabels, refLabel, templateOf, workloads,
  type ConnectionVerdict, type MeshConnection, type MeshProvider,
} from '../common.js';

export const DEFAULT_POLICIES = ['all-unauthenticated', 'all-authenticated', 'cluster-authenticated', 'cluster-unauthenticated', 'deny', 'audit'] as const;
export type DefaultInboundPolicy = (typeof DEFAULT_POLICIES)[number];
const POLICY_ANNOTATION = 'config.linkerd.io/default-inbound-policy';
const INJECT = 'linkerd.io/inject';

export interface LinkerdMembership { meshed: boolean; reason: string; path?: JsonPath }

export function linkerdMeshed(inventory: Inventory, pod: PodTemplate): LinkerdMembership {
  if (hostNetwork(pod)) return { meshed: false, reason: 'hostNetwork pods are not meshed', path: [...pod.specPath, 'hostNetwork'] };
  if (pod.containers.some((c) => c.name === 'linkerd-proxy')) return { meshed: true, reason: 'the pod already carries the linkerd-proxy container' };
  const podValue = podAnnotations(pod)[INJECT];
  const path = metadataPath(pod, 'annotations', INJECT);
  if (podValue === 'disabled') return { meshed: false, reason: `pod template annotates ${INJECT}: disabled`, path };
  if (podValue === 'enabled' || podValue === 'ingress') return { meshed: true, reason: `pod template annotates ${INJECT}: ${podValue}`, path };
  const ns = pod.workload.namespace ?? 'default';
  const nsValue = namespaceObject(inventory, ns)?.annotations[INJECT];
  if (nsValue === 'enabled' || nsValue === 'ingress') return { meshed: true, reason: `namespace ${ns} annotates ${INJECT}: ${nsValue}` };
  return { meshed: false, reason: nsValue === 'disabled' ? `namespace ${ns} annotates ${INJECT}: disabled` : `neither namespace ${ns} nor the pod template annotates ${INJECT}: enabled` };
}

export interface EffectivePolicy {
  policy: DefaultInboundPolicy;
  reason: string;
  /** Where it was set: the workload (pod annotation) or the namespace object; undefined for the cluster default. */
  object?: InventoryObject;
  path?: JsonPath;
  assumed: boolean;
}

/** Pod annotation > namespace annotation > cluster default (assumed `all-unauthenticated`, Linkerd's install default). */
export function defaultInboundPolicy(inventory: Inventory, pod: PodTemplate, clusterDefault: DefaultInboundPolicy = 'all-unauthenticated'): EffectivePolicy {
  const podValue = podAnnotations(pod)[POLICY_ANNOTATION];
  if (podValue && isPolicy(podValue)) return { policy: podValue, reason: `pod template annotates ${POLICY_ANNOTATION}: ${podValue}`, object: pod.workload, path: metadataPath(pod, 'annotations', POLICY_ANNOTATION), assumed: false };
  const nsObj = namespaceObject(inventory, pod.workload.namespace);
  const nsValue = nsObj?.annotations[POLICY_ANNOTATION];
  if (nsObj && nsValue && isPolicy(nsValue)) return { policy: nsValue, reason: `namespace ${nsObj.name} annotates ${POLICY_ANNOTATION}: ${nsValue}`, object: nsObj, path: ['metadata', 'annotations', POLICY_ANNOTATION], assumed: false };
  return { policy: clusterDefault, reason: `no ${POLICY_ANNOTATION} annotation; the cluster default (${clusterDefault}) applies`, assumed: true };
}

function isPolicy(v: string): v is DefaultInboundPolicy {
  return (DEFAULT_POLICIES as readonly string[]).includes(v);
}

const isLinkerd = (kind: string) => (o: InventoryObject) => o.kind === kind && o.apiVersion.startsWith('policy.linkerd.io/');

/** Servers selecting the pod on `port` (a Server covers a port by number or by container-port name). */
export function serversFor(inventory: Inventory, pod: PodTemplate, port?: number): InventoryObject[] {
  const labels = podLabels(pod);
  const named = new Map(containerPorts(pod).filter((p) => p.name).map((p) => [p.name!, p.port]));
  return inventory.objects.filter(isLinkerd('Server')).filter((s) => {
    if (s.namespace !== pod.workload.namespace) return false;
    const spec = isJsonObject(s.object.spec) ? s.object.spec : {};
    const sel = isJsonObject(spec.podSelector) ? spec.podSelector : {};
    if (!selectorMatches({ matchLabels: stringMap(sel.matchLabels) }, labels)) return false;
    if (port === undefined) return true;
    const p = spec.port;
    return p === port || String(p) === String(port) || named.get(String(p)) === port;
  });
}

/** How a Server admits clients: by mesh identity, by network only, or not at all (no authorization = deny). */
export function serverAuthorization(inventory: Inventory, server: InventoryObject): { mode: 'identity' | 'network' | 'none'; via?: InventoryObject; path?: JsonPath } {
  let result: { mode: 'identity' | 'network' | 'none'; via?: InventoryObject; path?: JsonPath } = { mode: 'none' };
  for (const ap of inventory.objects.filter(isLinkerd('AuthorizationPolicy'))) {
    const spec = isJsonObject(ap.object.spec) ? ap.object.spec : {};
    const target = isJsonObject(spec.targetRef) ? spec.targetRef : {};
    if (ap.namespace !== server.namespace || target.kind !== 'Server' || target.name !== server.name) continue;
    const refs = Array.isArray(spec.requiredAuthenticationRefs) ? spec.requiredAuthenticationRefs.filter(isJsonObject) : [];
    const i = refs.findIndex((r) => r.kind === 'MeshTLSAuthentication');
    if (i >= 0) return { mode: 'identity', via: ap, path: ['spec', 'requiredAuthenticationRefs', i] };
    result = { mode: 'network', via: ap, path: ['spec', 'requiredAuthenticationRefs'] };
  }
  for (const sa of inventory.objects.filter(isLinkerd('ServerAuthorization'))) {
    const spec = isJsonObject(sa.object.spec) ? sa.object.spec : {};
    const srv = isJsonObject(spec.server) ? spec.server : {};
    if (sa.namespace !== server.namespace || srv.name !== server.name) continue;
    const client = isJsonObject(spec.client) ? spec.client : {};
    if (client.meshTLS !== undefined && client.unauthenticated !== true) return { mode: 'identity', via: sa, path: ['spec', 'client', 'meshTLS'] };
    result = { mode: 'network', via: sa, path: ['spec', 'client', client.unauthenticated === true ? 'unauthenticated' : 'networks'] };
  }
  return result;
}

function hasLinkerd(inventory: Inventory): boolean {
  if (inventory.objects.some((o) => o.apiVersion.startsWith('policy.linkerd.io/'))) return true;
  if (inventory.ofKind('Namespace').some((n) => n.annotations[INJECT] === 'enabled')) return true;
  return workloads(inventory).some((p) => ['enabled', 'ingress'].includes(podAnnotations(p)[INJECT] ?? '') || p.containers.some((c) => c.name === 'linkerd-proxy'));
}

export const linkerd: MeshProvider = {
  name: 'linkerd',
  inUse: hasLinkerd,
  meshed(inventory, workload) {
    const pod = templateOf(workload);
    return pod ? linkerdMeshed(inventory, pod) : { meshed: false, reason: `${workload.kind} ${workload.name} runs no pods` };
  },
  analyze: analyzeLinkerd,
  connection: linkerdConnection,
};

const UNAUTHENTICATED: readonly DefaultInboundPolicy[] = ['all-unauthenticated', 'cluster-unauthenticated', 'audit'];

export function analyzeLinkerd(inventory: Inventory): AnalyzerOutput {
  const findings: Finding[] = [];
  const notEvaluated: NotEvaluated[] = [];
  let assumed = false;
  for (const pod of workloads(inventory)) {
    const member = linkerdMeshed(inventory, pod);
    const w = `${pod.workload.kind} ${pod.workload.namespace}/${pod.workload.name}`;
    if (!member.meshed) {
      findings.push(...toFindings(NOT_MESHED, pod.workload, [{ path: member.path ?? pod.metadataPath, detail: `${w} has no Linkerd proxy: ${member.reason}` }]));
      continue;
    }
    const policy = defaultInboundPolicy(inventory, pod);
    assumed ||= policy.assumed;
    if (!UNAUTHENTICATED.includes(policy.policy)) continue;
    const ports = containerPorts(pod).map((p) => p.port);
    const open = ports.length === 0 ? ['all ports'] : ports.filter((p) => serversFor(inventory, pod, p).length === 0).map(String);
    if (open.length === 0) continue;
    const detail = `${w} admits unauthenticated clients on ${open.join(', ')}: ${policy.reason}`;
    findings.push(...toFindings(LINKERD_UNAUTHENTICATED, policy.object ?? pod.workload, [{ path: policy.path ?? pod.metadataPath, value: policy.assumed ? undefined : policy.policy, detail }]));
  }
  for (const server of inventory.objects.filter(isLinkerd('Server'))) {
    const auth = serverAuthorization(inventory, server);
    if (auth.mode === 'network' && auth.via && auth.path) {
      findings.push(...toFindings(LINKERD_SERVER_UNAUTHORIZED, auth.via, [{ path: auth.path, detail: `${auth.via.kind} ${auth.via.namespace}/${auth.via.name} admits clients of Server ${server.name} without mesh identity` }]));
    }
  }
  if (assumed) notEvaluated.push({ target: 'Linkerd proxy.defaultInboundPolicy', reason: 'the cluster-wide default inbound policy is set at install time and is not in the manifests; all-unauthenticated (the Linkerd default) was assumed where no annotation sets it' });
  return { findings: dedupeByMessage(findings), notEvaluated };
}

function dedupeByMessage(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => !seen.has(`${f.checkId}|${f.message}`) && (seen.add(`${f.checkId}|${f.message}`), true));
}

export function linkerdConnection(inventory: Inventory, connection: MeshConnection): ConnectionVerdict {
  const verdict = (state: ConnectionVerdict['state'], reasons: string[]): ConnectionVerdict => ({
    connection, provider: 'linkerd', state, reasons, unencrypted: state === 'plaintext', unauthenticated: state === 'plaintext',
  });
  const fromObj = findWorkload(inventory, connection.from);
  const toObj = findWorkload(inventory, connection.to);
  const fromPod = fromObj && templateOf(fromObj);
  const toPod = toObj && templateOf(toObj);
  if (!fromPod || !toPod) return verdict('plaintext', [`${!fromPod ? refLabel(connection.from) : refLabel(connection.to)} is not in the scanned manifests; plaintext is assumed`]);
  const client = linkerdMeshed(inventory, fromPod);
  const server = linkerdMeshed(inventory, toPod);
  if (!server.meshed) return verdict('plaintext', [`no Linkerd proxy at the server: ${server.reason}`]);
  const servers = serversFor(inventory, toPod, connection.port);
  if (servers.length === 0 && defaultInboundPolicy(inventory, toPod).policy === 'deny') {
    return verdict('rejected', [`the server's default inbound policy is deny: ${defaultInboundPolicy(inventory, toPod).reason}`]);
  }
  if (client.meshed) return verdict('mtls', ['both ends are meshed: Linkerd encrypts and authenticates the connection automatically']);
  if (servers.length > 0) {
    const auth = serverAuthorization(inventory, servers[0]!);
    if (auth.mode !== 'network') return verdict('rejected', [`no Linkerd proxy at the client (${client.reason}); Server ${servers[0]!.name} ${auth.mode === 'none' ? 'has no authorization (default deny)' : 'requires a mesh identity'}`]);
    return verdict('plaintext', [`no Linkerd proxy at the client: ${client.reason}`, `Server ${servers[0]!.name} admits clients by network only (${auth.via!.kind} ${auth.via!.name})`]);
  }
  const policy = defaultInboundPolicy(inventory, toPod);
  if (UNAUTHENTICATED.includes(policy.policy)) return verdict('plaintext', [`no Linkerd proxy at the client: ${client.reason}`, `the server's default inbound policy admits unauthenticated clients: ${policy.reason}`]);
  return verdict('rejected', [`no Linkerd proxy at the client (${client.reason}); the server's default inbound policy ${policy.policy} requires a mesh identity (${policy.reason})`]);
}
