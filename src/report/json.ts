import type { ScanResult } from '../core/scan-result.js';

/**
 * The machine-readable report: the ScanResult itself, pretty-printed. Its shape is described by
 * schemas/kubeward-report.schema.json and versioned by `schemaVersion` (docs/json-report.md).
 */
export function renderJson(result: ScanResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
