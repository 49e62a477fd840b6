import { Option, type Command } from 'commander';
import { collect } from './common.js';

// Command-line options several commands share. Only commander loads here: commands register fast.

export const REPORT_FORMAT_CHOICES = ['table', 'json', 'sarif', 'junit', 'html'];

/** Options every command that reports findings takes (`exceptions: false` for commands without an ignore file). */
export function addReportOptions(command: Command, options: { exceptions?: boolean } = {}): Command {
  command
    .addOption(new Option('-f, --format <format>', 'report format for stdout (or for --output FILE)').choices(REPORT_FORMAT_CHOICES))
    .option('-o, --output <target>', 'write the report to FILE, or FORMAT=FILE for an extra report in another format (repeatable)', collect)
    .option('-s, --severity <severities>', 'report this severity and above (e.g. high), or exactly a comma list (critical,low)')
    .option('--exit-code <n>', 'exit with N when a reported finding remains (default 0)');
  if (options.exceptions !== false) {
    command
      .option('--ignore-file <file>', 'exceptions file (default .kubewardignore.yaml)')
      .option('--show-suppressed', 'also list findings suppressed by exceptions, with the reason');
  }
  return command
    .option('-q, --quiet', 'no progress line and no notes on stderr')
    .option('--no-color', 'no colours in the table, even on a terminal');
}
