import { alias, kubescapeDoc, type CheckMeta } from '../core/catalog.js';

// The probe's checks: what an unauthenticated client on the network gets from the API server,
// a kubelet and etcd. Ids are stable: KW-PRB-00x API server, 01x kubelet, 02x etcd.

const { cis, kcv, kubescape, mitre } = alias;

const ANONYMOUS_DOC = 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests';
const DISCOVERY_DOC = 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles';
const KUBELET_AUTH_DOC = 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/';
const KUBELET_CONFIG_DOC = 'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/';
const CONTROL_ACCESS_DOC = 'https://kubernetes.io/docs/concepts/security/controlling-access/';
const ETCD_K8S_DOC = 'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters';
const ETCD_SECURITY_DOC = 'https://etcd.io/docs/v3.5/op-guide/security/';

export const API_ANONYMOUS = 'KW-PRB-001';
export const API_VERSION = 'KW-PRB-002';
export const API_DISCOVERY = 'KW-PRB-003';
export const API_PODS = 'KW-PRB-004';
export const API_SECRETS = 'KW-PRB-005';
export const API_HEALTH = 'KW-PRB-006';
export const API_PLAIN_HTTP = 'KW-PRB-007';
export const KUBELET_PODS = 'KW-PRB-010';
export const KUBELET_RUNNING_PODS = 'KW-PRB-011';
export const KUBELET_CONFIGZ = 'KW-PRB-012';
export const KUBELET_ANONYMOUS = 'KW-PRB-013';
export const KUBELET_READ_ONLY = 'KW-PRB-014';
export const ETCD_READ = 'KW-PRB-020';
export const ETCD_WRITE = 'KW-PRB-021';
export const ETCD_PLAIN_HTTP = 'KW-PRB-022';

