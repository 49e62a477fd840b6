import type { Package } from '../../images/model.js';
import { rateSeverity } from '../cvss/index.js';
import { nameKey } from '../names.js';
import type { Advisory, AdvisoryLookup, AffectedPackage, AffectedRange, PackageQuery, RangeEvent, RatedSeverity, SeverityScore, VulnerabilityMatch } from '../model.js';
import { apk, dpkg, go, maven, pep440, rpm, semver, type VersioningScheme } from '../versioning/index.js';

const PREFIXES: ReadonlyArray<[string, VersioningScheme]> = [
  ['Debian', dpkg], ['Ubuntu', dpkg],
  ['Alpine', apk],
  ['Red Hat', rpm], ['Rocky Linux', rpm], ['AlmaLinux', rpm], ['openSUSE', rpm], ['SUSE', rpm], ['Mageia', rpm], ['openEuler', rpm], ['Photon OS', rpm],
];
const EXACT: Readonly<Record<string, VersioningScheme>> = { Wolfi: apk, Chainguard: apk, npm: semver, Go: go, PyPI: pep440, Maven: maven };

/** The version scheme of an OSV ecosystem (`Debian:12`, `Alpine:v3.18`, `npm`…); undefined when unknown. */
export function schemeForEcosystem(ecosystem: string): VersioningScheme | undefined {
  if (Object.hasOwn(EXACT, ecosystem)) return EXACT[ecosystem];
  return PREFIXES.find(([p]) => ecosystem === p || ecosystem.startsWith(`${p}:`))?.[1];
}

export type AffectsResult = { affected: true; fixedVersion?: string; matchedBy: string } | { affected: false };

/** Most evaluations end here: one shared object, not one allocation each. */
const NOT_AFFECTED: AffectsResult = Object.freeze({ affected: false });

type Event = { kind: 'introduced' | 'fixed' | 'last_affected' | 'limit'; version: string };

function toEvent(e: RangeEvent): Event {
  if ('introduced' in e) return { kind: 'introduced', version: e.introduced };
  if ('fixed' in e) return { kind: 'fixed', version: e.fixed };
  if ('last_affected' in e) return { kind: 'last_affected', version: e.last_affected };
  return { kind: 'limit', version: e.limit };
}

/** Events by version, `introduced: "0"` first (OSV: "0" is before every version). */
export function sortEvents(events: RangeEvent[], scheme: VersioningScheme): Event[] {
  const isZero = (e: Event): boolean => e.kind === 'introduced' && e.version === '0';
  return events.map(toEvent).sort((a, b) => (isZero(a) || isZero(b) ? Number(isZero(b)) - Number(isZero(a)) : scheme.compare(a.version, b.version)));
}

// Advisories are shared objects (the store caches them), so what only depends on the advisory is
// computed once per range / per severity list, not once per package that looks at it.
/** A range's events in version order, each with its version in the scheme's prepared form. */
interface SortedRange {
  scheme: VersioningScheme;
  events: (Event & { prepared: unknown })[];
  limits: (Event & { prepared: unknown })[];
}
const sortedByRange = new WeakMap<AffectedRange, SortedRange>();

function sortedRange(range: AffectedRange, scheme: VersioningScheme): SortedRange {
  const known = sortedByRange.get(range);
  if (known && known.scheme === scheme) return known;
  const events = sortEvents(range.events, scheme).map((e) => ({ ...e, prepared: scheme.prepare(e.version) }));
  const sorted = { scheme, events, limits: events.filter((e) => e.kind === 'limit') };
  sortedByRange.set(range, sorted);
  return sorted;
}

const ratedBySource = new WeakMap<object, RatedSeverity>();

function rated(source: AffectedPackage | VulnerabilityMatch['advisory'], scores: SeverityScore[], vendorSeverity: string | undefined): RatedSeverity {
  const known = ratedBySource.get(source);
  if (known) return known;
  const severity = rateSeverity(scores, vendorSeverity);
  ratedBySource.set(source, severity);
  return severity;
}

/**
 * An advisory that rates nothing (Alpine's secdb gives fix versions only) takes the rating of a
 * related advisory of the same vulnerability (the CVE's own record, another distribution's), and
 * the basis says which.
 */
