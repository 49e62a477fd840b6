/**
 * `npm run bench` (node part): a full `kubeward node` scan, target < 1 s on the 2-core dev machines.
 *  - fixture roots written by the test helpers (a weak control-plane node and a worker; files with
 *    modes and owners, a /proc with the components' command lines, kubelet config and flags);
 *  - this machine itself (`kubeward node` reading the real / and /proc).
 * Wall time and peak RSS of the built CLI, median of BENCH_RUNS (default 9). Figures only, no assertions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { weakControlPlane, worker, writeNodeRoot } from '../test/nodes/fixture-root.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli/main.js');
const reporter = path.join(root, 'bench/rss-reporter.cjs');
const runs = Number(process.env.BENCH_RUNS ?? 9);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timed(args: string[]): { ms: number; rssMb: number; status: number | null } {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--require', reporter, cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const report = /KUBEWARD_BENCH maxrss_kb=(\d+)/.exec(child.stderr);
  return { ms, rssMb: Number(report?.[1] ?? NaN) / 1024, status: child.status };
}

const work = await mkdtemp(path.join(tmpdir(), 'kubeward-bench-node-'));
try {
  const cases: [string, string[]][] = [];
  for (const [name, spec] of [['weak control plane (fixture)', weakControlPlane({ hostname: 'cp-1' })], ['worker (fixture)', worker({ hostname: 'w-1' })]] as const) {
    const node = await writeNodeRoot(path.join(work, name.split(' ')[0]!), spec);
    cases.push([name, ['--root', node.root, '--proc', node.proc, '--sys', node.sys]]);
  }
  cases.push(['this machine (real / and /proc)', []]);
  console.log(`kubeward node bench — node ${process.version}, ${runs} runs (median wall time; RSS: max)`);
  for (const [name, args] of cases) {
    const results = Array.from({ length: runs }, () => timed(['node', ...args, '--format', 'json', '--output', path.join(work, 'report.json'), '--quiet']));
    const bad = results.find((r) => r.status !== 0);
    if (bad) throw new Error(`kubeward node ${args.join(' ')} exited ${bad.status}`);
    const ms = median(results.map((r) => r.ms));
    const rss = Math.max(...results.map((r) => r.rssMb));
    console.log(`${`full node scan: ${name}`.padEnd(50)} ${`${ms.toFixed(0)} ms`.padStart(9)}   target < 1000 ms ${ms < 1000 ? 'OK' : 'MISSED'}   peak RSS ${rss.toFixed(0)} MB`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
