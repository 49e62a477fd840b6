import { Option, type Command } from 'commander';
import { addReportOptions } from './options.js';

// `kubeward node`, `kubeward node etcd-encryption` and `kubeward report merge`. Only commander loads
// with this file; collectors, checks and report formats load when a command runs.

/** Adds `node` (with `etcd-encryption`) and `report merge` to `program`. */
export function registerNodeCommands(program: Command, version: string): void {
  const node = addReportOptions(
    program
      .command('node')
      .description('check this node: CIS Kubernetes Benchmark (control plane, etcd, kubelet, kube-proxy, files), host hardening, etcd encryption')
      .option('--root <dir>', 'the node\'s root filesystem (default /; in a pod with the host mounted: /host)')
      .option('--proc <dir>', '/proc to read processes from (default /proc; needs the host PID namespace in a pod)')
      .option('--sys <dir>', '/sys to read block devices from (default /sys)')
      .option('--hostname <name>', 'node name for the report (default: the node\'s /etc/hostname)')
      .option('--benchmark <id>', 'CIS benchmark version, e.g. cis-1.12 (default: chosen from the detected Kubernetes version)')
      .option('--targets <list>', 'only these parts: master, etcd, controlplane, node (comma list; default: what runs on the node)')
      .option('--etcd-data', 'also read etcd\'s keys (with the API server\'s etcd client certificate) and count Secrets stored in plaintext')
      .enablePositionalOptions(),
  ).action(async (flags: Record<string, unknown>) => {
    const { runNodeCommand } = await import('./node-run.js');
    process.exitCode = await runNodeCommand(flags, version);
  });

  node
    .command('etcd-encryption')
    .description('read etcd\'s keys under /registry/secrets/ and count how many are stored in plaintext and under each encryption provider')
    .option('--endpoints <urls>', 'etcd client URLs, comma-separated (default: from the API server\'s --etcd-servers, or etcd\'s own flags, on this node)')
    .option('--cacert <file>', 'CA certificate to verify etcd with')
    .option('--cert <file>', 'client certificate')
    .option('--key <file>', 'client key')
    .option('--insecure', 'do not verify etcd\'s certificate')
    .option('--configmaps', 'also count ConfigMaps')
    .option('--encryption-config <file>', 'the API server\'s EncryptionConfiguration, to compare with the data (default: its --encryption-provider-config on this node)')
    .option('--root <dir>', 'the node\'s root filesystem, for the defaults (default /)')
    .option('--proc <dir>', '/proc for the defaults (default /proc)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--timeout <ms>', 'deadline of each request in milliseconds (default 10000)')
    .action(async (flags: Record<string, unknown>) => {
      const { runEtcdEncryptionCommand } = await import('./node-run.js');
      process.exitCode = await runEtcdEncryptionCommand(flags);
    });

  const report = program.command('report').description('work with kubeward JSON reports');
  addReportOptions(
    report
      .command('merge')
      .description('merge JSON reports (e.g. one per node from deploy/node-scan-job.yaml) into one cluster report: nodes × sections table')
      .argument('<files...>', 'kubeward JSON reports'),
  ).action(async (files: string[], flags: Record<string, unknown>) => {
    const { runReportMergeCommand } = await import('./node-run.js');
    process.exitCode = await runReportMergeCommand(files, flags, version);
  });
}
