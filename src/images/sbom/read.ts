import { readTextBounded } from '../../core/read-bounded.js';
import { isObject, SbomError, type SbomContents } from './read-common.js';
import { readCycloneDx } from './read-cyclonedx.js';
import { readSpdx } from './read-spdx.js';

/** SBOMs are JSON read whole; anything larger is refused rather than exhausting memory. */
export const MAX_SBOM_BYTES = 256 * 1024 * 1024;

/** Reads a CycloneDX (1.4–1.6) or SPDX (2.2/2.3) JSON SBOM: its subject, OS and packages. */
export async function readSbom(file: string): Promise<SbomContents> {
  return parseSbom(await readTextBounded(file, MAX_SBOM_BYTES, 'SBOMs', (message) => new SbomError(message)), file);
}

/** The same, from text already in memory (`file` only names it in errors). */
export function parseSbom(text: string, file: string): SbomContents {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new SbomError(`${file}: not JSON: ${(error as Error).message}`);
  }
  if (!isObject(doc)) throw new SbomError(`${file}: $: an SBOM is a JSON object`);
  if (doc.bomFormat === 'CycloneDX') return readCycloneDx(doc, file);
  if (typeof doc.spdxVersion === 'string') return readSpdx(doc, file);
  throw new SbomError(`${file}: neither a CycloneDX JSON SBOM ($.bomFormat "CycloneDX") nor an SPDX JSON one ($.spdxVersion)`);
}
