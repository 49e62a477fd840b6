import { memoize, type Ordering, type VersioningScheme } from '../types.js';

/** A Go module or toolchain version in semver form; build metadata (`+incompatible`) is dropped. */
export interface GoVersion {
  major: string;
  minor: string;
  patch: string;
  /** Dot-separated pre-release identifiers (`['rc', '1']`, a pseudo-version's `['0', '20191109021931-daa7c04131f5']`). */
  prerelease: string[];
  build: string;
}

// golang.org/x/mod/semver grammar: numbers without leading zeros; `v1` and `v1.2` are shorthands
// for `v1.0.0` / `v1.2.0` and then may not carry a pre-release or build suffix.
const NUM = '(0|[1-9][0-9]*)';
const IDENT = '[0-9A-Za-z-]+';
const SEMVER_RE = new RegExp(
  `^v${NUM}(?:\\.${NUM}(?:\\.${NUM}(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${IDENT}(?:\\.${IDENT})*))?)?)?$`,
);
// Go toolchain tags: go1, go1.21, go1.21.5, go1.21rc1, go1.9beta2 (golang.org/x/vuln's tag-to-semver rule).
const TOOLCHAIN_RE = /^go(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?(?:\.(0|[1-9][0-9]*))?(?:(alpha|beta|rc)(0|[1-9][0-9]*))?$/;
const NUMERIC_ID = /^[0-9]+$/;
const MAX_LENGTH = 1024;

/** `go1.21rc1` → `v1.21.0-rc.1`; `1.2.3` (how OSV spells Go versions) → `v1.2.3`; module versions unchanged. */
export function canonicalForm(version: string): string {
  const t = TOOLCHAIN_RE.exec(version);
  if (t) {
    const [, major, minor = '0', patch = '0', pre, preNo] = t;
    return `v${major}.${minor}.${patch}${pre ? `-${pre}.${preNo}` : ''}`;
  }
  return /^[0-9]/.test(version) ? `v${version}` : version;
}

function parseGo(version: string): GoVersion | null {
  if (version.length > MAX_LENGTH) return null;
  const m = SEMVER_RE.exec(canonicalForm(version));
  if (!m) return null;
  const [, major, minor = '0', patch = '0', pre, build = ''] = m;
  const prerelease = pre === undefined ? [] : pre.split('.');
  // x/mod/semver rejects numeric pre-release identifiers with leading zeros (SemVer §9).
  if (prerelease.some((p) => NUMERIC_ID.test(p) && p.length > 1 && p[0] === '0')) return null;
  return { major: major!, minor, patch, prerelease, build };
}

function cmpNum(a: string, b: string): Ordering {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const cmpStr = (a: string, b: string): Ordering => (a < b ? -1 : a > b ? 1 : 0);

function cmpIdent(a: string, b: string): Ordering {
  const an = NUMERIC_ID.test(a);
  const bn = NUMERIC_ID.test(b);
  if (an && bn) return cmpNum(a, b);
  if (an !== bn) return an ? -1 : 1;
  return cmpStr(a, b);
}

function cmpPrerelease(a: string[], b: string[]): Ordering {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  for (let i = 0; i < a.length && i < b.length; i++) {
    const r = cmpIdent(a[i]!, b[i]!);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function compareParsed(a: GoVersion, b: GoVersion): Ordering {
  return cmpNum(a.major, b.major) || cmpNum(a.minor, b.minor) || cmpNum(a.patch, b.patch) || cmpPrerelease(a.prerelease, b.prerelease);
}

/**
 * Go module versions (`v1.2.3`, pseudo-versions `v0.0.0-20191109021931-daa7c04131f5`,
 * `v2.0.0+incompatible`), OSV's bare spelling `1.2.3`, and toolchain tags `go1.21.5`/`go1.21rc1`,
 * ordered like golang.org/x/mod/semver.Compare (build metadata ignored). Invalid strings sort
 * below every valid version, as in x/mod; unlike x/mod (which calls them all equal) they compare
 * among themselves by code unit order so that distinct strings stay distinct.
 */
/** A string with what it parses to (null: not a Go version). */
type PreparedGo = { raw: string; parsed: GoVersion | null };
const prepareGo = memoize((raw: string): PreparedGo => ({ raw, parsed: parseGo(raw) }));

function comparePreparedGo(a: PreparedGo, b: PreparedGo): Ordering {
  if (a.parsed && b.parsed) return compareParsed(a.parsed, b.parsed);
  if (a.parsed || b.parsed) return a.parsed ? 1 : -1;
  return cmpStr(a.raw, b.raw);
}

export const go: VersioningScheme<GoVersion, PreparedGo> = {
  id: 'go',
  isValid: (version) => parseGo(version) !== null,
  parse: parseGo,
  compare(a: string, b: string): Ordering {
    return comparePreparedGo(prepareGo(a), prepareGo(b));
  },
  prepare: prepareGo,
  comparePrepared: comparePreparedGo,
};

export default go;
