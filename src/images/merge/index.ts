// Other scanners' results (Trivy, Grype JSON) read and consolidated with kubeward's findings.
export { readScannerResults, parseScannerResults, MAX_RESULTS_BYTES } from './read.js';
export { mergeResults, purlKey, type ExternalResults } from './merge.js';
export { mapSeverity, ScannerResultsError, type ExternalVulnerability, type ScannerResults, type ScannerTool } from './model.js';
