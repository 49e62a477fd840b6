import type { BlockDevice, MountInfo, NodeSnapshot } from '../model.js';

// Which mount holds a node path, and whether the block device under it is encrypted: the one
// helper KW-NODE-202 (kubelet data) and KW-NODE-203 (runtime data) share.

/** The mount that holds `path`: the longest mount point that is `path` or above it; of equal ones the last (mounted on top). */
export function mountHolding(mounts: readonly MountInfo[], path: string): MountInfo | undefined {
  let best: MountInfo | undefined;
  for (const mount of mounts) {
    const mp = mount.mountPoint;
    const holds = mp === '/' || path === mp || path.startsWith(`${mp}/`);
    if (holds && (!best || mp.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}

const MAX_LINKS = 40; // the kernel's ELOOP limit

/** `path` with every symlinked component replaced by its target, as the node would resolve it. */
export function resolveNodePath(snapshot: NodeSnapshot, path: string): string {
  let parts = path.split('/').filter((p) => p !== '');
  let resolved: string[] = [];
  for (let hops = 0, i = 0; i < parts.length;) {
    const candidate = `/${[...resolved, parts[i]!].join('/')}`;
    const target = snapshot.stat(candidate)?.file.linkTarget;
    if (target !== undefined && hops++ < MAX_LINKS) {
      const base = target.startsWith('/') ? [] : resolved;
      parts = [...base, ...target.split('/').filter((p) => p !== ''), ...parts.slice(i + 1)];
      resolved = [];
      i = 0;
      continue;
    }
    if (parts[i] === '..') resolved.pop();
    else if (parts[i] !== '.') resolved.push(parts[i]!);
    i++;
  }
  return `/${resolved.join('/')}`;
}

/** Filesystems with no local block device of their own, and why the check cannot judge them. */
function notOnBlockDevice(fsType: string): string | undefined {
  if (fsType === 'tmpfs' || fsType === 'ramfs') return 'it is in memory (lost at reboot; encrypted only if swap is)';
  if (fsType === 'overlay') return 'overlay layers live on other filesystems, not one block device';
  if (['nfs', 'nfs4', 'cifs', 'smb3', 'ceph', 'glusterfs', '9p', 'virtiofs', 'lustre'].includes(fsType) || fsType.startsWith('fuse')) {
    return 'it is a network or shared filesystem: encryption is the server\'s business and cannot be seen from the node';
  }
  if (fsType === 'zfs') return 'ZFS native encryption is a dataset property, not visible in /sys';
  return undefined;
}

/** device-mapper targets whose uuid starts with `CRYPT-` but do not encrypt (cryptsetup's dm-verity, dm-integrity, LUKS2 integrity sub-device). */
const CRYPT_NOT_ENCRYPTING = ['CRYPT-VERITY-', 'CRYPT-INTEGRITY-', 'CRYPT-SUBDEV-'];

export function isDmCrypt(device: BlockDevice): boolean {
  const uuid = device.dmUuid ?? '';
  return uuid.startsWith('CRYPT-') && !CRYPT_NOT_ENCRYPTING.some((p) => uuid.startsWith(p));
}

/** `dm-0 (dm-crypt LUKS2)`, `dm-1 (LVM)`, `sda3`. */
export function deviceLabel(device: BlockDevice): string {
  const uuid = device.dmUuid;
  if (!uuid) return device.name;
  if (isDmCrypt(device)) return `${device.name} (dm-crypt ${uuid.split('-')[1]})`;
  const kind = uuid.startsWith('LVM-') ? 'LVM' : uuid.startsWith('CRYPT-') ? `dm-${uuid.split('-')[1]!.toLowerCase()}` : uuid.startsWith('mpath-') ? 'multipath' : `dm ${uuid.split('-')[0]}`;
  return `${device.name} (${kind})`;
}

type ChainWalk = { kind: 'encrypted' | 'plain'; chain: string[] } | { kind: 'unknown'; reason: string };

/**
 * Walks from `device` down through its slaves. Encrypted when every path down to a disk passes a
 * dm-crypt device (one path for LUKS, LVM-on-LUKS; several for LVM or RAID over several disks).
 */
function walkDown(byName: ReadonlyMap<string, BlockDevice>, device: BlockDevice, depth: number): ChainWalk {
  const here = deviceLabel(device);
  if (isDmCrypt(device)) return { kind: 'encrypted', chain: [here] };
  if (device.slaves.length === 0 || depth > 16) return { kind: 'plain', chain: [here] };
  const below: string[] = [];
  let encrypted = true;
  for (const name of device.slaves) {
    const slave = byName.get(name);
    if (!slave) return { kind: 'unknown', reason: `${device.name} is stacked on ${name}, which is not among the block devices read` };
    const walk = walkDown(byName, slave, depth + 1);
    if (walk.kind === 'unknown') return walk;
    if (walk.kind === 'plain') encrypted = false;
    below.push(walk.chain.join(' → '));
  }
  const rest = below.length === 1 ? below[0]! : `[${below.join(' | ')}]`;
  return { kind: encrypted ? 'encrypted' : 'plain', chain: [here, rest] };
}

function deviceOfMount(snapshot: NodeSnapshot, mount: MountInfo): BlockDevice | undefined {
  const byDevice = snapshot.blockDevices.find((d) => d.device === mount.device);
  if (byDevice) return byDevice;
  // btrfs reports an anonymous 0:N device: fall back to the source's /dev name.
  const name = mount.source.startsWith('/dev/') && !mount.source.startsWith('/dev/mapper/') ? mount.source.slice('/dev/'.length) : undefined;
  return name === undefined ? undefined : snapshot.blockDevices.find((d) => d.name === name);
}

/** A data directory on a block device: the device chain from its mount down to the disk. */
export interface OnDevice { status: 'encrypted' | 'plain'; path: string; resolved: string; mount: MountInfo; chain: string }
export type DataEncryption = OnDevice | { status: 'unknown'; path: string; reason: string; mount?: MountInfo };

/** Whether the node path `path` (symlinks followed) is stored on a dm-crypt device. */
export function dataEncryption(snapshot: NodeSnapshot, path: string): DataEncryption {
  const resolved = resolveNodePath(snapshot, path);
  const via = resolved === path ? '' : ` (${path} resolves to ${resolved})`;
  if (snapshot.mounts.length === 0) return { status: 'unknown', path, reason: `no mount table was read, so the filesystem holding ${path} is unknown` };
  const mount = mountHolding(snapshot.mounts, resolved);
  if (!mount) return { status: 'unknown', path, reason: `no mount holds ${resolved}${via}` };
  const on = `${resolved}${via} is on ${mount.mountPoint} (${mount.fsType} from ${mount.source}, device ${mount.device})`;
  const noBlock = notOnBlockDevice(mount.fsType);
  if (noBlock) return { status: 'unknown', path, mount, reason: `${on}: ${noBlock}` };
  if (snapshot.blockDevices.length === 0) return { status: 'unknown', path, mount, reason: `${on}, but no block devices were read (/sys/class/block not readable)` };
  const device = deviceOfMount(snapshot, mount);
  if (!device) return { status: 'unknown', path, mount, reason: `${on}, but device ${mount.device} is not among the block devices read from /sys/class/block` };
  const byName = new Map(snapshot.blockDevices.map((d) => [d.name, d]));
  const walk = walkDown(byName, device, 0);
  if (walk.kind === 'unknown') return { status: 'unknown', path, mount, reason: `${on}: ${walk.reason}` };
  return { status: walk.kind, path, resolved, mount, chain: `${on}: ${walk.chain.join(' → ')}` } satisfies OnDevice;
}
