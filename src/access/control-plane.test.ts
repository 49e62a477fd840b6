import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryFromYaml } from '../../test/support.js';
import { controlPlaneOf, expandVariables, findControlPlane, imageBasename, shellWords } from './control-plane.js';

/** A one-container Pod (JSON is YAML) named so that nothing can be guessed from its name. */
function pod(container: Record<string, unknown>, kind = 'Pod'): string {
  const spec = { containers: [{ name: 'main', ...container }] };
  const object = kind === 'Pod'
    ? { apiVersion: 'v1', kind, metadata: { name: 'app-7f9c', namespace: 'ops' }, spec }
    : { apiVersion: 'apps/v1', kind, metadata: { name: 'app-7f9c', namespace: 'ops' }, spec: { selector: {}, template: { metadata: {}, spec } } };
  return JSON.stringify(object);
}

const found = (yaml: string) => findControlPlane(inventoryFromYaml(yaml)).map((cp) => [cp.component, cp.recognizedBy, cp.tokens.map((t) => t.text)]);

test('recognises the component by what the container runs, not by the pod name', () => {
  assert.deepEqual(found(pod({ image: 'busybox', command: ['kube-apiserver', '--profiling=false'] })), [['kube-apiserver', 'command kube-apiserver', ['--profiling=false']]]);
  assert.deepEqual(found(pod({ image: 'x', command: ['/usr/local/bin/kube-controller-manager'], args: ['--bind-address=127.0.0.1'] })), [['kube-controller-manager', 'command /usr/local/bin/kube-controller-manager', ['--bind-address=127.0.0.1']]]);
  assert.deepEqual(found(pod({ image: 'k8s.gcr.io/hyperkube:v1.17.0', command: ['/hyperkube', 'kube-scheduler', '--profiling=false'] })), [['kube-scheduler', 'command hyperkube kube-scheduler', ['--profiling=false']]]);
  assert.deepEqual(found(pod({ image: 'k8s.gcr.io/hyperkube:v1.17.0', args: ['apiserver', '--x=1'] })), [['kube-apiserver', 'hyperkube apiserver', ['--x=1']]]);
  assert.deepEqual(found(pod({ image: 'whatever', args: ['etcd', '--name=a'] })), [['etcd', 'args etcd', ['--name=a']]]);
});

test('looks through wrappers such as go-runner (kOps, GKE) and tini', () => {
  const yaml = pod({ image: 'registry.k8s.io/kube-apiserver:v1.32.0', command: ['/go-runner', '--redirect-stderr', '--log-file=/var/log/kube-apiserver.log', '/usr/local/bin/kube-apiserver'], args: ['--profiling=false'] });
  const [cp] = findControlPlane(inventoryFromYaml(yaml));
  assert.equal(cp!.component, 'kube-apiserver');
  assert.deepEqual(cp!.tokens.map((t) => [t.text, t.path.join('.')]), [['--profiling=false', 'spec.containers.0.args.0']]);
  assert.deepEqual(found(pod({ image: 'x', command: ['tini', '--', 'etcd', '--name=a'] }))[0]!.slice(0, 1), ['etcd']);
  assert.deepEqual(found(pod({ image: 'x', command: ['tini', '--', 'etcdctl', 'get', 'x'] })), []);
});

test('recognises the component by its image when the command is left to the image', () => {
  assert.deepEqual(found(pod({ image: 'registry.k8s.io/kube-apiserver:v1.32.0', args: ['--anonymous-auth=false'] })), [['kube-apiserver', 'image registry.k8s.io/kube-apiserver:v1.32.0', ['--anonymous-auth=false']]]);
  assert.deepEqual(found(pod({ image: 'k8s.gcr.io/kube-scheduler-amd64:v1.10.0@sha256:abc' }))[0]!.slice(0, 1), ['kube-scheduler']);
  assert.deepEqual(found(pod({ image: 'bitnami/etcd:3.5', env: [{ name: 'ETCD_AUTO_TLS', value: 'true' }] }))[0]!.slice(0, 1), ['etcd']);
});

