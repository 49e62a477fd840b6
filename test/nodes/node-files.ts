// What a kubeadm node holds, as text: static pod manifests with kubeadm's flags, the kubelet's
// KubeletConfiguration, kube-proxy's KubeProxyConfiguration, an EncryptionConfiguration, sshd_config,
// passwd/group/shadow. The flag lists are the hardened values the CIS Kubernetes Benchmark asks for;
// the specs in fixture-root.ts derive weak nodes from them.

export const PKI = '/etc/kubernetes/pki';
export const NODE_IP = '10.0.0.10';

export function apiserverFlags(etcdServers = 'https://127.0.0.1:2379'): string[] {
  return [
    `--advertise-address=${NODE_IP}`, '--allow-privileged=true', '--anonymous-auth=false',
    '--audit-log-path=/var/log/kubernetes/audit/audit.log', '--audit-log-maxage=30', '--audit-log-maxbackup=10', '--audit-log-maxsize=100',
    '--audit-policy-file=/etc/kubernetes/audit-policy.yaml', '--authorization-mode=Node,RBAC', `--client-ca-file=${PKI}/ca.crt`,
    '--enable-admission-plugins=NodeRestriction,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs',
    '--admission-control-config-file=/etc/kubernetes/admission.yaml', '--enable-bootstrap-token-auth=true',
    `--etcd-cafile=${PKI}/etcd/ca.crt`, `--etcd-certfile=${PKI}/apiserver-etcd-client.crt`, `--etcd-keyfile=${PKI}/apiserver-etcd-client.key`,
    `--etcd-servers=${etcdServers}`, '--encryption-provider-config=/etc/kubernetes/enc/enc.yaml',
    `--kubelet-certificate-authority=${PKI}/ca.crt`, `--kubelet-client-certificate=${PKI}/apiserver-kubelet-client.crt`,
    `--kubelet-client-key=${PKI}/apiserver-kubelet-client.key`, '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
    '--profiling=false', `--proxy-client-cert-file=${PKI}/front-proxy-client.crt`, `--proxy-client-key-file=${PKI}/front-proxy-client.key`,
    `--requestheader-client-ca-file=${PKI}/front-proxy-ca.crt`, '--requestheader-allowed-names=front-proxy-client',
    '--secure-port=6443', '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${PKI}/sa.pub`, `--service-account-signing-key-file=${PKI}/sa.key`,
    '--service-account-extend-token-expiration=false', '--service-cluster-ip-range=10.96.0.0/12',
    `--tls-cert-file=${PKI}/apiserver.crt`, `--tls-private-key-file=${PKI}/apiserver.key`,
    '--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  ];
}

export function controllerManagerFlags(): string[] {
  return [
    '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf', '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf',
    '--bind-address=127.0.0.1', `--client-ca-file=${PKI}/ca.crt`, '--cluster-name=kubernetes',
    `--cluster-signing-cert-file=${PKI}/ca.crt`, `--cluster-signing-key-file=${PKI}/ca.key`, '--controllers=*,bootstrapsigner,tokencleaner',
    '--kubeconfig=/etc/kubernetes/controller-manager.conf', '--leader-elect=true', '--profiling=false',
    `--requestheader-client-ca-file=${PKI}/front-proxy-ca.crt`, `--root-ca-file=${PKI}/ca.crt`,
    `--service-account-private-key-file=${PKI}/sa.key`, '--terminated-pod-gc-threshold=10', '--use-service-account-credentials=true',
  ];
}

export function schedulerFlags(): string[] {
  return [
    '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf', '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf',
    '--bind-address=127.0.0.1', '--kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true', '--profiling=false',
  ];
}

export function etcdFlags(hostname: string): string[] {
  return [
    `--advertise-client-urls=https://${NODE_IP}:2379`, `--cert-file=${PKI}/etcd/server.crt`, '--client-cert-auth=true',
    '--data-dir=/var/lib/etcd', `--initial-advertise-peer-urls=https://${NODE_IP}:2380`, `--initial-cluster=${hostname}=https://${NODE_IP}:2380`,
    `--key-file=${PKI}/etcd/server.key`, `--listen-client-urls=https://127.0.0.1:2379,https://${NODE_IP}:2379`,
    '--listen-metrics-urls=http://127.0.0.1:2381', `--listen-peer-urls=https://${NODE_IP}:2380`, `--name=${hostname}`,
    `--peer-cert-file=${PKI}/etcd/peer.crt`, '--peer-client-cert-auth=true', `--peer-key-file=${PKI}/etcd/peer.key`,
    `--peer-trusted-ca-file=${PKI}/etcd/ca.crt`, '--snapshot-count=10000', `--trusted-ca-file=${PKI}/etcd/ca.crt`,
  ];
}

/** The hostPath volumes kubeadm mounts into a control-plane pod. */
const VOLUMES: Record<string, [string, string][]> = {
  'kube-apiserver': [['ca-certs', '/etc/ssl/certs'], ['k8s-certs', PKI], ['enc', '/etc/kubernetes/enc'], ['audit', '/var/log/kubernetes/audit']],
  'kube-controller-manager': [['ca-certs', '/etc/ssl/certs'], ['k8s-certs', PKI], ['kubeconfig', '/etc/kubernetes/controller-manager.conf']],
  'kube-scheduler': [['kubeconfig', '/etc/kubernetes/scheduler.conf']],
  etcd: [['etcd-certs', `${PKI}/etcd`], ['etcd-data', '/var/lib/etcd']],
};

/** A static pod manifest the way kubeadm writes it: `command:` is the program followed by one flag per line. */
export function staticPodManifest(component: string, image: string, flags: readonly string[]): string {
  const volumes = VOLUMES[component] ?? [];
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  labels:',
    `    component: ${component}`,
    '    tier: control-plane',
    `  name: ${component}`,
    '  namespace: kube-system',
    'spec:',
    '  containers:',
    '  - command:',
    `    - ${component}`,
    ...flags.map((f) => `    - ${f}`),
    `    image: ${image}`,
    '    imagePullPolicy: IfNotPresent',
    `    name: ${component}`,
    '    resources:',
    '      requests:',
    '        cpu: 250m',
    '    volumeMounts:',
    ...volumes.flatMap(([name, path]) => [`    - mountPath: ${path}`, `      name: ${name}`, '      readOnly: true']),
    '  hostNetwork: true',
    '  priorityClassName: system-node-critical',
    '  securityContext:',
    '    seccompProfile:',
    '      type: RuntimeDefault',
    '  volumes:',
    ...volumes.flatMap(([name, path]) => ['  - hostPath:', `      path: ${path}`, `    name: ${name}`]),
    '',
  ].join('\n');
}

