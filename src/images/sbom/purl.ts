import { apkEcosystem } from '../catalog/apk/index.js';
import { dpkgEcosystem } from '../catalog/dpkg/index.js';
import { rpmEcosystem } from '../catalog/rpm/index.js';
import { PackageURL } from 'packageurl-js';
import type { OsInfo, PackageType } from '../model.js';

// What a package URL says about a package once read back from an SBOM: kubeward's package type,
// the name as the ecosystem spells it, the OSV ecosystem (from the purl type and `distro` qualifier).
// Spec: https://github.com/package-url/purl-spec (PURL-TYPES.rst for deb/apk/rpm/npm/pypi/golang/maven).

export const SUPPORTED_TYPES: ReadonlySet<string> = new Set<PackageType>(['deb', 'apk', 'rpm', 'npm', 'pypi', 'golang', 'maven']);

export interface PurlFacts {
  type: PackageType;
  /** npm `@scope/name`, Go `module/path`, Maven `group:artifact`, else the purl name. */
  name: string;
  namespace?: string;
  version: string;
  ecosystem?: string;
  arch?: string;
  /** From the `upstream` qualifier (`name` or `name@version`; version defaults to the package's). */
  source?: { name: string; version: string };
  /** The `distro` qualifier split into an os-release id and version. */
  distro?: { id: string; versionId?: string };
}

export type PurlReading = { ok: true; facts: PurlFacts } | { ok: false; unsupportedType?: string; error?: string };

export function readPurl(purl: string): PurlReading {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(purl);
  } catch (error) {
    return { ok: false, error: `invalid package URL ${JSON.stringify(purl)}: ${(error as Error).message}` };
  }
  if (!SUPPORTED_TYPES.has(parsed.type)) return { ok: false, unsupportedType: parsed.type };
  if (!parsed.version) return { ok: false, error: `package URL ${purl} has no version` };
  const type = parsed.type as PackageType;
  const qualifiers = parsed.qualifiers ?? {};
  const namespace = parsed.namespace || undefined;
  const distro = splitDistro(qualifiers.distro, namespace);
  const source = upstream(qualifiers.upstream, parsed.version);
  const ecosystem = ecosystemFor(type, distro);
  const facts: PurlFacts = {
    type,
    name: ecosystemName(type, namespace, parsed.name),
    version: parsed.version,
    ...(namespace && (type === 'maven' || type === 'golang') ? { namespace } : {}),
    ...(ecosystem ? { ecosystem } : {}),
    ...(qualifiers.arch ? { arch: qualifiers.arch } : {}),
    ...(source ? { source } : {}),
    ...(distro ? { distro } : {}),
  };
  return { ok: true, facts };
}

function ecosystemName(type: PackageType, namespace: string | undefined, name: string): string {
  if (!namespace) return name;
  if (type === 'maven') return `${namespace}:${name}`;
  if (type === 'npm' || type === 'golang') return `${namespace}/${name}`;
  return name;
}

/**
 * `debian-12` → { debian, 12 }; `alpine-3.18.4` → { alpine, 3.18.4 }. Trivy writes only the version
 * (`distro=3.10.2`): the namespace (`alpine`) then names the distribution.
 */
export function splitDistro(distro: string | undefined, namespace: string | undefined): PurlFacts['distro'] {
  if (!distro) return undefined;
  const dash = distro.indexOf('-');
  if (dash > 0 && !/^\d/.test(distro)) {
    const versionId = distro.slice(dash + 1);
    return { id: distro.slice(0, dash).toLowerCase(), ...(versionId ? { versionId } : {}) };
  }
  if (/^\d/.test(distro) && namespace) return { id: namespace.toLowerCase(), versionId: distro };
  return { id: distro.toLowerCase() };
}

function upstream(value: string | undefined, version: string): PurlFacts['source'] {
  if (!value) return undefined;
  const at = value.lastIndexOf('@');
  if (at > 0) return { name: value.slice(0, at), version: value.slice(at + 1) };
  return { name: value, version };
}

const LANGUAGE_ECOSYSTEMS: Partial<Record<PackageType, string>> = { npm: 'npm', pypi: 'PyPI', golang: 'Go', maven: 'Maven' };

/**
 * The OSV ecosystem (https://ossf.github.io/osv-schema/#affectedpackage-field) a package's advisories
 * use: the same functions the image catalogers use, fed with the purl's `distro` qualifier.
 */
export function ecosystemFor(type: PackageType, distro: PurlFacts['distro']): string | undefined {
  const language = LANGUAGE_ECOSYSTEMS[type];
  if (language) return language;
  if (!distro?.versionId) return undefined;
  const os: OsInfo = { id: distro.id, versionId: distro.versionId, source: 'purl distro qualifier' };
  if (type === 'deb') return dpkgEcosystem(os);
  if (type === 'apk') return apkEcosystem(os);
  if (type === 'rpm') return rpmEcosystem(os);
  return undefined;
}
