import { memoize, type Ordering, type VersioningScheme } from '../types.js';

/**
 * The token kinds of an Alpine version, in the order they may appear:
 * `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`.
 * When two versions run out of common tokens, the one whose next token kind is *later* in this
 * list is the older one (so `1.0 < 1.0.1`, `1.0-r1 < 1.0.1`), except that a pre-release suffix is
 * older than anything.
 */
export enum Token {
  FirstDigit = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  CommitHash = 5,
  RevisionNo = 6,
  End = 7,
  Invalid = 8,
}

export interface ApkToken {
  kind: Token;
  /** The text the token compares on (digits, the letter, the suffix name, the hash, or for `Invalid` the rest of the string). */
  text: string;
}

/** Suffix rank: pre-releases below 0 (no suffix), post-releases above. */
const SUFFIX_RANK: Readonly<Record<string, number>> = {
  alpha: -4, beta: -3, pre: -2, rc: -1, cvs: 1, svn: 2, git: 3, hg: 4, p: 5,
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';
const isHex = (c: string | undefined): boolean => isDigit(c) || (c !== undefined && c >= 'a' && c <= 'f');

/** Reads one token after `prev` starting at `s[i]`; returns the token and the next index. */
function nextToken(s: string, i: number, prev: Token): [ApkToken, number] {
  const invalid = (): [ApkToken, number] => [{ kind: Token.Invalid, text: s.slice(i) }, s.length];
  const run = (from: number, ok: (c: string | undefined) => boolean): number => {
    let k = from;
    while (k < s.length && ok(s[k])) k++;
    return k;
  };
  if (i >= s.length) return [{ kind: Token.End, text: '' }, i];
  const c = s[i];
  if (isLower(c) && prev <= Token.Digit) return [{ kind: Token.Letter, text: c! }, i + 1];
  if (c === '.' && prev <= Token.Digit) {
    const e = run(i + 1, isDigit);
    return e > i + 1 ? [{ kind: Token.Digit, text: s.slice(i + 1, e) }, e] : invalid();
  }
  if (isDigit(c) && prev === Token.Suffix) {
    const e = run(i, isDigit);
    return [{ kind: Token.SuffixNo, text: s.slice(i, e) }, e];
  }
  if (c === '_' && prev <= Token.SuffixNo) {
    const e = run(i + 1, isLower);
    const name = s.slice(i + 1, e);
    return name in SUFFIX_RANK ? [{ kind: Token.Suffix, text: name }, e] : invalid();
  }
  if (c === '~' && prev < Token.CommitHash) {
    const e = run(i + 1, isHex);
    return e > i + 1 ? [{ kind: Token.CommitHash, text: s.slice(i + 1, e) }, e] : invalid();
  }
  if (c === '-' && s[i + 1] === 'r' && prev < Token.RevisionNo) {
    const e = run(i + 2, isDigit);
    return e > i + 2 ? [{ kind: Token.RevisionNo, text: s.slice(i + 2, e) }, e] : invalid();
  }
  return invalid();
}

/** Splits a version into tokens, ending with one `End` or `Invalid` token. */
export function tokenize(version: string): ApkToken[] {
  const e = /^[0-9]*/.exec(version)![0].length;
  if (e === 0) return [{ kind: Token.Invalid, text: version }];
  const tokens: ApkToken[] = [{ kind: Token.FirstDigit, text: version.slice(0, e) }];
  let i = e;
  for (;;) {
    const [t, next] = nextToken(version, i, tokens[tokens.length - 1]!.kind);
    tokens.push(t);
    if (t.kind === Token.End || t.kind === Token.Invalid) return tokens;
    i = next;
  }
}

function cmpNumber(a: string, b: string): Ordering {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

const cmpString = (a: string, b: string): Ordering => (a < b ? -1 : a > b ? 1 : 0);

/** Compares two tokens of the same kind. */
function cmpToken(a: ApkToken, b: ApkToken): Ordering {
  switch (a.kind) {
    case Token.Digit:
      // Gentoo rule: a component with a leading zero compares as a string (1.01 < 1.1).
      if (a.text[0] === '0' || b.text[0] === '0') return cmpString(a.text, b.text);
      return cmpNumber(a.text, b.text);
    case Token.FirstDigit:
    case Token.SuffixNo:
    case Token.RevisionNo:
      return cmpNumber(a.text, b.text);
    case Token.Suffix: {
      const x = SUFFIX_RANK[a.text]!;
      const y = SUFFIX_RANK[b.text]!;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    default: // Letter, CommitHash, Invalid
      return cmpString(a.text, b.text);
  }
}

const tokenizeCached = memoize(tokenize);

function compareTokens(ta: ApkToken[], tb: ApkToken[], fuzzy: boolean): Ordering {
  let k = 0;
  for (; ; k++) {
    const a = ta[k]!;
    const b = tb[k]!;
    if (a.kind !== b.kind || a.kind === Token.End) break;
    const r = cmpToken(a, b);
    if (r !== 0 || a.kind === Token.Invalid) return r;
  }
  const a = ta[k]!;
  const b = tb[k]!;
  if (a.kind === b.kind) return 0;
  if (fuzzy && b.kind === Token.End) return 0;
  if (a.kind === Token.Suffix && SUFFIX_RANK[a.text]! < 0) return -1;
  if (b.kind === Token.Suffix && SUFFIX_RANK[b.text]! < 0) return 1;
  return a.kind > b.kind ? -1 : 1;
}

/**
 * `a ~ b` in apk dependency syntax: 0 when `a` matches `b` as a prefix (`3.6.9 ~ 3.6`),
 * otherwise the order of the first differing token.
 */
export function fuzzyCompare(a: string, b: string): Ordering {
  return compareTokens(tokenize(a), tokenize(b), true);
}

/**
 * Alpine package versions, compared like apk-tools' `apk_version_compare`. Malformed versions
 * still compare (token by token up to the malformed part, which sorts below any valid token and
 * against another malformed rest as a plain string).
 */
export const apk: VersioningScheme<ApkToken[], ApkToken[]> = {
  id: 'apk',
  isValid(version: string): boolean {
    return tokenize(version).at(-1)!.kind === Token.End;
  },
  parse(version: string): ApkToken[] | null {
    const t = tokenize(version);
    return t.at(-1)!.kind === Token.End ? t.slice(0, -1) : null;
  },
  compare(a: string, b: string): Ordering {
    return compareTokens(tokenizeCached(a), tokenizeCached(b), false);
  },
  prepare: (version) => tokenizeCached(version),
  comparePrepared: (a, b) => compareTokens(a, b, false),
};

export default apk;
