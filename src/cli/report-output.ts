import { writeFile } from 'node:fs/promises';
import type { ScanResult } from '../core/scan-result.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/format.js';
import { renderReport } from '../report/index.js';

// Report output shared by every command that produces a ScanResult: where reports go (--format,
// --output), --exit-code, and writing them. Same rules as `kubeward scan` (README "Options").

/** One report to write: a format and a file, or stdout when `file` is undefined. */
export interface ReportTarget {
  format: ReportFormat;
  file?: string;
}

/** A report option that cannot be honoured as written (exit 2). */
export class ReportUsageError extends Error {}

/** `--format F` sets stdout's format; `--output FILE` sends it to FILE; `--output FMT=FILE` adds a report. */
export function resolveReportTargets(format: string | undefined, outputs: readonly string[]): ReportTarget[] {
  const main: ReportTarget = { format: checkFormat(format ?? 'table') };
  const extra: ReportTarget[] = [];
  const known = REPORT_FORMATS as readonly string[];
  for (const output of outputs) {
    const eq = output.indexOf('=');
    const maybeFormat = eq > 0 ? output.slice(0, eq) : undefined;
    if (maybeFormat && known.includes(maybeFormat)) {
      const file = output.slice(eq + 1);
      if (!file) throw new ReportUsageError(`--output ${output}: missing file name after =`);
      extra.push(file === '-' ? { format: maybeFormat as ReportFormat } : { format: maybeFormat as ReportFormat, file });
    } else if (eq > 0 && !output.includes('/')) {
      throw new ReportUsageError(`--output ${output}: unknown format ${maybeFormat} (known: ${REPORT_FORMATS.join(', ')})`);
    } else if (known.includes(output)) {
      throw new ReportUsageError(`--output ${output}: did you mean --format ${output}, or --output ${output}=FILE?`);
    } else {
      if (main.file !== undefined) throw new ReportUsageError(`--output given twice without a format (${main.file}, ${output}); use FORMAT=FILE for extra reports`);
      main.file = output;
    }
  }
  return [main, ...extra];
}

function checkFormat(format: string): ReportFormat {
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new ReportUsageError(`unknown format ${format} (known: ${REPORT_FORMATS.join(', ')})`);
  return format as ReportFormat;
}

/** A whole number ≥ 0 from a flag (`--exit-code`); 0 when absent. */
export function parseCount(value: unknown, flag: string): number {
  if (value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ReportUsageError(`${flag} takes a whole number, not ${JSON.stringify(value)}`);
  return n;
}

/** Colours only on a terminal, never with --no-color or NO_COLOR. */
export function useColor(colorFlag: unknown, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return colorFlag !== false && stdout.isTTY === true && !process.env.NO_COLOR;
}

export interface WriteReportsOptions {
  color: boolean;
  showSuppressed: boolean;
  quiet: boolean;
}

/**
 * Renders `result` once per target: stdout, or a file (announced on stderr unless quiet).
 * Returns false when a file could not be written (the caller exits 2); the message is on stderr.
 */
export async function writeReports(result: ScanResult, targets: readonly ReportTarget[], options: WriteReportsOptions): Promise<boolean> {
  for (const target of targets) {
    const text = await renderReport(target.format, result, { color: target.file === undefined && target.format === 'table' && options.color, showSuppressed: options.showSuppressed });
    if (target.file === undefined) {
      process.stdout.write(text);
      continue;
    }
    try {
      await writeFile(target.file, text);
    } catch (error) {
      process.stderr.write(`kubeward: cannot write ${target.file}: ${(error as Error).message}\n`);
      return false;
    }
    if (!options.quiet) process.stderr.write(`kubeward: wrote ${target.format} report to ${target.file}\n`);
  }
  return true;
}

/** `--exit-code N` applies when a reported finding remains; otherwise 0. */
export function findingsExitCode(result: ScanResult, exitCode: number): number {
  return result.findings.length > 0 ? exitCode : 0;
}
