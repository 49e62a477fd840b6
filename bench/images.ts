/**
 * Image scanning performance (issue 5), on the built CLI (`npm run build` first):
 *  - the real Debian 12 minbase image pushed to a real local registry (docker-registry): kubeward's
 *    cold scan (fresh blob cache, so the layer is downloaded) against a baseline measured in the same
 *    run — `curl` of the layer blob piped into `gzip -dc | tar -t` — target ≤ 1.5×; a warm scan (layer
 *    served from the blob cache); peak RSS;
 *  - a synthetic ~1.5 GiB single-layer OCI layout: wall time and peak RSS, target < 250 MB like the
 *    small image ("whatever the image size").
 * Figures are printed, never asserted. BENCH_RUNS (default 5) sets the runs per measurement.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { debianOciLayout, debianRootfs, pushToRegistry, PUSHED_REPOSITORY, PUSHED_TAG } from '../test/images/debian-image.js';
import { startRegistry } from '../test/images/registry.js';
import { cli, mb, median, mustSucceed, row, runsFromEnv, timedCommand, timedKubeward, type Timed } from './measure.js';
import { writeSyntheticLayout } from './synthetic-image.js';

const runs = runsFromEnv(5);
const bigRuns = Math.min(runs, 3);
const creds = { user: 'bench', password: 'bench-secret-1' };
const TOOLS = ['docker-registry', 'umoci', 'skopeo', 'debootstrap', 'htpasswd', 'curl'];
const MANIFEST_ACCEPT = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];
const RSS_TARGET_MB = 250;

function missingTools(): string[] {
  return TOOLS.filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

/** A few Debian:12 and npm advisories in OSV form, most of them matching what the images hold. */
async function writeAdvisories(dir: string): Promise<string> {
  const debian = ['glibc', 'bash', 'coreutils', 'tar', 'systemd', 'zlib', 'ncurses', 'perl', 'apt', 'dpkg', 'util-linux', 'shadow', 'pam', 'xz-utils', 'gnupg2', 'sed'];
  const records = debian.map((name, i) => ({
    id: `BENCH-DEB-${i}`, modified: '2026-01-01T00:00:00Z', aliases: [`CVE-2026-${1000 + i}`], summary: `${name}: synthetic issue`,
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    affected: [{ package: { ecosystem: 'Debian:12', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: i % 4 === 3 ? '0.1-1' : '99:1.0-1' }] }] }],
  }));
  records.push({
    id: 'BENCH-NPM-1', modified: '2026-01-01T00:00:00Z', aliases: ['CVE-2026-2000'], summary: 'pkg-1: synthetic issue',
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N' }],
    affected: [{ package: { ecosystem: 'npm', name: 'pkg-1' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '9.0.0' }] }] }],
  });
  const file = path.join(dir, 'advisories.json');
  await writeFile(file, JSON.stringify(records));
  return file;
}

function curlArgs(): string {
  return `curl -sf -u ${creds.user}:${creds.password}`;
}

/** The pushed image's layer digests and sizes, from its manifest. */
function layersOf(host: string): { digest: string; size: number; mediaType: string }[] {
  const accept = MANIFEST_ACCEPT.map((t) => `-H 'Accept: ${t}'`).join(' ');
  const out = execFileSync('bash', ['-o', 'pipefail', '-c', `${curlArgs()} ${accept} http://${host}/v2/${PUSHED_REPOSITORY}/manifests/${PUSHED_TAG}`], { encoding: 'utf8' });
  const layers = (JSON.parse(out) as { layers?: { digest: string; size: number; mediaType: string }[] }).layers;
  if (!layers?.length) throw new Error(`manifest of ${host}/${PUSHED_REPOSITORY}:${PUSHED_TAG} lists no layers`);
  const notGzip = layers.find((l) => !/gzip/.test(l.mediaType));
  if (notGzip) throw new Error(`layer ${notGzip.digest} is ${notGzip.mediaType}; the gzip -dc baseline needs gzip layers`);
  return layers;
}

