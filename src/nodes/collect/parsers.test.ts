import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { componentOfArgv, configFromUnit, kubeProxyConfig, mergeLayers, NodeFs, parseCmdline, parseMountinfo, readFlags, resolveInRoot, KUBELET_BOOLEANS, KUBELET_FLAGS } from './index.js';

test('parseCmdline splits on NUL and treats an empty cmdline as a kernel thread', () => {
  assert.deepEqual(parseCmdline('etcd\0--name\0a b\0'), ['etcd', '--name', 'a b']);
  assert.deepEqual(parseCmdline(''), []);
});

test('componentOfArgv goes by the basename of argv[0] and hyperkube subcommands', () => {
  assert.equal(componentOfArgv(['/usr/local/bin/kube-apiserver', '--x']), 'kube-apiserver');
  assert.equal(componentOfArgv(['/hyperkube', 'kubelet']), 'kubelet');
  assert.equal(componentOfArgv(['hyperkube', 'proxy']), 'kube-proxy');
  assert.equal(componentOfArgv(['etcdctl', 'get']), undefined);
  assert.equal(componentOfArgv(['/bin/sh', '-c', 'etcd']), undefined);
});

test('mountinfo: octal escapes, optional fields up to -, super options merged', () => {
  const { mounts, problems } = parseMountinfo('36 35 98:0 /mnt1 /mnt\\0402 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\nbroken line\n', 'mi');
  assert.deepEqual(mounts, [{ mountPoint: '/mnt 2', options: ['rw', 'noatime', 'errors=continue'], fsType: 'ext3', source: '/dev/root', device: '98:0' }]);
  assert.deepEqual(problems, ['mi:2: not a mountinfo line']);
});

test('kubelet flags: booleans bare or with =, last one wins, lists append, gates merge', () => {
  const r = readFlags(['--rotate-certificates', '--read-only-port', '10255', '--read-only-port=0', '--tls-cipher-suites=A,B', '--tls-cipher-suites=C', '--feature-gates=X=true', '--feature-gates=X=false,Y=true', '--anonymous-auth=maybe'], KUBELET_FLAGS, KUBELET_BOOLEANS, 'src', 'kubelet');
  const settings = mergeLayers([{ origin: 'flag', entries: r.entries }]);
  assert.equal(settings.get('rotateCertificates')!.value, true);
  assert.equal(settings.get('readOnlyPort')!.value, 0);
  assert.deepEqual(settings.get('readOnlyPort')!.overridden, [{ value: 10255, origin: 'flag', where: '--read-only-port 10255 (src)' }]);
  assert.deepEqual(settings.get('tlsCipherSuites')!.value, ['A', 'B', 'C']);
  assert.equal(settings.get('featureGates.X')!.value, false);
  assert.equal(settings.get('featureGates.Y')!.value, true);
  assert.deepEqual(r.problems, ['--anonymous-auth=maybe (src): not a valid bool for --anonymous-auth; kubelet would refuse to start']);
});

test('merge patch: null removes, an object over a scalar replaces it, lists are replaced whole', () => {
  const settings = mergeLayers([
    { origin: 'config-file', entries: [{ path: 'clusterDNS', value: ['10.0.0.10', '10.0.0.11'], where: 'c:1' }, { path: 'a.b', value: 1, where: 'c:2' }, { path: 'x', value: 1, where: 'c:3' }] },
    { origin: 'drop-in', entries: [{ path: 'clusterDNS', value: ['10.0.0.12'], where: 'd:1' }, { path: 'a', value: null, where: 'd:2' }, { path: 'x.y', value: 2, where: 'd:3' }] },
  ]);
  assert.deepEqual(settings.get('clusterDNS')!.value, ['10.0.0.12']);
  assert.equal(settings.has('a.b'), false);
  assert.equal(settings.has('x'), false);
  assert.equal(settings.get('x.y')!.value, 2);
});

test('configFromUnit finds --config in kubeadm\'s systemd drop-in, skipping comments', () => {
  assert.deepEqual(configFromUnit('# --config=/old\n[Service]\nEnvironment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"\n'), { config: '/var/lib/kubelet/config.yaml', line: 3 });
  assert.equal(configFromUnit('[Service]\n'), undefined);
});

test('resolveInRoot: absolute links restart at the root, .. stops there, loops end after 40 hops', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-root-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'etc'));
  // /etc/os-release exists on the scanner, not in this root: the link must not reach it.
  fs.symlinkSync('/etc/os-release', path.join(root, 'etc/escape'));
  fs.symlinkSync('loop-b', path.join(root, 'etc/loop-a'));
  fs.symlinkSync('loop-a', path.join(root, 'etc/loop-b'));
  fs.writeFileSync(path.join(root, 'etc/real'), 'x');
  fs.symlinkSync('../../../real', path.join(root, 'etc/up'));
  assert.deepEqual(resolveInRoot(root, '/etc/escape'), { missing: true });
  assert.match((resolveInRoot(root, '/etc/loop-a') as { error: string }).error, /more than 40 symbolic links/);
  assert.deepEqual(resolveInRoot(root, '/etc/up'), { missing: true }); // /real, not /etc/real
  fs.writeFileSync(path.join(root, 'real'), 'y');
  assert.deepEqual(resolveInRoot(root, '/etc/up'), { nodePath: '/real', hostPath: path.join(root, 'real') });
  const notes: string[] = [];
  assert.equal(new NodeFs(root, notes).readText('/etc/escape'), undefined);
});

test('kube-proxy with --config ignores its flags (except --hostname-override)', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-kp-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'var/lib/kube-proxy'), { recursive: true });
  fs.writeFileSync(path.join(root, 'var/lib/kube-proxy/config.conf'), 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmetricsBindAddress: 127.0.0.1:10249\n');
  const instance = { component: 'kube-proxy' as const, from: 'process' as const, env: {}, source: '/proc/7/cmdline', pid: 7,
    argv: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--metrics-bind-address=0.0.0.0:10249', '--bind-address=0.0.0.0', '--hostname-override=n1'] };
  const config = kubeProxyConfig(new NodeFs(root, []), instance)!;
  const metrics = config.settings.get('metricsBindAddress')!;
  assert.deepEqual([metrics.value, metrics.origin, metrics.where], ['127.0.0.1:10249', 'config-file', '/var/lib/kube-proxy/config.conf:3']);
  assert.deepEqual(metrics.overridden, [{ value: '0.0.0.0:10249', origin: 'flag', where: '--metrics-bind-address=0.0.0.0:10249 (/proc/7/cmdline)' }]);
  assert.equal(config.settings.get('hostnameOverride')!.value, 'n1');
  assert.equal(config.settings.has('bindAddress'), false);
  assert.deepEqual(config.problems, ['--bind-address=0.0.0.0 (/proc/7/cmdline): ignored, kube-proxy reads /var/lib/kube-proxy/config.conf (--config), which leaves bindAddress to its default']);
});
