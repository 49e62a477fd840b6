import type { EffectiveConfig } from '../model.js';
import { component, dir, effectiveConfig, fakeSnapshot, file, type FakeEntry, type FakeSnapshotInput } from './fake-snapshot.js';

// Test fixtures: a control-plane node configured the way the benchmark asks (kubeadm layout), from
// which the tests derive weak and worker nodes.

const PKI = '/etc/kubernetes/pki';

export const ENCRYPTION_CONFIG = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - secretbox:
          keys:
            - name: key1
              secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/IGxvbmcgZW5vdWdoIQ==
      - identity: {}
`;

export function hardenedFiles(): Record<string, FakeEntry> {
  return {
    '/etc/kubernetes': dir(0o755),
    '/etc/kubernetes/manifests': dir(0o700),
    '/etc/kubernetes/manifests/kube-apiserver.yaml': file(0o600),
    '/etc/kubernetes/manifests/kube-controller-manager.yaml': file(0o600),
    '/etc/kubernetes/manifests/kube-scheduler.yaml': file(0o600),
    '/etc/kubernetes/manifests/etcd.yaml': file(0o600),
    '/etc/cni/net.d/10-calico.conflist': file(0o600),
    '/var/lib/etcd': dir(0o700, 'etcd:etcd'),
    '/etc/kubernetes/admin.conf': file(0o600),
    '/etc/kubernetes/super-admin.conf': file(0o600),
    '/etc/kubernetes/scheduler.conf': file(0o600),
    '/etc/kubernetes/controller-manager.conf': file(0o600),
    [PKI]: dir(0o755),
    [`${PKI}/ca.crt`]: file(0o644),
    [`${PKI}/ca.key`]: file(0o600),
    [`${PKI}/apiserver.crt`]: file(0o644),
    [`${PKI}/apiserver.key`]: file(0o600),
    [`${PKI}/sa.key`]: file(0o600),
    [`${PKI}/sa.pub`]: file(0o644),
    [`${PKI}/etcd`]: dir(0o755),
    [`${PKI}/etcd/ca.crt`]: file(0o644),
    [`${PKI}/etcd/ca.key`]: file(0o600),
    '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf': file(0o600),
    '/etc/kubernetes/kubelet.conf': file(0o600),
    '/var/lib/kubelet/config.yaml': file(0o600),
    '/var/lib/kube-proxy/kubeconfig.conf': file(0o600),
    '/etc/kubernetes/enc/enc.yaml': file(0o600, 'root:root', ENCRYPTION_CONFIG),
  };
}

export const HARDENED_APISERVER = [
  '/usr/local/bin/kube-apiserver',
  '--anonymous-auth=false', '--authorization-mode=Node,RBAC',
  '--enable-admission-plugins=NodeRestriction,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs',
  '--profiling=false', '--audit-log-path=/var/log/kubernetes/audit.log', '--audit-log-maxage=30',
  '--audit-log-maxbackup=10', '--audit-log-maxsize=100', '--audit-policy-file=/etc/kubernetes/audit-policy.yaml',
  `--kubelet-client-certificate=${PKI}/apiserver-kubelet-client.crt`, `--kubelet-client-key=${PKI}/apiserver-kubelet-client.key`,
  `--kubelet-certificate-authority=${PKI}/ca.crt`, `--service-account-key-file=${PKI}/sa.pub`,
  '--service-account-extend-token-expiration=false',
  `--etcd-certfile=${PKI}/apiserver-etcd-client.crt`, `--etcd-keyfile=${PKI}/apiserver-etcd-client.key`,
  `--etcd-cafile=${PKI}/etcd/ca.crt`, '--etcd-servers=https://127.0.0.1:2379',
  `--tls-cert-file=${PKI}/apiserver.crt`, `--tls-private-key-file=${PKI}/apiserver.key`, `--client-ca-file=${PKI}/ca.crt`,
  '--encryption-provider-config=/etc/kubernetes/enc/enc.yaml',
  '--tls-cipher-suites=TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
];

const CONTROLLER_MANAGER = [
  'kube-controller-manager', '--profiling=false', '--use-service-account-credentials=true',
  `--service-account-private-key-file=${PKI}/sa.key`, `--root-ca-file=${PKI}/ca.crt`, '--bind-address=127.0.0.1',
  '--kubeconfig=/etc/kubernetes/controller-manager.conf', '--terminated-pod-gc-threshold=10',
];
const SCHEDULER = ['kube-scheduler', '--profiling=false', '--bind-address=127.0.0.1', '--kubeconfig=/etc/kubernetes/scheduler.conf'];
const ETCD = [
  'etcd', `--cert-file=${PKI}/etcd/server.crt`, `--key-file=${PKI}/etcd/server.key`, '--listen-client-urls=https://127.0.0.1:2379',
  '--client-cert-auth=true', `--peer-cert-file=${PKI}/etcd/peer.crt`, `--peer-key-file=${PKI}/etcd/peer.key`,
  '--listen-peer-urls=https://10.0.0.1:2380', '--peer-client-cert-auth=true', `--trusted-ca-file=${PKI}/etcd/ca.crt`, '--data-dir=/var/lib/etcd',
];

const CIPHERS = ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'];

const conf = (line: number) => ({ origin: 'config-file' as const, where: `/var/lib/kubelet/config.yaml:${line}` });

export function hardenedKubelet(): EffectiveConfig {
  return effectiveConfig('kubelet', '/var/lib/kubelet/config.yaml', {
    'authentication.anonymous.enabled': { value: false, ...conf(4) },
    'authentication.x509.clientCAFile': { value: `${PKI}/ca.crt`, ...conf(8) },
    'authorization.mode': { value: 'Webhook', ...conf(10) },
    readOnlyPort: { value: 0, ...conf(12) },
    streamingConnectionIdleTimeout: { value: '5m0s', ...conf(13) },
    makeIPTablesUtilChains: { value: true, ...conf(14) },
    eventRecordQPS: { value: 50, ...conf(15) },
    tlsCertFile: { value: '/var/lib/kubelet/pki/kubelet.crt', ...conf(16) },
    tlsPrivateKeyFile: { value: '/var/lib/kubelet/pki/kubelet.key', ...conf(17) },
    rotateCertificates: { value: true, ...conf(18) },
    featureGates: { value: { RotateKubeletServerCertificate: true }, ...conf(19) },
    tlsCipherSuites: { value: CIPHERS, ...conf(21) },
    podPidsLimit: { value: 4096, ...conf(24) },
    seccompDefault: { value: true, ...conf(25) },
    staticPodPath: { value: '/etc/kubernetes/manifests', ...conf(26) },
  }, {
    kubeconfig: { value: '/etc/kubernetes/kubelet.conf', origin: 'flag', where: '--kubeconfig=/etc/kubernetes/kubelet.conf (/proc/500/cmdline)' },
  });
}

export function hardenedProxy(): EffectiveConfig {
  return effectiveConfig('kube-proxy', '/var/lib/kube-proxy/config.conf', {
    metricsBindAddress: { value: '127.0.0.1:10249', origin: 'config-file', where: '/var/lib/kube-proxy/config.conf:20' },
  }, {
    kubeconfig: { value: '/var/lib/kube-proxy/kubeconfig.conf', origin: 'flag', where: '--kubeconfig=/var/lib/kube-proxy/kubeconfig.conf (/proc/600/cmdline)' },
  });
}

export function hardenedInput(): FakeSnapshotInput {
  return {
    hostname: 'cp-1',
    version: '1.33.2',
    files: hardenedFiles(),
    components: [
      component('kube-apiserver', HARDENED_APISERVER, 'process', {}, 101),
      component('kube-controller-manager', CONTROLLER_MANAGER, 'process', {}, 102),
      component('kube-scheduler', SCHEDULER, 'process', {}, 103),
      component('etcd', ETCD, 'process', {}, 104),
      component('kubelet', ['/usr/bin/kubelet', '--config=/var/lib/kubelet/config.yaml', '--kubeconfig=/etc/kubernetes/kubelet.conf'], 'process', {}, 500),
      component('kube-proxy', ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf'], 'process', {}, 600),
    ],
    kubelet: hardenedKubelet(),
    kubeProxy: hardenedProxy(),
  };
}

export const hardenedNode = () => fakeSnapshot(hardenedInput());
