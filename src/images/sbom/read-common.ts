import type { OsInfo, Package, PackageLocation } from '../model.js';
import { readPurl } from './purl.js';

// Shared by the CycloneDX and SPDX readers: turning one SBOM entry into a Package, and keeping
// count of what could not be read so one bad entry never stops the others.

/** An SBOM that cannot be read at all (not JSON, neither format, wrong shape at the top). */
export class SbomError extends Error {
  override readonly name = 'SbomError';
}

export interface SbomContents {
  /** What the SBOM describes: the image reference or name. */
  subject: string;
  os?: OsInfo;
  packages: Package[];
  /** Entries left out (unsupported package types, bad package URLs), one line each. */
  notes: string[];
}

/** What one SBOM entry says beside its purl; absent fields are derived from the purl. */
export interface EntryFacts {
  purl: string;
  /** Name as kubeward wrote it (its own SBOMs only); else the purl decides. */
  name?: string;
  ecosystem?: string;
  namespace?: string;
  arch?: string;
  source?: { name: string; version: string };
  licenses: string[];
  locations: PackageLocation[];
}

/** Collects packages and the reasons entries were left out. */
export class PackageCollector {
  readonly packages: Package[] = [];
  private readonly unsupported = new Map<string, number>();
  private readonly problems: string[] = [];
  /** The first `distro` qualifier seen: the OS when the SBOM has no operating-system entry. */
  distro?: { id: string; versionId?: string };

  constructor(private readonly file: string) {}

  add(entry: EntryFacts, where: string): void {
    const reading = readPurl(entry.purl);
    if (!reading.ok) {
      if (reading.unsupportedType) this.unsupported.set(reading.unsupportedType, (this.unsupported.get(reading.unsupportedType) ?? 0) + 1);
      else this.problem(where, reading.error ?? 'unreadable package URL');
      return;
    }
    const facts = reading.facts;
    this.distro ??= facts.distro;
    const namespace = entry.namespace ?? facts.namespace;
    const ecosystem = entry.ecosystem ?? facts.ecosystem;
    const arch = entry.arch ?? facts.arch;
    const source = entry.source ?? facts.source;
    this.packages.push({
      type: facts.type,
      name: entry.name ?? facts.name,
      version: facts.version,
      purl: entry.purl,
      ...(ecosystem ? { ecosystem } : {}),
      ...(source ? { source } : {}),
      ...(arch ? { arch } : {}),
      ...(entry.licenses.length > 0 ? { licenses: entry.licenses } : {}),
      ...(namespace ? { namespace } : {}),
      locations: entry.locations,
    });
  }

  problem(where: string, message: string): void {
    // Bounded: a hostile SBOM with a million bad entries must not produce a million notes.
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(`${this.file}: ${where}: ${message}`);
    else if (this.problems.length === MAX_PROBLEMS) this.problems.push(`${this.file}: further problems not listed`);
  }

  notes(): string[] {
    const kept = [...this.unsupported].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${this.file}: ${n} ${type} package(s) left out: kubeward does not match ${type} packages`);
    return [...kept, ...this.problems];
  }

  osFromDistro(): OsInfo | undefined {
    if (!this.distro) return undefined;
    return { id: this.distro.id, ...(this.distro.versionId ? { versionId: this.distro.versionId } : {}), source: `${this.file} (purl distro qualifier)` };
  }
}

const MAX_PROBLEMS = 50;

/** Paths in kubeward's model have no leading `/` (Syft writes `/lib/apk/db/installed`). */
export function normalisePath(path: string): string {
  return path.replace(/^\/+/, '');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
