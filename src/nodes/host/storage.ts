import type { Finding } from '../../core/finding.js';
import type { MountInfo, NodeSnapshot } from '../model.js';
import { dataEncryption, type DataEncryption, type OnDevice } from './devices.js';
import { KUBELET_DATA_ENCRYPTED, ROOT_READ_ONLY, RUNTIME_DATA_ENCRYPTED } from './meta.js';
import { fail, hostFinding, nodeEvidence, notEvaluated, pass, type HostOutcome } from './result.js';
import type { CheckMeta } from '../../core/catalog.js';

// KW-NODE-201 (read-only root), KW-NODE-202 (kubelet data encrypted), KW-NODE-203 (runtime data encrypted).

/** Where the mount table was read: pid 1's, which with the host PID namespace is the node's. */
const mountinfoPath = (snapshot: NodeSnapshot): string => `${snapshot.proc}/1/mountinfo`;

const mountValue = (m: MountInfo): string => `${m.mountPoint} ${m.fsType} ${m.options.join(',')} (${m.source})`;

/** The /etc/fstab line mounting `/`, and the same line with `ro` instead of `rw`/`defaults`. */
function fstabRootFix(snapshot: NodeSnapshot): { line: number; text: string; fixed: string } | undefined {
  const lines = snapshot.readText('/etc/fstab')?.text.split('\n') ?? [];
  for (const [index, text] of lines.entries()) {
    const fields = text.trim().split(/\s+/);
    if (fields[0]?.startsWith('#') || fields[1] !== '/' || fields.length < 4) continue;
    const options = fields[3]!.split(',').filter((o) => o !== 'rw' && o !== 'ro');
    fields[3] = ['ro', ...options].join(',');
    return { line: index + 1, text: text.trim(), fixed: fields.join(' ') };
  }
  return undefined;
}

export function rootReadOnly(snapshot: NodeSnapshot): HostOutcome {
  const roots = snapshot.mounts.filter((m) => m.mountPoint === '/');
  const root = roots[roots.length - 1]; // a later mount of / hides the earlier ones
  if (!root) return notEvaluated(snapshot.mounts.length === 0 ? 'no mount table was read' : 'the mount table has no entry for /');
  // Per-mount and super-block options are listed together: `ro` in either makes writes fail.
  if (root.options.includes('ro')) return pass(`/ is mounted read-only (${mountValue(root)})`);
  const usr = snapshot.mounts.filter((m) => m.mountPoint === '/usr').pop();
  const usrNote = usr?.options.includes('ro') ? '; /usr is read-only, but the rest of / can be changed' : '';
  const fix = fstabRootFix(snapshot);
  const evidence = [nodeEvidence(mountinfoPath(snapshot), `/ is mounted ${root.options.includes('rw') ? 'read-write' : 'without ro'}${usrNote}`, { value: mountValue(root) })];
  if (fix) evidence.push(nodeEvidence('/etc/fstab', 'the fstab entry for / does not mount it read-only', { value: fix.text, line: fix.line }));
  const remediation = fix
    ? `Change line ${fix.line} of /etc/fstab to \`${fix.fixed}\`, boot with \`ro\` on the kernel command line and move writable state to separate mounts; or run an immutable node OS (Bottlerocket, Talos, Flatcar).`
    : ROOT_READ_ONLY.remediation;
  return fail(`/ is mounted read-write (${root.fsType} from ${root.source})`,
    [hostFinding(ROOT_READ_ONLY, snapshot, `The root filesystem of node ${snapshot.hostname} is mounted read-write${usrNote}.`, evidence, { remediation })]);
}

/** The outcome of one or more data directories' encryption, failing when any is on a plain device. */
function encryptionOutcome(meta: CheckMeta, snapshot: NodeSnapshot, what: string, results: DataEncryption[]): HostOutcome {
  const plain = results.filter((r): r is OnDevice => r.status === 'plain');
  const unknown = results.flatMap((r) => (r.status === 'unknown' ? [r] : []));
  if (plain.length > 0) {
    const findings: Finding[] = plain.map((r) => hostFinding(meta, snapshot,
      `${what} ${r.path} on node ${snapshot.hostname} is on ${r.mount.source}, which is not encrypted with dm-crypt.`,
      [nodeEvidence(r.path, `${r.chain}: no dm-crypt device on the way down to the disk`, { value: `${r.mount.mountPoint} ${r.mount.fsType} ${r.mount.source} ${r.mount.device}` })],
      { remediation: `Move ${r.resolved} to a LUKS2 volume: \`cryptsetup luksFormat --type luks2 /dev/DEVICE\`, add \`${shortName(r.path)} UUID=<luks uuid> none luks\` to /etc/crypttab and \`/dev/mapper/${shortName(r.path)} ${r.resolved} ext4 defaults 0 2\` to /etc/fstab. Disk encryption by a cloud provider (EBS, Persistent Disk) is invisible from the node: record an exception if it is in place.` }));
    return fail(plain.map((r) => `${r.path} is not on an encrypted device`).join('; '), findings);
  }
  if (unknown.length > 0) return notEvaluated(unknown.map((r) => r.reason).join('; '));
  return pass(results.map((r) => (r.status === 'encrypted' ? r.chain : '')).join('; '));
}

