// Command-line flags of the kubelet and kube-proxy and the config-file field each one sets.
// Types say how pflag reads the value: `bool` (bare or `=`), `int`, `string`, `duration` (kept as
// written, as the config file writes it: `4h0m0s`), `list` (stringSlice: repeated flags append),
// `map` (mapStringBool: merged per key, the last setting of a key wins).

export type FlagValueType = 'bool' | 'int' | 'float' | 'string' | 'duration' | 'list' | 'map';

export interface FlagField {
  path: string;
  type: FlagValueType;
}

/** Kubelet flags → KubeletConfiguration fields (https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/). */
export const KUBELET_FLAGS: Readonly<Record<string, FlagField>> = {
  'anonymous-auth': { path: 'authentication.anonymous.enabled', type: 'bool' },
  'authentication-token-webhook': { path: 'authentication.webhook.enabled', type: 'bool' },
  'authentication-token-webhook-cache-ttl': { path: 'authentication.webhook.cacheTTL', type: 'duration' },
  'client-ca-file': { path: 'authentication.x509.clientCAFile', type: 'string' },
  'authorization-mode': { path: 'authorization.mode', type: 'string' },
  'authorization-webhook-cache-authorized-ttl': { path: 'authorization.webhook.cacheAuthorizedTTL', type: 'duration' },
  'authorization-webhook-cache-unauthorized-ttl': { path: 'authorization.webhook.cacheUnauthorizedTTL', type: 'duration' },
  'read-only-port': { path: 'readOnlyPort', type: 'int' },
  port: { path: 'port', type: 'int' },
  address: { path: 'address', type: 'string' },
  'healthz-bind-address': { path: 'healthzBindAddress', type: 'string' },
  'healthz-port': { path: 'healthzPort', type: 'int' },
  'streaming-connection-idle-timeout': { path: 'streamingConnectionIdleTimeout', type: 'duration' },
  'make-iptables-util-chains': { path: 'makeIPTablesUtilChains', type: 'bool' },
  'event-qps': { path: 'eventRecordQPS', type: 'int' },
  'event-burst': { path: 'eventBurst', type: 'int' },
  'tls-cert-file': { path: 'tlsCertFile', type: 'string' },
  'tls-private-key-file': { path: 'tlsPrivateKeyFile', type: 'string' },
  'tls-cipher-suites': { path: 'tlsCipherSuites', type: 'list' },
  'tls-min-version': { path: 'tlsMinVersion', type: 'string' },
  'rotate-certificates': { path: 'rotateCertificates', type: 'bool' },
  'rotate-server-certificates': { path: 'serverTLSBootstrap', type: 'bool' },
  'feature-gates': { path: 'featureGates', type: 'map' },
  'pod-max-pids': { path: 'podPidsLimit', type: 'int' },
  'seccomp-default': { path: 'seccompDefault', type: 'bool' },
  'protect-kernel-defaults': { path: 'protectKernelDefaults', type: 'bool' },
  'pod-manifest-path': { path: 'staticPodPath', type: 'string' },
  'cgroup-driver': { path: 'cgroupDriver', type: 'string' },
  'cluster-dns': { path: 'clusterDNS', type: 'list' },
  'cluster-domain': { path: 'clusterDomain', type: 'string' },
  'fail-swap-on': { path: 'failSwapOn', type: 'bool' },
  'enable-server': { path: 'enableServer', type: 'bool' },
  'enable-debugging-handlers': { path: 'enableDebuggingHandlers', type: 'bool' },
  'max-pods': { path: 'maxPods', type: 'int' },
  'resolv-conf': { path: 'resolvConf', type: 'string' },
  'serialize-image-pulls': { path: 'serializeImagePulls', type: 'bool' },
  'container-runtime-endpoint': { path: 'containerRuntimeEndpoint', type: 'string' },
  'kernel-memcg-notification': { path: 'kernelMemcgNotification', type: 'bool' },
  'register-node': { path: 'registerNode', type: 'bool' },
  'volume-plugin-dir': { path: 'volumePluginDir', type: 'string' },
};

/** Kubelet boolean flags without a config field (they never take the next argument either). */
const KUBELET_OTHER_BOOLEANS = ['help', 'version', 'exit-on-lock-contention', 'alsologtostderr', 'logtostderr'];

export const KUBELET_BOOLEANS: ReadonlySet<string> = new Set([
  ...Object.entries(KUBELET_FLAGS).filter(([, f]) => f.type === 'bool').map(([name]) => name),
  ...KUBELET_OTHER_BOOLEANS,
]);

/** kube-proxy flags → KubeProxyConfiguration fields (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/). */
export const KUBE_PROXY_FLAGS: Readonly<Record<string, FlagField>> = {
  'metrics-bind-address': { path: 'metricsBindAddress', type: 'string' },
  'healthz-bind-address': { path: 'healthzBindAddress', type: 'string' },
  'bind-address': { path: 'bindAddress', type: 'string' },
  kubeconfig: { path: 'clientConnection.kubeconfig', type: 'string' },
  'hostname-override': { path: 'hostnameOverride', type: 'string' },
  'cluster-cidr': { path: 'clusterCIDR', type: 'string' },
  'proxy-mode': { path: 'mode', type: 'string' },
  'feature-gates': { path: 'featureGates', type: 'map' },
  profiling: { path: 'enableProfiling', type: 'bool' },
};

export const KUBE_PROXY_BOOLEANS: ReadonlySet<string> = new Set(['profiling', 'cleanup', 'help', 'version', 'bind-address-hard-fail', 'masquerade-all']);

/**
 * kube-proxy ignores these flags when `--config` is given ("This parameter is ignored if a config
 * file is specified by --config", kube-proxy reference); `--hostname-override` still applies.
 */
export const KUBE_PROXY_FLAGS_WITH_CONFIG: ReadonlySet<string> = new Set(['hostname-override']);
