import { writeFile } from 'node:fs/promises';
import { applyExceptions } from '../core/exceptions.js';
import { inputErrorLabel } from '../core/coverage.js';
import type { Finding } from '../core/finding.js';
import { summarizeFindings, type ScanResult } from '../core/scan-result.js';
import { sortFindings } from '../report/common.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/format.js';
import { renderReport } from '../report/index.js';
import type { Severity } from '../core/severity.js';
import { loadExceptionRules, parseSeverityFilter, SettingsError } from '../scan/settings.js';
import { UsageError } from './common.js';

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

/** The report flags every findings command reads: where reports go, which severities, and the exit code. */
export interface ReportFlags {
  targets: ReportTarget[];
  exitCode: number;
  severities: Set<Severity> | undefined;
}

/** `--format`, `--output`, `--exit-code` and `--severity`, checked; a bad value throws a one-line error. */
export function readReportFlags(flags: Record<string, unknown>): ReportFlags {
  return {
    targets: resolveReportTargets(flags.format as string | undefined, (flags.output as string[] | undefined) ?? []),
    exitCode: parseCount(flags.exitCode, '--exit-code'),
    severities: typeof flags.severity === 'string' ? parseSeverityFilter(flags.severity) : undefined,
  };
}

/**
 * The end of every findings command: severity filter, exceptions (`--ignore-file`), summary, the
 * reports, notes on stderr, and the exit code (2 on input errors, else `--exit-code` when findings remain).
 */
export async function finishReport(result: ScanResult, findings: Finding[], flags: Record<string, unknown>, reportFlags: ReportFlags, t0: number): Promise<number> {
  const ignoreFile = flags.ignoreFile as string | undefined;
  const ignore = await loadExceptionRules(ignoreFile ?? '.kubewardignore.yaml', ignoreFile !== undefined);
  const reported = reportFlags.severities ? findings.filter((f) => reportFlags.severities!.has(f.severity)) : findings;
  const outcome = applyExceptions(reported, ignore.rules, () => ({}), new Date(result.startedAt));
  result.findings = sortFindings(outcome.findings);
  result.suppressed = sortFindings([...result.suppressed, ...outcome.suppressed]);
  result.expiredExceptions = outcome.expired;
  result.inputErrors = [...result.inputErrors, ...ignore.errors];
  result.summary = summarizeFindings(result.summary.objects, result.summary.workloads, result.findings, result.suppressed.length);
  result.durationMs = Math.round(performance.now() - t0);
  const quiet = flags.quiet === true;
  if (!(await writeReports(result, reportFlags.targets, { color: useColor(flags.color), showSuppressed: flags.showSuppressed === true, quiet }))) return 2;
  if (!quiet) {
    for (const note of result.notes) process.stderr.write(`kubeward: note: ${inputErrorLabel(note)}\n`);
    if (result.notEvaluated.length > 0) process.stderr.write(`kubeward: note: ${result.notEvaluated.length} check(s) not evaluated or manual; the report says why\n`);
  }
  if (result.inputErrors.length > 0) {
    process.stderr.write(`kubeward: ${result.inputErrors.length} input error(s):\n${result.inputErrors.map((e) => `  ${inputErrorLabel(e)}`).join('\n')}\n`);
    return 2;
  }
  return findingsExitCode(result, reportFlags.exitCode);
}

/**
 * Bad input (unreachable registry, wrong digest, unreadable file, bad flag…) becomes one line on stderr
 * and exit 2; programming errors go on up to main's internal-error handler.
 */
export function commandFailure(error: unknown): number {
  if (error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || !(error instanceof Error)) throw error;
  const prefix = error instanceof SettingsError || error instanceof UsageError || error instanceof ReportUsageError ? '' : 'error: ';
  process.stderr.write(`kubeward: ${prefix}${error.message}\n`);
  return 2;
}
