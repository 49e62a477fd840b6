import { SPDX } from '@cyclonedx/cyclonedx-library';
import type { ImageReport, Package } from '../model.js';
import type { SbomOptions } from './cyclonedx.js';
import { documentUuid, imagePurl } from './ids.js';

// SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/), written by hand: document creation info
// (§6), one package per image / OS / installed package (§7), DESCRIBES and CONTAINS relationships (§11).

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: 'NOASSERTION';
  filesAnalyzed: false;
  licenseConcluded: string;
  licenseDeclared: string;
  licenseComments?: string;
  copyrightText: 'NOASSERTION';
  supplier: 'NOASSERTION';
  primaryPackagePurpose?: 'CONTAINER' | 'OPERATING-SYSTEM' | 'LIBRARY';
  description?: string;
  sourceInfo?: string;
  externalRefs?: { referenceCategory: 'PACKAGE-MANAGER'; referenceType: 'purl'; referenceLocator: string }[];
}

const NOASSERTION = 'NOASSERTION';

export function toSpdx(report: ImageReport, options: SbomOptions): string {
  const created = (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const ids = new SpdxIds();
  const image: SpdxPackage = {
    SPDXID: ids.make(`image-${report.repository}`),
    name: report.repository,
    ...(report.manifestDigest ? { versionInfo: report.manifestDigest } : {}),
    ...base(),
    primaryPackagePurpose: 'CONTAINER',
    description: `container image ${report.reference}${report.platform ? ` (${report.platform})` : ''}`,
    externalRefs: [purlRef(imagePurl(report))],
  };
  const packages: SpdxPackage[] = [image];
  if (report.os) {
    packages.push({
      SPDXID: ids.make(`os-${report.os.id}-${report.os.versionId ?? ''}`),
      name: report.os.id,
      ...(report.os.versionId ? { versionInfo: report.os.versionId } : {}),
      ...base(),
      primaryPackagePurpose: 'OPERATING-SYSTEM',
      ...(report.os.prettyName ? { description: report.os.prettyName } : {}),
      sourceInfo: `acquired operating system info from ${report.os.source}`,
    });
  }
  for (const pkg of report.packages) packages.push(spdxPackage(pkg, ids));
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: report.reference,
    documentNamespace: `https://kubeward.dev/spdxdocs/${report.repository.replace(/[^A-Za-z0-9.-]+/g, '-')}-${documentUuid(report, created)}`,
    creationInfo: { created, creators: [`Tool: kubeward-${options.toolVersion}`] },
    packages,
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: image.SPDXID },
      ...packages.slice(1).map((p) => ({ spdxElementId: image.SPDXID, relationshipType: 'CONTAINS', relatedSpdxElement: p.SPDXID })),
    ],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function base(): Pick<SpdxPackage, 'downloadLocation' | 'filesAnalyzed' | 'licenseConcluded' | 'licenseDeclared' | 'copyrightText' | 'supplier'> {
  return { downloadLocation: NOASSERTION, filesAnalyzed: false, licenseConcluded: NOASSERTION, licenseDeclared: NOASSERTION, copyrightText: NOASSERTION, supplier: NOASSERTION };
}

function purlRef(purl: string): NonNullable<SpdxPackage['externalRefs']>[number] {
  return { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl };
}

function spdxPackage(pkg: Package, ids: SpdxIds): SpdxPackage {
  const declared = licenseExpression(pkg.licenses ?? []);
  const unlisted = (pkg.licenses ?? []).length > 0 && declared === undefined;
  return {
    SPDXID: ids.make(`${pkg.type}-${pkg.name}-${pkg.version}`),
    name: pkg.name,
    versionInfo: pkg.version,
    ...base(),
    licenseDeclared: declared ?? NOASSERTION,
    ...(unlisted ? { licenseComments: `licenses as recorded by the package: ${pkg.licenses!.join(', ')}` } : {}),
    primaryPackagePurpose: 'LIBRARY',
    sourceInfo: sourceInfo(pkg),
    externalRefs: [purlRef(pkg.purl)],
  };
}

/**
 * `built from source package sqlite 3.26.0-r3; acquired package info from lib/apk/db/installed, layer sha256:… (index 0)`:
 * where the package was seen, in words (§7.19), and read back by readSbom.
 */
export function sourceInfo(pkg: Package): string {
  const parts: string[] = [];
  if (pkg.source) parts.push(`built from source package ${pkg.source.name} ${pkg.source.version}`);
  for (const l of pkg.locations) parts.push(`acquired package info from ${l.path}, layer ${l.layerDigest} (index ${l.layerIndex})`);
  return parts.join('; ');
}

const LICENSE_REF = /^LicenseRef-[A-Za-z0-9.-]+$/;
const OPERATOR = /^(AND|OR|WITH)$/;

/**
 * The licenses joined with AND when each is an SPDX expression of listed ids (§7.15, Annex D);
 * undefined when any is not (Debian's `GPL-2+`, free text), which the caller reports as NOASSERTION.
 */
export function licenseExpression(licenses: readonly string[]): string | undefined {
  if (licenses.length === 0) return undefined;
  if (!licenses.every(isExpression)) return undefined;
  return licenses.length === 1 ? licenses[0] : licenses.map((l) => (/\s/.test(l) && !enclosed(l) ? `(${l})` : l)).join(' AND ');
}

/** True when the whole text is one parenthesised group: `(A OR B)`, not `(A) OR (B)`. */
function enclosed(text: string): boolean {
  if (!text.startsWith('(')) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i === text.length - 1;
  }
  return false;
}

function isExpression(text: string): boolean {
  const tokens = text.replace(/[()]/g, ' ').split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return false;
  let expectId = true;
  for (const token of tokens) {
    if (expectId) {
      const id = token.endsWith('+') ? token.slice(0, -1) : token;
      if (!SPDX.isSupportedSpdxId(id) && !LICENSE_REF.test(token) && !EXCEPTION.test(token)) return false;
    } else if (!OPERATOR.test(token)) return false;
    expectId = !expectId;
  }
  return !expectId;
}

/** License exceptions after WITH (`Classpath-exception-2.0`, `LLVM-exception`…). */
const EXCEPTION = /^[A-Za-z0-9.-]+-exception(-[A-Za-z0-9.-]+)?$/i;

/** SPDX element ids (`SPDXRef-` + letters, digits, `.` and `-`), unique within one document. */
export class SpdxIds {
  private readonly used = new Set<string>(['SPDXRef-DOCUMENT']);

  make(hint: string): string {
    const sanitised = hint.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'package';
    const base = `SPDXRef-Package-${sanitised}`;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}
