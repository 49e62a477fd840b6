import type { Package } from '../model.js';

// Names kubeward gives its own data in an SBOM (CycloneDX properties, https://cyclonedx.org/docs/1.6/json/#components_items_properties),
// and the bom-refs of package components.

export const PROPERTY = {
  path: 'kubeward:package:path',
  layerDigest: 'kubeward:layer:digest',
  layerIndex: 'kubeward:layer:index',
  sourceName: 'kubeward:package:source-name',
  sourceVersion: 'kubeward:package:source-version',
  ecosystem: 'kubeward:package:ecosystem',
  namespace: 'kubeward:package:namespace',
  arch: 'kubeward:package:arch',
  imageReference: 'kubeward:image:reference',
  imagePlatform: 'kubeward:image:platform',
  imageTag: 'kubeward:image:tag',
  osSource: 'kubeward:os:source',
  osCodename: 'kubeward:os:codename',
} as const;

/**
 * One bom-ref per package, unique within the document: the purl; when several packages share a purl
 * (the same npm package in two node_modules trees), the purl plus `?path=`/`&path=` and the package's
 * first path; a numeric suffix `#n` if even that repeats.
 */
export function componentRefs(packages: readonly Package[]): string[] {
  const count = new Map<string, number>();
  for (const pkg of packages) count.set(pkg.purl, (count.get(pkg.purl) ?? 0) + 1);
  const used = new Set<string>();
  return packages.map((pkg) => {
    let ref = pkg.purl;
    const path = pkg.locations[0]?.path;
    if (count.get(pkg.purl)! > 1 && path) ref = `${pkg.purl}${pkg.purl.includes('?') ? '&' : '?'}path=${encodeURIComponent(path)}`;
    let unique = ref;
    for (let n = 2; used.has(unique); n++) unique = `${ref}#${n}`;
    used.add(unique);
    return unique;
  });
}
