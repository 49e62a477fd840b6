// Shared by bench/images.ts and bench/vulndb.ts: run a child process and time it, read the peak RSS
// and CPU time that bench/rss-reporter.cjs prints from inside it, and format result rows.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cli = path.join(root, 'dist/cli/main.js');
const reporter = path.join(root, 'bench/rss-reporter.cjs');

export interface Timed {
  ms: number;
  /** NaN when the child is not node (no reporter inside it). */
  cpuMs: number;
  rssMb: number;
  status: number | null;
  stderr: string;
}

/** Wall time of `command args` (stdin from `input`); spawn overhead included, as a user sees it. */
export function timedCommand(command: string, args: string[], input = ''): Timed {
  const start = process.hrtime.bigint();
  const child = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const report = /KUBEWARD_BENCH maxrss_kb=(\d+) cpu_us=(\d+)/.exec(child.stderr ?? '');
  return {
    ms,
    cpuMs: Number(report?.[2] ?? NaN) / 1000,
    rssMb: Number(report?.[1] ?? NaN) / 1024,
    status: child.status,
    stderr: child.error ? String(child.error) : child.stderr,
  };
}

/** The built CLI with the RSS/CPU reporter preloaded. */
export function timedKubeward(args: string[], input = ''): Timed {
  return timedCommand(process.execPath, ['--require', reporter, cli, ...args], input);
}

/** Throws with the child's stderr tail when it did not exit 0. */
export function mustSucceed(what: string, t: Timed): Timed {
  if (t.status !== 0) throw new Error(`${what} exited ${t.status}:\n${t.stderr.trim().split('\n').slice(-15).join('\n')}`);
  return t;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const runsFromEnv = (fallback: number): number => {
  const n = Number(process.env.BENCH_RUNS ?? fallback);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

/** One result line; `target` and `ok` omitted for figures that are only reported. */
export function row(what: string, value: string, target?: string, ok?: boolean): string {
  const judged = target === undefined ? '' : `   target ${target.padEnd(10)} ${ok ? 'OK' : 'MISSED'}`;
  return `${what.padEnd(44)} ${value.padStart(16)}${judged}`;
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
