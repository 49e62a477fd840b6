import { Option, type Command } from 'commander';
import { collect } from './common.js';
import { addReportOptions } from './options.js';

// `kubeward image` and `kubeward sbom`: only commander loads with this file; sources, catalogers,
// the advisory store and the report formats load when a command runs.

/** Options shared by every command that reads an image (registry pull, --input, --platform…). */
function addSourceOptions(command: Command): Command {
  return command
    .option('--input <path>', 'read the image from a docker-save or OCI archive (.tar) or an OCI layout directory instead of a registry')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-arch image (default linux/amd64)')
    .option('--insecure', 'allow plain HTTP and do not verify the registry\'s TLS certificate')
    .option('--cacert <file>', 'PEM file with CA certificate(s) to verify the registry with')
    .option('--username <user>', 'registry user name (the password is read from stdin with --password-stdin)')
    .option('--password-stdin', 'read the registry password from stdin')
    .option('--cache-dir <dir>', 'where blobs are cached by digest (default ~/.cache/kubeward)')
    .option('--timeout <ms>', 'deadline of each registry request in milliseconds (default 30000)');
}

/** Adds `image` and `sbom` to `program`. */
export function registerImageCommands(program: Command, version: string): void {
  addReportOptions(addSourceOptions(
    program
      .command('image')
      .description('scan a container image: every OS and language package matched against advisories, plus image configuration and content checks')
      .argument('[reference]', 'image reference (registry/repo:tag or @sha256:…); with --input or --sbom it only names the image'),
  )
    .option('--db <file>', 'advisory database (default ~/.cache/kubeward/db/advisories.sqlite)')
    .option('--advisories <path>', 'match against these OSV / Alpine secdb files or directories instead of the database (repeatable)', collect)
    .option('--ignore-unfixed', 'leave out vulnerabilities that have no fixed version yet')
    .option('--sbom <file>', 'scan the packages of an existing CycloneDX or SPDX JSON SBOM instead of an image')
    .option('--merge <file>', 'consolidate a Trivy or Grype JSON result with kubeward\'s (repeatable)', collect)
    .option('--max-age <days>', 'report images built more than DAYS ago (default 365)'),
  )
    .action(async (reference: string | undefined, flags: Record<string, unknown>) => {
      const { runImageCommand } = await import('./image-run.js');
      process.exitCode = await runImageCommand(reference, flags, version);
    });

  addSourceOptions(
    program
      .command('sbom')
      .description('write a software bill of materials (CycloneDX 1.6 or SPDX 2.3 JSON) listing every package of an image')
      .argument('[reference]', 'image reference; with --input it only names the image'),
  )
    .addOption(new Option('-f, --format <format>', 'SBOM format').choices(['cyclonedx', 'spdx']).default('cyclonedx'))
    .option('-o, --output <file>', 'write the SBOM to FILE instead of stdout')
    .option('-q, --quiet', 'no progress line and no notes on stderr')
    .action(async (reference: string | undefined, flags: Record<string, unknown>) => {
      const { runSbomCommand } = await import('./image-run.js');
      process.exitCode = await runSbomCommand(reference, flags, version);
    });
}
