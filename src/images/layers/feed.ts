import { PassThrough } from 'node:stream';
import type { Cataloger, FileEntry } from '../model.js';

export type ReadOutcome =
  | { cataloger: Cataloger; ok: true; data: unknown }
  | { cataloger: Cataloger; ok: false; error: unknown };

interface Target {
  pass: PassThrough;
  state: { settled: boolean };
  outcome: Promise<ReadOutcome>;
}

/**
 * Feeds one tar entry to every cataloger that wants it, each through its own PassThrough, and waits
 * for all of them. The slowest reader sets the pace (backpressure); a reader that returns or fails
 * early is detached so it cannot stall the others. The entry is always read to its end, which the
 * tar parser needs before it can move on. Rejects only when the entry stream itself fails.
 */
export async function feedCatalogers(entry: FileEntry, content: AsyncIterable<Buffer>, catalogers: Cataloger[]): Promise<ReadOutcome[]> {
  const targets = catalogers.map((cataloger) => startRead(entry, cataloger));
  try {
    for await (const chunk of content) {
      const waits: Promise<void>[] = [];
      for (const target of targets) {
        if (target.state.settled || target.pass.destroyed) continue;
        if (!target.pass.write(chunk)) waits.push(drained(target.pass));
      }
      if (waits.length > 0) await Promise.all(waits);
    }
  } catch (error) {
    for (const target of targets) target.pass.destroy(error instanceof Error ? error : new Error(String(error)));
    await Promise.all(targets.map((t) => t.outcome));
    throw error;
  }
  for (const target of targets) if (!target.state.settled && !target.pass.destroyed) target.pass.end();
  return Promise.all(targets.map((t) => t.outcome));
}

function startRead(entry: FileEntry, cataloger: Cataloger): Target {
  const pass = new PassThrough();
  pass.on('error', () => {}); // the reader sees the error through its own consumption
  const state = { settled: false };
  const outcome = Promise.resolve()
    .then(() => cataloger.read(entry, pass))
    .then(
      (data): ReadOutcome => ({ cataloger, ok: true, data }),
      (error: unknown): ReadOutcome => ({ cataloger, ok: false, error }),
    )
    .finally(() => {
      state.settled = true;
      if (!pass.readableEnded) pass.destroy(); // unblocks a writer waiting for 'drain'
    });
  return { pass, state, outcome };
}

function drained(pass: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      pass.off('drain', done);
      pass.off('close', done);
      resolve();
    };
    pass.on('drain', done);
    pass.on('close', done);
  });
}
