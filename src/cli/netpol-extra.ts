import { Command, Option } from 'commander';
import { type CliIo, UsageError, collect, guarded, processIo } from './common.js';

// Only commander loads here; the engine and the loader are imported when a command runs.

export type NetpolExtraIo = CliIo;

export interface DiffCliOptions {
  /** The old manifests (`-f` / `--old`, repeatable). */
  filename?: string[];
  old?: string[];
  /** The new manifests (`--new`, repeatable). */
  new?: string[];
  format?: 'txt' | 'json';
  hostNetworkAsPod?: boolean;
  quiet?: boolean;
}

export interface NamespacesCliOptions {
  filename?: string[];
  format?: 'txt' | 'json';
  includeSame?: boolean;
  hostNetworkAsPod?: boolean;
  quiet?: boolean;
}




/** Adds `kubeward netpol diff | namespaces` under the `netpol` command. */
export function registerNetpolExtraCommands(netpol: Command): Command {
  netpol
    .command('diff')
    .description('connections added, removed and changed between two sets of manifests (OLD NEW, or -f OLD... --new NEW...)')
    .argument('[paths...]', 'OLD_PATH NEW_PATH (when -f/--old and --new are not given)')
    .option('-f, --filename <path>', 'old manifests: file or directory, - for stdin (repeatable)', collect)
    .option('--old <path>', 'same as -f (repeatable)', collect)
    .option('--new <path>', 'new manifests: file or directory (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['txt', 'json']).default('txt'))
    .option('--host-network-as-pod', 'treat hostNetwork pods like other pods (default: outside NetworkPolicy, left out)')
    .option('-q, --quiet', 'no diagnostics or notes on stderr')
    .action(async (paths: string[], options: DiffCliOptions) => {
      process.exitCode = await runDiff(paths, options);
    });
  netpol
    .command('namespaces')
    .description('namespace-to-namespace summary: for each ordered pair, how many workload pairs connect and on what')
    .option('-f, --filename <path>', 'manifest file or directory to read, - for stdin (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['txt', 'json']).default('txt'))
    .option('--include-same', 'also list each namespace to itself')
    .option('--host-network-as-pod', 'treat hostNetwork pods like other pods (default: outside NetworkPolicy, left out)')
    .option('-q, --quiet', 'no diagnostics or notes on stderr')
    .action(async (options: NamespacesCliOptions) => {
      process.exitCode = await runNamespaces(options);
    });
  return netpol;
}

/** `kubeward netpol diff`: 0 (whatever changed), 2 for usage or input errors. */
export async function runDiff(paths: string[], options: DiffCliOptions, io: NetpolExtraIo = processIo): Promise<number> {
  return guarded(io, async () => {
    let oldPaths = [...(options.filename ?? []), ...(options.old ?? [])];
    let newPaths = options.new ?? [];
    if (paths.length) {
      if (oldPaths.length || newPaths.length) throw new UsageError('give either OLD_PATH NEW_PATH, or -f OLD... --new NEW..., not both');
      if (paths.length !== 2) throw new UsageError(`expected two paths (OLD_PATH NEW_PATH), got ${paths.length}`);
      oldPaths = [paths[0]!];
      newPaths = [paths[1]!];
    }
    if (oldPaths.length === 0 || newPaths.length === 0) throw new UsageError('no input: give OLD_PATH NEW_PATH, or -f OLD... --new NEW...');
    if ([...oldPaths, ...newPaths].filter((p) => p === '-').length > 1 || (oldPaths.includes('-') && newPaths.includes('-'))) {
      throw new UsageError('stdin (-) can be read only once');
    }
    const before = await load(oldPaths, options, io, 'old');
    const after = await load(newPaths, options, io, 'new');
    const [{ computeConnectivity }, { diffConnectivity, formatDiff }] = await Promise.all([
      import('../network/netpol/index.js'), import('../network/netpol/diff.js'),
    ]);
    const opts = { hostNetworkAsPod: options.hostNetworkAsPod === true };
    const a = computeConnectivity(before.inventory, opts);
    const b = computeConnectivity(after.inventory, opts);
    io.stdout(formatDiff(diffConnectivity(a, b), options.format ?? 'txt'));
    if (!options.quiet) {
      for (const w of a.warnings) io.stderr(`kubeward: warning: old: ${w}\n`);
      for (const w of b.warnings) io.stderr(`kubeward: warning: new: ${w}\n`);
    }
    for (const m of [...before.messages, ...after.messages]) io.stderr(m);
    return before.inputErrors + after.inputErrors ? 2 : 0;
  });
}

/** `kubeward netpol namespaces`: 0, or 2 for usage or input errors. */
export async function runNamespaces(options: NamespacesCliOptions, io: NetpolExtraIo = processIo): Promise<number> {
  return guarded(io, async () => {
    const paths = options.filename ?? [];
    if (paths.length === 0) throw new UsageError('no input: give manifests with -f PATH (files, directories, - for stdin)');
    const loaded = await load(paths, options, io);
    const [{ computeConnectivity }, { summarizeNamespaces, formatNamespaceSummary }] = await Promise.all([
      import('../network/netpol/index.js'), import('../network/netpol/summary.js'),
    ]);
    const result = computeConnectivity(loaded.inventory, { hostNetworkAsPod: options.hostNetworkAsPod === true });
    io.stdout(formatNamespaceSummary(summarizeNamespaces(result, { includeSameNamespace: options.includeSame === true }), options.format ?? 'txt'));
    if (!options.quiet) {
      for (const w of result.warnings) io.stderr(`kubeward: warning: ${w}\n`);
      for (const w of result.outOfScope) io.stderr(`kubeward: note: ${w.id} uses hostNetwork: outside the scope of NetworkPolicy, left out\n`);
    }
    for (const m of loaded.messages) io.stderr(m);
    return loaded.inputErrors ? 2 : 0;
  });
}

async function load(paths: string[], options: { quiet?: boolean }, io: NetpolExtraIo, side?: string) {
  const [{ loadInventory }, { inputErrorLabel }] = await Promise.all([import('../inventory/index.js'), import('../core/coverage.js')]);
  const result = await loadInventory(paths, io.stdin ? { stdin: io.stdin } : {});
  const messages: string[] = [];
  const prefix = side ? `${side}: ` : '';
  if (result.errors.length) {
    messages.push(`kubeward: ${prefix}${result.errors.length} input error(s); the rest was read:\n${result.errors.map((e) => `  ${inputErrorLabel(e)}`).join('\n')}\n`);
  }
  if (!options.quiet) for (const note of result.notes) messages.push(`kubeward: note: ${prefix}${inputErrorLabel(note)}\n`);
  return { inventory: result.inventory, inputErrors: result.errors.length, messages };
}

