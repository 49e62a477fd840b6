import { basename } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { SCAN_RESULT_SCHEMA_VERSION, summarizeFindings, type ScanResult } from '../core/scan-result.js';
import { catalogPackages, imageCheckCatalog, loadSbom, openAdvisories, scanImage, type ImageScanOutput } from '../images/index.js';
import { defaultCacheDir, type SourceOptions } from '../images/sources/index.js';
import { UsageError } from './common.js';
import { commandFailure, finishReport, readReportFlags } from './report-output.js';

// What `kubeward image` and `kubeward sbom` do once commander has parsed the line.

/** `kubeward image`: returns the exit code. */
export async function runImageCommand(reference: string | undefined, flags: Record<string, unknown>, version: string): Promise<number> {
  const started = new Date();
  const t0 = performance.now();
  const quiet = flags.quiet === true;
  try {
    const reportFlags = readReportFlags(flags);
    const maxAgeDays = flags.maxAge !== undefined ? positive(flags.maxAge, '--max-age') : undefined;
    const ref = imageName(reference, flags);
    const source = await sourceOptions(flags);

    const advisories = await openAdvisories({ ...(typeof flags.db === 'string' ? { db: flags.db } : {}), ...(flags.advisories ? { advisories: flags.advisories as string[] } : {}) });
    let output: ImageScanOutput;
    try {
      if (!quiet && process.stderr.isTTY) process.stderr.write(`kubeward: scanning ${ref}…`);
      output = await scanImage({
        reference: ref,
        source,
        advisories: advisories.set,
        ignoreUnfixed: flags.ignoreUnfixed === true,
        ...(maxAgeDays !== undefined ? { maxAgeDays } : {}),
        ...(typeof flags.sbom === 'string' ? { sbom: flags.sbom } : {}),
        ...(flags.merge ? { merge: flags.merge as string[] } : {}),
        now: started,
      });
    } finally {
      if (!quiet && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      advisories.close();
    }

    const result = imageScanResult([output], { version, started, command: ['kubeward', ...process.argv.slice(2)].join(' ') });
    result.inputErrors = advisories.errors.map((message) => ({ file: '--advisories', message }));
    return await finishReport(result, result.findings, flags, reportFlags, t0);
  } catch (error) {
    return commandFailure(error);
  }
}

/** `kubeward sbom`: returns the exit code. */
export async function runSbomCommand(reference: string | undefined, flags: Record<string, unknown>, version: string): Promise<number> {
  try {
    const ref = imageName(reference, flags);
    const options = await sourceOptions(flags);
    const { report, notes } = await catalogPackages(ref, options);
    const { toCycloneDx, toSpdx } = await loadSbom();
    const text = flags.format === 'spdx' ? toSpdx(report, { toolVersion: version }) : toCycloneDx(report, { toolVersion: version });
    if (flags.quiet !== true) for (const note of notes) process.stderr.write(`kubeward: note: ${note}\n`);
    if (typeof flags.output === 'string') {
      await writeFile(flags.output, text);
      if (flags.quiet !== true) process.stderr.write(`kubeward: wrote ${flags.format} SBOM to ${flags.output}\n`);
    } else {
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
    return 0;
  } catch (error) {
    return commandFailure(error);
  }
}

/** A ScanResult holding the findings of one or more image scans (`kubeward image`). */
export function imageScanResult(outputs: ImageScanOutput[], options: { version: string; started: Date; command: string }): ScanResult {
  const findings = outputs.flatMap((o) => o.findings);
  return {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'kubeward', version: options.version },
    command: options.command,
    startedAt: options.started.toISOString(),
    durationMs: 0,
    inputs: outputs.map((o) => o.report.reference),
    summary: summarizeFindings(0, 0, findings, 0),
    findings,
    suppressed: [],
    notEvaluated: outputs.flatMap((o) => o.notEvaluated),
    inputErrors: [],
    notes: outputs.flatMap((o) => o.notes.map((message) => ({ file: o.report.reference, message }))),
    expiredExceptions: [],
    checks: imageCheckCatalog(),
    images: outputs.map((o) => o.report),
  };
}

function imageName(reference: string | undefined, flags: Record<string, unknown>): string {
  if (reference) return reference;
  if (typeof flags.input === 'string') return basename(flags.input.replace(/\/+$/, ''));
  if (typeof flags.sbom === 'string') return basename(flags.sbom);
  throw new UsageError('name an image (e.g. kubeward image alpine:3.20), or give --input FILE|DIR or --sbom FILE');
}

async function sourceOptions(flags: Record<string, unknown>): Promise<SourceOptions> {
  const options: SourceOptions = { cacheDir: typeof flags.cacheDir === 'string' ? flags.cacheDir : defaultCacheDir() };
  if (typeof flags.input === 'string') options.input = flags.input;
  if (typeof flags.platform === 'string') {
    if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/i.test(flags.platform)) throw new UsageError(`--platform takes os/arch[/variant] (e.g. linux/arm64/v8), not ${flags.platform}`);
    options.platform = flags.platform;
  }
  if (flags.insecure === true) options.insecure = true;
  if (typeof flags.cacert === 'string') options.caFile = flags.cacert;
  if (flags.timeout !== undefined) options.timeoutMs = positive(flags.timeout, '--timeout');
  if (flags.passwordStdin === true && typeof flags.username !== 'string') throw new UsageError('--password-stdin goes with --username USER');
  if (typeof flags.username === 'string') {
    if (flags.passwordStdin !== true) throw new UsageError('--username needs --password-stdin (passwords on the command line end up in shell history)');
    options.username = flags.username;
    options.password = await readStdin();
  }
  return options;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function positive(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} takes a whole number above 0, not ${JSON.stringify(value)}`);
  return n;
}