/** The baseline: every layer fetched and listed, as one `set -e -o pipefail` bash script. */
function baselineScript(host: string, digests: string[]): string {
  return digests.map((d) => `${curlArgs()} http://${host}/v2/${PUSHED_REPOSITORY}/blobs/${d} | gzip -dc | tar -t > /dev/null`).join('\n');
}

interface ReportSummary {
  packages: number;
  findings: number;
}

async function summarize(file: string): Promise<ReportSummary> {
  const report = JSON.parse(await readFile(file, 'utf8')) as { findings: unknown[]; images: { packages: unknown[] }[] };
  return { packages: report.images.reduce((n, i) => n + i.packages.length, 0), findings: report.findings.length };
}

interface DebianFigures {
  layerBytes: number;
  summary: ReportSummary;
  baseline: Timed[];
  cold: Timed[];
  warm: Timed[];
}

/** Debootstrapped Debian 12 → OCI layout → pushed to a fresh registry; the layout and rootfs are removed. */
async function pushDebian(host: string): Promise<string> {
  const rootfs = await debianRootfs();
  try {
    const { layout, tag } = await debianOciLayout(rootfs);
    try {
      return (await pushToRegistry(layout, tag, { host }, creds, false)).reference;
    } finally {
      await rm(layout, { recursive: true, force: true });
    }
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}

async function debianBench(work: string, advisories: string): Promise<DebianFigures> {
  const registry = await startRegistry(creds);
  try {
    process.stderr.write(`pushing Debian 12 minbase to ${registry.host}…\n`);
    const reference = await pushDebian(registry.host);
    const layers = layersOf(registry.host);
    const script = baselineScript(registry.host, layers.map((l) => l.digest));
    const output = path.join(work, 'debian.json');
    const scan = (cacheDir: string): Timed =>
      mustSucceed(`kubeward image ${reference}`, timedKubeward([
        'image', reference, '--insecure', '--username', creds.user, '--password-stdin', '--cache-dir', cacheDir,
        '--advisories', advisories, '--format', 'json', '--output', output, '--quiet',
      ], creds.password));
    const figures: DebianFigures = { layerBytes: layers.reduce((n, l) => n + l.size, 0), summary: { packages: 0, findings: 0 }, baseline: [], cold: [], warm: [] };
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`debian run ${i + 1}/${runs}\n`);
      figures.baseline.push(mustSucceed('baseline curl | gzip -dc | tar -t', timedCommand('bash', ['-o', 'pipefail', '-o', 'errexit', '-c', script])));
      const cacheDir = await mkdtemp(path.join(work, 'cache-'));
      try {
        figures.cold.push(scan(cacheDir)); // fresh cache: the layer is downloaded
        if (i === 0) figures.summary = await summarize(output);
        figures.warm.push(scan(cacheDir)); // same cache: the layer comes from the blob cache
      } finally {
        await rm(cacheDir, { recursive: true, force: true });
      }
    }
    return figures;
  } finally {
    await registry.stop();
  }
}

interface BigFigures {
  uncompressedBytes: number;
  compressedBytes: number;
  entries: number;
  buildMs: number;
  summary: ReportSummary;
  scans: Timed[];
}

async function bigImageBench(work: string, advisories: string): Promise<BigFigures> {
  const layout = path.join(work, 'big-layout');
  try {
    process.stderr.write('writing the synthetic ~1.5 GiB layout…\n');
    const start = Date.now();
    const image = await writeSyntheticLayout(layout, { bigFiles: 5, bigFileBytes: 300 * 1024 * 1024, smallFiles: 20_000, npmPackages: 2_000, tag: '1' });
    const buildMs = Date.now() - start;
    const output = path.join(work, 'big.json');
    const scans: Timed[] = [];
    for (let i = 0; i < bigRuns; i++) {
      process.stderr.write(`big image run ${i + 1}/${bigRuns}\n`);
      scans.push(mustSucceed('kubeward image big:1', timedKubeward(['image', 'big:1', '--input', layout, '--cache-dir', path.join(work, 'big-cache'), '--advisories', advisories, '--format', 'json', '--output', output, '--quiet'])));
    }
    return { ...image, buildMs, summary: await summarize(output), scans };
  } finally {
    await rm(layout, { recursive: true, force: true }); // gigabytes
  }
}

