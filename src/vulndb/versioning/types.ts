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
 */
export interface VersioningScheme<P = unknown> {
  readonly id: string;
  isValid(version: string): boolean;
  compare(a: string, b: string): Ordering;
  parse(version: string): P | null;
}

export function sign(n: number): Ordering {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
