import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inventoryFromYaml } from '../../test/support.js';
import { controlPlaneOf, findControlPlane } from './control-plane.js';
import { DEFINITIONS, type ComponentName } from './definitions.js';
import { evaluateDefinition } from './index.js';

// Every automated flag check, on the hardened kubeadm manifests of test/fixtures/control-plane:
// the hardened value passes, a bad value fails, and the flag left out gives the component's own
// default (which passes or fails as the table says).

const FIXTURES = new URL('../../test/fixtures/control-plane/hardened/', import.meta.url);
const FILES: Record<ComponentName, string> = {
  'kube-apiserver': 'kube-apiserver.yaml',
  'kube-controller-manager': 'kube-controller-manager.yaml',
  'kube-scheduler': 'kube-scheduler.yaml',
  etcd: 'etcd.yaml',
};

/** The hardened flags of each component (etcd's peer-client-cert-auth comes from its env). */
const BASE = Object.fromEntries(Object.entries(FILES).map(([component, file]) => {
  const [cp] = findControlPlane(inventoryFromYaml(readFileSync(new URL(file, FIXTURES), 'utf8')));
  return [component, cp!.tokens.map((t) => t.text)];
})) as Record<ComponentName, string[]>;
const BASE_ENV: Partial<Record<ComponentName, Record<string, string>>> = { etcd: { ETCD_PEER_CLIENT_CERT_AUTH: 'true' } };

const nameOf = (token: string): string => token.replace(/^--?/, '').split('=')[0]!;
const without = (argv: string[], flag: string): string[] => argv.filter((t) => nameOf(t) !== flag);
const setFlag = (argv: string[], token: string): string[] => [...without(argv, nameOf(token)), token];

function status(id: string, argv: string[], env: Record<string, string> = {}): 'pass' | 'fail' | 'unknown' {
  const def = DEFINITIONS.checks.find((d) => d.id === id)!;
  const component = def.component as ComponentName;
  const binary = DEFINITIONS.components[component].binaries[0]!;
  const yaml = JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cp', namespace: 'kube-system' },
    spec: { containers: [{ name: component, image: 'example/control-plane:1', command: [binary, ...argv], env: Object.entries(env).map(([name, value]) => ({ name, value })) }] },
  });
  const [cp] = controlPlaneOf(inventoryFromYaml(yaml).objects[0]!);
  const result = evaluateDefinition(def, cp!);
  return result.violations.length > 0 ? 'fail' : result.unknown.length > 0 ? 'unknown' : 'pass';
}

interface Case {
  id: string;
  /** The flag the check reads; removing it gives the default. */
  flag: string;
  /** The component's default when the flag is absent: pass or fail. */
  absent: 'pass' | 'fail';
  fail: (string[] | string)[];
  pass?: (string[] | string)[];
  env?: Record<string, string>;
}