export const API_CHECKS: CheckMeta[] = [
  {
    id: API_ANONYMOUS,
    title: 'API server accepts anonymous requests',
    severity: 'low',
    category: 'access',
    description:
      'A request without credentials to a non-health endpoint of the API server was authenticated as system:anonymous (answered 200, or 403 naming the anonymous user) instead of being rejected with 401. Trivy: AVD-KCV-0001.',
    rationale:
      'With anonymous authentication on, every RBAC rule or webhook decision that mentions system:anonymous or system:unauthenticated is reachable by anyone who can reach the port. One careless binding, or an authorizer that allows too much, turns into unauthenticated cluster access. A 403 means nothing is allowed today, but the door is there.',
    remediation:
      'Start kube-apiserver with --anonymous-auth=false, or (Kubernetes 1.32+) use an AuthenticationConfiguration whose anonymous section only allows /healthz, /livez and /readyz. Check that load balancer health checks still pass.',
    references: [ANONYMOUS_DOC, kubescapeDoc('C-0113')],
    aliases: [...cis('1.2.1'), ...kcv('KCV-0001'), ...kubescape('C-0113')],
  },
  {
    id: API_VERSION,
    title: 'API server version readable without credentials',
    severity: 'low',
    category: 'access',
    description: 'GET /version answered 200 to a request without credentials, disclosing the exact Kubernetes version and build.',
    rationale:
      'The exact version tells an attacker which published vulnerabilities apply, without leaving a trace of authenticated activity. Kubernetes allows it by default (the system:public-info-viewer role is bound to system:unauthenticated).',
    remediation:
      'Disable anonymous authentication (--anonymous-auth=false), or remove system:unauthenticated from the system:public-info-viewer ClusterRoleBinding (set its rbac.authorization.kubernetes.io/autoupdate annotation to "false" so it is not restored).',
    references: [DISCOVERY_DOC, ANONYMOUS_DOC],
    aliases: [...mitre('T1613')],
  },
  {
    id: API_DISCOVERY,
    title: 'API discovery open to anonymous users',
    severity: 'medium',
    category: 'access',
    description: 'GET /api or /apis answered 200 to a request without credentials, listing the API versions and groups (and so the installed extensions) of the cluster.',
    rationale:
      'Since Kubernetes 1.14 discovery is only for authenticated users; an anonymous answer means someone bound system:discovery (or more) to system:unauthenticated, or authorization allows everything. It maps the cluster and its add-ons for an attacker, and the same binding often grants more.',
    remediation:
      'Find the binding that gives system:anonymous or system:unauthenticated access (kubectl get clusterrolebindings,rolebindings -A -o wide | grep -E "system:(anonymous|unauthenticated)") and remove it; make sure --authorization-mode does not include AlwaysAllow.',
    references: [DISCOVERY_DOC],
    aliases: [...mitre('T1613')],
  },
  {
    id: API_PODS,
    title: 'Anonymous users can list pods',
    severity: 'high',
    category: 'access',
    description: 'GET /api/v1/namespaces/default/pods answered 200 with a PodList to a request without credentials.',
    rationale:
      'Pod specs reveal images, environment variables (often with credentials), service accounts, node names and network layout. If anonymous users can read pods, authorization is probably wide open (AlwaysAllow, or a binding of a broad role to system:anonymous / system:unauthenticated).',
    remediation:
      'Remove every RoleBinding and ClusterRoleBinding that names system:anonymous or system:unauthenticated (other than the defaults for health and version), make sure --authorization-mode is Node,RBAC and not AlwaysAllow, and disable anonymous authentication.',
    references: [ANONYMOUS_DOC, kubescapeDoc('C-0262')],
    aliases: [...kubescape('C-0262'), ...mitre('T1613')],
  },
  {
    id: API_SECRETS,
    title: 'Anonymous users can read secrets',
    severity: 'critical',
    category: 'access',
    description: 'GET /api/v1/secrets or /api/v1/namespaces/kube-system/secrets answered 200 with a SecretList to a request without credentials.',
    rationale:
      'Secrets hold service-account tokens, TLS keys and application credentials. Reading the kube-system secrets is usually enough to become cluster-admin. This is full compromise from the network, with no credentials at all.',
    remediation:
      'Treat the cluster as compromised: rotate every secret and service-account token. Remove the bindings that give system:anonymous or system:unauthenticated access, set --authorization-mode=Node,RBAC (never AlwaysAllow) and --anonymous-auth=false.',
    references: [ANONYMOUS_DOC, kubescapeDoc('C-0262'), kubescapeDoc('C-0015')],
    aliases: [...cis('5.1.2'), ...kubescape('C-0262', 'C-0015'), ...mitre('T1552.007')],
  },
  {
    id: API_HEALTH,
    title: 'API server health endpoints answer anonymous requests',
    severity: 'info',
    category: 'access',
    description: 'GET /healthz, /livez or /readyz answered 200 to a request without credentials.',
    rationale:
      'Usually intended (load balancers check health without credentials) and harmless, but it confirms to anyone on the network that a Kubernetes API server listens here, and verbose health output can name internal components.',
    remediation: 'Nothing to do if load balancers need it. Otherwise disable anonymous authentication, or restrict the network path to the API server.',
    references: [ANONYMOUS_DOC],
    aliases: [],
  },
  {
    id: API_PLAIN_HTTP,
    title: 'API server answers over plain HTTP',
    severity: 'high',
    category: 'access',
    description: 'The API server URL is http:// and it answered like a Kubernetes API server: traffic, including any credentials clients send, is unencrypted.',
    rationale:
      'The legacy insecure port (--insecure-port, removed in 1.20) skipped authentication and authorization entirely; a plain-HTTP proxy in front of the API server (kubectl proxy, a misconfigured ingress) usually does the same with its own credentials. Either way, tokens and secrets cross the network in clear text.',
    remediation: 'Serve the API only over TLS on --secure-port; stop any kubectl proxy or plain-HTTP ingress exposing it; on old clusters set --insecure-port=0.',
    references: [CONTROL_ACCESS_DOC, kubescapeDoc('C-0005')],
    aliases: [...kubescape('C-0005')],
  },
];

