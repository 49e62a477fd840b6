import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectNode } from './index.js';

// A fixture node: root filesystem and /proc built in a temp dir, modes and owners set here.

interface Fixture { base: string; root: string; proc: string; sys: string }

function write(file: string, text: string, mode = 0o644, uid = 0, gid = 0): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  fs.chmodSync(file, mode);
  fs.chownSync(file, uid, gid);
}

const KUBELET_CONFIG = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
readOnlyPort: 0
staticPodPath: /etc/kubernetes/manifests
featureGates:
  RotateKubeletServerCertificate: true
  SomeGate: true
`;

const APISERVER = `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.31.2
    command:
    - kube-apiserver
    - --anonymous-auth=false
    - --etcd-servers=https://127.0.0.1:2379
`;

const SCHEDULER = `apiVersion: v1
kind: Pod
metadata:
  name: kube-scheduler
  namespace: kube-system
spec:
  containers:
  - name: kube-scheduler
    image: registry.k8s.io/kube-scheduler:v1.31.2
    command: [kube-scheduler, --profiling=false]
`;

function buildFixture(): Fixture {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-node-'));
  const root = path.join(base, 'root');
  const proc = path.join(base, 'proc');
  const sys = path.join(base, 'sys');
  write(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\netcd:x:998:998:etcd user:/var/lib/etcd:/usr/sbin/nologin\nnopw::1001:1001::/home/nopw:/bin/sh\n');
  write(path.join(root, 'etc/shadow'), 'root:$6$salt$hash:19000:0:99999:7:::\netcd:!:19000::::::\n', 0o640);
  write(path.join(root, 'etc/group'), 'root:x:0:\nshadow:x:42:\netcd:x:998:\n');
  write(path.join(root, 'etc/hostname'), 'cp-1\n');
  // /etc/kubernetes is group-writable: a parent that makes its files unsafe.
  write(path.join(root, 'etc/kubernetes/admin.conf'), 'apiVersion: v1\nkind: Config\n', 0o600);
  fs.chmodSync(path.join(root, 'etc/kubernetes'), 0o775);
  write(path.join(root, 'var/lib/etcd/member/snap/db'), 'x', 0o600, 998, 998);
  fs.chownSync(path.join(root, 'var/lib/etcd'), 998, 998);
  fs.chmodSync(path.join(root, 'var/lib/etcd'), 0o700);
  write(path.join(root, 'etc/kubernetes/pki/ca.crt'), 'CA');
  write(path.join(root, 'etc/kubernetes/pki/ca.key'), 'KEY', 0o600);
  write(path.join(root, 'etc/kubernetes/pki/sa.key'), 'KEY', 0o600);
  write(path.join(root, 'etc/kubernetes/pki/etcd/server.crt'), 'CRT');
  // A host symlink with an absolute target: it must resolve inside the root, never to the scanner's /etc.
  write(path.join(root, 'opt/secret-target/hosts'), 'node hosts file\n');
  fs.symlinkSync('/opt/secret-target/hosts', path.join(root, 'etc/hosts-link'));
  fs.symlinkSync('../../../../../../../etc/hostname', path.join(root, 'etc/climbing-link'));
  write(path.join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml'), APISERVER, 0o600);
  write(path.join(root, 'etc/kubernetes/manifests/kube-scheduler.yaml'), SCHEDULER, 0o600);
  write(path.join(root, 'var/lib/kubelet/config.yaml'), KUBELET_CONFIG, 0o600);
  write(path.join(root, 'etc/kubernetes/kubelet.conf.d/10-first.conf'), 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 10255\nmaxPods: 50\n');
  write(path.join(root, 'etc/kubernetes/kubelet.conf.d/20-second.conf'), 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmaxPods: 80\nfeatureGates:\n  SomeGate: false\n');
  write(path.join(root, 'etc/kubernetes/kubelet.conf.d/README'), 'not a drop-in: no .conf suffix\nmaxPods: 1\n');
  // /proc
  const cmd = (pid: number, argv: string[], environ?: string[]): void => {
    write(path.join(proc, String(pid), 'cmdline'), argv.map((a) => `${a}\0`).join(''));
    if (environ) write(path.join(proc, String(pid), 'environ'), environ.map((e) => `${e}\0`).join(''));
  };
  cmd(2, []); // a kernel thread: empty cmdline
  cmd(812, ['/usr/bin/kubelet', '--config=/var/lib/kubelet/config.yaml', '--config-dir', '/etc/kubernetes/kubelet.conf.d', '--anonymous-auth=true', '--kubeconfig=/etc/kubernetes/kubelet.conf', '--feature-gates=SomeGate=true,Other=false', '--make-iptables-util-chains']);
  cmd(900, ['kube-apiserver', '--anonymous-auth=false', '--authorization-mode=Node,RBAC']);
  cmd(901, ['/usr/bin/etcdctl', 'get', '/registry']);
  cmd(902, ['/usr/local/bin/etcd', '--data-dir=/var/lib/etcd'], ['ETCD_CLIENT_CERT_AUTH=true', 'PATH=/usr/bin']);
  write(path.join(proc, '1/mountinfo'), [
    '22 1 253:1 / / ro,relatime shared:1 - ext4 /dev/mapper/luks-root rw,errors=remount-ro',
    '30 22 8:2 / /var/lib/my\\040data rw,nosuid,nodev shared:5 master:2 - xfs /dev/sda2 rw,attr2',
  ].join('\n') + '\n');
  write(path.join(proc, 'cpuinfo'), 'processor\t: 0\nflags\t\t: fpu vme sme sev sev_es\n\nprocessor\t: 1\nflags\t\t: fpu\n');
  write(path.join(proc, 'cmdline'), 'BOOT_IMAGE=/vmlinuz mem_encrypt=on\n');
  write(path.join(sys, 'class/block/dm-0/dev'), '253:0\n');
  write(path.join(sys, 'class/block/dm-0/dm/uuid'), 'CRYPT-LUKS2-abc-luks-root\n');
  fs.mkdirSync(path.join(sys, 'class/block/dm-0/slaves/sda3'), { recursive: true });
  write(path.join(sys, 'class/block/sda/dev'), '8:0\n');
  return { base, root, proc, sys };
}

test('collectNode reads a fixture control-plane node', async (t) => {
  const f = buildFixture();
  t.after(() => fs.rmSync(f.base, { recursive: true, force: true }));
  const node = await collectNode({ root: f.root, proc: f.proc, sys: f.sys });

  assert.equal(node.hostname, 'cp-1');
  assert.deepEqual(node.kubernetesVersion, { version: '1.31.2', source: `image registry.k8s.io/kube-apiserver:v1.31.2 in /etc/kubernetes/manifests/kube-apiserver.yaml` });

  // Processes: kernel thread skipped, etcdctl is not etcd, etcd's environment read.
  assert.deepEqual(node.processes.map((p) => p.pid), [812, 900, 901, 902]);
  const byComponent = new Map(node.components.map((c) => [c.component, c]));
  assert.deepEqual([...byComponent.keys()].sort(), ['etcd', 'kube-apiserver', 'kube-scheduler', 'kubelet']);
  assert.equal(byComponent.get('etcd')!.env.ETCD_CLIENT_CERT_AUTH, 'true');
  assert.equal(byComponent.get('etcd')!.source, path.join(f.proc, '902/cmdline'));
  assert.equal(byComponent.get('kube-apiserver')!.from, 'process'); // a process and a manifest: the process
  const scheduler = byComponent.get('kube-scheduler')!;
  assert.equal(scheduler.from, 'static-pod'); // manifest, no process
  assert.deepEqual(scheduler.argv, ['kube-scheduler', '--profiling=false']);
  assert.equal(scheduler.source, '/etc/kubernetes/manifests/kube-scheduler.yaml:8');
  assert.equal(node.staticPods.length, 2);

  // Kubelet: flag beats config file; drop-ins in order; feature gates merged per gate.
  const kubelet = node.kubelet!;
  assert.equal(kubelet.configFile, '/var/lib/kubelet/config.yaml');
  assert.deepEqual(kubelet.dropIns, ['/etc/kubernetes/kubelet.conf.d/10-first.conf', '/etc/kubernetes/kubelet.conf.d/20-second.conf']);
  const anon = kubelet.settings.get('authentication.anonymous.enabled')!;
  assert.equal(anon.value, true);
  assert.equal(anon.origin, 'flag');
  assert.equal(anon.where, `--anonymous-auth=true (${path.join(f.proc, '812/cmdline')})`);
  assert.deepEqual(anon.overridden, [{ value: false, origin: 'config-file', where: '/var/lib/kubelet/config.yaml:5' }]);
  assert.deepEqual(kubelet.settings.get('readOnlyPort'), {
    path: 'readOnlyPort', value: 10255, origin: 'drop-in', where: '/etc/kubernetes/kubelet.conf.d/10-first.conf:3',
    overridden: [{ value: 0, origin: 'config-file', where: '/var/lib/kubelet/config.yaml:8' }],
  });
  const maxPods = kubelet.settings.get('maxPods')!;
  assert.equal(maxPods.value, 80);
  assert.equal(maxPods.where, '/etc/kubernetes/kubelet.conf.d/20-second.conf:3');
  assert.deepEqual(maxPods.overridden, [{ value: 50, origin: 'drop-in', where: '/etc/kubernetes/kubelet.conf.d/10-first.conf:4' }]);
  const someGate = kubelet.settings.get('featureGates.SomeGate')!;
  assert.equal(someGate.value, true);
  assert.deepEqual(someGate.overridden!.map((o) => [o.value, o.origin]), [[true, 'config-file'], [false, 'drop-in']]);
  assert.equal(kubelet.settings.get('featureGates.RotateKubeletServerCertificate')!.value, true);
  assert.equal(kubelet.settings.get('featureGates.Other')!.value, false);
  assert.equal(kubelet.settings.get('makeIPTablesUtilChains')!.value, true);
  assert.equal(kubelet.settings.get('authentication.x509.clientCAFile')!.value, '/etc/kubernetes/pki/ca.crt');
  assert.equal(kubelet.flagsOnly.get('kubeconfig')!.value, '/etc/kubernetes/kubelet.conf');
  assert.ok(kubelet.flagsOnly.has('config') && kubelet.flagsOnly.has('config-dir'));
  assert.deepEqual(kubelet.problems, []);
  assert.equal(node.kubeProxy, undefined);

  // Files: node names for owners (etcd uid 998 is not on the scanner), parents `/` first.
  const etcdDir = node.stat('/var/lib/etcd')!;
  assert.deepEqual([etcdDir.file.user, etcdDir.file.group, etcdDir.file.mode, etcdDir.file.type], ['etcd', 'etcd', 0o700, 'dir']);
  const admin = node.stat('/etc/kubernetes/admin.conf')!;
  assert.equal(admin.file.mode, 0o600);
  assert.deepEqual(admin.parents.map((p) => p.path), ['/', '/etc', '/etc/kubernetes']);
  assert.equal(admin.parents[2]!.mode, 0o775);
  assert.equal(admin.parents[2]!.user, 'root');
  assert.equal(node.stat('/etc/nope'), undefined);

  // Symlinks stay inside the root.
  const link = node.readText('/etc/hosts-link')!;
  assert.equal(link.text, 'node hosts file\n');
  assert.equal(link.facts.type, 'symlink');
  assert.equal(link.facts.linkTarget, '/opt/secret-target/hosts');
  assert.deepEqual(node.stat('/etc/hosts-link')!.parents.map((p) => p.path), ['/', '/opt', '/opt/secret-target']);
  assert.equal(node.readText('/etc/climbing-link')!.text, 'cp-1\n');

  assert.deepEqual(node.glob('/etc/kubernetes/pki/*.key'), ['/etc/kubernetes/pki/ca.key', '/etc/kubernetes/pki/sa.key']);
  assert.deepEqual(node.glob('/etc/kubernetes/pki/etcd/*.crt'), ['/etc/kubernetes/pki/etcd/server.crt']);
  assert.deepEqual(node.glob('/etc/kubernetes/pki/c?.*'), ['/etc/kubernetes/pki/ca.crt', '/etc/kubernetes/pki/ca.key']);

  // Accounts and groups from the node's files.
  assert.deepEqual(node.accounts.map((a) => [a.name, a.uid, a.password, a.source]), [
    ['root', 0, 'set', '/etc/passwd:1, /etc/shadow:1'],
    ['etcd', 998, 'locked', '/etc/passwd:2, /etc/shadow:2'],
    ['nopw', 1001, 'empty', '/etc/passwd:3'],
  ]);
  assert.equal(node.groups.get(42), 'shadow');

  // Host facts.
  assert.deepEqual(node.mounts[0], { mountPoint: '/', options: ['ro', 'relatime', 'rw', 'errors=remount-ro'], fsType: 'ext4', source: '/dev/mapper/luks-root', device: '253:1' });
  assert.equal(node.mounts[1]!.mountPoint, '/var/lib/my data');
  assert.deepEqual(node.blockDevices, [
    { name: 'dm-0', device: '253:0', dmUuid: 'CRYPT-LUKS2-abc-luks-root', slaves: ['sda3'] },
    { name: 'sda', device: '8:0', slaves: [] },
  ]);
  assert.deepEqual(node.cpuFlags, ['fpu', 'vme', 'sme', 'sev', 'sev_es']);
  assert.equal(node.kernelCmdline, 'BOOT_IMAGE=/vmlinuz mem_encrypt=on');
});

test('a stopped node: kubelet config from the kubeadm drop-in, components from manifests', async (t) => {
  const f = buildFixture();
  t.after(() => fs.rmSync(f.base, { recursive: true, force: true }));
  fs.rmSync(f.proc, { recursive: true });
  fs.mkdirSync(f.proc);
  write(path.join(f.root, 'etc/systemd/system/kubelet.service.d/10-kubeadm.conf'), '[Service]\nEnvironment="KUBELET_KUBECONFIG_ARGS=--kubeconfig=/etc/kubernetes/kubelet.conf"\nEnvironment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"\n');
  const node = await collectNode({ root: f.root, proc: f.proc, sys: f.sys, hostname: 'given' });
  assert.equal(node.hostname, 'given');
  assert.deepEqual(node.components.map((c) => [c.component, c.from]), [['kube-apiserver', 'static-pod'], ['kube-scheduler', 'static-pod']]);
  assert.equal(node.components[0]!.source, '/etc/kubernetes/manifests/kube-apiserver.yaml:8');
  const anon = node.kubelet!.settings.get('authentication.anonymous.enabled')!;
  assert.deepEqual([anon.value, anon.origin], [false, 'config-file']);
  assert.equal(anon.where, '/var/lib/kubelet/config.yaml:5 (kubelet not running; --config from /etc/systemd/system/kubelet.service.d/10-kubeadm.conf:3)');
  assert.deepEqual(node.kubelet!.dropIns, []);
  assert.ok(node.notes.some((n) => n.includes('mountinfo')));
});

test('without the drop-in, the kubeadm default config path is used and says so', async (t) => {
  const f = buildFixture();
  t.after(() => fs.rmSync(f.base, { recursive: true, force: true }));
  fs.rmSync(path.join(f.proc, '812'), { recursive: true });
  const node = await collectNode({ root: f.root, proc: f.proc, sys: f.sys });
  assert.equal(node.kubelet!.settings.get('readOnlyPort')!.where, '/var/lib/kubelet/config.yaml:8 (kubelet not running; kubeadm default path)');
});
