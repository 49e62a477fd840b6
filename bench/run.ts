/**
 * `npm run bench`: measures the targets of the manifest scan on the built CLI (run `npm run build` first).
 *  - 10,000 objects (2,000 Deployments with Services, ConfigMaps, ServiceAccounts, NetworkPolicies):
 *    full scan wall time (target < 2 s) and peak RSS (target < 400 MB), objects per second;
 *  - `kubeward --version` wall time (target < 250 ms).
 * Figures are printed, never asserted: timing belongs here, not in tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateManifests } from './generate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli/main.js');
const reporter = path.join(root, 'bench/rss-reporter.cjs');
const runs = Number(process.env.BENCH_RUNS ?? 9);

function timed(args: string[]): { ms: number; cpuMs: number; rssMb: number; status: number | null } {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--require', reporter, cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const report = /KUBEWARD_BENCH maxrss_kb=(\d+) cpu_us=(\d+)/.exec(child.stderr);
  return { ms, cpuMs: Number(report?.[2] ?? NaN) / 1000, rssMb: Number(report?.[1] ?? NaN) / 1024, status: child.status };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const work = await mkdtemp(path.join(tmpdir(), 'kubeward-bench-'));
const dir = path.join(work, 'manifests');
try {
  const objects = await generateManifests(dir, 2000);
  const scans = Array.from({ length: runs }, () => timed(['scan', dir, '--format', 'json', '--output', path.join(work, 'report.json'), '--quiet']));
  const bad = scans.find((s) => s.status !== 0);
  if (bad) throw new Error(`scan exited ${bad.status}`);
  const versions = Array.from({ length: 10 }, () => timed(['--version']));
  const scanMs = median(scans.map((s) => s.ms));
  const scanCpu = median(scans.map((s) => s.cpuMs));
  const best = Math.min(...scans.map((s) => s.ms));
  const rss = Math.max(...scans.map((s) => s.rssMb));
  const versionMs = median(versions.map((v) => v.ms));
  const row = (what: string, value: string, target: string, ok: boolean): string => `${what.padEnd(34)} ${value.padStart(14)}   target ${target.padEnd(9)} ${ok ? 'OK' : 'MISSED'}`;
  console.log(`kubeward bench — node ${process.version}, ${runs} runs (median; RSS: max); input ${objects} objects`);
  console.log(row(`scan ${objects} objects, wall time`, `${scanMs.toFixed(0)} ms`, '< 2000 ms', scanMs < 2000));
  console.log(`${'  (best run; CPU time, median)'.padEnd(34)} ${`${best.toFixed(0)} ms`.padStart(14)}   ${`${scanCpu.toFixed(0)} ms CPU`}`);
  console.log(row('scan peak RSS', `${rss.toFixed(0)} MB`, '< 400 MB', rss < 400));
  console.log(row('scan throughput', `${Math.round(objects / (scanMs / 1000))} obj/s`, '> 5000/s', objects / (scanMs / 1000) > 5000));
  console.log(row('kubeward --version', `${versionMs.toFixed(0)} ms`, '< 250 ms', versionMs < 250));
} finally {
  await rm(work, { recursive: true, force: true });
}
