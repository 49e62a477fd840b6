#!/usr/bin/env node
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { registerMeshCommands } from './mesh.js';
import { registerNetpolCommands } from './netpol.js';
import { registerProbeCommand } from './probe.js';
import { registerImageCommands } from './image.js';
import { registerDbCommand } from './db.js';
import { registerNodeCommands } from './node.js';
import { registerRbacCommands } from './rbac.js';
import { collect } from './common.js';
import { addReportOptions } from './options.js';

// Only commander and package.json load here: each command imports its analyzers when it runs,
// so `kubeward --version` stays fast.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };


const program = new Command('kubeward')
  .description('Find the ways a Kubernetes cluster can be attacked: workloads, access, network, images and nodes.')
  .version(version, '-v, --version')
  .exitOverride()
  // `node etcd-encryption --format json`: options after a subcommand belong to the subcommand, not its parent.
  .enablePositionalOptions()
  .configureOutput({ outputError: (text, write) => write(text) });

addReportOptions(
  program
    .command('scan')
    .description('scan Kubernetes manifests (files, directories, - for stdin, kustomizations, Helm charts) for workload weaknesses')
    .argument('<paths...>', 'files or directories to scan; - reads stdin')
    .option('--compliance <framework>', 'per-control summary: pss-baseline, pss-restricted or cis-policies')
    .option('--values <file>', 'Helm values file passed to helm template (repeatable)', collect)
    .option('--set <key=value>', 'Helm --set value passed to helm template (repeatable)', collect)
    .option('--max-file-size <bytes>', 'largest input file read, in bytes')
    .option('-c, --config <file>', 'config file with defaults (default kubeward.yaml)')
    .option('--images', 'also scan every image the workloads run (packages, advisories, image configuration)')
    .option('--parallel <n>', 'with --images: images scanned at once (default 4)')
    .option('--image-layout <dir>', 'with --images: OCI layout directory holding images (matched by ref name) before any registry (repeatable)', collect)
    .option('--no-pull', 'with --images: do not pull images that are not in an --image-layout')
    .option('--db <file>', 'with --images: advisory database (default ~/.cache/kubeward/db/advisories.sqlite)')
    .option('--advisories <path>', 'with --images: match against these OSV / Alpine secdb files or directories instead of the database (repeatable)', collect)
    .option('--ignore-unfixed', 'with --images: leave out vulnerabilities without a fixed version')
    .option('--platform <os/arch[/variant]>', 'with --images: platform to pick from multi-arch images (default linux/amd64)')
    .option('--insecure', 'with --images: allow plain HTTP registries and unverified TLS')
    .option('--cache-dir <dir>', 'with --images: blob cache (default ~/.cache/kubeward)'),
).action(async (paths: string[], options: Record<string, unknown>) => {
  const { runScanCommand } = await import('./scan.js');
  process.exitCode = await runScanCommand(paths, options, version);
});

program
  .command('checks')
  .description('list the check catalog')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'markdown']).default('table'))
  .option('--category <category>', 'only checks of this category')
  .action(async (options: { format: 'table' | 'json' | 'markdown'; category?: string }) => {
    const { runChecksCommand } = await import('./checks.js');
    process.exitCode = runChecksCommand(options);
  });

program
  .command('explain')
  .description('describe one check: what it looks at, why it matters, how to fix it')
  .argument('<check-id>', 'e.g. KW-WL-003')
  .action(async (id: string) => {
    const { runExplainCommand } = await import('./explain.js');
    process.exitCode = runExplainCommand(id);
  });

registerRbacCommands(program, version);
registerNetpolCommands(program, version);
registerMeshCommands(program);
registerProbeCommand(program, version);
registerImageCommands(program, version);
registerDbCommand(program);
registerNodeCommands(program, version);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // help and version exit 0; every usage error exits 2
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`kubeward: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 3;
  }
}
