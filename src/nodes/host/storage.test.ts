import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BlockDevice, EffectiveConfig, MountInfo } from '../model.js';
import { fakeSnapshot } from './fake-snapshot.js';
import { mountHolding, resolveNodePath } from './devices.js';
import { kubeletDataEncrypted, rootReadOnly, runtimeDataEncrypted } from './storage.js';

const mount = (mountPoint: string, fsType: string, source: string, device: string, options = ['rw', 'relatime']): MountInfo =>
  ({ mountPoint, fsType, source, device, options });
const dev = (name: string, device: string, dmUuid?: string, slaves: string[] = []): BlockDevice =>
  ({ name, device, slaves, ...(dmUuid ? { dmUuid } : {}) });

const ROOT_RW = mount('/', 'ext4', '/dev/sda1', '8:1');
const LUKS = 'CRYPT-LUKS2-3f1c0f5e8a1b4d2c9e7f6a5b4c3d2e1f-luks-kubelet';

test('KW-NODE-201: ro root passes, rw root fails with the fstab line to write, no mount table is not evaluated', () => {
  assert.equal(rootReadOnly(fakeSnapshot({}, { mounts: [mount('/', 'ext4', '/dev/dm-0', '253:0', ['ro', 'relatime'])] })).status, 'pass');
  // Per-mount `ro` over a `rw` super block is still read-only.
  assert.equal(rootReadOnly(fakeSnapshot({}, { mounts: [mount('/', 'ext4', '/dev/dm-0', '253:0', ['ro', 'relatime', 'rw'])] })).status, 'pass');

  const fstab = '# <fs> <mp> <type> <opts> <dump> <pass>\nUUID=abcd / ext4 errors=remount-ro,rw 0 1\n';
  const weak = rootReadOnly(fakeSnapshot({ '/etc/fstab': fstab }, { mounts: [ROOT_RW], hostname: 'worker-1' }));
  assert.equal(weak.status, 'fail');
  const f = weak.findings[0]!;
  assert.deepEqual(f.resource, { apiVersion: 'v1', kind: 'Node', name: 'worker-1' });
  assert.equal(f.evidence[0]!.value, '/ ext4 rw,relatime (/dev/sda1)');
  assert.deepEqual(f.evidence[1]!.position, { file: '/etc/fstab', line: 2, column: 1 });
  assert.match(f.remediation, /Change line 2 of \/etc\/fstab to `UUID=abcd \/ ext4 ro,errors=remount-ro 0 1`/);

  // A later mount of / (the real root over the initramfs) decides.
  assert.equal(rootReadOnly(fakeSnapshot({}, { mounts: [mount('/', 'rootfs', 'rootfs', '0:1', ['ro']), ROOT_RW] })).status, 'fail');
  // Flatcar: /usr read-only, / writable: still a fail, said so.
  const flatcar = rootReadOnly(fakeSnapshot({}, { mounts: [ROOT_RW, mount('/usr', 'ext4', '/dev/mapper/usr', '253:0', ['ro'])] }));
  assert.match(flatcar.findings[0]!.message, /\/usr is read-only/);

  assert.equal(rootReadOnly(fakeSnapshot()).status, 'not-evaluated');
  assert.equal(rootReadOnly(fakeSnapshot({}, { mounts: [mount('/var', 'ext4', '/dev/sdb1', '8:17')] })).reason, 'the mount table has no entry for /');
});

test('mountHolding takes the longest mount point on a path boundary', () => {
  const mounts = [ROOT_RW, mount('/var/lib', 'ext4', '/dev/sdb1', '8:17'), mount('/var/lib/kube', 'ext4', '/dev/sdc1', '8:33')];
  assert.equal(mountHolding(mounts, '/var/lib/kubelet/pods')?.mountPoint, '/var/lib'); // /var/lib/kube is not a parent
  assert.equal(mountHolding(mounts, '/var/lib/kube')?.mountPoint, '/var/lib/kube');
  assert.equal(mountHolding(mounts, '/etc')?.mountPoint, '/');
});

test('resolveNodePath follows absolute and relative symlinks in any component', () => {
  const snap = fakeSnapshot({
    '/var/lib/docker': { facts: { type: 'symlink', linkTarget: '/data/docker' } },
    '/data/docker/x': '',
    '/opt/link': { facts: { type: 'symlink', linkTarget: '../srv/k' } },
  });
  assert.equal(resolveNodePath(snap, '/var/lib/docker/overlay2'), '/data/docker/overlay2');
  assert.equal(resolveNodePath(snap, '/opt/link'), '/srv/k');
  const loop = fakeSnapshot({ '/a': { facts: { type: 'symlink', linkTarget: '/a' } } });
  assert.equal(resolveNodePath(loop, '/a'), '/a'); // gives up after 40 hops like the kernel
});

