import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComponentInstance, NodeSnapshot } from '../model.js';
import { defaultsFromNode } from './defaults.js';

function snapshot(components: ComponentInstance[], root = '/host'): NodeSnapshot {
  return {
    hostname: 'cp-1', root, proc: '/proc', processes: [], components, staticPods: [], accounts: [], groups: new Map(), mounts: [], blockDevices: [],
    cpuFlags: [], kernelCmdline: '', stat: () => undefined, readText: () => undefined, glob: () => [], notes: [],
  };
}

const apiserver = (argv: string[], from: ComponentInstance['from'] = 'process'): ComponentInstance =>
  ({ component: 'kube-apiserver', from, argv: ['kube-apiserver', ...argv], env: {}, source: from === 'process' ? '/proc/812/cmdline' : '/etc/kubernetes/manifests/kube-apiserver.yaml:17' });
const etcd = (argv: string[], env: Record<string, string> = {}): ComponentInstance =>
  ({ component: 'etcd', from: 'process', argv: ['etcd', ...argv], env, source: '/proc/700/cmdline' });

test("the API server's etcd client settings come first, paths under the root", () => {
  const d = defaultsFromNode(snapshot([
    etcd(['--listen-client-urls=https://127.0.0.1:2379', '--cert-file=/etc/kubernetes/pki/etcd/server.crt']),
    apiserver(['--etcd-servers=https://127.0.0.1:2379,https://10.0.0.3:2379', '--etcd-cafile', '/etc/kubernetes/pki/etcd/ca.crt',
      '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt', '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key']),
  ]));
  assert.deepEqual(d, {
    endpoints: ['https://127.0.0.1:2379', 'https://10.0.0.3:2379'],
    source: 'kube-apiserver flags (/proc/812/cmdline)',
    cacert: '/host/etc/kubernetes/pki/etcd/ca.crt',
    cert: '/host/etc/kubernetes/pki/apiserver-etcd-client.crt',
    key: '/host/etc/kubernetes/pki/apiserver-etcd-client.key',
  });
});

test('a running API server wins over its static pod manifest', () => {
  const d = defaultsFromNode(snapshot([apiserver(['--etcd-servers=https://old:2379'], 'static-pod'), apiserver(['--etcd-servers=https://new:2379'])], '/'));
  assert.deepEqual(d?.endpoints, ['https://new:2379']);
});

test("etcd's own flags (and ETCD_* environment) when no API server runs here; 0.0.0.0 is reached on loopback", () => {
  const d = defaultsFromNode(snapshot([etcd(['-advertise-client-urls', 'https://10.0.0.2:2379', '--listen-client-urls=https://0.0.0.0:2379,https://10.0.0.2:2379', '--key-file=/etc/etcd/server.key'], { ETCD_CERT_FILE: '/etc/etcd/server.crt', ETCD_TRUSTED_CA_FILE: '/etc/etcd/ca.crt', ETCD_KEY_FILE: '/env/ignored.key' })]));
  assert.deepEqual(d, {
    endpoints: ['https://10.0.0.2:2379', 'https://127.0.0.1:2379'],
    source: 'etcd flags (/proc/700/cmdline)',
    cacert: '/host/etc/etcd/ca.crt',
    cert: '/host/etc/etcd/server.crt',
    key: '/host/etc/etcd/server.key',
  });
});

test("etcd with no client URL listens on etcd's default; nothing at all on a worker", () => {
  assert.deepEqual(defaultsFromNode(snapshot([etcd([])]))?.endpoints, ['http://127.0.0.1:2379']);
  assert.equal(defaultsFromNode(snapshot([])), undefined);
});