const shortName = (path: string): string => `${path.split('/').filter((p) => p !== '').pop() ?? 'data'}-data`;

const DEFAULT_KUBELET_ROOT = '/var/lib/kubelet';

/** The kubelet's `--root-dir` (flag only, no config-file field), or the default. */
export function kubeletRootDir(snapshot: NodeSnapshot): { path: string; from: string } {
  const flag = snapshot.kubelet?.flagsOnly.get('root-dir') ?? snapshot.kubelet?.flagsOnly.get('--root-dir');
  if (flag && typeof flag.value === 'string' && flag.value.startsWith('/')) return { path: flag.value, from: flag.where };
  return { path: DEFAULT_KUBELET_ROOT, from: 'default' };
}

export function kubeletDataEncrypted(snapshot: NodeSnapshot): HostOutcome {
  const root = kubeletRootDir(snapshot);
  if (!snapshot.stat(root.path)) {
    const running = snapshot.kubelet || snapshot.components.some((c) => c.component === 'kubelet');
    return notEvaluated(running ? `the kubelet's root directory ${root.path} (${root.from}) does not exist on the node` : `kubelet not running on this node and ${root.path} does not exist`);
  }
  return encryptionOutcome(KUBELET_DATA_ENCRYPTED, snapshot, 'kubelet data', [dataEncryption(snapshot, root.path)]);
}

/** Value of `--name=value` or `--name value` in argv. */
function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i]!.startsWith(`${name}=`)) return argv[i]!.slice(name.length + 1);
  }
  return undefined;
}

const TOML_STRING = (key: string): RegExp => new RegExp(`^\\s*${key}\\s*=\\s*["']([^"']+)["']`);

/** containerd's top-level `root` (before any [table]) in its config. */
function containerdConfigRoot(snapshot: NodeSnapshot): string | undefined {
  for (const line of snapshot.readText('/etc/containerd/config.toml')?.text.split('\n') ?? []) {
    if (/^\s*\[/.test(line)) return undefined;
    const m = TOML_STRING('root').exec(line);
    if (m) return m[1];
  }
  return undefined;
}

function dockerConfigRoot(snapshot: NodeSnapshot): string | undefined {
  const text = snapshot.readText('/etc/docker/daemon.json')?.text;
  if (text === undefined) return undefined;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const root = json['data-root'] ?? json['graph'];
    return typeof root === 'string' ? root : undefined;
  } catch {
    return undefined; // dockerd refuses a bad daemon.json; the default directory is still checked
  }
}

/** containers-storage's `graphroot` in the [storage] table (CRI-O, Podman). */
function containersStorageRoot(snapshot: NodeSnapshot): string | undefined {
  let inStorage = false;
  for (const line of snapshot.readText('/etc/containers/storage.conf')?.text.split('\n') ?? []) {
    const table = /^\s*\[([^\]]+)\]/.exec(line);
    if (table) { inStorage = table[1]!.trim() === 'storage'; continue; }
    const m = inStorage ? TOML_STRING('graphroot').exec(line) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** The runtime data directories that exist on the node: configured roots, or the defaults. */
export function runtimeDataDirs(snapshot: NodeSnapshot): string[] {
  const argvOf = (name: string): readonly string[] | undefined => snapshot.processes.find((p) => p.argv[0]?.split('/').pop() === name)?.argv;
  const containerd = flagValue(argvOf('containerd') ?? [], '--root') ?? containerdConfigRoot(snapshot) ?? '/var/lib/containerd';
  const docker = flagValue(argvOf('dockerd') ?? [], '--data-root') ?? dockerConfigRoot(snapshot) ?? '/var/lib/docker';
  const storage = containersStorageRoot(snapshot) ?? '/var/lib/containers';
  const candidates = [containerd, docker, storage, '/var/lib/crio'].filter((p) => p.startsWith('/'));
  return [...new Set(candidates)].filter((p) => snapshot.stat(p) !== undefined);
}

export function runtimeDataEncrypted(snapshot: NodeSnapshot): HostOutcome {
  const dirs = runtimeDataDirs(snapshot);
  if (dirs.length === 0) return notEvaluated('no container runtime data directory (containerd, Docker, CRI-O/Podman) exists on the node');
  return encryptionOutcome(RUNTIME_DATA_ENCRYPTED, snapshot, 'container runtime data', dirs.map((d) => dataEncryption(snapshot, d)));
}
