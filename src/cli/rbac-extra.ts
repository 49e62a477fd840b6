import { Command, Option } from 'commander';
import { type CliIo, UsageError, collect, guarded } from './common.js';

// `kubeward rbac least-privilege` and `kubeward rbac graph`. Only commander loads here; the
// analyzers, the loader and the audit-log reader are imported when a command runs.

/** Where a command reads and writes (process streams by default; tests pass their own). */
export interface RbacExtraIo extends CliIo {
  /** Show a progress line while reading a large log (a terminal on stderr). */
  progress?: boolean;
}

export interface LeastPrivilegeOptions {
  auditLog?: string[];
  subject?: string;
  filename?: string[];
  format?: 'yaml' | 'json' | 'table';
  maxResourceNames?: string;
  quiet?: boolean;
}

export interface GraphCommandOptions {
  filename?: string[];
  format?: 'dot' | 'json' | 'mermaid';
  subject?: string;
  namespace?: string;
  workloads?: boolean;
  quiet?: boolean;
}

const processIo = (): RbacExtraIo => ({
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  progress: process.stderr.isTTY === true,
});



/** Adds `rbac least-privilege` to the `rbac` command. */
export function registerLeastPrivilegeCommand(rbac: Command): void {
  rbac
    .command('least-privilege')
    .description('the smallest Roles/ClusterRoles that allow what each subject did, from Kubernetes audit logs, and the granted permissions it never used')
    .option('--audit-log <file>', 'audit log: JSON lines of audit.k8s.io/v1 Events; .gz is read as gzip, - is stdin (repeatable: rotated files)', collect)
    .option('--subject <user>', 'only this user name (system:serviceaccount:NAMESPACE:NAME for a ServiceAccount)')
    .option('-f, --filename <path>', 'the current RBAC manifests: file, directory, - for stdin (repeatable); needed for the never-used report', collect)
    .addOption(new Option('--format <format>', 'yaml: roles ready to apply (report on stderr); table or json: the whole report').choices(['yaml', 'json', 'table']).default('yaml'))
    .option('--max-resource-names <n>', 'longest resourceNames list generated; 0: never restrict by name', '5')
    .option('-q, --quiet', 'no notes, diagnostics or side report on stderr')
    .action(async (options: LeastPrivilegeOptions) => {
      process.exitCode = await runLeastPrivilege(options);
    });
}

