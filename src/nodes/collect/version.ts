import * as fs from 'node:fs';
import type { NodeFs } from './root-fs.js';
import type { DetectedVersion } from '../model.js';

// The Kubernetes version stamped into a kubelet binary. The build sets it with
// `-ldflags -X k8s.io/component-base/version.gitVersion=v1.31.2`; the flag text is not in the
// binary, but the value is, as its own Go string constant. Go string data is not NUL-terminated,
// yet an -X value is stored as a separate, aligned symbol: it sits between NUL bytes. Module
// versions (`dep\tgo.opentelemetry.io/otel\tv1.28.0\t` in the build info, `…/otel@v1.28.0/x.go`
// in file names) and text such as `(devel)v1.21.2` are embedded in other strings, never
// NUL-bounded. Heuristic: the most frequent NUL-bounded `v1.<minor>.<patch>[-suffix][+build]`
// with minor ≥ 10; a tie goes to the first seen. Checked against a real kubectl (kubectl's
// version is stamped the same way) in version.test.ts.

const CHUNK = 1 << 20;
/** Longest candidate looked at (`v1.31.2-rc.1+abcdef…`). */
const MAX_CANDIDATE = 64;
const NEEDLE = Buffer.from('v1.');
const CANDIDATE = /^v1\.(\d{2,3})\.(\d{1,4})(?:-[0-9A-Za-z.-]{1,40})?(?:\+[0-9A-Za-z.-]{1,40})?$/;

/** A NUL-bounded version string starting at `at` in `buf`, or undefined. */
function candidateAt(buf: Buffer, at: number, end: number): string | undefined {
  if (at > 0 && buf[at - 1] !== 0) return undefined;
  const stop = Math.min(end, at + MAX_CANDIDATE);
  let i = at;
  while (i < stop && buf[i] !== 0) i++;
  if (i >= stop) return undefined; // not NUL-terminated within reach (or at the chunk's end)
  const text = buf.toString('latin1', at, i);
  const match = CANDIDATE.exec(text);
  return match && Number(match[1]) >= 10 ? text : undefined;
}

/** Counts the candidates in one buffer, from `from` to `end`. */
export function versionCandidates(buf: Buffer, counts: Map<string, number>, from = 0, end = buf.length): void {
  let at = buf.indexOf(NEEDLE, from);
  while (at !== -1 && at < end) {
    const found = candidateAt(buf, at, buf.length);
    if (found) counts.set(found, (counts.get(found) ?? 0) + 1);
    at = buf.indexOf(NEEDLE, at + 1);
  }
}

/** The most frequent candidate (first seen on a tie). */
export function chooseVersion(counts: ReadonlyMap<string, number>): string | undefined {
  let best: [string, number] | undefined;
  for (const entry of counts) if (!best || entry[1] > best[1]) best = entry;
  return best?.[0];
}

/** Streams a file in 1 MiB chunks (overlapping by a candidate's length) and returns its stamped gitVersion. */
export function gitVersionOfBinary(hostPath: string): string | undefined {
  const fd = fs.openSync(hostPath, 'r');
  try {
    const counts = new Map<string, number>();
    const buf = Buffer.alloc(CHUNK + MAX_CANDIDATE + 1);
    let carried = 0; // bytes kept from the previous chunk: its unscanned tail and the byte before it
    let searchFrom = 0;
    let position = 0;
    for (;;) {
      const read = fs.readSync(fd, buf, carried, CHUNK, position);
      const length = carried + read;
      const last = read === 0;
      // A candidate starting in the last MAX_CANDIDATE bytes may continue in the next chunk: look at it then.
      const scanEnd = last ? length : Math.max(searchFrom, length - MAX_CANDIDATE);
      versionCandidates(buf.subarray(0, length), counts, searchFrom, scanEnd);
      if (last) break;
      position += read;
      const keepFrom = Math.max(0, scanEnd - 1);
      buf.copy(buf, 0, keepFrom, length);
      carried = length - keepFrom;
      searchFrom = scanEnd - keepFrom;
    }
    return chooseVersion(counts);
  } finally {
    fs.closeSync(fd);
  }
}

/** `v1.32.4-dispatcher` → `1.32.4`. */
export const plainVersion = (gitVersion: string): string => /^v(\d+\.\d+\.\d+)/.exec(gitVersion)![1]!;

/** The version of the kubelet binary: the process's argv[0] (under the root) first, then /usr/bin/kubelet. */
export function versionFromKubeletBinary(nodeFs: NodeFs, candidates: readonly string[], notes: string[]): DetectedVersion | undefined {
  for (const candidate of candidates) {
    const resolved = nodeFs.resolve(candidate);
    if (!resolved || nodeFs.stat(candidate)?.file.type === 'dir') continue;
    try {
      const gitVersion = gitVersionOfBinary(resolved.hostPath);
      if (gitVersion) return { version: plainVersion(gitVersion), source: `gitVersion ${gitVersion} stamped in the kubelet binary ${candidate}` };
      notes.push(`${candidate}: no Kubernetes version string found in the binary`);
    } catch (err) {
      notes.push(`${candidate}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return undefined;
}
