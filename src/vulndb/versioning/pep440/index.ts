import * as pep440Lib from '@renovatebot/pep440';
import { sign, type Ordering, type VersioningScheme } from '../types.js';

export type Pep440Version = NonNullable<ReturnType<typeof pep440Lib.parse>>;

/** Longer strings are not versions; bounding them keeps the library's regex cheap on hostile input. */
const MAX_LENGTH = 256;

const valid = (version: string): boolean => version.length <= MAX_LENGTH && pep440Lib.valid(version) !== null;
const cmpStr = (a: string, b: string): Ordering => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Python package versions (PEP 440), ordered by `@renovatebot/pep440` (a port of `packaging`):
 * epoch, release (trailing zeros insignificant), dev < pre (a < b < rc) < release < post, local
 * segments last. Invalid strings sort below every valid version and among themselves by code
 * unit order, so `compare` is total.
 */
export const pep440: VersioningScheme<Pep440Version> = {
  id: 'pep440',
  isValid: valid,
  parse(version: string): Pep440Version | null {
    return version.length <= MAX_LENGTH ? pep440Lib.parse(version) : null;
  },
  compare(a: string, b: string): Ordering {
    const va = valid(a);
    const vb = valid(b);
    if (va && vb) return sign(pep440Lib.compare(a, b));
    if (va || vb) return va ? 1 : -1;
    return cmpStr(a, b);
  },
};

export default pep440;