test('does not mistake other programs for the control plane', () => {
  // an etcd backup job runs etcdctl from the etcd image; the command decides, not the image
  assert.deepEqual(found(pod({ image: 'registry.k8s.io/etcd:3.5.16-0', command: ['etcdctl', 'snapshot', 'save', '/backup/snap.db'] })), []);
  assert.deepEqual(found(pod({ image: 'registry.k8s.io/etcd:3.5.16-0', args: ['etcdctl', 'endpoint', 'health'] })), []);
  assert.deepEqual(found(pod({ image: 'quay.io/coreos/etcd-operator:v0.9.4', command: ['etcd-operator'] })), []);
  assert.deepEqual(found(pod({ image: 'nginx', command: ['nginx'] })), []);
  assert.deepEqual(found(pod({ image: 'example/kube-apiserver-proxy:1', args: ['--x'] })), []);
  // a pod *named* kube-apiserver that runs something else
  const named = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kube-apiserver-cp1', labels: { component: 'kube-apiserver' } }, spec: { containers: [{ name: 'kube-apiserver', image: 'nginx' }] } });
  assert.deepEqual(found(named), []);
});

test('reads the flags inside `sh -c` scripts, up to the end of the command', () => {
  const yaml = pod({ image: 'x', command: ['/bin/sh', '-ec', 'mkdir -p /var/log && exec kube-apiserver --profiling=false --audit-log-path "/var/log/audit 1.log" 2>&1 | tee /x'] });
  const [cp] = findControlPlane(inventoryFromYaml(yaml));
  assert.equal(cp!.component, 'kube-apiserver');
  assert.deepEqual(cp!.tokens.map((t) => t.text), ['--profiling=false', '--audit-log-path', '/var/log/audit 1.log']);
  assert.deepEqual(cp!.tokens[0]!.path, ['spec', 'containers', 0, 'command', 2]);
  assert.equal(cp!.reader.read('audit-log-path').given[0]!.value, '/var/log/audit 1.log');
  assert.deepEqual(found(pod({ image: 'x', command: ['sh', '-c', 'etcdctl get /registry --prefix'] })), []);
});

test('shellWords honours quotes, escapes, comments and operators', () => {
  assert.deepEqual(shellWords(`a 'b c' "d \\"e\\"" f\\ g # note\nh && i || j; k | l & m`), ['a', 'b c', 'd "e"', 'f g', '\n', 'h', '&&', 'i', '||', 'j', ';', 'k', '|', 'l', '&', 'm']);
  assert.deepEqual(shellWords('x \\\n  y'), ['x', 'y']);
});

test('imageBasename drops registry, tag and digest', () => {
  assert.equal(imageBasename('registry.k8s.io/kube-apiserver:v1.32.0'), 'kube-apiserver');
  assert.equal(imageBasename('localhost:5000/etcd@sha256:0123'), 'etcd');
  assert.equal(imageBasename('etcd'), 'etcd');
});

test('$(VAR) in command and args expands from the container env, $$ escapes, unknown names stay', () => {
  const env = new Map([['DIR', '/etc/kubernetes/pki'], ['X', 'x']]);
  assert.equal(expandVariables('--tls-cert-file=$(DIR)/apiserver.crt', env), '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt');
  assert.equal(expandVariables('$$(DIR) $(NOPE) $X $(X)', env), '$(DIR) $(NOPE) $X x');
  const yaml = pod({ image: 'x', command: ['kube-apiserver', '--profiling=$(PROFILING)'], env: [{ name: 'PROFILING', value: 'false' }] });
  assert.equal(findControlPlane(inventoryFromYaml(yaml))[0]!.reader.read('profiling').given[0]!.value, 'false');
});

test('the reader says where each value is: the token, both tokens of `--flag value`, or where a missing flag goes', () => {
  const yaml = pod({ image: 'x', command: ['kube-apiserver'], args: ['--audit-log-maxage', '7', '--profiling=true', '--profiling=false'] });
  const [cp] = findControlPlane(inventoryFromYaml(yaml));
  const maxage = cp!.reader.read('audit-log-maxage');
  assert.deepEqual(maxage.given.map((g) => [g.value, g.path, g.written, g.where]), [['7', ['spec', 'containers', 0, 'args', 1], '7', '`--audit-log-maxage 7` (args[0] and args[1])']]);
  assert.equal(cp!.reader.read('profiling').given.length, 2);
  assert.equal(cp!.reader.read('token-auth-file').origin, 'default');
  assert.deepEqual(cp!.reader.insertPath, ['spec', 'containers', 0, 'args']);
  assert.equal(cp!.reader.insertWhere, 'spec.containers[0].args');
});

