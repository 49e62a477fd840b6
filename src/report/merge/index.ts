export { assertCompatibleSchema, mergeScanResultFiles, mergeScanResults, readScanResultFile, type MergeOptions } from './merge.js';
export { cellText, cellTitle, MATRIX_LEGEND, MATRIX_SECTIONS, nodeMatrixHtml, renderNodeMatrix, sectionCounts } from './matrix.js';
