import { Command, Option } from 'commander';
import { type CliIo, UsageError, collect, processIo } from './common.js';

// `kubeward rbac escalations`. Only commander loads here; the loader, the evaluator and the
// escalation graph are imported when the command runs.

/** Where the command reads and writes (process streams by default; tests pass their own). */
export type EscalationsIo = CliIo;

export interface EscalationsOptions {
  filename?: string[];
  to?: string;
  format?: 'table' | 'json';
  includeBootstrap?: boolean;
  privilegedNamespace?: string[];
  quiet?: boolean;
}




/** Adds `kubeward rbac escalations [SUBJECT] [--to TARGET] -f PATH... [--format table|json]` under the `rbac` command. */
export function registerEscalationsCommand(rbac: Command): void {
  rbac
    .command('escalations')
    .description('what SUBJECT can become: its shortest escalation chain to cluster-admin (or --to TARGET), step by step with binding → role → rule; without SUBJECT, every subject that can reach it')
    .argument('[subject]', 'user name, system:serviceaccount:NAMESPACE:NAME, or group:NAME')
    .option('--to <target>', 'cluster-admin (default), a user name, system:serviceaccount:NAMESPACE:NAME, or group:NAME')
    .option('-f, --filename <path>', 'manifest file or directory to read, - for stdin (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--include-bootstrap', 'also list subjects whose first step is a Kubernetes default grant (controllers, system:masters)')
    .option('--privileged-namespace <namespace>', 'namespace treated like kube-system (repeatable; default kube-system)', collect)
    .option('-q, --quiet', 'no diagnostics or notes on stderr')
    .action(async (subject: string | undefined, options: EscalationsOptions) => {
      process.exitCode = await runEscalations(subject, options);
    });
}

/** `kubeward rbac escalations`: 0, or 2 for usage or input errors (the answer is still printed for what could be read). */
export async function runEscalations(subjectArg: string | undefined, options: EscalationsOptions, io: EscalationsIo = processIo): Promise<number> {
  try {
    const paths = options.filename ?? [];
    if (paths.length === 0) throw new UsageError('no input: give manifests with -f PATH (files, directories, - for stdin)');
    const escalation = await import('../rbac/escalation/index.js');
    const subject = subjectArg === undefined ? undefined : escalation.parseSubject(subjectArg);
    if (subjectArg !== undefined && !subject) throw new UsageError(`invalid subject ${JSON.stringify(subjectArg)}: expected a user name, system:serviceaccount:NAMESPACE:NAME, or group:NAME`);
    const targetArg = options.to ?? 'cluster-admin';
    const target = targetArg === 'cluster-admin' ? 'cluster-admin' : escalation.parseSubject(targetArg);
    if (!target) throw new UsageError(`invalid --to ${JSON.stringify(targetArg)}: expected cluster-admin, a user name, system:serviceaccount:NAMESPACE:NAME, or group:NAME`);

    const [{ loadInventory }, { inputErrorLabel }] = await Promise.all([import('../inventory/index.js'), import('../core/coverage.js')]);
    const loaded = await loadInventory(paths, io.stdin ? { stdin: io.stdin } : {});
    const analysis = escalation.analyzeEscalations(loaded.inventory, undefined, options.privilegedNamespace?.length ? { privilegedNamespaces: options.privilegedNamespace } : {});
    const targetLabel = target === 'cluster-admin' ? 'cluster-admin' : analysis.graph.subjectNode(target).label;

    if (subject) {
      const chain = analysis.escalationsOf(subject, target);
      const subjectLabel = analysis.graph.subjectNode(subject).label;
      io.stdout(options.format === 'json'
        ? json({ subject: subjectLabel, target: targetLabel, reachable: chain !== undefined, chain: chain ? escalation.chainJson(chain) : null })
        : escalation.formatChain(subjectLabel, targetLabel, chain));
    } else {
      const all = analysis.reaching(target, { includeBootstrap: true });
      const shown = options.includeBootstrap ? all : all.filter((c) => !escalation.isBootstrapChain(c));
      const omitted = all.length - shown.length;
      io.stdout(options.format === 'json'
        ? json({ target: targetLabel, subjects: shown.map(escalation.chainJson), omittedBootstrap: omitted })
        : escalation.formatReaching(targetLabel, shown, omitted));
    }

    if (!options.quiet) {
      for (const d of analysis.graph.context.index.diagnostics) {
        if (d.severity !== 'info') io.stderr(`kubeward: ${d.severity}: ${d.position.file}:${d.position.line}:${d.position.column}: ${d.message}\n`);
      }
      for (const note of loaded.notes) io.stderr(`kubeward: note: ${inputErrorLabel(note)}\n`);
    }
    if (loaded.errors.length) {
      io.stderr(`kubeward: ${loaded.errors.length} input error(s); the rest was read:\n${loaded.errors.map((e) => `  ${inputErrorLabel(e)}`).join('\n')}\n`);
      return 2;
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`kubeward: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
