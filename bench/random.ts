// A seeded random source for generated benchmark inputs: the same cluster on every run.

let seed = 0x5eed;

/** mulberry32 */
export function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

/** One to `max` distinct picks. */
export const some = <T>(xs: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(xs)))];
