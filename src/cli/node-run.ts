import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SCAN_RESULT_SCHEMA_VERSION, summarizeFindings, type ScanResult } from '../core/scan-result.js';
import { TARGETS, type Target } from '../nodes/benchmark/index.js';
import { collectNode } from '../nodes/collect/index.js';
import { analyzeEncryptionConfig, checkEtcdEncryption, compareWithConfig, defaultsFromNode, renderEtcdEncryptionTable, type EtcdResource } from '../nodes/etcd-encryption/index.js';
import { nodeCheckMetas, scanNode } from '../nodes/scan.js';
import { mergeScanResultFiles } from '../report/merge/index.js';
import { UsageError } from './common.js';
import { commandFailure, finishReport, readReportFlags } from './report-output.js';

// What `kubeward node`, `node etcd-encryption` and `report merge` do once commander has parsed the line.

/** `kubeward node`: returns the exit code. */
export async function runNodeCommand(flags: Record<string, unknown>, version: string): Promise<number> {
  const started = new Date();
  const t0 = performance.now();
  try {
    const reportFlags = readReportFlags(flags);
    const output = await scanNode({
      ...pick(flags, ['root', 'proc', 'sys', 'hostname', 'benchmark']),
      ...(typeof flags.targets === 'string' ? { targets: parseTargets(flags.targets) } : {}),
      etcdData: flags.etcdData === true,
    });
    const result = baseResult('kubeward node', version, started, [flags.root as string | undefined ?? '/']);
    result.checks = nodeCheckMetas();
    result.nodes = [output.report];
    result.notEvaluated = output.notEvaluated;
    result.notes = output.notes.map((message) => ({ file: output.report.hostname, message }));
    return await finishReport(result, output.findings, flags, reportFlags, t0);
  } catch (error) {
    return commandFailure(error);
  }
}

/** `kubeward node etcd-encryption`: counts, per resource, plaintext values and values under each provider. */
export async function runEtcdEncryptionCommand(flags: Record<string, unknown>): Promise<number> {
  try {
    const snapshot = typeof flags.endpoints === 'string' && typeof flags.encryptionConfig === 'string'
      ? undefined
      : await collectNode({ ...pick(flags, ['root', 'proc']) });
    const defaults = snapshot ? defaultsFromNode(snapshot) : undefined;
    const endpoints = typeof flags.endpoints === 'string' ? flags.endpoints.split(',').map((e) => e.trim()).filter(Boolean) : defaults?.endpoints;
    if (!endpoints || endpoints.length === 0) throw new UsageError('no etcd endpoint: give --endpoints URL (this node runs neither a kube-apiserver with --etcd-servers nor etcd)');
    const fromNode = typeof flags.endpoints !== 'string';
    const file = (flag: 'cacert' | 'cert' | 'key'): string | undefined => (typeof flags[flag] === 'string' ? (flags[flag] as string) : fromNode ? defaults?.[flag] : undefined);
    const resources: EtcdResource[] = flags.configmaps === true ? ['secrets', 'configmaps'] : ['secrets'];
    const timeoutMs = flags.timeout !== undefined ? Number(flags.timeout) : undefined;
    if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0)) throw new UsageError(`--timeout takes milliseconds (a whole number above 0), not ${JSON.stringify(flags.timeout)}`);
    const report = await checkEtcdEncryption({
      endpoints,
      resources,
      insecure: flags.insecure === true,
      ...(file('cacert') ? { cacert: file('cacert')! } : {}),
      ...(file('cert') ? { cert: file('cert')! } : {}),
      ...(file('key') ? { key: file('key')! } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    const config = await encryptionConfig(flags, snapshot);
    const mismatches = config ? compareWithConfig(report, config) : [];
    if (flags.format === 'json') {
      process.stdout.write(`${JSON.stringify({ ...report, ...(defaults && fromNode ? { defaultsFrom: defaults.source } : {}), ...(config ? { encryptionConfiguration: config, mismatches } : {}) }, null, 2)}\n`);
    } else {
      process.stdout.write(renderEtcdEncryptionTable(report));
      if (config) process.stdout.write(`\nEncryptionConfiguration ${config.file}: ${config.summary}\n${config.problems.map((p) => `  problem: ${p}\n`).join('')}`);
      for (const m of mismatches) process.stdout.write(`\n${m.resource}: ${m.message}\n  fix: ${m.remediation}\n`);
    }
    for (const error of report.errors) process.stderr.write(`kubeward: ${error}\n`);
    return report.errors.length > 0 && report.resources.length === 0 ? 2 : 0;
  } catch (error) {
    return commandFailure(error);
  }
}

/** `kubeward report merge`: one cluster report from per-node (or any) JSON reports. */
export async function runReportMergeCommand(files: string[], flags: Record<string, unknown>, version: string): Promise<number> {
  const started = new Date();
  const t0 = performance.now();
  try {
    const reportFlags = readReportFlags(flags);
    const merged = await mergeScanResultFiles(files, { version });
    for (const error of merged.errors) process.stderr.write(`kubeward: ${error}\n`);
    if (!merged.result) return 2;
    const result = merged.result;
    result.command = ['kubeward', ...process.argv.slice(2)].join(' ');
    result.startedAt = started.toISOString();
    const code = await finishReport(result, result.findings, flags, reportFlags, t0);
    return merged.errors.length > 0 ? 2 : code;
  } catch (error) {
    return commandFailure(error);
  }
}

function baseResult(command: string, version: string, started: Date, inputs: string[]): ScanResult {
  return {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'kubeward', version },
    command: ['kubeward', ...process.argv.slice(2)].join(' ') || command,
    startedAt: started.toISOString(),
    durationMs: 0,
    inputs,
    summary: summarizeFindings(0, 0, [], 0),
    findings: [],
    suppressed: [],
    notEvaluated: [],
    inputErrors: [],
    notes: [],
    expiredExceptions: [],
    checks: [],
  };
}

async function encryptionConfig(flags: Record<string, unknown>, snapshot: Awaited<ReturnType<typeof collectNode>> | undefined) {
  if (typeof flags.encryptionConfig === 'string') {
    const text = await readFile(flags.encryptionConfig, 'utf8').catch((error: Error) => {
      throw new UsageError(`cannot read --encryption-config ${flags.encryptionConfig}: ${error.message}`);
    });
    return analyzeEncryptionConfig(text, flags.encryptionConfig);
  }
  // The API server's own --encryption-provider-config, read from the node.
  const apiserver = snapshot?.components.find((c) => c.component === 'kube-apiserver');
  const arg = apiserver?.argv.find((a) => a.startsWith('--encryption-provider-config='));
  const path = arg?.slice(arg.indexOf('=') + 1);
  if (!snapshot || !path) return undefined;
  const file = snapshot.readText(path);
  return file ? analyzeEncryptionConfig(file.text, join(snapshot.root, path)) : undefined;
}

function parseTargets(list: string): Target[] {
  const parts = list.split(',').map((t) => t.trim()).filter(Boolean);
  const bad = parts.filter((t) => !(TARGETS as readonly string[]).includes(t));
  if (parts.length === 0 || bad.length > 0) throw new UsageError(`--targets takes a comma list of ${TARGETS.join(', ')}, not ${list}`);
  return parts as Target[];
}

function pick(flags: Record<string, unknown>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => typeof flags[k] === 'string').map((k) => [k, flags[k] as string]));
}
