// Public surface of image scanning: other areas and the CLI import only this.

export { scanImage, catalogPackages, type AdvisorySet, type ImageScanOptions, type ImageScanOutput } from './scan.js';
export { openAdvisories, type OpenedAdvisories } from './advisories.js';
export { languageCatalogers, packageCatalogers } from './catalogers.js';
export { scanWorkloadImages, workloadImages, findInLayouts, type ImageUse, type ScanOne, type WorkloadImageOptions, type WorkloadImageResult } from './workloads.js';
/** SBOM formats (CycloneDX, SPDX), loaded on demand: the CycloneDX library is large. */
export const loadSbom = (): Promise<typeof import('./sbom/index.js')> => import('./sbom/index.js');
export { imageCheckCatalog } from './check-catalog.js';
export { pullSecretCredentials, type PullCredentials, type PullSecretRef } from './pull-secrets.js';
export type { ImageReport, Package, OsInfo } from './model.js';
