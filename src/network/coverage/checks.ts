/** Catalog entries of the segmentation-coverage checks (KW-NET-010 … KW-NET-021). */
import { alias, kubescapeDoc, type CheckMeta } from '../../core/catalog.js';

const NP_DOC = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';

function net(meta: Omit<CheckMeta, 'category'>): CheckMeta {
  return { ...meta, category: 'network' };
}

export const NAMESPACE_NO_DEFAULT_DENY_INGRESS = net({
  id: 'KW-NET-010',
  title: 'Namespace without default-deny ingress',
  severity: 'medium',
  description: 'A namespace that runs workloads has no NetworkPolicy selecting every pod (podSelector: {}) for Ingress.',
  rationale: 'Without a namespace-wide ingress policy, every new pod starts reachable from every pod in the cluster (and from outside, through any exposure) until someone writes a policy for it. A default-deny baseline makes allowed traffic an explicit decision.',
  remediation: 'Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress] (no ingress rules) to the namespace, then allow the traffic each workload needs with narrower policies.',
  references: [`${NP_DOC}#default-deny-all-ingress-traffic`, kubescapeDoc('C-0206')],
  aliases: [...alias.kubescape('C-0206'), ...alias.cis('5.3.2')],
});

export const NAMESPACE_NO_DEFAULT_DENY_EGRESS = net({
  id: 'KW-NET-011',
  title: 'Namespace without default-deny egress',
  severity: 'low',
  description: 'A namespace that runs workloads has no NetworkPolicy selecting every pod (podSelector: {}) for Egress.',
  rationale: 'Unrestricted egress lets a compromised pod scan the cluster, reach the cloud metadata service and exfiltrate data to any address.',
  remediation: 'Add a NetworkPolicy with podSelector: {} and policyTypes: [Egress], allowing DNS (UDP and TCP 53 to kube-dns) and the destinations the namespace needs.',
  references: [`${NP_DOC}#default-deny-all-egress-traffic`, kubescapeDoc('C-0030')],
  aliases: [...alias.kubescape('C-0030'), ...alias.cis('5.3.2')],
});

export const WORKLOAD_NOT_INGRESS_ISOLATED = net({
  id: 'KW-NET-012',
  title: 'Workload not isolated for ingress',
  severity: 'medium',
  description: 'No NetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy selects the workload\'s pods for Ingress: they accept connections from every pod and address.',
  rationale: 'A pod that no ingress policy selects is reachable from anything that can route to it, which turns one compromised pod into a foothold on all of them (lateral movement).',
  remediation: 'Select the workload with an ingress NetworkPolicy (a namespace default-deny plus an allow policy for its real clients).',
  references: [NP_DOC, kubescapeDoc('C-0260')],
  aliases: [...alias.kubescape('C-0260', 'C-0054'), ...alias.kubeLinter('non-isolated-pod'), ...alias.polaris('missingNetworkPolicy')],
});

export const WORKLOAD_NOT_EGRESS_ISOLATED = net({
  id: 'KW-NET-013',
  title: 'Workload not isolated for egress',
  severity: 'low',
  description: 'No NetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy selects the workload\'s pods for Egress: they can connect to every pod and address.',
  rationale: 'Unrestricted egress lets a compromised workload reach internal services, the cloud metadata endpoint and the internet.',
  remediation: 'Select the workload with an egress NetworkPolicy allowing DNS and the destinations it needs.',
  references: [NP_DOC, kubescapeDoc('C-0030')],
  aliases: [...alias.kubescape('C-0030')],
});

export const DANGLING_POLICY = net({
  id: 'KW-NET-014',
  title: 'NetworkPolicy selects no workload',
  severity: 'low',
  description: 'A NetworkPolicy\'s podSelector matches no workload of its namespace in the input (only reported when the namespace has workloads in the input).',
  rationale: 'A policy that selects nothing protects nothing; it usually means a label was renamed and the pods it was written for run without the intended isolation.',
  remediation: 'Fix spec.podSelector to match the pods\' labels, or delete the policy.',
  references: [NP_DOC, kubescapeDoc('C-0299')],
  aliases: [...alias.kubescape('C-0299'), ...alias.kubeLinter('dangling-networkpolicy')],
});

export const PEER_MATCHES_NOTHING = net({
  id: 'KW-NET-015',
  title: 'NetworkPolicy peer matches nothing',
  severity: 'low',
  description: 'A from/to peer (podSelector and/or namespaceSelector) matches no namespace or no pod in the input.',
  rationale: 'A peer that matches nothing allows nothing: the traffic it was written for is denied, or a typo hides a rule that was meant to be narrower.',
  remediation: 'Fix the selector labels (namespaces are matched on their labels; kubernetes.io/metadata.name holds the name).',
  references: [`${NP_DOC}#behavior-of-to-and-from-selectors`],
  aliases: [],
});

export const OPEN_TO_ALL_NAMESPACES = net({
  id: 'KW-NET-016',
  title: 'NetworkPolicy rule open to all namespaces',
  severity: 'medium',
  description: 'A rule\'s peer has namespaceSelector: {} (every namespace), without a podSelector narrowing it.',
  rationale: 'An empty namespaceSelector admits every pod of every namespace, including namespaces created later: it is close to no isolation for in-cluster traffic.',
  remediation: 'Select the client namespaces by label (kubernetes.io/metadata.name) and the client pods with a podSelector in the same peer.',
  references: [`${NP_DOC}#behavior-of-to-and-from-selectors`],
  aliases: [],
});

