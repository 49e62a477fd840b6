import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// A real Debian 12 image for end-to-end tests: debootstrap builds a minbase rootfs once (about 40 s)
// and caches it as a tar; umoci turns a rootfs into an OCI layout; skopeo pushes it to a registry.
// dpkg-query over the rootfs's own database is the oracle the scanner's results are checked against.

const run = promisify(execFile);
const BIG_OUTPUT = 64 * 1024 * 1024;

export const DEBIAN_CACHE_NAME = 'debian-bookworm-minbase.tar';

export function testCacheDir(): string {
  return process.env.KUBEWARD_TEST_CACHE || path.join(os.homedir(), '.cache', 'kubeward-test');
}

/** KUBEWARD_DEBIAN_MIRROR, else the first `URIs:` of the machine's deb822 sources, else deb.debian.org. */
export async function debianMirror(): Promise<string> {
  if (process.env.KUBEWARD_DEBIAN_MIRROR) return process.env.KUBEWARD_DEBIAN_MIRROR;
  const sources = await readFile('/etc/apt/sources.list.d/debian.sources', 'utf8').catch(() => '');
  const uri = /^URIs:\s*(\S+)/m.exec(sources)?.[1];
  return uri ?? 'http://deb.debian.org/debian';
}

let cachedTar: Promise<string> | undefined;

/** Path of the cached rootfs tar, built on first use; callers in one process share one build. */
export function debianRootfsTar(): Promise<string> {
  cachedTar ??= ensureRootfsTar().catch((error: unknown) => {
    cachedTar = undefined; // let a later caller retry after a transient mirror failure
    throw error;
  });
  return cachedTar;
}

