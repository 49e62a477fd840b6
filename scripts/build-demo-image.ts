// Writes examples/images/legacy-reports/: the OCI layout of the demo image `shop/legacy-reports:3.9`, a small
// Alpine 3.9.2-style filesystem with a vulnerable sqlite and the CVE-2019-5021 empty root password.
// Deterministic: fixed mtimes, uid/gid 0, entries in a fixed order, gzip with mtime 0, so running it
// twice gives the same bytes (and the same digests).
//
//   node --import tsx scripts/build-demo-image.ts [OUTPUT_DIR]

import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import tar from 'tar-stream';

const REF_NAME = 'shop/legacy-reports:3.9';
const MTIME = new Date('2019-05-01T00:00:00Z');
const BUILD_TIME = Math.floor(MTIME.getTime() / 1000);
const MUSL_SO = 'so:libc.musl-x86_64.so.1';

interface Entry {
  name: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  gid?: number;
  content?: string;
  linkname?: string;
}

interface ApkPackage {
  name: string;
  version: string;
  origin: string;
  description: string;
  url: string;
  license: string;
  depends: string[];
  provides: string[];
  /** Files (not directories) the package owns, as entries of the layer. */
  files: Entry[];
}

const dir = (name: string, mode = 0o755): Entry => ({ name, type: 'directory', mode });
const file = (name: string, content: string, mode = 0o644, gid = 0): Entry => ({ name, type: 'file', mode, content, gid });
const link = (name: string, linkname: string): Entry => ({ name, type: 'symlink', mode: 0o777, linkname });
const placeholder = (name: string): Entry => file(name, `kubeward demo placeholder for ${path.basename(name)}\n`, 0o755);

const PASSWD = [
  'root:x:0:0:root:/root:/bin/ash',
  'bin:x:1:1:bin:/bin:/sbin/nologin',
  'daemon:x:2:2:daemon:/sbin:/sbin/nologin',
  'adm:x:3:4:adm:/var/adm:/sbin/nologin',
  'lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin',
  'sync:x:5:0:sync:/sbin:/bin/sync',
  'shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown',
  'halt:x:7:0:halt:/sbin:/sbin/halt',
  'mail:x:8:12:mail:/var/spool/mail:/sbin/nologin',
  'operator:x:11:0:operator:/root:/sbin/nologin',
  'nobody:x:65534:65534:nobody:/:/sbin/nologin',
];
// root's password field is empty (CVE-2019-5021: Alpine images 3.3–3.9.2 shipped like this); the
// other accounts are locked with "!".
const SHADOW = ['root:::0:::::', ...PASSWD.slice(1).map((line) => `${line.split(':')[0]}:!::0:::::`)];
const GROUP = [
  'root:x:0:root', 'bin:x:1:root,bin,daemon', 'daemon:x:2:root,bin,daemon', 'sys:x:3:root,bin,adm',
  'adm:x:4:root,adm,daemon', 'tty:x:5:', 'disk:x:6:root,adm', 'lp:x:7:lp', 'mail:x:12:mail',
  'wheel:x:10:root', 'shadow:x:42:', 'nogroup:x:65533:', 'nobody:x:65534:',
];
const lines = (items: string[]): string => `${items.join('\n')}\n`;

const PACKAGES: ApkPackage[] = [
  {
    name: 'musl', version: '1.1.20-r4', origin: 'musl', license: 'MIT', url: 'http://www.musl-libc.org/',
    description: 'the musl c library (libc) implementation', depends: [],
    provides: [`${MUSL_SO}=1`],
    files: [placeholder('lib/ld-musl-x86_64.so.1'), link('lib/libc.musl-x86_64.so.1', 'ld-musl-x86_64.so.1')],
  },
  {
    name: 'busybox', version: '1.29.3-r10', origin: 'busybox', license: 'GPL-2.0', url: 'http://busybox.net',
    description: 'Size optimized toolbox of many common UNIX utilities', depends: [MUSL_SO],
    provides: ['/bin/sh', 'cmd:busybox', 'cmd:sh'],
    files: [placeholder('bin/busybox'), link('bin/sh', '/bin/busybox')],
  },
  {
    name: 'alpine-baselayout', version: '3.1.0-r3', origin: 'alpine-baselayout', license: 'GPL-2.0-only',
    url: 'https://git.alpinelinux.org/cgit/aports/tree/main/alpine-baselayout',
    description: 'Alpine base dir structure and init scripts', depends: ['/bin/sh', MUSL_SO], provides: [],
    files: [
      file('etc/group', lines(GROUP)),
      file('etc/hostname', 'localhost\n'),
      file('etc/hosts', '127.0.0.1\tlocalhost localhost.localdomain\n::1\t\tlocalhost localhost.localdomain\n'),
      file('etc/passwd', lines(PASSWD)),
      file('etc/shadow', lines(SHADOW), 0o640, 42),
    ],
  },
  {
    name: 'sqlite-libs', version: '3.26.0-r3', origin: 'sqlite', license: 'Public-Domain', url: 'https://www.sqlite.org/',
    description: 'Sqlite3 library', depends: [MUSL_SO], provides: ['so:libsqlite3.so.0=0.8.6'],
    files: [link('usr/lib/libsqlite3.so.0', 'libsqlite3.so.0.8.6'), placeholder('usr/lib/libsqlite3.so.0.8.6')],
  },
  {
    name: 'sqlite', version: '3.26.0-r3', origin: 'sqlite', license: 'Public-Domain', url: 'https://www.sqlite.org/',
    description: 'C library that implements an SQL database engine', depends: [MUSL_SO, 'so:libsqlite3.so.0'],
    provides: ['cmd:sqlite3'],
    files: [placeholder('usr/bin/sqlite3')],
  },
];

