import { memoize, type Ordering, type VersioningScheme } from '../types.js';

/** An RPM `[epoch:]version[-release]` (EVR). */
export interface RpmVersion {
  /** Digits; `'0'` when absent or empty. */
  epoch: string;
  version: string;
  /** `''` when absent, which sorts below every non-empty release (as `rpm.ver` does). */
  release: string;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isAlnum = (c: string | undefined): boolean => isDigit(c) || isAlpha(c);

/**
 * rpm's `rpmvercmp` on one EVR field: runs of digits (numeric) and of letters (byte order) are
 * compared one by one, other characters only separate them; a numeric segment is newer than an
 * alphabetic one; `~` sorts before everything, even the end; `^` sorts after the end but before
 * any further segment.
 */
export function rpmvercmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;

    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;

    const numeric = isDigit(a[i]);
    const isSeg = numeric ? isDigit : isAlpha;
    let ie = i;
    let je = j;
    while (ie < a.length && isSeg(a[ie])) ie++;
    while (je < b.length && isSeg(b[je])) je++;
    // Different kinds (b's segment is empty): numeric is newer than alphabetic.
    if (je === j) return numeric ? 1 : -1;

    let sa = a.slice(i, ie);
    let sb = b.slice(j, je);
    if (numeric) {
      sa = sa.replace(/^0+/, '');
      sb = sb.replace(/^0+/, '');
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1;
    }
    if (sa !== sb) return sa < sb ? -1 : 1;
    i = ie;
    j = je;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** Splits like rpm's `rpmverParse`: epoch = leading digits before `:`, release after the last `-`. */
function split(evr: string): RpmVersion {
  let k = 0;
  while (isDigit(evr[k])) k++;
  let epoch = '0';
  let rest = evr;
  if (evr[k] === ':') {
    epoch = k === 0 ? '0' : evr.slice(0, k);
    rest = evr.slice(k + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  return hyphen >= 0
    ? { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) }
    : { epoch, version: rest, release: '' };
}

const splitCached = memoize(split);

export function compareParsed(a: RpmVersion, b: RpmVersion): Ordering {
  return rpmvercmp(a.epoch, b.epoch) || rpmvercmp(a.version, b.version) || rpmvercmp(a.release, b.release);
}

const FIELD = /^[0-9A-Za-z._+~^]+$/;

/**
 * RPM package versions, compared like rpm's `rpmverCmp` (Lua `rpm.ver(a) < rpm.ver(b)`):
 * epoch (absent = 0), then version, then release, each with `rpmvercmp`. A missing release
 * sorts below any release, which keeps the order total.
 */
export const rpm: VersioningScheme<RpmVersion, RpmVersion> = {
  id: 'rpm',
  isValid(version: string): boolean {
    const p = split(version);
    return (
      /^([0-9]*:)?[^:]*$/.test(version) &&
      FIELD.test(p.version) &&
      (p.release === '' ? !version.endsWith('-') : FIELD.test(p.release))
    );
  },
  parse(version: string): RpmVersion | null {
    return rpm.isValid(version) ? split(version) : null;
  },
  compare(a: string, b: string): Ordering {
    return compareParsed(splitCached(a), splitCached(b));
  },
  prepare: (version) => splitCached(version),
  comparePrepared: compareParsed,
};

export default rpm;
