import { createHash } from 'node:crypto';
import type { ImageReport } from '../model.js';

// Identifiers an SBOM needs that must not change between runs over the same image at the same time:
// name-based UUIDs (RFC 9562 §5.5, version 5) instead of random ones, and the image's package URL.

/** RFC 9562 Appendix A: the URL namespace. */
const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** UUID version 5 (SHA-1, name-based) of `name` in `namespace` (a UUID string). */
export function uuidV5(name: string, namespace: string = NAMESPACE_URL): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The UUID naming one SBOM document: the same image, tool and time give the same document id. */
export function documentUuid(report: ImageReport, created: string): string {
  return uuidV5(`https://kubeward.dev/sbom/${report.repository}@${report.manifestDigest || report.reference}/${created}`);
}

/**
 * `pkg:oci/<name>@<digest>?repository_url=<repository>&tag=<tag>`, per the purl spec's oci type:
 * the name is the repository's last path segment, lowercased; the version is the manifest digest.
 */
export function imagePurl(report: Pick<ImageReport, 'repository' | 'manifestDigest' | 'tag'>): string {
  const name = (report.repository.split('/').pop() || report.repository).toLowerCase();
  const version = report.manifestDigest ? `@${encodeURIComponent(report.manifestDigest)}` : '';
  const qualifiers = [`repository_url=${encodeURIComponent(report.repository)}`];
  if (report.tag) qualifiers.push(`tag=${encodeURIComponent(report.tag)}`);
  return `pkg:oci/${encodeURIComponent(name)}${version}?${qualifiers.join('&')}`;
}
