import { PackageURL } from 'packageurl-js';
import type { OsInfo } from '../model.js';

// Package URLs for every cataloger, built by packageurl-js so that encoding and per-type
// normalisation follow the purl specification: https://github.com/package-url/purl-spec

/** Builds a purl; qualifiers that are undefined or empty are left out. */
export function purlOf(
  type: string,
  namespace: string | undefined,
  name: string,
  version: string | undefined,
  qualifiers?: Record<string, string | undefined>,
): string {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(qualifiers ?? {})) {
    if (value !== undefined && value !== '') kept[key] = value;
  }
  const hasQualifiers = Object.keys(kept).length > 0;
  return new PackageURL(type, namespace || undefined, name, version || undefined, hasQualifiers ? kept : undefined, undefined).toString();
}

/** The `distro` qualifier OS package purls carry, as syft writes it: `<id>-<versionId>`. */
export function distroQualifier(os: OsInfo | undefined): string | undefined {
  if (!os) return undefined;
  return os.versionId ? `${os.id}-${os.versionId}` : os.id;
}