/** apk's checksum notation: "Q1" + base64 of a SHA-1. */
function q1(data: string): string {
  return `Q1${createHash('sha1').update(data).digest('base64')}`;
}

/**
 * One stanza of lib/apk/db/installed, fields in the order apk writes them
 * (https://wiki.alpinelinux.org/wiki/Apk_spec#Installed_Database_V2). C: (package checksum) is
 * synthetic — there is no real .apk — while each Z: is the real SHA-1 of the file written here.
 */
function apkStanza(pkg: ApkPackage): string {
  const size = pkg.files.reduce((sum, f) => sum + Buffer.byteLength(f.content ?? ''), 0);
  const out = [
    `C:${q1(`${pkg.name}-${pkg.version}`)}`, `P:${pkg.name}`, `V:${pkg.version}`, 'A:x86_64',
    `S:${size}`, `I:${size}`, `T:${pkg.description}`, `U:${pkg.url}`, `L:${pkg.license}`,
    `o:${pkg.origin}`, `t:${BUILD_TIME}`,
  ];
  if (pkg.depends.length > 0) out.push(`D:${pkg.depends.join(' ')}`);
  if (pkg.provides.length > 0) out.push(`p:${pkg.provides.join(' ')}`);
  let currentDir = '';
  for (const entry of pkg.files) {
    const parent = path.posix.dirname(entry.name);
    if (parent !== currentDir) {
      out.push(`F:${parent}`);
      currentDir = parent;
    }
    out.push(`R:${path.posix.basename(entry.name)}`);
    if (entry.type === 'file' && (entry.mode !== 0o644 || entry.gid)) out.push(`a:0:${entry.gid ?? 0}:${entry.mode.toString(8)}`);
    out.push(`Z:${q1(entry.type === 'symlink' ? entry.linkname ?? '' : entry.content ?? '')}`);
  }
  return `${out.join('\n')}\n\n`;
}

function layerEntries(): Entry[] {
  const OS_RELEASE = lines([
    'NAME="Alpine Linux"', 'ID=alpine', 'VERSION_ID=3.9.2', 'PRETTY_NAME="Alpine Linux v3.9"',
    'HOME_URL="https://alpinelinux.org/"', 'BUG_REPORT_URL="https://bugs.alpinelinux.org/"',
  ]);
  const owned = PACKAGES.flatMap((p) => p.files);
  const entries: Entry[] = [
    dir('bin/'), dir('etc/'), dir('etc/apk/'), dir('etc/ssl/'), dir('etc/ssl/certs/'), dir('lib/'), dir('lib/apk/'),
    dir('lib/apk/db/'), dir('root/', 0o700), dir('tmp/', 0o1777), dir('usr/'), dir('usr/bin/'), dir('usr/lib/'),
    dir('var/'), dir('var/cache/'), dir('var/cache/apk/'),
    file('etc/alpine-release', '3.9.2\n'),
    file('etc/os-release', OS_RELEASE),
    file('etc/apk/arch', 'x86_64\n'),
    file('etc/apk/repositories', lines(['http://dl-cdn.alpinelinux.org/alpine/v3.9/main', 'http://dl-cdn.alpinelinux.org/alpine/v3.9/community'])),
    file('etc/apk/world', lines(['alpine-baselayout', 'busybox', 'sqlite'])),
    file('lib/apk/db/installed', PACKAGES.map(apkStanza).join('')),
    ...owned,
  ];
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const e of entries) {
    const header = { name: e.name, type: e.type, mode: e.mode, uid: 0, gid: e.gid ?? 0, uname: 'root', gname: e.gid === 42 ? 'shadow' : 'root', mtime: MTIME, linkname: e.linkname };
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (e.type === 'file') pack.entry(header, e.content ?? '', done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const digestOf = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function writeBlob(out: string, data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = digestOf(data);
  await writeFile(path.join(out, 'blobs', 'sha256', digest.slice('sha256:'.length)), data);
  return { digest, size: data.length };
}

async function build(out: string): Promise<string> {
  await rm(path.join(out, 'blobs'), { recursive: true, force: true });
  await mkdir(path.join(out, 'blobs', 'sha256'), { recursive: true });
  const layerTar = await tarOf(layerEntries());
  // Node's gzip header has mtime 0 and no file name; level 9 fixes the deflate output.
  const layer = await writeBlob(out, zlib.gzipSync(layerTar, { level: 9 }));
  const created = MTIME.toISOString().replace('.000Z', 'Z');
  const config = {
    architecture: 'amd64',
    os: 'linux',
    created,
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/usr/bin/sqlite3'] },
    rootfs: { type: 'layers', diff_ids: [digestOf(layerTar)] },
    history: [{ created, created_by: 'scripts/build-demo-image.ts (kubeward demo image)' }],
  };
  const configBlob = await writeBlob(out, Buffer.from(JSON.stringify(config)));
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
  };
  const manifestBlob = await writeBlob(out, Buffer.from(JSON.stringify(manifest)));
  const index = {
    schemaVersion: 2,
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifestBlob,
      annotations: { 'org.opencontainers.image.ref.name': REF_NAME },
    }],
  };
  await writeFile(path.join(out, 'oci-layout'), `${JSON.stringify({ imageLayoutVersion: '1.0.0' })}\n`);
  await writeFile(path.join(out, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return manifestBlob.digest;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(process.argv[2] ?? path.join(repoRoot, 'examples', 'images', 'legacy-reports'));
const manifestDigest = await build(outDir);
process.stdout.write(`${REF_NAME} written to ${outDir} (manifest ${manifestDigest})\n`);
