import semverLib from 'semver';
import { memoize, sign, type Ordering, type VersioningScheme } from '../types.js';

type SemVer = semverLib.SemVer;

/** A version as this scheme orders it: a strict or loose SemVer, or an unparseable string. */
type Key = { semver: SemVer } | { raw: string };

function key(version: string): Key {
  const v = semverLib.parse(version, { loose: false }) ?? semverLib.parse(version, { loose: true });
  return v ? { semver: v } : { raw: version };
}

const keyCached = memoize(key);

function compareKeys(a: Key, b: Key): Ordering {
  if ('semver' in a && 'semver' in b) return sign(semverLib.compare(a.semver, b.semver));
  if ('semver' in a) return 1;
  if ('semver' in b) return -1;
  return a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : 0;
}

/**
 * npm versions: SemVer 2.0.0 precedence as the `semver` package implements it (build metadata
 * ignored). `isValid`/`parse` are `semver.parse(v, { loose: false })` (which already accepts a
 * leading `v` and surrounding blanks). `compare` is total: a version only the loose parser reads
 * (`01.2.3`, `1.2.3beta`) compares as what it reads; a string neither reads sorts below every
 * SemVer, and such strings compare among themselves by code unit order.
 */
export const semver: VersioningScheme<SemVer, Key> = {
  id: 'semver',
  isValid(version: string): boolean {
    return semverLib.parse(version, { loose: false }) !== null;
  },
  parse(version: string): SemVer | null {
    return semverLib.parse(version, { loose: false });
  },
  compare(a: string, b: string): Ordering {
    return compareKeys(keyCached(a), keyCached(b));
  },
  prepare: (version) => keyCached(version),
  comparePrepared: compareKeys,
};

export default semver;
