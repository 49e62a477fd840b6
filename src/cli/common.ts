// Small pieces every command shares. Only commander-free code: commands load fast.

/** Commander option reducer for repeatable flags (`-f a -f b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A user error in the command line: one line on stderr, exit 2. */
export class UsageError extends Error {}

/** Where a command reads and writes: the process streams, or a test's own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin?: NodeJS.ReadableStream;
}