export const KUBELET_CHECKS: CheckMeta[] = [
  {
    id: KUBELET_PODS,
    title: 'Kubelet lists pods to anonymous users',
    severity: 'critical',
    category: 'nodes',
    description:
      'GET /pods on the kubelet HTTPS port (10250) answered 200 with a PodList to a request without credentials: anonymous authentication is on and authorization allows it. Trivy: AVD-KCV-0079, AVD-KCV-0080.',
    rationale:
      'The same authorization covers /run, /exec and /attach: anyone who reaches the port can run commands in every container on the node, read their service-account tokens, and from privileged pods take the node. This is the classic kubelet takeover.',
    remediation:
      'In the kubelet configuration set authentication.anonymous.enabled: false, authentication.webhook.enabled: true and authorization.mode: Webhook (flags --anonymous-auth=false --authorization-mode=Webhook), restart the kubelet, and firewall port 10250 to the control plane.',
    references: [KUBELET_AUTH_DOC, kubescapeDoc('C-0069'), kubescapeDoc('C-0172')],
    aliases: [...cis('4.2.1', '4.2.2'), ...kcv('KCV-0079', 'KCV-0080'), ...kubescape('C-0069', 'C-0172', 'C-0173'), ...mitre('T1609')],
  },
  {
    id: KUBELET_RUNNING_PODS,
    title: 'Kubelet /runningpods readable anonymously',
    severity: 'high',
    category: 'nodes',
    description: 'GET /runningpods/ on the kubelet HTTPS port answered 200 to a request without credentials, listing the pods and containers the runtime is running.',
    rationale: 'It shows what runs on the node, including containers the API server does not know about (static pods), and proves the kubelet authorizes anonymous requests.',
    remediation: 'Set authentication.anonymous.enabled: false and authorization.mode: Webhook in the kubelet configuration, restart the kubelet.',
    references: [KUBELET_AUTH_DOC],
    aliases: [...cis('4.2.1', '4.2.2'), ...kubescape('C-0069')],
  },
  {
    id: KUBELET_CONFIGZ,
    title: 'Kubelet configuration readable anonymously',
    severity: 'high',
    category: 'nodes',
    description: 'GET /configz on the kubelet HTTPS port answered 200 with the kubelet configuration to a request without credentials.',
    rationale: 'The running configuration shows how the node is protected (authentication, authorization, read-only port, TLS files, eviction settings) and proves the kubelet authorizes anonymous requests.',
    remediation: 'Set authentication.anonymous.enabled: false and authorization.mode: Webhook in the kubelet configuration, restart the kubelet.',
    references: [KUBELET_AUTH_DOC, KUBELET_CONFIG_DOC],
    aliases: [...cis('4.2.1', '4.2.2'), ...kubescape('C-0069')],
  },
  {
    id: KUBELET_ANONYMOUS,
    title: 'Kubelet accepts anonymous requests',
    severity: 'low',
    category: 'nodes',
    description:
      'A request without credentials to the kubelet HTTPS port was authenticated as system:anonymous (403 Forbidden naming the anonymous user, or 200) instead of being rejected with 401. Trivy: AVD-KCV-0079.',
    rationale:
      'Authorization is what stops anonymous users today; with anonymous authentication on, a switch to authorization mode AlwaysAllow, or a binding that gives system:anonymous nodes/proxy, exposes every container on the node.',
    remediation: 'Set authentication.anonymous.enabled: false in the kubelet configuration (--anonymous-auth=false) and restart the kubelet.',
    references: [KUBELET_AUTH_DOC, kubescapeDoc('C-0172')],
    aliases: [...cis('4.2.1'), ...kcv('KCV-0079'), ...kubescape('C-0172', 'C-0069')],
  },
  {
    id: KUBELET_READ_ONLY,
    title: 'Kubelet read-only port answers',
    severity: 'high',
    category: 'nodes',
    description: 'GET /pods on the kubelet read-only HTTP port (10255) answered: it serves pod specs and metrics without any authentication or TLS. Trivy: AVD-KCV-0082.',
    rationale:
      'The read-only port has no authentication and no authorization at all. Pod specs disclose images, environment variables (often credentials), volumes and service accounts of everything on the node.',
    remediation: 'Set readOnlyPort: 0 in the kubelet configuration (--read-only-port=0) and restart the kubelet; scrape metrics from the authenticated port 10250 instead.',
    references: [KUBELET_CONFIG_DOC, kubescapeDoc('C-0175')],
    aliases: [...cis('4.2.4'), ...kcv('KCV-0082'), ...kubescape('C-0175')],
  },
];

