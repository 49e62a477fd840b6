// SBOMs: CycloneDX 1.6 and SPDX 2.3 JSON written from an image report, and CycloneDX / SPDX JSON
// read back into packages (for `kubeward image --sbom FILE`).
export { toCycloneDx, type SbomOptions } from './cyclonedx.js';
export { toSpdx, licenseExpression } from './spdx.js';
export { readSbom, parseSbom, MAX_SBOM_BYTES } from './read.js';
export { SbomError, type SbomContents } from './read-common.js';
export { readPurl, ecosystemFor, type PurlFacts } from './purl.js';
export { imagePurl, uuidV5 } from './ids.js';
export { PROPERTY } from './refs.js';