function ratedOrRelated(advisory: VulnerabilityMatch['advisory'], lookup: AdvisoryLookup): RatedSeverity {
  if (advisory.severity.length > 0 || advisory.vendorSeverity || !lookup.related) return rated(advisory, advisory.severity, advisory.vendorSeverity);
  const known = ratedBySource.get(advisory);
  if (known) return known;
  let severity = rateSeverity([], undefined);
  for (const other of lookup.related(advisory)) {
    if (other.severity.length === 0 && !other.vendorSeverity) continue;
    const borrowed = rateSeverity(other.severity, other.vendorSeverity);
    severity = { ...borrowed, basis: `${borrowed.basis} (from ${other.id})` };
    break;
  }
  ratedBySource.set(advisory, severity);
  return severity;
}

/** One SEMVER/ECOSYSTEM range per the OSV evaluation pseudo-code, with the event closing the interval. */
function inRange(version: unknown, range: AffectedRange, scheme: VersioningScheme): AffectsResult {
  const { events, limits } = sortedRange(range, scheme);
  const cmp = (e: { prepared: unknown }): number => scheme.comparePrepared(version, e.prepared);
  if (limits.length > 0 && !limits.some((e) => e.version === '*' || cmp(e) < 0)) return NOT_AFFECTED;
  let opener: Event | undefined;
  let index = -1;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind === 'introduced') {
      if (e.version === '0' || cmp(e) >= 0) [opener, index] = [e, i];
    } else if (e.kind === 'fixed') {
      if (opener && cmp(e) >= 0) opener = undefined;
    } else if (e.kind === 'last_affected' && opener && cmp(e) > 0) opener = undefined;
  }
  if (!opener) return NOT_AFFECTED;
  let close: Event | undefined;
  for (let i = index + 1; i < events.length && !close; i++) if (events[i]!.kind === 'fixed' || events[i]!.kind === 'last_affected') close = events[i];
  const matchedBy = `introduced ${opener.version}${close ? `, ${close.kind} ${close.version}` : ''}`;
  return close?.kind === 'fixed' ? { affected: true, fixedVersion: close.version, matchedBy } : { affected: true, matchedBy };
}

/**
 * Whether `version` is affected per https://ossf.github.io/osv-schema/#evaluation: SEMVER and
 * ECOSYSTEM ranges (GIT ranges only through `versions[]`), or an exact `versions[]` entry. Of
 * several matching ranges, the one with the lowest fix wins.
 */
export function affects(version: string, affected: AffectedPackage, scheme: VersioningScheme): AffectsResult {
  return affectsPrepared(version, scheme.prepare(version), affected, scheme);
}

function affectsPrepared(version: string, prepared: unknown, affected: AffectedPackage, scheme: VersioningScheme): AffectsResult {
  let best: AffectsResult = NOT_AFFECTED;
  for (const range of affected.ranges) {
    if (range.type === 'GIT') continue;
    const r = inRange(prepared, range, scheme);
    if (r.affected && (!best.affected || lowerFix(r.fixedVersion, best.fixedVersion, scheme))) best = r;
  }
  if (!best.affected && affected.versions.length > 0 && affected.versions.some((v) => v === version || scheme.comparePrepared(scheme.prepare(v), prepared) === 0)) {
    return { affected: true, matchedBy: 'listed in versions[]' };
  }
  return best;
}

/** True when fix `a` is preferable to `b`: a fix beats none, a lower fix beats a higher one. */
function lowerFix(a: string | undefined, b: string | undefined, scheme: VersioningScheme): boolean {
  if (a === undefined) return false;
  return b === undefined || scheme.compare(a, b) < 0;
}

/** Joins a namespace kept apart (`org.yaml` + `snakeyaml`) unless the name already carries it. */
function qualifiedName(pkg: Package, separator: string): string {
  return pkg.namespace && !pkg.name.includes(separator) ? `${pkg.namespace}${separator}${pkg.name}` : pkg.name;
}

/**
 * What advisories call this package: distro advisories name source packages (Debian/Ubuntu with
 * the source version, since a binNMU `+bN` exists only in the binary version); Maven
 * `groupId:artifactId`; Go module paths and npm scopes joined with `/`.
 */
export function queryFor(pkg: Package): PackageQuery | undefined {
  if (!pkg.ecosystem) return undefined;
  const ecosystem = pkg.ecosystem;
  switch (pkg.type) {
    case 'deb':
      return { ecosystem, name: pkg.source?.name ?? pkg.name, version: pkg.source?.version ?? pkg.version };
    case 'apk':
    case 'rpm':
      return { ecosystem, name: pkg.source?.name ?? pkg.name, version: pkg.version };
    case 'maven':
      return { ecosystem, name: qualifiedName(pkg, ':'), version: pkg.version };
    case 'golang':
    case 'npm':
      return { ecosystem, name: qualifiedName(pkg, '/'), version: pkg.version };
    default:
      return { ecosystem, name: pkg.name, version: pkg.version };
  }
}

