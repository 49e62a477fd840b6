import { memoize, sign, type Ordering, type VersioningScheme } from '../types.js';

/** A Debian version `[epoch:]upstream[-revision]` (deb-version(7), Debian Policy §5.6.12). */
export interface DpkgVersion {
  epoch: number;
  upstream: string;
  /** `''` when absent; compares equal to `'0'`. */
  revision: string;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

/**
 * Splits like dpkg's `parseversion`: leading/trailing blanks dropped, epoch up to the first `:`,
 * revision after the last `-`. Returns the parts and, when dpkg would refuse the string (an
 * error, not a mere warning), the reason.
 */
function split(input: string): { parts: DpkgVersion; error?: string; warning?: string } {
  const s = input.trim();
  let rest = s;
  let epoch = 0;
  let error: string | undefined;
  let warning: string | undefined;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (!/^[0-9]+$/.test(e)) error = 'epoch in version is not number';
    else if (Number(e) > 2147483647) error = 'epoch in version is too big';
    else epoch = Number(e);
    rest = s.slice(colon + 1);
    if (rest === '') error ??= 'nothing after colon in version number';
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (s === '') error ??= 'version string is empty';
  else if (/\s/.test(s)) error ??= 'version string has embedded spaces';
  if (upstream === '') error ??= 'version number is empty';
  if (hyphen >= 0 && revision === '') error ??= 'revision number is empty';
  if (!error) {
    if (!isDigit(upstream[0]!)) warning = 'version number does not start with digit';
    else if (!/^[0-9A-Za-z.+~:-]*$/.test(upstream)) warning = 'invalid character in version number';
    else if (!/^[0-9A-Za-z.+~]*$/.test(revision)) warning = 'invalid character in revision number';
  }
  return { parts: { epoch, upstream, revision }, error, warning };
}

/** dpkg's `order()`: `~` first, then end of part and digits, then letters, then other characters. */
function order(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (isAlpha(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

/** dpkg's `verrevcmp`: alternating non-digit (by `order`) and digit (numeric) parts. */
export function verrevcmp(a: string, b: string): Ordering {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i]!)) || (j < b.length && !isDigit(b[j]!))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    let firstDiff = 0;
    while (i < a.length && j < b.length && isDigit(a[i]!) && isDigit(b[j]!)) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a[i]!)) return 1;
    if (j < b.length && isDigit(b[j]!)) return -1;
    if (firstDiff) return sign(firstDiff);
  }
  return 0;
}

const splitCached = memoize(split);

export function compareParsed(a: DpkgVersion, b: DpkgVersion): Ordering {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return verrevcmp(a.upstream, b.upstream) || verrevcmp(a.revision, b.revision);
}

/**
 * Debian package versions, compared exactly like `dpkg --compare-versions` (`verrevcmp`).
 * `compare` also accepts what dpkg only warns about (a version not starting with a digit, odd
 * characters); on strings dpkg refuses outright it still returns the `verrevcmp` order of the
 * parts (dpkg itself would exit with an error).
 */
export const dpkg: VersioningScheme<DpkgVersion, DpkgVersion> = {
  id: 'dpkg',
  isValid(version: string): boolean {
    const r = split(version);
    return !r.error && !r.warning;
  },
  parse(version: string): DpkgVersion | null {
    const r = split(version);
    return r.error || r.warning ? null : r.parts;
  },
  compare(a: string, b: string): Ordering {
    return compareParsed(splitCached(a).parts, splitCached(b).parts);
  },
  prepare: (version) => splitCached(version).parts,
  comparePrepared: compareParsed,
};

export default dpkg;
