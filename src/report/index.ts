import type { ScanResult } from '../core/scan-result.js';
import type { ReportFormat, ReportOptions } from './format.js';

export { REPORT_FORMATS, isReportFormat, type ReportFormat, type ReportOptions } from './format.js';

/**
 * Renders `result` in `format`. Each format lives in its own module, imported only when asked for,
 * so the CLI does not pay for formats it does not write.
 */
export async function renderReport(format: ReportFormat, result: ScanResult, options: ReportOptions): Promise<string> {
  switch (format) {
    case 'table':
      return (await import('./table.js')).renderTable(result, options);
    case 'json':
      return (await import('./json.js')).renderJson(result);
    case 'sarif':
      return (await import('./sarif.js')).renderSarif(result);
    case 'junit':
      return (await import('./junit.js')).renderJunit(result);
    case 'html':
      return (await import('./html.js')).renderHtml(result);
    default: {
      const unknown: never = format;
      throw new Error(`unknown report format ${String(unknown)}`);
    }
  }
}
