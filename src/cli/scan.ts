import { writeFile } from 'node:fs/promises';
import { inputErrorLabel } from '../core/coverage.js';
import type { ScanResult } from '../core/scan-result.js';
import { COMPLIANCE_FRAMEWORKS } from '../compliance/index.js';
import { renderReport } from '../report/index.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/format.js';
import { scanManifests } from '../scan/index.js';
import { loadConfig, loadExceptionRules, parseSeverityFilter, SettingsError, type FileConfig } from '../scan/settings.js';

interface Target {
  format: ReportFormat;
  /** A path, or undefined for stdout. */
  file?: string;
}

class UsageError extends Error {}

/** `kubeward scan`: returns the exit code. */
export async function runScanCommand(paths: string[], flags: Record<string, unknown>, version: string): Promise<number> {
  let config: FileConfig;
  try {
    config = await loadConfig((flags.config as string | undefined) ?? 'kubeward.yaml', flags.config !== undefined);
  } catch (error) {
    return fail(error);
  }
  const quiet = (flags.quiet as boolean | undefined) ?? config.quiet ?? false;
  // commander sets color=true unless --no-color; the config can turn it off too.
  const color = flags.color !== false && config.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;

  let targets: Target[];
  let severities;
  let exitCode: number;
  let maxFileBytes: number | undefined;
  let compliance: string | undefined;
  try {
    targets = resolveTargets((flags.format as string | undefined) ?? config.format, (flags.output as string[] | undefined) ?? config.outputs ?? []);
    const severity = (flags.severity as string | undefined) ?? config.severity;
    severities = severity ? parseSeverityFilter(severity) : undefined;
    exitCode = parseCount((flags.exitCode as string | undefined) ?? config.exitCode, '--exit-code');
    maxFileBytes = flags.maxFileSize !== undefined || config.maxFileSize !== undefined ? parseCount(flags.maxFileSize ?? config.maxFileSize, '--max-file-size') : undefined;
    compliance = (flags.compliance as string | undefined) ?? config.compliance;
    if (compliance && !COMPLIANCE_FRAMEWORKS.includes(compliance)) throw new UsageError(`unknown --compliance ${compliance} (known: ${COMPLIANCE_FRAMEWORKS.join(', ')})`);
  } catch (error) {
    return fail(error);
  }

  let ignore;
  try {
    const ignoreFile = (flags.ignoreFile as string | undefined) ?? config.ignoreFile;
    ignore = await loadExceptionRules(ignoreFile ?? '.kubewardignore.yaml', ignoreFile !== undefined);
  } catch (error) {
    return fail(error);
  }

  const progress = !quiet && process.stderr.isTTY === true;
  const result = await scanManifests({
    inputs: paths,
    helm: { values: (flags.values as string[] | undefined) ?? config.helm?.values ?? [], set: (flags.set as string[] | undefined) ?? config.helm?.set ?? [] },
    ...(maxFileBytes ? { maxFileBytes } : {}),
    ...(severities ? { severities } : {}),
    exceptions: ignore.rules,
    settingsErrors: ignore.errors,
    ...(compliance ? { compliance } : {}),
    ...(progress ? { onProgress: (n: number) => process.stderr.write(`\rkubeward: read ${n} input(s)…`) } : {}),
    version,
    command: ['kubeward', ...process.argv.slice(2)].join(' '),
  });
  if (progress) process.stderr.write('\r\x1b[K');

  const showSuppressed = (flags.showSuppressed as boolean | undefined) ?? config.showSuppressed ?? false;
  for (const target of targets) {
    const text = await renderReport(target.format, result, { color: target.file === undefined && target.format === 'table' && color, showSuppressed });
    if (target.file === undefined) process.stdout.write(text);
    else {
      try {
        await writeFile(target.file, text);
      } catch (error) {
        process.stderr.write(`kubeward: cannot write ${target.file}: ${(error as Error).message}\n`);
        return 2;
      }
      if (!quiet) process.stderr.write(`kubeward: wrote ${target.format} report to ${target.file}\n`);
    }
  }
  return finalExitCode(result, exitCode, quiet);
}

function finalExitCode(result: ScanResult, exitCode: number, quiet: boolean): number {
  if (result.inputErrors.length > 0) {
    const lines = result.inputErrors.map((e) => `  ${inputErrorLabel(e)}`);
    process.stderr.write(`kubeward: ${result.inputErrors.length} input error(s); the rest was scanned:\n${lines.join('\n')}\n`);
    return 2;
  }
  if (!quiet) for (const note of result.notes) process.stderr.write(`kubeward: note: ${inputErrorLabel(note)}\n`);
  return result.findings.length > 0 ? exitCode : 0;
}

/** `--format F` sets stdout's format; `--output FILE` sends it to FILE; `--output FMT=FILE` adds a report. */
export function resolveTargets(format: string | undefined, outputs: string[]): Target[] {
  const main: Target = { format: checkFormat(format ?? 'table') };
  const extra: Target[] = [];
  for (const output of outputs) {
    const eq = output.indexOf('=');
    const maybeFormat = eq > 0 ? output.slice(0, eq) : undefined;
    if (maybeFormat && (REPORT_FORMATS as readonly string[]).includes(maybeFormat)) {
      const file = output.slice(eq + 1);
      if (!file) throw new UsageError(`--output ${output}: missing file name after =`);
      extra.push(file === '-' ? { format: maybeFormat as ReportFormat } : { format: maybeFormat as ReportFormat, file });
    } else if (eq > 0 && !output.includes('/')) {
      throw new UsageError(`--output ${output}: unknown format ${maybeFormat} (known: ${REPORT_FORMATS.join(', ')})`);
    } else if ((REPORT_FORMATS as readonly string[]).includes(output)) {
      throw new UsageError(`--output ${output}: did you mean --format ${output}, or --output ${output}=FILE?`);
    } else {
      if (main.file !== undefined) throw new UsageError(`--output given twice without a format (${main.file}, ${output}); use FORMAT=FILE for extra reports`);
      main.file = output;
    }
  }
  return [main, ...extra];
}

function checkFormat(format: string): ReportFormat {
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format ${format} (known: ${REPORT_FORMATS.join(', ')})`);
  return format as ReportFormat;
}

function parseCount(value: unknown, flag: string): number {
  if (value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number, not ${JSON.stringify(value)}`);
  return n;
}

function fail(error: unknown): number {
  if (error instanceof SettingsError || error instanceof UsageError) {
    process.stderr.write(`kubeward: ${error.message}\n`);
    return 2;
  }
  throw error;
}