const CASES: Case[] = [
  { id: 'KW-API-002', flag: 'token-auth-file', absent: 'pass', fail: ['--token-auth-file=/etc/kubernetes/tokens.csv', ['--token-auth-file', '/x.csv']] },
  { id: 'KW-API-004', flag: 'kubelet-client-key', absent: 'fail', fail: ['--kubelet-client-key='] },
  { id: 'KW-API-005', flag: 'kubelet-certificate-authority', absent: 'fail', fail: ['--kubelet-certificate-authority='] },
  { id: 'KW-API-006', flag: 'authorization-mode', absent: 'fail', fail: ['--authorization-mode=AlwaysAllow', '--authorization-mode=Node,RBAC,AlwaysAllow', ['--authorization-mode=Node,RBAC', '--authorization-mode=AlwaysAllow']], pass: ['--authorization-mode=RBAC', '--authorization-mode=Webhook'] },
  { id: 'KW-API-007', flag: 'authorization-mode', absent: 'fail', fail: ['--authorization-mode=RBAC'], pass: ['--authorization-mode=Node,Webhook'] },
  { id: 'KW-API-008', flag: 'authorization-mode', absent: 'fail', fail: ['--authorization-mode=Node', '--authorization-mode=Node,rbac'], pass: [['--authorization-mode', 'RBAC']] },
  { id: 'KW-API-010', flag: 'enable-admission-plugins', absent: 'pass', fail: ['--enable-admission-plugins=NodeRestriction,AlwaysAdmit', '--admission-control=AlwaysAdmit'] },
  { id: 'KW-API-012', flag: 'disable-admission-plugins', absent: 'pass', fail: ['--disable-admission-plugins=ServiceAccount', '--admission-control=NodeRestriction'], pass: ['--disable-admission-plugins=DefaultStorageClass'] },
  { id: 'KW-API-013', flag: 'disable-admission-plugins', absent: 'pass', fail: ['--disable-admission-plugins=PodSecurity,NamespaceLifecycle'] },
  { id: 'KW-API-014', flag: 'enable-admission-plugins', absent: 'fail', fail: ['--enable-admission-plugins=EventRateLimit', ['--enable-admission-plugins=NodeRestriction', '--disable-admission-plugins=NodeRestriction']], pass: ['--admission-control=NamespaceLifecycle,NodeRestriction'] },
  { id: 'KW-API-015', flag: 'profiling', absent: 'fail', fail: ['--profiling=true', '--profiling', ['--profiling', 'false'], ['--profiling=false', '--profiling=true']], pass: ['--profiling=False', '--profiling=0', '--profiling=f'] },
  { id: 'KW-API-016', flag: 'audit-log-path', absent: 'fail', fail: ['--audit-log-path='], pass: ['--audit-log-path=-'] },
  { id: 'KW-API-017', flag: 'audit-log-maxage', absent: 'pass', fail: ['--audit-log-maxage=29', ['--audit-log-maxage', '7']], pass: ['--audit-log-maxage=0', '--audit-log-maxage=365'] },
  { id: 'KW-API-018', flag: 'audit-log-maxbackup', absent: 'pass', fail: ['--audit-log-maxbackup=9'], pass: ['--audit-log-maxbackup=0'] },
  { id: 'KW-API-019', flag: 'audit-log-maxsize', absent: 'pass', fail: ['--audit-log-maxsize=99'], pass: ['--audit-log-maxsize=0', '--audit-log-maxsize=200'] },
  { id: 'KW-API-021', flag: 'service-account-lookup', absent: 'pass', fail: ['--service-account-lookup=false'] },
  { id: 'KW-API-022', flag: 'service-account-key-file', absent: 'fail', fail: ['--service-account-key-file='] },
  { id: 'KW-API-023', flag: 'etcd-keyfile', absent: 'fail', fail: ['--etcd-servers=http://127.0.0.1:2379', '--etcd-servers=https://10.0.0.1:2379,http://10.0.0.2:2379'] },
  { id: 'KW-API-024', flag: 'tls-cert-file', absent: 'fail', fail: ['--tls-private-key-file='] },
  { id: 'KW-API-025', flag: 'client-ca-file', absent: 'fail', fail: ['--client-ca-file='] },
  { id: 'KW-API-026', flag: 'etcd-cafile', absent: 'fail', fail: ['--etcd-cafile='] },
  { id: 'KW-API-029', flag: 'service-account-extend-token-expiration', absent: 'fail', fail: ['--service-account-extend-token-expiration=true'] },
  { id: 'KW-API-031', flag: 'insecure-port', absent: 'pass', fail: ['--insecure-port=8080', ['--insecure_port', '8080']], pass: ['--insecure-port=0'] },
  { id: 'KW-API-036', flag: 'profiling', absent: 'fail', fail: ['--profiling'] },
  { id: 'KW-API-037', flag: 'use-service-account-credentials', absent: 'fail', fail: ['--use-service-account-credentials=false'], pass: ['--use-service-account-credentials'] },
  { id: 'KW-API-038', flag: 'service-account-private-key-file', absent: 'fail', fail: ['--service-account-private-key-file='] },
  { id: 'KW-API-039', flag: 'root-ca-file', absent: 'fail', fail: ['--root-ca-file='] },
  { id: 'KW-API-040', flag: 'feature-gates', absent: 'pass', fail: ['--feature-gates=RotateKubeletServerCertificate=false', '--feature-gates=Foo=true,RotateKubeletServerCertificate=False'], pass: ['--feature-gates=Foo=false'] },
  { id: 'KW-API-041', flag: 'bind-address', absent: 'fail', fail: ['--bind-address=0.0.0.0', '--bind-address=10.0.0.10'] },
  { id: 'KW-API-042', flag: 'profiling', absent: 'fail', fail: ['--profiling=true'] },
  { id: 'KW-API-043', flag: 'bind-address', absent: 'fail', fail: ['--bind-address=0.0.0.0'] },
  { id: 'KW-API-044', flag: 'cert-file', absent: 'fail', fail: ['--listen-client-urls=http://0.0.0.0:2379', '--key-file='] },
  { id: 'KW-API-045', flag: 'client-cert-auth', absent: 'fail', fail: ['--client-cert-auth=false', '-client-cert-auth=false'] },
  { id: 'KW-API-046', flag: 'auto-tls', absent: 'pass', fail: ['--auto-tls', '--auto-tls=true'], pass: ['--auto-tls=false'] },
  { id: 'KW-API-047', flag: 'peer-key-file', absent: 'fail', fail: ['--listen-peer-urls=http://10.0.0.10:2380'] },
  { id: 'KW-API-048', flag: 'peer-client-cert-auth', absent: 'fail', fail: ['--peer-client-cert-auth=false'] },
  { id: 'KW-API-049', flag: 'peer-auto-tls', absent: 'pass', fail: ['--peer-auto-tls'] },
];

