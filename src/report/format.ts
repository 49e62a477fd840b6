/** Options every report format receives. Formats ignore the ones that make no sense for them. */
export interface ReportOptions {
  /** Use ANSI colours (table only). The CLI decides from isTTY and --no-color. */
  color: boolean;
  /** List suppressed findings with their reason (table only; machine formats always carry them). */
  showSuppressed: boolean;
}

export type ReportFormat = 'table' | 'json' | 'sarif' | 'junit' | 'html';

/** Every format `--output` accepts, in the order help text lists them. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'sarif', 'junit', 'html'];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