/** A hardened KubeletConfiguration. Line 5 is `enabled: false` of authentication.anonymous. */
export function kubeletConfigYaml(overrides: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    authorization: 'authorization:\n  mode: Webhook',
    readOnlyPort: 'readOnlyPort: 0',
    streamingConnectionIdleTimeout: 'streamingConnectionIdleTimeout: 5m0s',
    makeIPTablesUtilChains: 'makeIPTablesUtilChains: true',
    eventRecordQPS: 'eventRecordQPS: 50',
    tlsCertFile: 'tlsCertFile: /var/lib/kubelet/pki/kubelet.crt',
    tlsPrivateKeyFile: 'tlsPrivateKeyFile: /var/lib/kubelet/pki/kubelet.key',
    rotateCertificates: 'rotateCertificates: true',
    featureGates: 'featureGates:\n  RotateKubeletServerCertificate: true',
    tlsCipherSuites: 'tlsCipherSuites:\n- TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\n- TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    podPidsLimit: 'podPidsLimit: 4096',
    seccompDefault: 'seccompDefault: true',
    staticPodPath: 'staticPodPath: /etc/kubernetes/manifests',
    cgroupDriver: 'cgroupDriver: systemd',
    ...overrides,
  };
  return [
    'apiVersion: kubelet.config.k8s.io/v1beta1',
    'kind: KubeletConfiguration',
    'authentication:',
    '  anonymous:',
    '    enabled: false',
    '  webhook:',
    '    enabled: true',
    '  x509:',
    `    clientCAFile: ${PKI}/ca.crt`,
    ...Object.values(fields).filter((v) => v !== ''),
    '',
  ].join('\n');
}

export function kubeProxyConfigYaml(metricsBindAddress = '127.0.0.1:10249'): string {
  return [
    'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
    'kind: KubeProxyConfiguration',
    'clientConnection:',
    '  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf',
    'clusterCIDR: 192.168.0.0/16',
    `metricsBindAddress: ${metricsBindAddress}`,
    'mode: iptables',
    '',
  ].join('\n');
}

/** kubeadm's systemd drop-in for the kubelet. */
export const KUBEADM_DROP_IN = `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

/** The hardened EncryptionConfiguration (secretbox first), shared with the benchmark's in-memory fixtures. */
export { ENCRYPTION_CONFIG } from '../../src/nodes/benchmark/fixtures.js';

export function kubeconfig(user: string, server = `https://${NODE_IP}:6443`): string {
  return `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    server: ${server}
  name: kubernetes
contexts:
- context: {cluster: kubernetes, user: ${user}}
  name: ${user}@kubernetes
current-context: ${user}@kubernetes
users:
- name: ${user}
  user:
    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCg==
`;
}

export const HARDENED_SSHD = `# hardened
Include /etc/ssh/sshd_config.d/*.conf
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
Subsystem sftp /usr/lib/openssh/sftp-server
`;

/** Line 3 is `PermitRootLogin yes`; password login stays at its default (yes). */
export const WEAK_SSHD = `# cloud image defaults
Include /etc/ssh/sshd_config.d/*.conf
PermitRootLogin yes
UsePAM yes
Subsystem sftp /usr/lib/openssh/sftp-server
`;

export const PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
etcd:x:998:998:etcd user:/var/lib/etcd:/usr/sbin/nologin
ubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash
`;
export const GROUP = 'root:x:0:\ndaemon:x:1:\nshadow:x:42:\nsudo:x:27:ubuntu\netcd:x:998:\nubuntu:x:1000:\n';
export const SHADOW = `root:!:19800:0:99999:7:::
daemon:*:19800:0:99999:7:::
etcd:!:19800::::::
ubuntu:$6$rounds=4096$salt$0123456789abcdefghij:19800:0:99999:7:::
`;