export const OPEN_TO_ANY_ADDRESS = net({
  id: 'KW-NET-017',
  title: 'NetworkPolicy rule open to any address',
  severity: 'medium',
  description: 'A rule allows any IP address: an ipBlock of 0.0.0.0/0 or ::/0, or a rule without from/to (every peer).',
  rationale: 'Ingress from any address admits the internet wherever the pods are exposed; egress to any address allows exfiltration and access to the cloud metadata service unless excepted.',
  remediation: 'List the client or destination networks; when 0.0.0.0/0 is really needed, add except entries for the cluster and metadata ranges (e.g. 169.254.169.254/32).',
  references: [`${NP_DOC}#networkpolicy-resource`],
  aliases: [],
});

export const EGRESS_BLOCKS_DNS = net({
  id: 'KW-NET-018',
  title: 'Egress isolation blocks DNS',
  severity: 'medium',
  description: 'A workload is isolated for egress and its policies allow no connection to kube-dns (kube-system, k8s-app=kube-dns) on UDP 53 and/or TCP 53.',
  rationale: 'Default-deny egress without a DNS exception breaks name resolution: the workload fails, and the usual quick fix is to drop the egress policy altogether.',
  remediation: 'Add an egress rule to namespaceSelector kubernetes.io/metadata.name=kube-system, podSelector k8s-app=kube-dns, ports UDP 53 and TCP 53.',
  references: [`${NP_DOC}#default-deny-all-egress-traffic`],
  aliases: [],
});

export const NAMED_PORT_UNRESOLVED = net({
  id: 'KW-NET-019',
  title: 'NetworkPolicy named port resolves on no pod',
  severity: 'low',
  description: 'A rule names a port (ports[].port is a string) that no container port of the pods it applies to declares: on ingress the selected pods, on egress the peer pods.',
  rationale: 'A named port that resolves nowhere allows nothing, so the traffic the rule was written for is denied.',
  remediation: 'Use the name of a containerPort the pods declare (ports[].name), or a port number.',
  references: [`${NP_DOC}#networkpolicy-resource`],
  aliases: [],
});

export const HOST_NETWORK_OUTSIDE_POLICY = net({
  id: 'KW-NET-020',
  title: 'hostNetwork workload outside NetworkPolicy',
  severity: 'low',
  description: 'A workload runs in the node\'s network namespace (hostNetwork: true); NetworkPolicy does not reliably apply to it.',
  rationale: 'NetworkPolicy semantics for hostNetwork pods are implementation-defined: most CNIs treat their traffic as node traffic, so policies selecting them, and policies that meant to block them, have no effect.',
  remediation: 'Avoid hostNetwork; when it is required, protect the node ports with host firewall rules or a CNI host policy.',
  references: [NP_DOC],
  aliases: [],
});

export const EXPOSED_AND_OPEN = net({
  id: 'KW-NET-021',
  title: 'Workload exposed outside the cluster and open to any address',
  severity: 'high',
  description: 'A workload is exposed outside the cluster (LoadBalancer, NodePort, externalIPs, Ingress backend, Gateway API HTTPRoute backend, hostPort) and NetworkPolicy lets every external address (0.0.0.0/0) reach it on the exposed port.',
  rationale: 'The exposure is an entry point and nothing in the cluster\'s segmentation narrows who can use it; together they make the workload directly attackable from the internet.',
  remediation: 'Restrict the exposure (loadBalancerSourceRanges, internal load balancer, no NodePort/hostPort) and add an ingress NetworkPolicy admitting only the ingress controller or the client networks.',
  references: [NP_DOC, kubescapeDoc('C-0256'), kubescapeDoc('C-0266')],
  aliases: [...alias.kubescape('C-0256', 'C-0266', 'C-0044')],
});

export const EXPOSED_RESTRICTED = net({
  id: 'KW-NET-022',
  title: 'Workload exposed outside the cluster, NetworkPolicy restricts sources',
  severity: 'info',
  description: 'A workload is exposed outside the cluster, and NetworkPolicy limits which external addresses reach it on the exposed port (or admits none).',
  rationale: 'Inventory of entry points: the exposure exists but segmentation narrows it. Check that the admitted ranges are the intended clients.',
  remediation: 'Review the exposure and the ranges its ingress policies admit.',
  references: [NP_DOC, kubescapeDoc('C-0256')],
  aliases: [...alias.kubescape('C-0256')],
});

/** Every check of the analyzer, in id order. */
export const NETWORK_COVERAGE_METAS: readonly CheckMeta[] = [
  NAMESPACE_NO_DEFAULT_DENY_INGRESS, NAMESPACE_NO_DEFAULT_DENY_EGRESS, WORKLOAD_NOT_INGRESS_ISOLATED, WORKLOAD_NOT_EGRESS_ISOLATED,
  DANGLING_POLICY, PEER_MATCHES_NOTHING, OPEN_TO_ALL_NAMESPACES, OPEN_TO_ANY_ADDRESS, EGRESS_BLOCKS_DNS, NAMED_PORT_UNRESOLVED,
  HOST_NETWORK_OUTSIDE_POLICY, EXPOSED_AND_OPEN, EXPOSED_RESTRICTED,
];