const KUBELET_DIR = { '/var/lib/kubelet/config.yaml': 'kind: KubeletConfiguration\n' };

test('KW-NODE-202: sda2 → dm-0 (LUKS2) mounted on /var/lib/kubelet passes', () => {
  const snap = fakeSnapshot(KUBELET_DIR, {
    mounts: [ROOT_RW, mount('/var/lib/kubelet', 'ext4', '/dev/mapper/luks-kubelet', '253:0')],
    blockDevices: [dev('sda', '8:0'), dev('sda2', '8:2'), dev('dm-0', '253:0', LUKS, ['sda2'])],
  });
  const out = kubeletDataEncrypted(snap);
  assert.equal(out.status, 'pass');
  assert.match(out.reason, /dm-0 \(dm-crypt LUKS2\)/);
});

test('KW-NODE-202: LVM on LUKS (dm-1 LVM → dm-0 crypt → sda3) passes; LVM on a plain disk fails', () => {
  const lvmOnLuks = fakeSnapshot(KUBELET_DIR, {
    mounts: [mount('/', 'xfs', '/dev/mapper/vg-root', '253:1')],
    blockDevices: [dev('sda3', '8:3'), dev('dm-0', '253:0', 'CRYPT-LUKS2-aa-luks-sda3', ['sda3']), dev('dm-1', '253:1', 'LVM-abcdef', ['dm-0'])],
  });
  const ok = kubeletDataEncrypted(lvmOnLuks);
  assert.equal(ok.status, 'pass');
  assert.match(ok.reason, /dm-1 \(LVM\) → dm-0 \(dm-crypt LUKS2\)/);

  const lvmPlain = fakeSnapshot(KUBELET_DIR, {
    mounts: [mount('/', 'xfs', '/dev/mapper/vg-root', '253:1')],
    blockDevices: [dev('sda3', '8:3'), dev('dm-1', '253:1', 'LVM-abcdef', ['sda3'])],
  });
  const bad = kubeletDataEncrypted(lvmPlain);
  assert.equal(bad.status, 'fail');
  const f = bad.findings[0]!;
  assert.equal(f.checkId, 'KW-NODE-202');
  assert.equal(f.evidence[0]!.path, '/var/lib/kubelet');
  assert.equal(f.evidence[0]!.value, '/ xfs /dev/mapper/vg-root 253:1');
  assert.match(f.evidence[0]!.detail!, /dm-1 \(LVM\) → sda3/);
  assert.match(f.remediation, /\/dev\/mapper\/kubelet-data \/var\/lib\/kubelet ext4 defaults 0 2/);
});

test('KW-NODE-202: a volume group spanning an encrypted and a plain disk fails; dm-verity is not encryption', () => {
  const spanning = fakeSnapshot(KUBELET_DIR, {
    mounts: [mount('/var/lib/kubelet', 'ext4', '/dev/mapper/vg-k', '253:2')],
    blockDevices: [dev('sda3', '8:3'), dev('sdb', '8:16'), dev('dm-0', '253:0', LUKS, ['sda3']), dev('dm-2', '253:2', 'LVM-x', ['dm-0', 'sdb'])],
  });
  assert.equal(kubeletDataEncrypted(spanning).status, 'fail');
  const verity = fakeSnapshot(KUBELET_DIR, {
    mounts: [mount('/', 'ext4', '/dev/dm-0', '253:0', ['ro'])],
    blockDevices: [dev('nvme0n1p3', '259:3'), dev('dm-0', '253:0', 'CRYPT-VERITY-1234-root', ['nvme0n1p3'])],
  });
  assert.equal(kubeletDataEncrypted(verity).status, 'fail');
});