test('the table covers every automated flag check', () => {
  const automated = DEFINITIONS.checks.filter((d) => d.assessment === 'automated' && d.component !== 'encryption-configuration').map((d) => d.id);
  assert.deepEqual(CASES.map((c) => c.id), automated);
});

for (const c of CASES) {
  const def = DEFINITIONS.checks.find((d) => d.id === c.id)!;
  const component = def.component as ComponentName;
  test(`${c.id} ${def.title}: hardened passes, bad values fail, absent → ${c.absent}`, () => {
    const base = BASE[component];
    const env = BASE_ENV[component] ?? {};
    assert.equal(status(c.id, base, env), 'pass', 'hardened manifest');
    const withoutFlag = component === 'etcd' && c.flag === 'peer-client-cert-auth' ? {} : env;
    assert.equal(status(c.id, without(base, c.flag), withoutFlag), c.absent, `without --${c.flag} (default)`);
    for (const bad of c.fail) {
      const argv = typeof bad === 'string' ? setFlag(base, bad) : [...without(base, nameOf(bad[0]!)), ...bad];
      assert.equal(status(c.id, argv, env), 'fail', JSON.stringify(bad));
    }
    for (const good of c.pass ?? []) {
      const argv = typeof good === 'string' ? setFlag(base, good) : [...without(base, nameOf(good[0]!)), ...good];
      assert.equal(status(c.id, argv, env), 'pass', JSON.stringify(good));
    }
  });
}

test('etcd checks read ETCD_* variables: set in env passes, bad in env fails, the flag wins over env', () => {
  const bare = ['--name=cp1'];
  assert.equal(status('KW-API-045', bare, { ETCD_CLIENT_CERT_AUTH: 'true' }), 'pass');
  assert.equal(status('KW-API-045', bare, { ETCD_CLIENT_CERT_AUTH: 'false' }), 'fail');
  assert.equal(status('KW-API-045', ['--client-cert-auth=true'], { ETCD_CLIENT_CERT_AUTH: 'false' }), 'pass');
  assert.equal(status('KW-API-046', bare, { ETCD_AUTO_TLS: 'true' }), 'fail');
  assert.equal(status('KW-API-049', bare, { ETCD_PEER_AUTO_TLS: 'TRUE' }), 'fail');
  assert.equal(status('KW-API-044', bare, { ETCD_CERT_FILE: '/c.crt', ETCD_KEY_FILE: '/c.key', ETCD_LISTEN_CLIENT_URLS: 'https://0.0.0.0:2379' }), 'pass');
  assert.equal(status('KW-API-044', bare, { ETCD_CERT_FILE: '/c.crt', ETCD_KEY_FILE: '/c.key', ETCD_LISTEN_CLIENT_URLS: 'http://0.0.0.0:2379' }), 'fail');
  assert.equal(status('KW-API-047', bare, { ETCD_PEER_CERT_FILE: '/p.crt', ETCD_PEER_KEY_FILE: '/p.key', ETCD_LISTEN_PEER_URLS: 'https://10.0.0.1:2380' }), 'pass');
});

test('values that cannot be known are not evaluated, never passed', () => {
  assert.equal(status('KW-API-045', ['--config-file=/etc/etcd/etcd.conf.yml']), 'unknown');
  assert.equal(status('KW-API-042', ['--config=/etc/kubernetes/scheduler-config.yaml']), 'unknown');
  assert.equal(status('KW-API-043', ['--config=/etc/kubernetes/scheduler-config.yaml', '--bind-address=127.0.0.1']), 'pass', '--config does not take over --bind-address');
  assert.equal(status('KW-API-006', ['--authorization-config=/etc/kubernetes/authz.yaml']), 'unknown');
  assert.equal(status('KW-API-015', ['--profiling=nope']), 'unknown');
  assert.equal(status('KW-API-017', ['--audit-log-maxage=thirty']), 'unknown');
});