async function ensureRootfsTar(): Promise<string> {
  const cacheDir = testCacheDir();
  const target = path.join(cacheDir, DEBIAN_CACHE_NAME);
  if (await exists(target)) return target;
  await mkdir(cacheDir, { recursive: true });
  // Built beside the target so the final rename is atomic: a reader never sees a half-written tar.
  const work = await mkdtemp(path.join(cacheDir, '.build-'));
  try {
    const rootfs = path.join(work, 'rootfs');
    const mirror = await debianMirror();
    await tool('debootstrap', ['--variant=minbase', 'bookworm', rootfs, mirror]);
    const tarFile = path.join(work, DEBIAN_CACHE_NAME);
    await tool('tar', ['--numeric-owner', '-cf', tarFile, '-C', rootfs, '.']);
    await rename(tarFile, target);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A fresh Debian 12 minbase rootfs in a new temp dir (the caller removes it). Needs root for ownership. */
export async function debianRootfs(): Promise<string> {
  const tarFile = await debianRootfsTar();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kw-debian-rootfs-'));
  try {
    await tool('tar', ['--numeric-owner', '-xpf', tarFile, '-C', dir]);
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * An OCI layout (new temp dir, removed by the caller) holding `rootfs` as one layer under tag
 * `bookworm`, with Cmd /bin/bash and no User (so a root-user check fires).
 */
export async function debianOciLayout(rootfs: string): Promise<{ layout: string; tag: string }> {
  const tag = 'bookworm';
  const layout = await mkdtemp(path.join(os.tmpdir(), 'kw-debian-oci-'));
  const bundle = await mkdtemp(path.join(os.tmpdir(), 'kw-debian-bundle-'));
  const image = `${layout}:${tag}`;
  try {
    await rm(layout, { recursive: true }); // umoci init wants to create the directory itself
    await tool('umoci', ['init', '--layout', layout]);
    await tool('umoci', ['new', '--image', image]);
    const unpacked = path.join(bundle, 'b');
    await tool('umoci', ['unpack', '--image', image, unpacked]);
    const bundleRootfs = path.join(unpacked, 'rootfs');
    await rm(bundleRootfs, { recursive: true });
    await mkdir(bundleRootfs, { mode: 0o755 });
    await tool('cp', ['-a', `${rootfs}/.`, `${bundleRootfs}/`]);
    await tool('umoci', ['repack', '--image', image, unpacked]);
    await tool('umoci', ['config', '--image', image, '--config.cmd=/bin/bash', '--os=linux', '--architecture=amd64']);
    await tool('umoci', ['gc', '--layout', layout]);
    return { layout, tag };
  } catch (error) {
    await rm(layout, { recursive: true, force: true });
    throw error;
  } finally {
    await rm(bundle, { recursive: true, force: true });
  }
}

export interface PushTarget {
  host: string;
  /** Directory holding the registry CA as `ca.crt` (TLS registries). */
  certDir?: string;
}

export interface PushedImage {
  /** `HOST/kubeward/debian:12` (no transport prefix). */
  reference: string;
  /** Manifest digest as the registry stores it (`sha256:…`). */
  digest: string;
}

export const PUSHED_REPOSITORY = 'kubeward/debian';
export const PUSHED_TAG = '12';

/** skopeo copy `oci:LAYOUT:TAG` → `docker://HOST/kubeward/debian:12`, with basic-auth credentials. */
export async function pushToRegistry(
  layout: string,
  tag: string,
  registry: PushTarget,
  creds: { user: string; password: string },
  tls: boolean,
): Promise<PushedImage> {
  const reference = `${registry.host}/${PUSHED_REPOSITORY}:${PUSHED_TAG}`;
  const work = await mkdtemp(path.join(os.tmpdir(), 'kw-push-'));
  try {
    const digestFile = path.join(work, 'digest');
    const tlsArgs = tls ? certDirArgs('--dest-cert-dir', registry) : ['--dest-tls-verify=false'];
    await tool('skopeo', [
      'copy', '--quiet', '--dest-creds', `${creds.user}:${creds.password}`, ...tlsArgs,
      '--digestfile', digestFile, `oci:${layout}:${tag}`, `docker://${reference}`,
    ]);
    return { reference, digest: (await readFile(digestFile, 'utf8')).trim() };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** skopeo inspect of a pushed image: its manifest digest (the oracle that the push landed). */
export async function inspectDigest(
  reference: string,
  registry: PushTarget,
  creds: { user: string; password: string },
  tls: boolean,
): Promise<string> {
  const tlsArgs = tls ? certDirArgs('--cert-dir', registry) : ['--tls-verify=false'];
  const stdout = await tool('skopeo', ['inspect', '--creds', `${creds.user}:${creds.password}`, ...tlsArgs, `docker://${reference}`]);
  const digest = (JSON.parse(stdout) as { Digest?: unknown }).Digest;
  if (typeof digest !== 'string') throw new Error(`skopeo inspect docker://${reference}: no Digest in its output`);
  return digest;
}

function certDirArgs(flag: string, registry: PushTarget): string[] {
  if (!registry.certDir) throw new Error(`${registry.host}: a TLS registry needs certDir (the directory with ca.crt)`);
  return [flag, registry.certDir];
}

export interface DpkgRecord {
  name: string;
  version: string;
  /** Source package; dpkg reports the binary's own name and version when there is no Source: field. */
  sourceName: string;
  sourceVersion: string;
}

/** Installed packages of a rootfs, read by dpkg-query from its own database. */
export async function expectedDpkgPackages(rootfs: string): Promise<DpkgRecord[]> {
  const format = '${Package}\\t${Version}\\t${source:Package}\\t${source:Version}\\t${db:Status-Status}\\n';
  const stdout = await tool('dpkg-query', [`--admindir=${path.join(rootfs, 'var/lib/dpkg')}`, '-W', '-f', format]);
  const records: DpkgRecord[] = [];
  for (const line of stdout.split('\n')) {
    const [name, version, sourceName, sourceVersion, status] = line.split('\t');
    if (status !== 'installed' || !name || !version) continue;
    records.push({ name, version, sourceName: sourceName || name, sourceVersion: sourceVersion || version });
  }
  return records;
}

async function tool(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { maxBuffer: BIG_OUTPUT });
    return stdout;
  } catch (error) {
    const e = error as Error & { stderr?: string };
    const detail = (e.stderr ?? '').trim().split('\n').slice(-15).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message.split('\n')[0]}${detail ? `\n${detail}` : ''}`);
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}
