import * as pep440Lib from '@renovatebot/pep440';
import { memoize, sign, type Ordering, type VersioningScheme } from '../types.js';

export type Pep440Version = NonNullable<ReturnType<typeof pep440Lib.parse>>;

/** Longer strings are not versions; bounding them keeps the library's regex cheap on hostile input. */
const MAX_LENGTH = 256;

const valid = (version: string): boolean => version.length <= MAX_LENGTH && pep440Lib.valid(version) !== null;
const cmpStr = (a: string, b: string): Ordering => (a < b ? -1 : a > b ? 1 : 0);

/** A sort key as `packaging` builds it (`_cmpkey`): tuples compared element by element, ±Infinity as its sentinels. */
type KeyPart = number | string | KeyPart[];

/**
 * `packaging.version._cmpkey`, as `@renovatebot/pep440` computes it inside `compare` — computed here
 * once per version (and cached), because the library re-parses both strings on every comparison.
 */
function sortKey(parsed: Pep440Version): KeyPart[] {
  const release = [...parsed.release];
  while (release.length > 0 && release[release.length - 1] === 0) release.pop();
  const { pre, post, dev, local } = parsed;
  // 1.0.dev0 sorts before 1.0a0: a dev release without pre or post takes the lowest pre slot.
  const preKey: KeyPart = !pre && !post && dev ? -Infinity : pre ? (pre as KeyPart[]) : Infinity;
  const localKey: KeyPart = local ? (local as unknown as (string | number)[]).map((i): KeyPart => (Number.isNaN(Number(i)) ? [-Infinity, String(i)] : [Number(i), ''])) : -Infinity;
  return [parsed.epoch, release, preKey, post ? (post as KeyPart[]) : -Infinity, dev ? (dev as KeyPart[]) : Infinity, localKey];
}

/** Python's tuple comparison, with numbers, strings and ±Infinity (`pyCompare` of the library). */
function compareKeys(a: KeyPart, b: KeyPart): number {
  if (a === b) return 0;
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = Array.isArray(a) ? a : [a];
    const y = Array.isArray(b) ? b : [b];
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const r = compareKeys(x[i]!, y[i]!);
      if (r !== 0) return r;
    }
    return x.length - y.length;
  }
  if (a === -Infinity || b === Infinity) return -1;
  if (a === Infinity || b === -Infinity) return 1;
  return a < b ? -1 : 1;
}

/** The sort key of a valid version, undefined for an invalid one; cached, as matching asks about the same versions again and again. */
const keyOf = memoize((version: string): KeyPart[] | undefined => {
  if (version.length > MAX_LENGTH) return undefined;
  const parsed = pep440Lib.parse(version);
  return parsed ? sortKey(parsed) : undefined;
});

/** A string with its sort key (undefined: not a PEP 440 version). */
type Prepared = { raw: string; key: KeyPart[] | undefined };

const prepare = memoize((raw: string): Prepared => ({ raw, key: keyOf(raw) }));

function comparePrepared(a: Prepared, b: Prepared): Ordering {
  if (a.key && b.key) return sign(compareKeys(a.key, b.key));
  if (a.key || b.key) return a.key ? 1 : -1;
  return cmpStr(a.raw, b.raw);
}

/**
 * Python package versions (PEP 440), ordered by `@renovatebot/pep440` (a port of `packaging`):
 * epoch, release (trailing zeros insignificant), dev < pre (a < b < rc) < release < post, local
 * segments last. Invalid strings sort below every valid version and among themselves by code
 * unit order, so `compare` is total.
 */
export const pep440: VersioningScheme<Pep440Version, Prepared> = {
  id: 'pep440',
  isValid: valid,
  parse(version: string): Pep440Version | null {
    return version.length <= MAX_LENGTH ? pep440Lib.parse(version) : null;
  },
  compare(a: string, b: string): Ordering {
    return comparePrepared(prepare(a), prepare(b));
  },
  prepare,
  comparePrepared,
};

export default pep440;
