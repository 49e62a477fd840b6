import { inputErrorLabel } from '../core/coverage.js';
import type { ScanResult } from '../core/scan-result.js';
import { COMPLIANCE_FRAMEWORKS } from '../compliance/index.js';
import { scanManifests } from '../scan/index.js';
import { findingsExitCode, parseCount, ReportUsageError, resolveReportTargets, useColor, writeReports, type ReportTarget } from './report-output.js';
import { loadConfig, loadExceptionRules, parseSeverityFilter, SettingsError, type FileConfig } from '../scan/settings.js';
import { UsageError } from './common.js';


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
  const color = config.color !== false && useColor(flags.color);

  let targets: ReportTarget[];
  let severities;
  let exitCode: number;
  let maxFileBytes: number | undefined;
  let compliance: string | undefined;
  try {
    targets = resolveReportTargets((flags.format as string | undefined) ?? config.format, (flags.output as string[] | undefined) ?? config.outputs ?? []);
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
    ...(flags.images === true ? { scanImages: await imageHook(flags, progress) } : {}),
    version,
    command: ['kubeward', ...process.argv.slice(2)].join(' '),
  });
  if (progress) process.stderr.write('\r\x1b[K');

  const showSuppressed = (flags.showSuppressed as boolean | undefined) ?? config.showSuppressed ?? false;
  if (!(await writeReports(result, targets, { color, showSuppressed, quiet }))) return 2;
  return finalExitCode(result, exitCode, quiet);
}

/** The `--images` part of a scan: every workload image scanned once, from a layout or a registry. */
async function imageHook(flags: Record<string, unknown>, progress: boolean): Promise<NonNullable<Parameters<typeof scanManifests>[0]['scanImages']>> {
  const { imageHookFor } = await import('./scan-images.js');
  return imageHookFor(flags, progress);
}

function finalExitCode(result: ScanResult, exitCode: number, quiet: boolean): number {
  if (result.inputErrors.length > 0) {
    const lines = result.inputErrors.map((e) => `  ${inputErrorLabel(e)}`);
    process.stderr.write(`kubeward: ${result.inputErrors.length} input error(s); the rest was scanned:\n${lines.join('\n')}\n`);
    return 2;
  }
  if (!quiet) for (const note of result.notes) process.stderr.write(`kubeward: note: ${inputErrorLabel(note)}\n`);
  return findingsExitCode(result, exitCode);
}

function fail(error: unknown): number {
  if (error instanceof SettingsError || error instanceof UsageError || error instanceof ReportUsageError) {
    process.stderr.write(`kubeward: ${error.message}\n`);
    return 2;
  }
  throw error;
}
