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

/** The process's streams; stdout always ends with a newline, so stderr notes never join its last line. */
export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`),
  stderr: (text) => void process.stderr.write(text),
};

/** Runs a command body: a UsageError becomes one line on stderr and exit code 2. */
export async function guarded(io: Pick<CliIo, 'stderr'>, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`kubeward: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
