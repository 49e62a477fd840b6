import { memoize, type Ordering, type VersioningScheme } from '../types.js';

/**
 * One item of Maven's ComparableVersion: a number (with Maven's size class: int ≤ 9 digits,
 * long ≤ 18, big beyond — a longer class always compares greater), a qualifier, or a sub-list
 * (opened by `-` or by a digit/letter transition).
 */
export type MavenItem =
  | { kind: 'number'; size: 0 | 1 | 2; digits: string }
  | { kind: 'qualifier'; value: string }
  | { kind: 'list'; items: MavenItem[] };

export interface MavenVersion {
  items: MavenItem[];
  /** ComparableVersion's canonical form (`1.0-alpha1` → `1-alpha-1`). */
  canonical: string;
}

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
const SHORTHANDS: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };
const RELEASE = String(QUALIFIERS.indexOf(''));
/** Longer strings compare by their first MAX_LENGTH characters, then as strings (bounds the nesting depth). */
const MAX_LENGTH = 1024;
/** Characters Maven's model validator refuses in a version (DefaultModelValidator). */
const ILLEGAL = /[\\/:"<>|?*\s]/;

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const cmpStr = (a: string, b: string): Ordering => (a < b ? -1 : a > b ? 1 : 0);
const negate = (o: Ordering): Ordering => (o === 0 ? 0 : o === 1 ? -1 : 1);

/** Known qualifiers by rank; unknown ones after all of them, among themselves as strings. */
function comparable(qualifier: string): string {
  const i = QUALIFIERS.indexOf(qualifier);
  return i === -1 ? `${QUALIFIERS.length}-${qualifier}` : String(i);
}

function qualifier(value: string, followedByDigit: boolean): MavenItem {
  const v = followedByDigit && value.length === 1 ? (SHORTHANDS[value] ?? value) : value;
  return { kind: 'qualifier', value: ALIASES[v] ?? v };
}

function parseItem(digit: boolean, text: string): MavenItem {
  if (!digit) return qualifier(text, false);
  const stripped = text.replace(/^0+/, '');
  // Maven keeps an all-zero string as is, so its length picks the class (`0000000000` is a long 0).
  const len = stripped === '' ? text.length : stripped.length;
  return { kind: 'number', size: len <= 9 ? 0 : len <= 18 ? 1 : 2, digits: stripped };
}

function isNull(item: MavenItem): boolean {
  if (item.kind === 'number') return item.digits === '';
  if (item.kind === 'qualifier') return comparable(item.value) === RELEASE;
  return item.items.length === 0;
}

/** ListItem.normalize: drop trailing null items (0, release qualifiers, empty lists), looking past sub-lists. */
function normalize(list: MavenItem[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i]!;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

/** ComparableVersion.parseVersion, step for step. */
export function parseItems(version: string): MavenItem[] {
  const v = version.toLowerCase();
  const root: MavenItem[] = [];
  let list = root;
  const stack: MavenItem[][] = [root];
  const openList = (): void => {
    const child: MavenItem[] = [];
    list.push({ kind: 'list', items: child });
    list = child;
    stack.push(child);
  };
  let digit = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'number', size: 0, digits: '' } : parseItem(digit, v.slice(start, i)));
      start = i + 1;
      if (c === '-') openList();
    } else if (isDigit(c)) {
      if (!digit && i > start) {
        // MNG-7644: `.X1` is read as `-X1` (1.0.0.X1 < 1.0.0-X2), so a qualifier after other items opens a sub-list.
        if (list.length > 0) openList();
        list.push(qualifier(v.slice(start, i), true));
        start = i;
        openList();
      }
      digit = true;
    } else {
      if (digit && i > start) {
        list.push(parseItem(true, v.slice(start, i)));
        start = i;
        openList();
      }
      digit = false;
    }
  }
  if (v.length > start) {
    if (!digit && list.length > 0) openList(); // MNG-7644, for a trailing qualifier
    list.push(parseItem(digit, v.slice(start)));
  }
  for (let i = stack.length - 1; i >= 0; i--) normalize(stack[i]!);
  return root;
}

