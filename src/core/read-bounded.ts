import { open } from 'node:fs/promises';

/**
 * Reads a whole text file that must be parsed at once (JSON), refusing it when it is larger than
 * `maxBytes` rather than exhausting memory. Errors are built by `error` so each caller keeps its own class.
 */
export async function readTextBounded(file: string, maxBytes: number, what: string, error: (message: string) => Error): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (cause) {
    throw error(`${file}: cannot read: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw error(`${file}: ${size} bytes is larger than the ${maxBytes}-byte limit for ${what}`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