export const ETCD_CHECKS: CheckMeta[] = [
  {
    id: ETCD_READ,
    title: 'etcd readable without a client certificate',
    severity: 'critical',
    category: 'access',
    description:
      'A range request over all keys (and the /registry/secrets/ prefix) on the etcd client port answered with data, without a client certificate or credentials. Only key names and counts are read; values are never fetched. Trivy: AVD-KCV-0043.',
    rationale:
      'etcd holds the whole cluster state, including every Secret (in plain text unless encryption at rest is configured). Reading etcd bypasses the API server, its authentication, RBAC and audit log entirely.',
    remediation:
      'Start etcd with --client-cert-auth=true and --trusted-ca-file (a CA used only for etcd), serve clients over TLS (--cert-file, --key-file), listen only on addresses the API servers use, and firewall ports 2379/2380 to the control plane.',
    references: [ETCD_K8S_DOC, ETCD_SECURITY_DOC, kubescapeDoc('C-0154')],
    aliases: [...cis('2.2'), ...kcv('KCV-0043'), ...kubescape('C-0154'), ...mitre('T1552.007')],
  },
  {
    id: ETCD_WRITE,
    title: 'etcd writable without a client certificate',
    severity: 'critical',
    category: 'access',
    description:
      'A put on the etcd client port succeeded without a client certificate or credentials. The probe writes one throw-away key under /kubeward-probe/ (attached to a short lease when etcd grants one) and deletes it again. Trivy: AVD-KCV-0043.',
    rationale:
      'Writing etcd is writing the cluster: an attacker can create privileged pods, bind themselves cluster-admin or change any object, without the API server, admission control or the audit log ever seeing it.',
    remediation:
      'Start etcd with --client-cert-auth=true and --trusted-ca-file (a CA used only for etcd), serve clients over TLS, and firewall ports 2379/2380 to the control plane. Check etcd for keys and objects you did not create.',
    references: [ETCD_K8S_DOC, ETCD_SECURITY_DOC, kubescapeDoc('C-0154')],
    aliases: [...cis('2.2'), ...kcv('KCV-0043'), ...kubescape('C-0154')],
  },
  {
    id: ETCD_PLAIN_HTTP,
    title: 'etcd client port speaks plain HTTP',
    severity: 'high',
    category: 'access',
    description: 'The etcd URL is http:// and etcd answered on it: client traffic, with every Kubernetes object, crosses the network unencrypted. Trivy: AVD-KCV-0042.',
    rationale: 'Without TLS there can be no client-certificate authentication either, and anyone on the path can read and alter what the API server stores.',
    remediation: 'Serve etcd clients over TLS only (--cert-file, --key-file, https:// in --listen-client-urls and --advertise-client-urls) and require client certificates (--client-cert-auth=true).',
    references: [ETCD_K8S_DOC, ETCD_SECURITY_DOC, kubescapeDoc('C-0153')],
    aliases: [...cis('2.1'), ...kcv('KCV-0042'), ...kubescape('C-0153')],
  },
];

/** Every check the probe can report, in id order. */
export function probeCheckMetas(): CheckMeta[] {
  return [...API_CHECKS, ...KUBELET_CHECKS, ...ETCD_CHECKS];
}
