// Catalog entries of the service-mesh checks (KW-MESH-*). No peer scanner (Trivy, Kubescape, Polaris,
// KubeLinter) checks mTLS or mesh authorization, so these carry no aliases; the closest `istioctl analyze`
// codes are named in the descriptions.
import type { CheckMeta } from '../../core/catalog.js';

const NO_PEER = 'No peer scanner (Trivy, Kubescape, Polaris, KubeLinter) checks this.';
const PA_DOC = 'https://istio.io/latest/docs/reference/config/security/peer_authentication/';
const DR_DOC = 'https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings';
const AP_DOC = 'https://istio.io/latest/docs/reference/config/security/authorization-policy/';
const INJECT_DOC = 'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/';
const LINKERD_DOC = 'https://linkerd.io/2/reference/authorization-policy/';

function meta(m: Omit<CheckMeta, 'category' | 'aliases'>): CheckMeta {
  return { ...m, category: 'network', aliases: [] };
}

export const PERMISSIVE_MTLS = meta({
  id: 'KW-MESH-001',
  title: 'Mesh workload accepts plaintext (PeerAuthentication PERMISSIVE)',
  severity: 'medium',
  description: `An Istio-meshed workload whose effective PeerAuthentication mode (mesh → namespace → workload → port, UNSET inherits, nothing set = PERMISSIVE) is PERMISSIVE on at least one port: its sidecar accepts plaintext as well as mutual TLS. ${NO_PEER}`,
  rationale: 'In PERMISSIVE mode any pod — including one outside the mesh — can talk to the workload without a certificate, so traffic can be read and the caller has no verified identity.',
  remediation: 'Once every client is meshed, apply a PeerAuthentication with `mtls.mode: STRICT` (mesh-wide in the root namespace, or for the namespace / workload).',
  references: [PA_DOC, 'https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/'],
});

export const MTLS_DISABLED = meta({
  id: 'KW-MESH-002',
  title: 'PeerAuthentication disables mutual TLS',
  severity: 'high',
  description: `A workload's effective PeerAuthentication mode is DISABLE (for the workload or one of its ports): its sidecar only accepts plaintext. ${NO_PEER}`,
  rationale: 'With mTLS disabled, traffic to the workload is unencrypted on the pod network and no caller identity is available to authorization policies.',
  remediation: 'Set `mtls.mode` (or the `portLevelMtls` entry) to STRICT, or PERMISSIVE while migrating; use DISABLE only for ports that carry their own TLS.',
  references: [PA_DOC],
});

export const STRICT_CLIENT_CONFLICT = meta({
  id: 'KW-MESH-003',
  title: 'DestinationRule sends plaintext or one-way TLS to a STRICT mTLS server',
  severity: 'medium',
  description: `A DestinationRule sets \`tls.mode\` DISABLE or SIMPLE for a host whose workloads require STRICT mutual TLS: clients using the rule are reset by the server sidecar. ${NO_PEER} (istioctl's IST0113 only covered the pre-1.5 alpha API.)`,
  rationale: 'The configuration contradicts itself; teams "fix" the resulting outage by weakening the server to PERMISSIVE or DISABLE.',
  remediation: 'Use `tls.mode: ISTIO_MUTUAL` (or remove the `tls` block to let auto-mTLS choose) for hosts served by meshed workloads.',
  references: [DR_DOC, PA_DOC],
});

export const DISABLED_SERVER_CONFLICT = meta({
  id: 'KW-MESH-004',
  title: 'DestinationRule requires Istio mTLS to a server with mTLS disabled',
  severity: 'medium',
  description: `A DestinationRule sets \`tls.mode: ISTIO_MUTUAL\` for a host whose workloads have PeerAuthentication DISABLE (or no sidecar): the connection fails. ${NO_PEER}`,
  rationale: 'The two ends disagree on TLS; the fix is usually to re-enable mTLS at the server, not to disable it at the client.',
  remediation: 'Enable mTLS on the server (PeerAuthentication STRICT or PERMISSIVE, sidecar injected) or correct the DestinationRule host.',
  references: [DR_DOC, PA_DOC],
});

export const NOT_MESHED = meta({
  id: 'KW-MESH-005',
  title: 'Workload outside the service mesh',
  severity: 'low',
  description: `A workload gets no sidecar (Istio: injection labels, revision, ambient mode; Linkerd: \`linkerd.io/inject\`) in a cluster that uses a mesh. Its connections are plaintext, it cannot reach STRICT servers, and mesh authorization cannot identify it. Comparable to istioctl IST0102 / IST0103. ${NO_PEER}`,
  rationale: 'Unmeshed pods are the plaintext path around mTLS and the reason servers stay PERMISSIVE.',
  remediation: 'Label the namespace (`istio-injection=enabled`, `istio.io/rev=<rev>`, `istio.io/dataplane-mode=ambient`, or annotate `linkerd.io/inject: enabled`) and restart the pods; if the opt-out is deliberate, record an exception.',
  references: [INJECT_DOC, 'https://linkerd.io/2/features/proxy-injection/'],
});