test('underscored flag names read as their dashed form (component-base normalization)', () => {
  const [cp] = findControlPlane(inventoryFromYaml(pod({ image: 'x', command: ['kube-apiserver', '--anonymous_auth=false'] })));
  assert.equal(cp!.reader.read('anonymous-auth').given[0]!.value, 'false');
});

test('etcd flags come from ETCD_* variables when not on the command line; the flag wins when both are given', () => {
  const yaml = pod({
    image: 'registry.k8s.io/etcd:3.5.16-0',
    command: ['etcd', '--client-cert-auth=true'],
    env: [
      { name: 'ETCD_AUTO_TLS', value: 'true' },
      { name: 'ETCD_CLIENT_CERT_AUTH', value: 'false' },
      { name: 'ETCD_CERT_FILE', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
    ],
  });
  const { reader } = findControlPlane(inventoryFromYaml(yaml))[0]!;
  const autoTls = reader.read('auto-tls');
  assert.equal(autoTls.origin, 'env');
  assert.deepEqual(autoTls.given[0]!.path, ['spec', 'containers', 0, 'env', 0, 'value']);
  assert.equal(autoTls.given[0]!.where, '`ETCD_AUTO_TLS=true` (env[0].value)');
  const cca = reader.read('client-cert-auth');
  assert.equal(cca.origin, 'flag');
  assert.match(cca.note!, /refuse to start/);
  assert.equal(reader.read('cert-file').origin, 'unknown', 'valueFrom: not in the manifest');
  assert.equal(reader.read('peer-auto-tls').origin, 'default');
});

test('envFrom makes absent etcd flags unknown; --config-file (or ETCD_CONFIG_FILE) makes every etcd flag unknown', () => {
  const withEnvFrom = pod({ image: 'x', command: ['etcd'], envFrom: [{ configMapRef: { name: 'etcd-env' } }] });
  assert.match(findControlPlane(inventoryFromYaml(withEnvFrom))[0]!.reader.read('client-cert-auth').unknown!, /configMapRef etcd-env/);
  const withConfig = pod({ image: 'x', command: ['etcd', '--config-file=/etc/etcd/etcd.conf.yml', '--client-cert-auth=true'] });
  const read = findControlPlane(inventoryFromYaml(withConfig))[0]!.reader.read('client-cert-auth');
  assert.equal(read.origin, 'unknown');
  assert.match(read.unknown!, /--config-file=\/etc\/etcd\/etcd\.conf\.yml/);
  const withConfigEnv = pod({ image: 'x', command: ['etcd'], env: [{ name: 'ETCD_CONFIG_FILE', value: '/c.yml' }] });
  assert.equal(findControlPlane(inventoryFromYaml(withConfigEnv))[0]!.reader.read('auto-tls').origin, 'unknown');
});

test('the scheduler\'s --config takes over --profiling only', () => {
  const [cp] = findControlPlane(inventoryFromYaml(pod({ image: 'x', command: ['kube-scheduler', '--config=/etc/kubernetes/sched.yaml', '--profiling=false', '--bind-address=127.0.0.1'] })));
  assert.equal(cp!.reader.read('profiling').origin, 'unknown');
  assert.equal(cp!.reader.read('bind-address').origin, 'flag');
});

test('hosted control planes: any workload kind; only regular containers; results are memoized per object', () => {
  const inventory = inventoryFromYaml(pod({ image: 'registry.k8s.io/kube-apiserver:v1.32.0', command: ['kube-apiserver'] }, 'Deployment'));
  const object = inventory.objects[0]!;
  assert.equal(controlPlaneOf(object).length, 1);
  assert.equal(controlPlaneOf(object), controlPlaneOf(object));
  const init = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { initContainers: [{ name: 'i', image: 'x', command: ['etcd', '--version'] }], containers: [{ name: 'c', image: 'nginx' }] } });
  assert.deepEqual(found(init), []);
});

test('a stray `false` after a boolean flag is pointed out', () => {
  const [cp] = findControlPlane(inventoryFromYaml(pod({ image: 'x', command: ['kube-apiserver', '--profiling', 'false'] })));
  const given = cp!.reader.read('profiling').given[0]!;
  assert.equal(given.value, 'true');
  assert.match(given.hint!, /--profiling=false/);
});