function printDebian(d: DebianFigures): void {
  const base = median(d.baseline.map((t) => t.ms));
  const cold = median(d.cold.map((t) => t.ms));
  const warm = median(d.warm.map((t) => t.ms));
  const ratio = cold / base;
  const rss = Math.max(...d.cold.map((t) => t.rssMb), ...d.warm.map((t) => t.rssMb));
  console.log(`Debian 12 minbase from the local registry: layer ${mb(d.layerBytes)} gzip, ${d.summary.packages} packages, ${d.summary.findings} findings`);
  console.log(row('  baseline curl | gzip -dc | tar -t', `${base.toFixed(0)} ms`));
  console.log(row('  kubeward image, cold cache (download)', `${cold.toFixed(0)} ms`));
  console.log(row('    (CPU time, median)', `${median(d.cold.map((t) => t.cpuMs)).toFixed(0)} ms CPU`));
  console.log(row('  kubeward / baseline', `${ratio.toFixed(2)}×`, '≤ 1.5×', ratio <= 1.5));
  console.log(row('  kubeward image, warm cache', `${warm.toFixed(0)} ms`));
  console.log(row('  kubeward peak RSS', `${rss.toFixed(0)} MB`, `< ${RSS_TARGET_MB} MB`, rss < RSS_TARGET_MB));
}

function printBig(b: BigFigures): void {
  const ms = median(b.scans.map((t) => t.ms));
  const rss = Math.max(...b.scans.map((t) => t.rssMb));
  console.log(`Synthetic OCI layout: ${mb(b.uncompressedBytes)} uncompressed (${mb(b.compressedBytes)} gzip), ${b.entries} files, ${b.summary.packages} packages, ${b.summary.findings} findings (built in ${(b.buildMs / 1000).toFixed(0)} s)`);
  console.log(row('  kubeward image --input, wall time', `${ms.toFixed(0)} ms`));
  console.log(row('    (throughput, uncompressed)', `${(b.uncompressedBytes / 1024 / 1024 / (ms / 1000)).toFixed(0)} MiB/s`));
  console.log(row('  kubeward peak RSS', `${rss.toFixed(0)} MB`, `< ${RSS_TARGET_MB} MB`, rss < RSS_TARGET_MB));
}

await stat(cli).catch(() => {
  throw new Error(`${cli} is missing: run \`npm run build\` first`);
});
const work = await mkdtemp(path.join(tmpdir(), 'kubeward-bench-images-'));
try {
  const advisories = await writeAdvisories(work);
  const missing = missingTools();
  const debian = missing.length === 0 ? await debianBench(work, advisories) : undefined;
  if (!debian) {
    process.stderr.write(`\n*** SKIPPED the registry bench: ${missing.join(', ')} not installed (the ≤ 1.5× target is NOT measured) ***\n\n`);
  }
  // BENCH_SKIP_BIG=1 leaves out the ~1.5 GiB synthetic image (minutes, and 3 GB of temp space).
  const big = process.env.BENCH_SKIP_BIG === '1' ? undefined : await bigImageBench(work, advisories);
  console.log(`kubeward image bench — node ${process.version}, ${runs} runs (median; RSS: max; synthetic image: ${bigRuns} runs)`);
  if (debian) printDebian(debian);
  if (big) printBig(big);
} finally {
  await rm(work, { recursive: true, force: true });
}