export const BYPASSABLE_AUTHZ = meta({
  id: 'KW-MESH-006',
  title: 'AuthorizationPolicy trusts source identity without STRICT mTLS',
  severity: 'high',
  description: `An Istio AuthorizationPolicy rule matches on \`principals\`, \`namespaces\` (or their \`not\` forms, or \`source.principal\` / \`source.namespace\` conditions) for a workload that is not in STRICT mTLS mode. Plaintext requests carry no identity, so DENY rules on identity do not match them (ISTIO-SECURITY-2021-004) and identity is not verified. ${NO_PEER}`,
  rationale: 'Istio: "Mutual TLS must be enabled before using principals/namespaces … strongly recommended to always use these fields with strict mutual TLS mode".',
  remediation: 'Apply PeerAuthentication `mtls.mode: STRICT` to the workloads the policy selects (for every port the rule covers).',
  references: [AP_DOC, 'https://istio.io/latest/news/security/istio-security-2021-004/'],
});

export const ALLOW_ALL_AUTHZ = meta({
  id: 'KW-MESH-007',
  title: 'AuthorizationPolicy allows every request',
  severity: 'low',
  description: `An ALLOW AuthorizationPolicy has an empty rule (\`rules: [{}]\`), which matches every request, so the default deny that an ALLOW policy otherwise creates does not exist for the workloads it selects. ${NO_PEER}`,
  rationale: 'Allow-all rules are usually left over from debugging and silently defeat the other ALLOW policies on the same workloads.',
  remediation: 'Replace the empty rule with `from` / `to` conditions naming the callers and operations that are needed.',
  references: [AP_DOC],
});

export const DR_DISABLES_TLS = meta({
  id: 'KW-MESH-008',
  title: 'DestinationRule turns off mTLS towards meshed workloads',
  severity: 'medium',
  description: `A DestinationRule sets \`tls.mode: DISABLE\` (top-level or for a port) for a host served by meshed workloads that accept plaintext (PERMISSIVE): auto-mTLS is overridden and clients send plaintext. ${NO_PEER}`,
  rationale: 'The traffic would have been mutual TLS by default; the rule downgrades it to plaintext.',
  remediation: 'Remove the `tls` block (auto-mTLS) or set `tls.mode: ISTIO_MUTUAL`.',
  references: [DR_DOC],
});

export const LINKERD_UNAUTHENTICATED = meta({
  id: 'KW-MESH-009',
  title: 'Linkerd workload admits unauthenticated clients by default',
  severity: 'medium',
  description: `A Linkerd-meshed workload whose default inbound policy (\`config.linkerd.io/default-inbound-policy\` on the pod or namespace, else the cluster default \`all-unauthenticated\`) is all-unauthenticated, cluster-unauthenticated or audit, on a port no Server covers. ${NO_PEER}`,
  rationale: 'Linkerd encrypts meshed traffic, but without an authenticated policy unmeshed pods can still connect in plaintext.',
  remediation: 'Annotate the namespace or pod with `config.linkerd.io/default-inbound-policy: all-authenticated` (or cluster-authenticated / deny) and grant access with Server + AuthorizationPolicy + MeshTLSAuthentication.',
  references: [LINKERD_DOC],
});

export const LINKERD_SERVER_UNAUTHORIZED = meta({
  id: 'KW-MESH-010',
  title: 'Linkerd Server authorizes unauthenticated or network-only clients',
  severity: 'medium',
  description: `A Linkerd AuthorizationPolicy (or ServerAuthorization) for a Server admits clients by network only (NetworkAuthentication, \`client.unauthenticated: true\`, \`client.networks\`) instead of by mesh identity. ${NO_PEER}`,
  rationale: 'Network-based authorization admits plaintext clients whose identity is unknown.',
  remediation: 'Reference a MeshTLSAuthentication (identities or service accounts) in `requiredAuthenticationRefs`, or `client.meshTLS` in ServerAuthorization.',
  references: [LINKERD_DOC],
});

export const MESH_CHECKS: readonly CheckMeta[] = [
  PERMISSIVE_MTLS, MTLS_DISABLED, STRICT_CLIENT_CONFLICT, DISABLED_SERVER_CONFLICT, NOT_MESHED,
  BYPASSABLE_AUTHZ, ALLOW_ALL_AUTHZ, DR_DISABLES_TLS, LINKERD_UNAUTHENTICATED, LINKERD_SERVER_UNAUTHORIZED,
];
