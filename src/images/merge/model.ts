import type { Severity } from '../../core/severity.js';

/** One vulnerability another scanner reported for one package. */
export interface ExternalVulnerability {
  pkgName: string;
  installedVersion: string;
  purl?: string;
  /** The purl type, else the tool's own package type (`apk`, `deb`, `npm`…). */
  pkgType?: string;
  /** undefined = the tool knows no fix. */
  fixedVersion?: string;
  id: string;
  /** Other ids of the same advisory (Grype relatedVulnerabilities, Trivy VendorIDs). */
  aliases: string[];
  /** Mapped from the tool's word: Critical/High/Medium/Low as is, Negligible → low, Unknown → medium. */
  severity: Severity;
  /** The tool's word, kept for the severity basis (`trivy: UNKNOWN`). */
  severityWord: string;
  title?: string;
  description?: string;
  references: string[];
  cvss?: { vector: string; score: number };
  /** File that recorded the package (no leading `/`). */
  path?: string;
  layerDigest?: string;
}

/** What a tool's record gives, optional fields possibly undefined; `externalVulnerability` builds the record. */
export type ExternalFields = Omit<ExternalVulnerability, 'severity' | 'purl' | 'pkgType' | 'fixedVersion' | 'title' | 'description' | 'cvss' | 'path' | 'layerDigest'> & {
  [K in 'purl' | 'pkgType' | 'fixedVersion' | 'title' | 'description' | 'cvss' | 'path' | 'layerDigest']?: ExternalVulnerability[K] | undefined;
};

/** One shape for every tool: severity mapped from the tool's word, empty optional fields left out, paths without a leading `/`. */
export function externalVulnerability(fields: ExternalFields): ExternalVulnerability {
  const out: Record<string, unknown> = { severity: mapSeverity(fields.severityWord) };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== '') out[key] = value;
  if (fields.path) out.path = fields.path.replace(/^\/+/, '');
  out.references = [...new Set(fields.references)];
  return out as unknown as ExternalVulnerability;
}

export type ScannerTool = 'trivy' | 'grype';

export interface ScannerResults {
  tool: ScannerTool;
  /** The image the tool scanned, as it names it. */
  image?: string;
  vulnerabilities: ExternalVulnerability[];
  /** Records that could not be read (one line each, naming file and JSON path). */
  notes: string[];
}

/** A results file that cannot be used at all. */
export class ScannerResultsError extends Error {
  override readonly name = 'ScannerResultsError';
}

/**
 * The tools' severity words onto kubeward's scale. Grype's Negligible is below low: low is the
 * closest. Unknown (neither tool rated it) becomes medium: an unrated advisory is not dismissed,
 * nor allowed to fail a `--fail-on high` gate on its own.
 */
export function mapSeverity(word: string): Severity {
  switch (word.trim().toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
    case 'negligible':
      return 'low';
    default:
      return 'medium';
  }
}

/** Bounds on hostile input: entries read from one file, notes kept. */
export const MAX_VULNERABILITIES = 200_000;
export const MAX_NOTES = 50;

export class Notes {
  readonly list: string[] = [];
  constructor(private readonly file: string) {}
  add(where: string, message: string): void {
    if (this.list.length < MAX_NOTES) this.list.push(`${this.file}: ${where}: ${message}`);
    else if (this.list.length === MAX_NOTES) this.list.push(`${this.file}: further problems not listed`);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : [];
}
