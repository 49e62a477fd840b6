// Public surface of image scanning: other areas and the CLI import only this.
import type { CheckMeta } from '../core/catalog.js';
import { imageCheckMetas } from './checks/index.js';
import { VULNERABILITY_CHECK } from './vulnerability-finding.js';

export { scanImage, catalogPackages, type AdvisorySet, type ImageScanOptions, type ImageScanOutput } from './scan.js';
export { openAdvisories, type OpenedAdvisories } from './advisories.js';
export { languageCatalogers, packageCatalogers } from './catalogers.js';
export { scanWorkloadImages, workloadImages, findInLayouts, type ScanOne, type WorkloadImageOptions, type WorkloadImageResult } from './workloads.js';
export { toCycloneDx, toSpdx, readSbom } from './sbom/index.js';
export type { ImageReport, Package, OsInfo } from './model.js';

/** Every check an image scan can report: configuration and content (KW-IMG-001…) and vulnerabilities (KW-IMG-100). */
export function imageCheckCatalog(): CheckMeta[] {
  return [...imageCheckMetas(), VULNERABILITY_CHECK].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
