import { Command, Option } from 'commander';
import { registerNetpolExtraCommands } from './netpol-extra.js';
import { type CliIo, UsageError, collect, guarded, processIo } from './common.js';

// Only commander loads here; the engine and the loader are imported when a command runs.

export type NetpolIo = CliIo;

export interface ConnectivityCliOptions {
  filename?: string[];
  format?: 'txt' | 'json' | 'csv' | 'md' | 'dot' | 'html';
  hostNetworkAsPod?: boolean;
  quiet?: boolean;
}

export interface ExplainCliOptions {
  filename?: string[];
  port?: string;
  hostNetworkAsPod?: boolean;
  quiet?: boolean;
}




function common(command: Command): Command {
  return command
    .option('-f, --filename <path>', 'manifest file or directory to read, - for stdin (repeatable)', collect)
    .option('--host-network-as-pod', 'treat hostNetwork pods like other pods (default: outside NetworkPolicy, left out)')
    .option('-q, --quiet', 'no diagnostics or notes on stderr');
}

/** Adds `kubeward netpol connectivity | explain`. */
export function registerNetpolCommands(program: Command, version: string): Command {
  void version;
  const netpol = program.command('netpol').description('NetworkPolicy reachability (with AdminNetworkPolicy / BaselineAdminNetworkPolicy) between workloads');
  common(
    netpol
      .command('connectivity')
      .description('every allowed connection between workloads and external IP ranges')
      .addOption(new Option('--format <format>', 'output format').choices(['txt', 'json', 'csv', 'md', 'dot', 'html']).default('txt')),
  ).action(async (options: ConnectivityCliOptions) => {
    process.exitCode = await runConnectivity(options);
  });
  common(
    netpol
      .command('explain')
      .description('is SRC → DST allowed, and which policies and rules decided it on each side')
      .argument('<src>', 'NAMESPACE/NAME[Kind], NAMESPACE/NAME, or an external range as printed by connectivity')
      .argument('<dst>', 'same forms as SRC')
      .option('--port <port>', 'PORT[/TCP|UDP|SCTP] (default protocol TCP)'),
  ).action(async (src: string, dst: string, options: ExplainCliOptions) => {
    process.exitCode = await runExplain(src, dst, options);
  });
  registerNetpolExtraCommands(netpol);
  return netpol;
}

/** `kubeward netpol connectivity`: 0, or 2 for usage or input errors. */
export async function runConnectivity(options: ConnectivityCliOptions, io: NetpolIo = processIo): Promise<number> {
  return guarded(io, async () => {
    const loaded = await load(options, io);
    const { computeConnectivity, formatConnectivity } = await import('../network/netpol/index.js');
    const result = computeConnectivity(loaded.inventory, { hostNetworkAsPod: options.hostNetworkAsPod === true });
    io.stdout(formatConnectivity(result, options.format ?? 'txt'));
    if (!options.quiet) {
      for (const w of result.warnings) io.stderr(`kubeward: warning: ${w}\n`);
      for (const w of result.outOfScope) io.stderr(`kubeward: note: ${w.id} uses hostNetwork: outside the scope of NetworkPolicy, left out\n`);
    }
    for (const m of loaded.messages) io.stderr(m);
    return loaded.inputErrors ? 2 : 0;
  });
}

/** `kubeward netpol explain`: 0 allowed, 1 denied, 2 usage or input errors. */
export async function runExplain(src: string, dst: string, options: ExplainCliOptions, io: NetpolIo = processIo): Promise<number> {
  return guarded(io, async () => {
    let port: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number } | undefined;
    if (options.port !== undefined) {
      const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(options.port);
      const n = m ? Number(m[1]) : NaN;
      if (!m || n < 1 || n > 65535) throw new UsageError(`invalid --port ${JSON.stringify(options.port)}: expected PORT[/TCP|UDP|SCTP] with 1 <= PORT <= 65535`);
      port = { protocol: (m[2]?.toUpperCase() ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP', port: n };
    }
    const loaded = await load(options, io);
    const { NetpolEngine, explainConnection, formatExplanation } = await import('../network/netpol/index.js');
    const engine = new NetpolEngine(loaded.inventory, { hostNetworkAsPod: options.hostNetworkAsPod === true });
    const from = engine.find(src);
    const to = engine.find(dst);
    if (!from) throw new UsageError(`unknown source ${JSON.stringify(src)}`);
    if (!to) throw new UsageError(`unknown destination ${JSON.stringify(dst)}`);
    const explanation = explainConnection(engine, from, to, port);
    io.stdout(formatExplanation(explanation));
    for (const m of loaded.messages) io.stderr(m);
    if (loaded.inputErrors) return 2;
    return (explanation.port ? explanation.port.allowed : !explanation.allowed.isEmpty()) ? 0 : 1;
  });
}

async function load(options: { filename?: string[]; quiet?: boolean }, io: NetpolIo) {
  const paths = options.filename ?? [];
  if (paths.length === 0) throw new UsageError('no input: give manifests with -f PATH (files, directories, - for stdin)');
  const [{ loadInventory }, { inputErrorLabel }] = await Promise.all([import('../inventory/index.js'), import('../core/coverage.js')]);
  const result = await loadInventory(paths, io.stdin ? { stdin: io.stdin } : {});
  const messages: string[] = [];
  if (result.errors.length) {
    messages.push(`kubeward: ${result.errors.length} input error(s); the rest was read:\n${result.errors.map((e) => `  ${inputErrorLabel(e)}`).join('\n')}\n`);
  }
  if (!options.quiet) for (const note of result.notes) messages.push(`kubeward: note: ${inputErrorLabel(note)}\n`);
  return { inventory: result.inventory, inputErrors: result.errors.length, messages };
}

