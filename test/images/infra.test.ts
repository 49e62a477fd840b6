import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { requireTool } from '../e2e-tools.js';
import {
  debianOciLayout,
  debianRootfs,
  expectedDpkgPackages,
  inspectDigest,
  pushToRegistry,
  type PushTarget,
} from './debian-image.js';
import { getStatus, startRegistry, type RunningRegistry } from './registry.js';

// End to end with real components: a real registry (htpasswd basic auth) over HTTP and TLS with a
// self-signed CA, a real Debian 12 image (debootstrap → umoci) pushed with skopeo, and the dpkg
// oracle. First the infrastructure proves itself; then `kubeward image` (the built CLI) must report
// exactly what dpkg-query lists in that rootfs, and exactly the one vulnerability an OSV record names.

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

interface ImageJson {
  findings: { checkId: string; package?: { name: string; version: string; fixedVersion?: string; source?: { name: string; version: string } }; advisory?: { id: string } }[];
  images: { os?: { id: string; versionId?: string }; packages: { type: string; name: string; version: string; source?: { name: string; version: string } }[] }[];
}

function kubeward(args: string[], input = '', env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const creds = { user: 'kw-tester', password: 'correct horse battery staple' };
const skip =
  requireTool('docker-registry', ['--version']) ||
  requireTool('umoci', ['--version']) ||
  requireTool('skopeo', ['--version']) ||
  requireTool('debootstrap', ['--version']) ||
  requireTool('htpasswd', ['-nbB', 'probe', 'probe']) ||
  requireTool('openssl', ['version']);

/** The digest of the manifest tagged `tag` in an OCI layout's index.json (skopeo pushes it unchanged). */
async function layoutManifestDigest(layout: string, tag: string): Promise<string> {
  const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  assert.ok(entry, `no manifest tagged ${tag} in ${layout}/index.json`);
  return entry.digest;
}

describe('image e2e infrastructure', { skip }, () => {
  let rootfs: string;
  let layout: string;
  let tag: string;

  before(async () => {
    const started = Date.now();
    rootfs = await debianRootfs();
    const rootfsReady = Date.now();
    ({ layout, tag } = await debianOciLayout(rootfs));
    process.stderr.write(`[infra] rootfs ${rootfsReady - started} ms, OCI layout ${Date.now() - rootfsReady} ms\n`);
  });

  after(async () => {
    if (rootfs) await rm(rootfs, { recursive: true, force: true });
    if (layout) await rm(layout, { recursive: true, force: true });
  });

  test('the dpkg oracle lists the minbase packages of the rootfs', async () => {
    const packages = await expectedDpkgPackages(rootfs);
    assert.ok(packages.length > 50, `only ${packages.length} installed packages`);
    const names = new Set(packages.map((p) => p.name));
    for (const essential of ['base-files', 'dpkg', 'libc6', 'bash', 'coreutils']) assert.ok(names.has(essential), essential);
    const baseFiles = packages.find((p) => p.name === 'base-files');
    assert.match(baseFiles?.version ?? '', /^12(\.|$)/, 'bookworm base-files is version 12.x');
    // libc6 is built from the glibc source package: the oracle must carry source names.
    assert.equal(packages.find((p) => p.name === 'libc6')?.sourceName, 'glibc');
    const osRelease = await readFile(path.join(rootfs, 'etc/os-release'), 'utf8');
    assert.match(osRelease, /^VERSION_CODENAME=bookworm$/m);
  });

  test('the OCI layout has a Cmd and no User', async () => {
    const manifestDigest = await layoutManifestDigest(layout, tag);
    const blob = (digest: string) => path.join(layout, 'blobs', ...digest.split(':'));
    const manifest = JSON.parse(await readFile(blob(manifestDigest), 'utf8')) as { config: { digest: string }; layers: unknown[] };
    assert.equal(manifest.layers.length, 1);
    const config = JSON.parse(await readFile(blob(manifest.config.digest), 'utf8')) as {
      architecture: string;
      os: string;
      config?: { Cmd?: string[]; User?: string };
    };
    assert.equal(config.os, 'linux');
    assert.equal(config.architecture, 'amd64');
    assert.deepEqual(config.config?.Cmd, ['/bin/bash']);
    assert.ok(!config.config?.User, `unexpected User ${config.config?.User}`);
  });

  for (const tls of [false, true]) {
    describe(tls ? 'registry over TLS' : 'registry over HTTP', () => {
      let registry: RunningRegistry;
      let target: PushTarget;

      before(async () => {
        registry = await startRegistry({ tls, ...creds });
        target = { host: registry.host, certDir: registry.certDir };
      });
      after(async () => {
        await registry?.stop();
      });

      test('answers /v2/ with 401 without and 200 with the right credentials', async () => {
        const base = `${tls ? 'https' : 'http'}://${registry.host}/v2/`;
        const ca = registry.caFile ? await readFile(registry.caFile) : undefined;
        assert.equal(await getStatus(base, ca), 401);
        assert.equal(await getStatus(base, ca, creds), 200);
        assert.equal(await getStatus(base, ca, { user: creds.user, password: 'wrong' }), 401);
      });

      test('a pushed Debian image reads back with the layout manifest digest', async () => {
        const started = Date.now();
        const pushed = await pushToRegistry(layout, tag, target, creds, tls);
        process.stderr.write(`[infra] push over ${tls ? 'TLS' : 'HTTP'} ${Date.now() - started} ms: ${pushed.reference}@${pushed.digest}\n`);
        assert.equal(pushed.reference, `${registry.host}/kubeward/debian:12`);
        const expected = await layoutManifestDigest(layout, tag);
        assert.equal(pushed.digest, expected);
        assert.equal(await inspectDigest(pushed.reference, target, creds, tls), expected);
      });

      test('wrong credentials are refused', async () => {
        await assert.rejects(
          inspectDigest(`${registry.host}/kubeward/debian:12`, target, { user: creds.user, password: 'wrong' }, tls),
          /unauthorized|authentication required|401/i,
        );
      });

      test('kubeward image reports Debian 12 and exactly the packages dpkg-query lists, and exactly the OSV record written for one of them', async () => {
        const pushed = await pushToRegistry(layout, tag, target, creds, tls);
        const expected = await expectedDpkgPackages(rootfs);
        // One advisory for the installed source version of bash (Debian advisories name source packages).
        const bash = expected.find((p) => p.name === 'bash')!;
        const work = await mkdtemp(path.join(tmpdir(), 'kw-e2e-'));
        try {
          await writeFile(path.join(work, 'KW-TEST-0001.json'), JSON.stringify({
            id: 'KW-TEST-0001', modified: '2026-01-01T00:00:00Z', summary: 'test advisory for the installed bash',
            affected: [{ package: { ecosystem: 'Debian:12', name: bash.sourceName }, versions: [bash.sourceVersion] }],
          }));
          const cache = path.join(work, 'cache');
          const access = tls ? ['--cacert', registry.caFile!] : ['--insecure'];
          const args = ['image', pushed.reference, ...access, '--username', creds.user, '--password-stdin', '--cache-dir', cache, '--advisories', work, '--format', 'json', '--quiet'];
          const r = kubeward(args, `${creds.password}\n`);
          assert.equal(r.status, 0, r.stderr);
          const report = JSON.parse(r.stdout) as ImageJson;
          const image = report.images[0]!;
          assert.equal(image.os?.id, 'debian');
          assert.equal(image.os?.versionId, '12');
          const seen = image.packages.filter((p) => p.type === 'deb').map((p) => `${p.name}\t${p.version}\t${p.source?.name ?? p.name}\t${p.source?.version ?? p.version}`).sort();
          const want = expected.map((p) => `${p.name}\t${p.version}\t${p.sourceName}\t${p.sourceVersion}`).sort();
          assert.deepEqual(seen, want);
          const vulns = report.findings.filter((f) => f.checkId === 'KW-IMG-100');
          assert.deepEqual(vulns.map((f) => [f.advisory!.id, f.package!.name, f.package!.version]), [['KW-TEST-0001', 'bash', bash.version]]);
          // A second scan is served from the blob cache: the layer blobs are there, verified, by digest.
          const blobs = await readdir(path.join(cache, 'blobs', 'sha256'));
          assert.ok(blobs.length >= 2 && blobs.every((b) => /^[a-f0-9]{64}$/.test(b)), blobs.join(' '));
          assert.equal(kubeward(args, `${creds.password}\n`).status, 0);

          const wrong = kubeward(['image', pushed.reference, ...access, '--username', creds.user, '--password-stdin', '--cache-dir', path.join(work, 'c2'), '--quiet'], 'wrong\n');
          assert.equal(wrong.status, 2);
          assert.match(wrong.stderr, /authentication failed/i);
          assert.doesNotMatch(wrong.stderr, /\n\s+at /, 'no stack trace');
        } finally {
          await rm(work, { recursive: true, force: true });
        }
      });

      if (!tls) {
        test('kubeward scan --images pulls with the imagePullSecret the workload names, and only with it', async () => {
          const pushed = await pushToRegistry(layout, tag, target, creds, tls);
          const expected = await expectedDpkgPackages(rootfs);
          const work = await mkdtemp(path.join(tmpdir(), 'kw-e2e-scan-'));
          try {
            const auth = Buffer.from(`${creds.user}:${creds.password}`).toString('base64');
            const dockerconfig = Buffer.from(JSON.stringify({ auths: { [registry.host]: { auth } } })).toString('base64');
            const deployment = (secrets: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: reports, namespace: batch }
spec:
  template:
    spec:
      ${secrets}
      containers:
        - { name: app, image: "${pushed.reference}" }
`;
            const secret = `---\napiVersion: v1\nkind: Secret\nmetadata: { name: regcred, namespace: batch }\ntype: kubernetes.io/dockerconfigjson\ndata: { .dockerconfigjson: ${dockerconfig} }\n`;
            await writeFile(path.join(work, 'with-secret.yaml'), deployment('imagePullSecrets: [{ name: regcred }]') + secret);
            await writeFile(path.join(work, 'without.yaml'), deployment('automountServiceAccountToken: false'));
            // No docker config of the machine running the test: only the manifests' secret may open the registry.
            const env = { DOCKER_CONFIG: path.join(work, 'no-docker-config') };
            const scan = (file: string) => kubeward(['scan', path.join(work, file), '--images', '--insecure', '--cache-dir', path.join(work, 'cache'), '--format', 'json', '--quiet'], '', env);
            const ok = scan('with-secret.yaml');
            assert.equal(ok.status, 0, ok.stderr);
            const report = JSON.parse(ok.stdout) as ImageJson & { notEvaluated: { target: string; reason: string }[] };
            assert.equal(report.images[0]?.os?.id, 'debian');
            assert.equal(report.images[0]?.packages.filter((p) => p.type === 'deb').length, expected.length);
            assert.ok(!ok.stdout.includes(creds.password) && !ok.stdout.includes(auth), 'credentials never reach the report');
            const denied = scan('without.yaml');
            assert.equal(denied.status, 0, denied.stderr);
            const deniedReport = JSON.parse(denied.stdout) as { images: unknown[]; notEvaluated: { target: string; reason: string }[] };
            assert.deepEqual(deniedReport.images, []);
            assert.match(deniedReport.notEvaluated.find((n) => n.target === `image ${pushed.reference}`)?.reason ?? '', /401|authentication|unauthorized/i);
          } finally {
            await rm(work, { recursive: true, force: true });
          }
        });
      }

      if (tls) {
        test('the TLS registry is not trusted without its CA', async () => {
          await assert.rejects(
            getStatus(`https://${registry.host}/v2/`),
            /self[- ]signed|unable to (get|verify)|certificate/i,
          );
        });
      }
    });
  }
});
