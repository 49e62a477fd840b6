import { Command, Option } from 'commander';
import { inputErrorLabel } from '../core/coverage.js';
import { collect } from './common.js';

// `kubeward mesh plaintext`. Only commander loads here; the engines load when the command runs.

export function registerMeshCommands(program: Command): void {
  const mesh = program.command('mesh').description('service-mesh views: which allowed connections travel in plaintext');
  mesh
    .command('plaintext')
    .description('every connection NetworkPolicy allows, on every declared port, and whether it can travel unencrypted or unauthenticated, and why')
    .requiredOption('-f, --filename <path>', 'manifest file or directory, - for stdin (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['txt', 'json']).default('txt'))
    .action(async (options: { filename: string[]; format: 'txt' | 'json' }) => {
      const [{ loadInventory }, { plaintextReport, formatPlaintext }] = await Promise.all([import('../inventory/index.js'), import('../network/plaintext.js')]);
      const loaded = await loadInventory(options.filename);
      const report = plaintextReport(loaded.inventory);
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatPlaintext(report));
      for (const error of loaded.errors) process.stderr.write(`kubeward: ${inputErrorLabel(error)}\n`);
      process.exitCode = loaded.errors.length > 0 ? 2 : 0;
    });
}