/** Adds `rbac graph` to the `rbac` command. */
export function registerGraphCommand(rbac: Command): void {
  rbac
    .command('graph')
    .description('subjects → bindings → roles (aggregated roles → their sources, workloads → their service accounts) as DOT, Mermaid or JSON')
    .option('-f, --filename <path>', 'manifest file or directory to read, - for stdin (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['dot', 'json', 'mermaid']).default('dot'))
    .option('--subject <subject>', 'only this subject: a user name, system:serviceaccount:NAMESPACE:NAME, or group:NAME')
    .option('-n, --namespace <namespace>', 'only RoleBindings of this namespace, and ClusterRoleBindings of its service accounts')
    .option('--workloads', 'also the workloads running as each service account')
    .option('-q, --quiet', 'no diagnostics or notes on stderr')
    .action(async (options: GraphCommandOptions) => {
      process.exitCode = await runGraph(options);
    });
}

/** `kubeward rbac least-privilege`: 0, or 2 for usage errors and input errors (the output is still written). */
export async function runLeastPrivilege(options: LeastPrivilegeOptions, io: RbacExtraIo = processIo()): Promise<number> {
  return guarded(io, async () => {
    const logs = options.auditLog ?? [];
    if (logs.length === 0) throw new UsageError('--audit-log FILE is required (JSON lines of audit.k8s.io/v1 Events; - for stdin)');
    if (logs.filter((l) => l === '-').length > 1) throw new UsageError('--audit-log - (stdin) given twice');
    if (logs.includes('-') && (options.filename ?? []).includes('-')) throw new UsageError('stdin cannot be both the audit log and the manifests');
    const max = Number(options.maxResourceNames ?? '5');
    if (!Number.isInteger(max) || max < 0) throw new UsageError(`--max-resource-names takes a whole number, not ${JSON.stringify(options.maxResourceNames)}`);
    if (options.subject !== undefined) await checkSubject(options.subject);
    const format = options.format ?? 'yaml';

    const loaded = options.filename?.length ? await load(options.filename, options.quiet === true, io) : undefined;
    const lp = await import('../rbac/least-privilege/index.js');
    const stdin = io.stdin ?? process.stdin;
    let shown = false;
    const report = await lp.analyzeLeastPrivilege({
      sources: logs.map((name) => (name === '-' ? { name: '-', stream: stdin } : { name })),
      ...(options.subject !== undefined ? { subject: options.subject } : {}),
      ...(loaded ? { index: loaded.index, rbacNames: lp.rbacResourceNames(loaded.inventory) } : {}),
      maxResourceNames: max,
      ...(io.progress && !options.quiet
        ? { onProgress: (bytes: number, lines: number) => { shown = true; io.stderr(`\rkubeward: read ${Math.round(bytes / 1048576)} MiB, ${lines} lines…`); } }
        : {}),
    });
    if (shown) io.stderr('\r\x1b[K');

    io.stdout(format === 'json' ? lp.renderJson(report) : format === 'table' ? lp.renderTable(report) : lp.renderYaml(report));
    if (format === 'yaml' && !options.quiet) {
      const side = lp.renderSideReport(report);
      if (side) io.stderr(side);
    }
    if (options.subject !== undefined && report.subjects.every((s) => s.requests === 0) && !options.quiet) {
      io.stderr(`kubeward: note: no request of ${options.subject} in the audit log${report.log.files.length > 1 ? 's' : ''}\n`);
    }
    if (loaded) finish(loaded, options.quiet === true, io);
    const log = report.log;
    if (log.errorCount > 0) {
      const shownErrors = log.errors.map((e) => `  ${lp.auditErrorLabel(e)}`);
      const more = log.errorCount > log.errors.length ? [`  … and ${log.errorCount - log.errors.length} more`] : [];
      io.stderr(`kubeward: ${log.errorCount} audit log error(s); those lines were skipped, the rest was read:\n${[...shownErrors, ...more].join('\n')}\n`);
    }
    return log.errorCount > 0 || (loaded?.inputErrors ?? 0) > 0 ? 2 : 0;
  });
}

/** `kubeward rbac graph`: 0, or 2 for usage or input errors (the graph of what was read is still written). */
export async function runGraph(options: GraphCommandOptions, io: RbacExtraIo = processIo()): Promise<number> {
  return guarded(io, async () => {
    const paths = options.filename ?? [];
    if (paths.length === 0) throw new UsageError('no input: give manifests with -f PATH (files, directories, - for stdin)');
    if (options.subject !== undefined) {
      if (!options.subject || /^group:$/i.test(options.subject)) throw new UsageError('--subject is empty');
      if (!/^group:/i.test(options.subject)) await checkSubject(options.subject);
    }
    if (options.namespace !== undefined && !options.namespace) throw new UsageError('--namespace is empty');
    const loaded = await load(paths, options.quiet === true, io);
    const graph = await import('../rbac/graph.js');
    const result = graph.buildRbacGraph(loaded.inventory, {
      ...(options.subject !== undefined ? { subject: options.subject } : {}),
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      workloads: options.workloads === true,
    });
    const format = options.format ?? 'dot';
    io.stdout(format === 'json' ? graph.renderGraphJson(result) : format === 'mermaid' ? graph.renderMermaid(result) : graph.renderDot(result));
    finish(loaded, options.quiet === true, io);
    return loaded.inputErrors ? 2 : 0;
  });
}

interface Loaded {
  inventory: import('../inventory/index.js').Inventory;
  index: import('../rbac/index.js').RbacIndex;
  inputErrors: number;
  messages: string[];
}

async function load(paths: string[], quiet: boolean, io: RbacExtraIo): Promise<Loaded> {
  const [{ loadInventory }, { buildRbacIndex }, { inputErrorLabel }] = await Promise.all([
    import('../inventory/index.js'),
    import('../rbac/index.js'),
    import('../core/coverage.js'),
  ]);
  const result = await loadInventory(paths, io.stdin ? { stdin: io.stdin } : {});
  const messages: string[] = [];
  if (result.errors.length) {
    messages.push(`kubeward: ${result.errors.length} input error(s); the rest was read:\n${result.errors.map((e) => `  ${inputErrorLabel(e)}`).join('\n')}\n`);
  }
  if (!quiet) for (const note of result.notes) messages.push(`kubeward: note: ${inputErrorLabel(note)}\n`);
  return { inventory: result.inventory, index: buildRbacIndex(result.inventory), inputErrors: result.errors.length, messages };
}

function finish(loaded: Loaded, quiet: boolean, io: RbacExtraIo): void {
  if (!quiet) {
    for (const d of loaded.index.diagnostics) {
      if (d.severity !== 'info') io.stderr(`kubeward: ${d.severity}: ${d.position.file}:${d.position.line}:${d.position.column}: ${d.message}\n`);
    }
  }
  for (const message of loaded.messages) io.stderr(message);
}

async function checkSubject(name: string): Promise<void> {
  const { splitServiceAccountUsername, SERVICE_ACCOUNT_PREFIX } = await import('../rbac/subjects.js');
  if (!name) throw new UsageError('--subject is empty');
  if (name.startsWith(SERVICE_ACCOUNT_PREFIX) && !splitServiceAccountUsername(name)) {
    throw new UsageError(`invalid service account ${JSON.stringify(name)}: expected system:serviceaccount:NAMESPACE:NAME`);
  }
}

