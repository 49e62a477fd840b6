import type { Command } from 'commander';
import { addReportOptions } from './options.js';

// `kubeward probe`: what an unauthenticated attacker sees from the network. Only commander loads with
// this file; the probe, the report formats and the settings helpers load when the command runs.

/** Adds `probe` to `program`. */
export function registerProbeCommand(program: Command, version: string): Command {
  const command = program
    .command('probe')
    .description('probe the API server, a kubelet and etcd from the network, without credentials, as an attacker would')
    .option('--api <url>', 'API server URL, e.g. https://10.0.0.1:6443')
    .option('--kubelet <host[:port]>', 'kubelet host; its HTTPS port (default 10250) and read-only port are probed')
    .option('--read-only-port <port>', 'kubelet read-only HTTP port to try on the kubelet host (default 10255; 0 skips it)')
    .option('--etcd <url>', 'etcd client URL, e.g. https://10.0.0.2:2379')
    .option('--no-etcd-write', 'skip the etcd write test (by default one throw-away key is put under /kubeward-probe/ and deleted again)')
    .option('--timeout <ms>', 'deadline of each request in milliseconds (default 5000)')
    .option('--insecure', 'do not verify TLS certificates (every finding then says so)')
    .option('--cacert <file>', 'PEM file with the CA certificate(s) to verify the targets with, instead of the system CAs');
  return addReportOptions(command, { exceptions: false })
    .action(async (flags: Record<string, unknown>) => {
      process.exitCode = await runProbeCommand(flags, version);
    });
}

/** Runs `kubeward probe` with parsed flags; returns the exit code. */
export async function runProbeCommand(flags: Record<string, unknown>, version: string): Promise<number> {
  const [{ readFile }, probe, output, settings] = await Promise.all([
    import('node:fs/promises'),
    import('../probe/index.js'),
    import('./report-output.js'),
    import('../scan/settings.js'),
  ]);
  const { ProbeUsageError } = probe;
  const quiet = flags.quiet === true;
  const usage = (message: string): number => {
    process.stderr.write(`kubeward: ${message}\n`);
    return 2;
  };

  let options: Parameters<typeof probe.runProbe>[0];
  let targets: ReturnType<typeof output.resolveReportTargets>;
  let exitCode: number;
  try {
    targets = output.resolveReportTargets(flags.format as string | undefined, (flags.output as string[] | undefined) ?? []);
    exitCode = output.parseCount(flags.exitCode, '--exit-code');
    const severities = typeof flags.severity === 'string' ? settings.parseSeverityFilter(flags.severity) : undefined;
    options = {
      version,
      command: ['kubeward', ...process.argv.slice(2)].join(' '),
      insecure: flags.insecure === true,
      etcdWrite: flags.etcdWrite !== false,
      ...(severities ? { severities } : {}),
    };
    for (const key of ['api', 'kubelet', 'etcd'] as const) {
      if (typeof flags[key] === 'string') options[key] = flags[key] as string;
    }
    if (flags.timeout !== undefined) {
      const timeout = Number(flags.timeout);
      if (!Number.isInteger(timeout) || timeout <= 0) throw new ProbeUsageError(`--timeout takes milliseconds (a whole number above 0), not ${JSON.stringify(flags.timeout)}`);
      options.timeoutMs = timeout;
    }
    if (flags.readOnlyPort !== undefined) {
      if (options.kubelet === undefined) throw new ProbeUsageError('--read-only-port goes with --kubelet HOST');
      const port = Number(flags.readOnlyPort);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ProbeUsageError(`--read-only-port takes a port number (0 to skip), not ${JSON.stringify(flags.readOnlyPort)}`);
      options.readOnlyPort = port;
    }
    if (typeof flags.cacert === 'string') {
      let pem: string;
      try {
        pem = await readFile(flags.cacert, 'utf8');
      } catch (error) {
        throw new ProbeUsageError(`cannot read --cacert ${flags.cacert}: ${(error as Error).message}`);
      }
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new ProbeUsageError(`--cacert ${flags.cacert}: no PEM certificate in the file`);
      options.caCert = pem;
    }
  } catch (error) {
    if (error instanceof ProbeUsageError || error instanceof output.ReportUsageError || error instanceof settings.SettingsError) return usage(error.message);
    throw error;
  }

  const progress = !quiet && process.stderr.isTTY === true;
  if (progress) process.stderr.write('kubeward: probing…');
  let result;
  try {
    result = await probe.runProbe(options);
  } catch (error) {
    if (error instanceof ProbeUsageError) return usage(error.message);
    throw error;
  } finally {
    if (progress) process.stderr.write('\r\x1b[K');
  }

  const written = await output.writeReports(result, targets, { color: output.useColor(flags.color), showSuppressed: false, quiet });
  if (!written) return 2;
  if (!quiet && result.notEvaluated.length > 0) {
    process.stderr.write(`kubeward: note: ${result.notEvaluated.length} check(s) not evaluated; the report says why\n`);
  }
  return output.findingsExitCode(result, exitCode);
}