function cmpNumbers(a: { size: number; digits: string }, b: { size: number; digits: string }): Ordering {
  if (a.size !== b.size) return a.size < b.size ? -1 : 1;
  if (a.digits.length !== b.digits.length) return a.digits.length < b.digits.length ? -1 : 1;
  return cmpStr(a.digits, b.digits);
}

/** `a.compareTo(b)` of Maven's Item classes; `b` null stands for "nothing there" (padding). */
export function compareItem(a: MavenItem, b: MavenItem | null): Ordering {
  switch (a.kind) {
    case 'number':
      if (b === null) return a.digits === '' ? 0 : 1;
      return b.kind === 'number' ? cmpNumbers(a, b) : 1;
    case 'qualifier':
      if (b === null) return cmpStr(comparable(a.value), RELEASE);
      if (b.kind === 'qualifier') return cmpStr(comparable(a.value), comparable(b.value));
      return -1;
    case 'list':
      // MNG-6964: every item of the list is compared with "nothing", not just the first.
      if (b === null) return compareLists(a.items, []);
      if (b.kind === 'list') return compareLists(a.items, b.items);
      return b.kind === 'number' ? -1 : 1;
  }
}

function compareLists(a: MavenItem[], b: MavenItem[]): Ordering {
  for (let i = 0; i < a.length || i < b.length; i++) {
    const l = a[i] ?? null;
    const r = b[i] ?? null;
    const result = l === null ? (r === null ? 0 : negate(compareItem(r, null))) : compareItem(l, r);
    if (result !== 0) return result;
  }
  return 0;
}

/** ListItem.toString: `.` before plain items, `-` before sub-lists, no separator while nothing is written yet. */
export function canonical(items: MavenItem[]): string {
  let out = '';
  for (const item of items) {
    if (out !== '') out += item.kind === 'list' ? '-' : '.';
    out += item.kind === 'number' ? item.digits || '0' : item.kind === 'qualifier' ? item.value : canonical(item.items);
  }
  return out;
}

const isValid = (version: string): boolean => version.length > 0 && version.length <= MAX_LENGTH && !ILLEGAL.test(version);

/**
 * Maven versions, ordered like Maven's `ComparableVersion` (the Maven 3.8 algorithm): items split
 * on `.`, `-` and digit/letter transitions; qualifiers `alpha < beta < milestone < rc = cr <
 * snapshot < "" = ga = final = release < sp < unknown (alphabetical)`; trailing null items
 * trimmed. Any string compares (as in Maven); `isValid` only refuses what Maven's model validator
 * refuses in a version (empty, blanks, `\/:"<>|?*`) and strings over 1024 characters.
 */
type PreparedMaven = { raw: string; items: MavenItem[] };
const prepareMaven = memoize((raw: string): PreparedMaven => ({ raw, items: parseItems(raw.slice(0, MAX_LENGTH)) }));

function comparePreparedMaven(a: PreparedMaven, b: PreparedMaven): Ordering {
  const r = compareLists(a.items, b.items);
  if (r !== 0 || (a.raw.length <= MAX_LENGTH && b.raw.length <= MAX_LENGTH)) return r;
  // Over-long strings: equal prefixes are ordered by the whole string (keeps the order total).
  return cmpStr(a.raw.length > MAX_LENGTH ? a.raw : '', b.raw.length > MAX_LENGTH ? b.raw : '');
}

export const maven: VersioningScheme<MavenVersion, PreparedMaven> = {
  id: 'maven',
  isValid,
  parse(version: string): MavenVersion | null {
    if (!isValid(version)) return null;
    const items = parseItems(version);
    return { items, canonical: canonical(items) };
  },
  compare(a: string, b: string): Ordering {
    return comparePreparedMaven(prepareMaven(a), prepareMaven(b));
  },
  prepare: prepareMaven,
  comparePrepared: comparePreparedMaven,
};

export default maven;
