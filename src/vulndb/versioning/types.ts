/** The result of comparing two versions: a < b, a = b, a > b. */
export type Ordering = -1 | 0 | 1;

/**
 * One version scheme of an OS package ecosystem. Every scheme folder exports an object of this
 * shape (like Renovate's `lib/modules/versioning/<scheme>/`).
 *
 * - `isValid(v)` is the ecosystem tool's own notion of a well-formed version.
 * - `compare(a, b)` is total: it never throws, and on malformed input does what the tool does
 *   (documented per scheme), so a scanner never crashes on a strange version string.
 * - `parse(v)` returns the parts the comparison works on, or `null` when `v` is not valid.
 * - `prepare(v)` is the comparable form of any string (valid or not), cached; comparing one version
 *   with many (matching) uses `comparePrepared`, so nothing is parsed or looked up twice.
 *   `compare(a, b) === comparePrepared(prepare(a), prepare(b))` always.
 */
export interface VersioningScheme<P = unknown, Q = unknown> {
  readonly id: string;
  isValid(version: string): boolean;
  compare(a: string, b: string): Ordering;
  parse(version: string): P | null;
  prepare(version: string): Q;
  comparePrepared(a: Q, b: Q): Ordering;
}

export function sign(n: number): Ordering {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/**
 * A string → parsed-form cache for `compare`: matching compares the same few versions (installed
 * ones, advisory bounds) many times. Bounded: it starts over when full. Parsed forms must not be
 * mutated by the comparison.
 */
export function memoize<T>(parse: (version: string) => T, max = 100_000): (version: string) => T {
  const cache = new Map<string, T>();
  return (version) => {
    let parsed = cache.get(version);
    if (parsed === undefined) {
      if (cache.size >= max) cache.clear();
      parsed = parse(version);
      cache.set(version, parsed);
    }
    return parsed;
  };
}
