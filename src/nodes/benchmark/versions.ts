import type { DetectedVersion } from '../model.js';
import { benchmarkById, VERSION_TABLE, type Benchmark } from './data.js';

// Which benchmark applies to a node: the one asked for (--benchmark), else the one the Kubernetes
// version maps to (kube-bench's version_mapping), else the closest one kubeward ships.

export interface ChosenBenchmark {
  benchmark: Benchmark;
  chosenBy: string;
}

/** `1.31.2` → [1, 31]; undefined when the text is not a version. */
export function minorOf(version: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

const label = (b: Benchmark): string => `${b.id} (${b.title} ${b.version}, Kubernetes ${b.kubernetes.min}–${b.kubernetes.max})`;
const shippedIds = (): string => VERSION_TABLE.shipped.map((s) => s.id).join(', ');

/** How far Kubernetes minor `minor` lies outside a benchmark's range (0 inside it). */
function distance(minor: number, b: Benchmark): number {
  const lo = minorOf(b.kubernetes.min)![1];
  const hi = minorOf(b.kubernetes.max)![1];
  return minor < lo ? lo - minor : minor > hi ? minor - hi : 0;
}

function closestShipped(minor: number): Benchmark {
  const shipped = VERSION_TABLE.shipped.map((s) => benchmarkById(s.id)!);
  return shipped.reduce((best, b) => (distance(minor, b) < distance(minor, best) ? b : best));
}

/**
 * The benchmark for a node. Throws on a `--benchmark` kubeward does not ship (a usage error,
 * the message lists the shipped ones).
 */
export function chooseBenchmark(version: DetectedVersion | undefined, requested?: string): ChosenBenchmark {
  if (requested !== undefined) {
    const id = requested.startsWith('cis-') ? requested : `cis-${requested}`;
    const benchmark = benchmarkById(id);
    if (!benchmark) throw new Error(`unknown benchmark ${requested}: kubeward ships ${shippedIds()}`);
    const detected = version ? ` (the node runs Kubernetes ${version.version})` : '';
    return { benchmark, chosenBy: `--benchmark ${requested}${detected}` };
  }
  const fallback = benchmarkById(VERSION_TABLE.default)!;
  if (!version) return { benchmark: fallback, chosenBy: `Kubernetes version not detected: using the newest shipped benchmark, ${label(fallback)}` };
  const parsed = minorOf(version.version);
  if (!parsed || parsed[0] !== 1) {
    return { benchmark: fallback, chosenBy: `Kubernetes version ${version.version} (${version.source}) not understood: using the newest shipped benchmark, ${label(fallback)}` };
  }
  const minor = `${parsed[0]}.${parsed[1]}`;
  const from = `Kubernetes ${version.version} (${version.source})`;
  const mapped = VERSION_TABLE.versionMapping.map[minor];
  const shipped = mapped ? benchmarkById(mapped) : undefined;
  if (shipped) return { benchmark: shipped, chosenBy: `${from} → ${label(shipped)}` };
  const closest = closestShipped(parsed[1]);
  const why = mapped
    ? `maps to ${mapped}, which kubeward does not ship`
    : `has no CIS benchmark in the version mapping`;
  return { benchmark: closest, chosenBy: `${from} ${why}: using the closest shipped benchmark, ${label(closest)}; some recommendations may not match this version` };
}
