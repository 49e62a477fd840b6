import type { InventoryObject, JsonObject } from '../../inventory/index.js';
import { objectCheck, type Check } from '../check.js';
import { entries, kubeLinter, kubescape, kubescapeDoc, ksv, listing, meta, mitre, objectAt, show, violation } from '../hardening/util.js';

// Services that accept traffic from outside the cluster network, or claim addresses they do not own.

const SERVICE_DOC = 'https://kubernetes.io/docs/concepts/services-networking/service/';

const specOf = (service: InventoryObject): JsonObject => objectAt(service.object, 'spec') ?? {};

/** `80/TCP → node port 30080` for each port of the Service. */
function portsOf(spec: JsonObject): string[] {
  return entries(spec.ports).map(({ entry }) => {
    const nodePort = entry.nodePort !== undefined ? ` (node port ${show(entry.nodePort)})` : '';
    return `${show(entry.port)}/${show(entry.protocol ?? 'TCP')}${nodePort}`;
  });
}

/** Annotations with which cloud providers make a LoadBalancer Service internal, and the value meaning "internal". */
const INTERNAL_LB_ANNOTATIONS: Record<string, RegExp> = {
  'service.beta.kubernetes.io/aws-load-balancer-internal': /^(true|0\.0\.0\.0\/0)$/i,
  'service.beta.kubernetes.io/aws-load-balancer-scheme': /^internal$/i,
  'networking.gke.io/load-balancer-type': /^internal$/i,
  'cloud.google.com/load-balancer-type': /^internal$/i,
  'service.beta.kubernetes.io/azure-load-balancer-internal': /^true$/i,
  'service.beta.kubernetes.io/oci-load-balancer-internal': /^true$/i,
  'service.beta.kubernetes.io/openstack-internal-load-balancer': /^true$/i,
  'service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type': /^private$/i,
};
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
const OPEN_RANGES = new Set(['0.0.0.0/0', '::/0']);

/** Who can reach a LoadBalancer Service, in a phrase. */
export function loadBalancerReach(service: InventoryObject): string {
  const spec = specOf(service);
  const internal = Object.keys(INTERNAL_LB_ANNOTATIONS).find((key) => INTERNAL_LB_ANNOTATIONS[key]!.test(service.annotations[key] ?? ''));
  const fromSpec = Array.isArray(spec.loadBalancerSourceRanges) ? spec.loadBalancerSourceRanges.map(String) : [];
  const fromAnnotation = (service.annotations[SOURCE_RANGES_ANNOTATION] ?? '').split(',').map((r) => r.trim()).filter(Boolean);
  const ranges = fromSpec.length > 0 ? fromSpec : fromAnnotation; // the field wins over the annotation
  const where = internal ? `an internal load balancer (${internal}), reachable from the cloud network` : 'an external load balancer';
  if (ranges.length === 0) return `${where}, open to any source address (no loadBalancerSourceRanges)`;
  if (ranges.some((r) => OPEN_RANGES.has(r))) return `${where}, open to any source address (loadBalancerSourceRanges ${ranges.join(', ')})`;
  return `${where}, limited to ${ranges.join(', ')} by loadBalancerSourceRanges`;
}

/** KW-NET-001 */
export const externalIPs = objectCheck(meta({
  id: 'KW-NET-001',
  title: 'Service with externalIPs',
  severity: 'high',
  category: 'network',
  description: 'A Service sets spec.externalIPs.',
  rationale: 'kube-proxy sends traffic addressed to any listed IP to the Service\'s pods, on every node, whoever owns that IP. Anyone allowed to create or edit Services can therefore intercept cluster traffic to an arbitrary address (CVE-2020-8554, a man-in-the-middle that cannot be patched, only prevented by admission control). Legitimate uses are rare.',
  remediation: 'Remove spec.externalIPs and expose the Service with a LoadBalancer or an Ingress/Gateway. Block the field cluster-wide with the DenyServiceExternalIPs admission plugin or a ValidatingAdmissionPolicy.',
  references: [`${SERVICE_DOC}#external-ips`, 'https://github.com/kubernetes/kubernetes/issues/97076'],
  aliases: [...ksv('KSV-0108'), ...mitre('T1557')],
}), ['Service'], (service) => {
  const ips = specOf(service).externalIPs;
  if (!Array.isArray(ips) || ips.length === 0) return [];
  return [violation(['spec', 'externalIPs'], `Service \`${service.name}\` claims external IPs ${ips.map(show).join(', ')}: traffic to them from anywhere in the cluster goes to its pods`, { value: ips })];
});

/** KW-NET-002 */
export const nodePortService = objectCheck(meta({
  id: 'KW-NET-002',
  title: 'Service of type NodePort',
  severity: 'medium',
  category: 'network',
  description: 'A Service has type NodePort.',
  rationale: 'A NodePort opens the port on every node\'s addresses, including nodes with public IPs, bypassing the ingress controller or load balancer where TLS, authentication and source filtering are usually enforced. It is an often-forgotten door into the cluster.',
  remediation: 'Use type ClusterIP behind an Ingress or Gateway, or a LoadBalancer with loadBalancerSourceRanges. If a NodePort is required, restrict node ports with firewall rules or NetworkPolicy.',
  references: [`${SERVICE_DOC}#type-nodeport`, kubescapeDoc('C-0256')],
  aliases: [...kubescape('C-0256'), ...kubeLinter('exposed-services')],
}), ['Service'], (service) => {
  const spec = specOf(service);
  if (spec.type !== 'NodePort') return [];
  const ports = portsOf(spec);
  return [violation(['spec', 'type'], `Service \`${service.name}\` of type NodePort opens ${ports.length > 0 ? listing(ports) : 'its ports'} on every node`, { value: 'NodePort' })];
});

/** KW-NET-003 */
export const loadBalancerService = objectCheck(meta({
  id: 'KW-NET-003',
  title: 'Service of type LoadBalancer',
  severity: 'medium',
  category: 'network',
  description: 'A Service has type LoadBalancer. The finding says whether loadBalancerSourceRanges (or the source-ranges annotation) restricts clients and whether a provider annotation makes the load balancer internal; either way the Service is reachable from outside the cluster, and its node ports are opened too unless allocateLoadBalancerNodePorts is false.',
  rationale: 'A LoadBalancer provisions a cloud address that forwards straight to the pods, usually open to the internet. Each one is an entry point that must be inventoried and protected (TLS, authentication, source ranges); exposure without an Ingress or Gateway in front also skips the controls configured there.',
  remediation: 'Prefer a ClusterIP Service behind an Ingress or Gateway. If a LoadBalancer is needed, set loadBalancerSourceRanges to the client networks, or make it internal with your provider\'s annotation.',
  references: [`${SERVICE_DOC}#loadbalancer`, 'https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/', kubescapeDoc('C-0256')],
  aliases: [...kubescape('C-0256'), ...kubeLinter('exposed-services')],
}), ['Service'], (service) => {
  const spec = specOf(service);
  if (spec.type !== 'LoadBalancer') return [];
  const ports = portsOf(spec);
  const on = ports.length > 0 ? ` on ${listing(ports)}` : '';
  return [violation(['spec', 'type'], `Service \`${service.name}\` of type LoadBalancer is exposed${on} through ${loadBalancerReach(service)}`, { value: 'LoadBalancer' })];
});

export const SERVICE_CHECKS: readonly Check[] = [externalIPs, nodePortService, loadBalancerService];