/** Package names as the ecosystem compares them (PyPI: PEP 503 normalisation); the store keys names the same way. */
export const normalizeName = nameKey;

export type PackageMatch = VulnerabilityMatch & { package: Package };
export interface NotEvaluated {
  ecosystem: string;
  packages: number;
  reason: string;
}
export interface MatchResult {
  matches: PackageMatch[];
  notEvaluated: NotEvaluated[];
}

/** The best match of one advisory for one query: the affected entry/range with the lowest fix. */
function matchAdvisory(query: PackageQuery, prepared: unknown, advisory: VulnerabilityMatch['advisory'], scheme: VersioningScheme, pkg: Package, lookup: AdvisoryLookup): PackageMatch | undefined {
  let best: { entry: AffectedPackage; result: AffectsResult & { affected: true } } | undefined;
  const name = normalizeName(query.ecosystem, query.name);
  for (const entry of advisory.affected) {
    if (entry.ecosystem !== query.ecosystem || (entry.name !== query.name && normalizeName(entry.ecosystem, entry.name) !== name)) continue;
    const result = affectsPrepared(query.version, prepared, entry, scheme);
    if (result.affected && (!best || lowerFix(result.fixedVersion, best.result.fixedVersion, scheme))) best = { entry, result };
  }
  if (!best) return undefined;
  const severity = best.entry.severity?.length ? rated(best.entry, best.entry.severity, advisory.vendorSeverity) : ratedOrRelated(advisory, lookup);
  const { fixedVersion, matchedBy } = best.result;
  return { advisory, query, ...(fixedVersion !== undefined ? { fixedVersion } : {}), matchedBy, severity, package: pkg };
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Matches packages with advisories. Packages without an ecosystem or with one no version scheme
 * knows are counted in `notEvaluated`, never passed silently. Withdrawn advisories are skipped.
 * Each advisory matches a package at most once. Output is sorted (package name, version, purl,
 * advisory id; ecosystems by name).
 */
export function matchPackages(packages: Package[], lookup: AdvisoryLookup, options: { ignoreUnfixed?: boolean } = {}): MatchResult {
  const matches: PackageMatch[] = [];
  const skipped = new Map<string, NotEvaluated>();
  const skip = (ecosystem: string, reason: string): void => {
    const entry = skipped.get(ecosystem) ?? { ecosystem, packages: 0, reason };
    entry.packages++;
    skipped.set(ecosystem, entry);
  };
  const cache = new Map<string, Advisory[]>();
  // Packages in report order first, then each package's matches by advisory id: no sort of all matches.
  const ordered = [...packages].sort((a, b) => byString(a.name, b.name) || byString(a.version, b.version) || byString(a.purl, b.purl));
  for (const pkg of ordered) {
    const query = queryFor(pkg);
    const scheme = query && schemeForEcosystem(query.ecosystem);
    if (!query) skip('(none)', 'no advisory ecosystem known for these packages');
    else if (!scheme) skip(query.ecosystem, `no version scheme for ecosystem '${query.ecosystem}'`);
    if (!query || !scheme) continue;
    if (lookup.hasEcosystem && !lookup.hasEcosystem(query.ecosystem)) {
      skip(query.ecosystem, `the advisory database has no advisories for ${query.ecosystem}: add them with \`kubeward db update --ecosystem ${query.ecosystem.split(':')[0]}\` (or \`kubeward db import\`)`);
      continue;
    }
    const key = `${query.ecosystem}\0${query.name}`;
    const advisories = cache.get(key) ?? lookup.advisoriesFor(query.ecosystem, query.name);
    cache.set(key, advisories);
    const seen = new Set<string>();
    const prepared = scheme.prepare(query.version);
    const found: PackageMatch[] = [];
    for (const advisory of advisories) {
      if (advisory.withdrawn || seen.has(advisory.id)) continue;
      const m = matchAdvisory(query, prepared, advisory, scheme, pkg, lookup);
      if (!m || (options.ignoreUnfixed && m.fixedVersion === undefined)) continue;
      seen.add(advisory.id);
      found.push(m);
    }
    found.sort((a, b) => byString(a.advisory.id, b.advisory.id));
    for (const m of found) matches.push(m);
  }
  return { matches, notEvaluated: [...skipped.values()].sort((a, b) => byString(a.ecosystem, b.ecosystem)) };
}
