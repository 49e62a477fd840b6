import type { Severity } from '../core/severity.js';

// Advisories as kubeward stores and matches them: OSV's model (https://ossf.github.io/osv-schema/),
// which every importer (OSV JSON, Alpine secdb) converts to.

export type RangeEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

export interface AffectedRange {
  type: 'SEMVER' | 'ECOSYSTEM' | 'GIT';
  events: RangeEvent[];
}

/** One `affected[]` entry: a package of an ecosystem and the versions affected. */
export interface AffectedPackage {
  ecosystem: string;
  name: string;
  ranges: AffectedRange[];
  /** Explicit affected versions (OSV `versions[]`). */
  versions: string[];
  /** Severity given for this package only (OSV `affected[].severity`). */
  severity?: SeverityScore[];
}

export interface SeverityScore {
  /** `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`… */
  type: string;
  score: string;
}

export interface Advisory {
  id: string;
  aliases: string[];
  summary?: string;
  details?: string;
  published?: string;
  modified?: string;
  withdrawn?: string;
  severity: SeverityScore[];
  /** Vendor rating when the source gives a word instead of a vector (`database_specific.severity`). */
  vendorSeverity?: string;
  references: { type?: string; url: string }[];
  affected: AffectedPackage[];
  /** Where the record came from: `osv:<file>`, `alpine-secdb:<file>`… */
  source: string;
}

/** How severe an advisory is, and from what. */
export interface RatedSeverity {
  severity: Severity;
  /** `cvss:3.1 9.8 (CVSS:3.1/AV:N/…)`, `vendor: HIGH`, or `unknown`. */
  basis: string;
  score?: number;
  vector?: string;
}

/** What a package is matched with: its ecosystem, name and version as the ecosystem spells them. */
export interface PackageQuery {
  ecosystem: string;
  name: string;
  version: string;
}

/** An advisory that affects a package version, and the version that fixes it (when one does). */
export interface VulnerabilityMatch {
  advisory: Advisory;
  query: PackageQuery;
  /** Lowest fixed version above the installed one, from the range that matched; undefined = no fix yet. */
  fixedVersion?: string;
  /** Why it matched, e.g. `introduced 0, fixed 3.28.0-r0` or `listed in versions[]`. */
  matchedBy: string;
  severity: RatedSeverity;
}

/** Advisories by package: what the matcher asks the store. Names are compared as the ecosystem normalises them. */
export interface AdvisoryLookup {
  advisoriesFor(ecosystem: string, name: string): Advisory[];
  /**
   * Whether the lookup holds any advisory for the ecosystem at all. When it holds none, packages of
   * that ecosystem are reported as not evaluated — an empty answer would otherwise read as "no vulnerabilities".
   */
  hasEcosystem?(ecosystem: string): boolean;
  /** Other advisories of the same vulnerability (shared ids / aliases): where a severity can come from when the advisory has none. */
  related?(advisory: Advisory): Advisory[];
}