test('KW-NODE-202: tmpfs, overlay, NFS, missing devices and a missing kubelet are not evaluated, with the reason', () => {
  const on = (m: MountInfo, blockDevices: BlockDevice[] = [dev('sda1', '8:1')]) => kubeletDataEncrypted(fakeSnapshot(KUBELET_DIR, { mounts: [ROOT_RW, m], blockDevices }));
  const tmpfs = on(mount('/var/lib/kubelet', 'tmpfs', 'tmpfs', '0:45'));
  assert.equal(tmpfs.status, 'not-evaluated');
  assert.match(tmpfs.reason, /in memory/);
  assert.match(on(mount('/var/lib', 'overlay', 'overlay', '0:50')).reason, /overlay layers/);
  assert.match(on(mount('/var/lib/kubelet', 'nfs4', 'srv:/k', '0:60')).reason, /network or shared filesystem/);
  assert.match(on(mount('/var/lib/kubelet', 'ext4', '/dev/sdc1', '8:33')).reason, /device 8:33 is not among the block devices/);
  assert.match(on(mount('/var/lib/kubelet', 'ext4', '/dev/sdc1', '8:33'), []).reason, /no block devices were read/);
  assert.match(on(mount('/var/lib/kubelet', 'ext4', '/dev/dm-3', '253:3'), [dev('dm-3', '253:3', 'LVM-q', ['sdz'])]).reason, /stacked on sdz/);
  assert.equal(kubeletDataEncrypted(fakeSnapshot({}, { mounts: [ROOT_RW] })).reason, 'kubelet not running on this node and /var/lib/kubelet does not exist');
});

test('KW-NODE-202: the kubelet --root-dir is the directory checked, and btrfs is matched by its /dev source', () => {
  const setting = { path: 'root-dir', value: '/data/kubelet', origin: 'flag' as const, where: '--root-dir=/data/kubelet (/proc/812/cmdline)' };
  const kubelet: EffectiveConfig = { component: 'kubelet', dropIns: [], settings: new Map(), flagsOnly: new Map([['root-dir', setting]]), problems: [] };
  const snap = fakeSnapshot({ '/data/kubelet/pods/x': '' }, {
    kubelet,
    mounts: [ROOT_RW, mount('/data', 'btrfs', '/dev/sdb1', '0:33')],
    blockDevices: [dev('sda1', '8:1'), dev('sdb1', '8:17')],
  });
  const out = kubeletDataEncrypted(snap);
  assert.equal(out.status, 'fail');
  assert.equal(out.findings[0]!.evidence[0]!.path, '/data/kubelet');
  const missing = kubeletDataEncrypted(fakeSnapshot({}, { kubelet, mounts: [ROOT_RW] }));
  assert.match(missing.reason, /root directory \/data\/kubelet \(--root-dir=\/data\/kubelet/);
});

test('KW-NODE-203: each existing runtime directory is checked; the configured root wins over the default', () => {
  const devices = [dev('sda1', '8:1'), dev('sdb1', '8:17'), dev('dm-0', '253:0', LUKS, ['sdb1'])];
  const encrypted = fakeSnapshot({ '/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db': '' }, {
    mounts: [ROOT_RW, mount('/var/lib/containerd', 'ext4', '/dev/mapper/luks-c', '253:0')], blockDevices: devices,
  });
  assert.equal(runtimeDataEncrypted(encrypted).status, 'pass');

  const docker = fakeSnapshot({
    '/etc/docker/daemon.json': '{ "data-root": "/srv/docker" }',
    '/srv/docker/overlay2/l': '',
    '/var/lib/containerd/x': '',
  }, { mounts: [ROOT_RW, mount('/var/lib/containerd', 'ext4', '/dev/mapper/luks-c', '253:0')], blockDevices: devices });
  const out = runtimeDataEncrypted(docker);
  assert.equal(out.status, 'fail');
  assert.equal(out.findings.length, 1);
  assert.equal(out.findings[0]!.evidence[0]!.path, '/srv/docker');

  const containerdRoot = fakeSnapshot({
    '/etc/containerd/config.toml': 'version = 2\nroot = "/mnt/containerd"\n[plugins]\n  root = "/ignored"\n',
    '/mnt/containerd/x': '',
  }, { mounts: [ROOT_RW, mount('/mnt/containerd', 'ext4', '/dev/mapper/luks-c', '253:0')], blockDevices: devices });
  assert.match(runtimeDataEncrypted(containerdRoot).reason, /^\/mnt\/containerd is on \/mnt\/containerd/);

  const crio = fakeSnapshot({
    '/etc/containers/storage.conf': '[storage]\ndriver = "overlay"\ngraphroot = "/var/lib/containers/storage"\n',
    '/var/lib/containers/storage/x': '',
  }, { mounts: [ROOT_RW, mount('/var/lib/containers/storage', 'tmpfs', 'tmpfs', '0:40')], blockDevices: devices });
  assert.equal(runtimeDataEncrypted(crio).status, 'not-evaluated');

  assert.match(runtimeDataEncrypted(fakeSnapshot({}, { mounts: [ROOT_RW] })).reason, /no container runtime data directory/);
});
