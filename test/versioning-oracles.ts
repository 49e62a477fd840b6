import { spawnSync } from 'node:child_process';
import type { Ordering } from '../src/vulndb/versioning/types.js';

/** Real `dpkg --compare-versions` on many pairs, in one shell (a few ms per pair). */
export function dpkgOracle(pairs: ReadonlyArray<readonly [string, string]>): Ordering[] {
  const script =
    'while IFS=" " read -r a b; do ' +
    'if dpkg --compare-versions "$a" lt "$b"; then echo -1; ' +
    'elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done';
  const input = pairs.map(([a, b]) => `${a} ${b}\n`).join('');
  const r = spawnSync('bash', ['-c', script], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`dpkg oracle failed: ${r.stderr}`);
  return parse(r.stdout, pairs.length, r.stderr);
}

/** Real rpm (`rpm.ver` comparison in rpm's embedded Lua) on many pairs, in one rpm process. */
/** One rpm process per 500 pairs: a single argument may not exceed 128 KiB (E2BIG). */
function chunked(pairs: ReadonlyArray<readonly [string, string]>, run: (c: ReadonlyArray<readonly [string, string]>) => Ordering[]): Ordering[] {
  const out: Ordering[] = [];
  for (let i = 0; i < pairs.length; i += 500) out.push(...run(pairs.slice(i, i + 500)));
  return out;
}

export function rpmOracle(pairs: ReadonlyArray<readonly [string, string]>): Ordering[] {
  if (pairs.length > 500) return chunked(pairs, rpmOracle);
  for (const [a, b] of pairs) {
    if (!/^[0-9A-Za-z.:_+~^-]*$/.test(a + b)) throw new Error(`unsafe for the Lua oracle: ${a} ${b}`);
  }
  const body = pairs
    .map(([a, b]) => `c("${a}","${b}")`)
    .join(' ');
  const lua =
    '%{lua: local function c(x, y) local a, b = rpm.ver(x), rpm.ver(y) ' +
    'if a < b then print("-1\\n") elseif a == b then print("0\\n") else print("1\\n") end end ' +
    body + '}';
  const r = spawnSync('rpm', ['--eval', lua], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`rpm oracle failed: ${r.stderr}`);
  return parse(r.stdout, pairs.length, r.stderr);
}

/** `rpm.vercmp` on fields without `-` or `:`, i.e. plain rpmvercmp on one field (rpm.vercmp parses EVRs). */
export function rpmvercmpOracle(pairs: ReadonlyArray<readonly [string, string]>): Ordering[] {
  if (pairs.length > 500) return chunked(pairs, rpmvercmpOracle);
  for (const [a, b] of pairs) {
    if (!/^[0-9A-Za-z._+~^]+$/.test(a) || !/^[0-9A-Za-z._+~^]+$/.test(b)) throw new Error(`not a single field: ${a} ${b}`);
  }
  const body = pairs.map(([a, b]) => `print(rpm.vercmp("${a}","${b}").."\\n")`).join(' ');
  const r = spawnSync('rpm', ['--eval', `%{lua: ${body}}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`rpm oracle failed: ${r.stderr}`);
  return parse(r.stdout, pairs.length, r.stderr);
}

function parse(stdout: string, n: number, stderr: string): Ordering[] {
  const out = stdout.split('\n').filter((l) => l.trim() !== '').map((l) => Math.sign(Number(l)) as Ordering);
  if (out.length !== n || out.some((x) => Number.isNaN(x))) {
    throw new Error(`oracle gave ${out.length} answers for ${n} pairs: ${stderr.slice(0, 500)}`);
  }
  return out;
}
