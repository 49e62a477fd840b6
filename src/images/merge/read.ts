import { readTextBounded } from '../../core/read-bounded.js';
import { readGrype, isGrype } from './grype.js';
import { isObject, ScannerResultsError, type ScannerResults } from './model.js';
import { isTrivy, readTrivy } from './trivy.js';

/** Results files are JSON read whole; anything larger is refused rather than exhausting memory. */
export const MAX_RESULTS_BYTES = 512 * 1024 * 1024;

/** Reads a Trivy (schema 2) or Grype JSON results file, telling them apart by their top-level fields. */
export async function readScannerResults(file: string): Promise<ScannerResults> {
  return parseScannerResults(await readTextBounded(file, MAX_RESULTS_BYTES, 'scanner results', (message) => new ScannerResultsError(message)), file);
}

export function parseScannerResults(text: string, file: string): ScannerResults {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ScannerResultsError(`${file}: not JSON: ${(error as Error).message}`);
  }
  if (!isObject(doc)) throw new ScannerResultsError(`${file}: $: scanner results are a JSON object`);
  if (isTrivy(doc)) return readTrivy(doc, file);
  if (isGrype(doc)) return readGrype(doc, file);
  throw new ScannerResultsError(`${file}: neither Trivy JSON ($.SchemaVersion, $.Results) nor Grype JSON ($.matches)`);
}
