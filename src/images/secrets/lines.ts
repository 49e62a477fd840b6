import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

// Reads a text stream line by line without holding more than one (bounded) line: long lines are
// cut, and a NUL byte early in the file marks it binary and stops the read.

/** Lines longer than this (in characters) are cut; the rest of the line is skipped. */
export const MAX_LINE_CHARS = 64 * 1024;
/** A NUL byte within this many leading bytes marks the file binary (the heuristic git and grep use). */
export const BINARY_PROBE_BYTES = 8 * 1024;

export interface LineReadResult {
  /** True when a NUL byte was seen in the probe window: nothing after it was read. */
  binary: boolean;
  /** Number of lines seen. */
  lines: number;
  /** Lines that were longer than the limit and were cut. */
  cutLines: number;
  /** True when `onLine` asked to stop early. */
  stopped: boolean;
}

export interface LineReadOptions {
  maxLineChars?: number;
  binaryProbeBytes?: number;
}

/**
 * Calls `onLine(text, lineNo)` for every line (1-based, `\r\n` and `\n` both end a line); returning
 * `false` stops the read. The stream is always consumed to the end or destroyed.
 */
export async function readLines(
  content: Readable,
  onLine: (text: string, lineNo: number) => boolean | void,
  options: LineReadOptions = {},
): Promise<LineReadResult> {
  const maxLine = options.maxLineChars ?? MAX_LINE_CHARS;
  const probeBytes = options.binaryProbeBytes ?? BINARY_PROBE_BYTES;
  const decoder = new StringDecoder('utf8');
  const result: LineReadResult = { binary: false, lines: 0, cutLines: 0, stopped: false };
  let carry = '';
  let skipping = false; // inside the rest of a line that was already emitted cut
  let probed = 0;

  const emit = (text: string): boolean => {
    result.lines++;
    const keepGoing = onLine(text.endsWith('\r') ? text.slice(0, -1) : text, result.lines) !== false;
    if (!keepGoing) result.stopped = true;
    return keepGoing;
  };

  /** Splits decoded text into lines; false when the reader must stop. */
  const feed = (text: string): boolean => {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const line = carry + text.slice(start, nl);
      carry = '';
      start = nl + 1;
      if (skipping) { skipping = false; continue; }
      if (!emit(line.length > maxLine ? line.slice(0, maxLine) : line)) return false;
      if (line.length > maxLine) result.cutLines++;
    }
    if (skipping) return true;
    carry += text.slice(start);
    if (carry.length > maxLine) {
      result.cutLines++;
      skipping = true;
      const cut = carry.slice(0, maxLine);
      carry = '';
      return emit(cut);
    }
    return true;
  };

  // Bytes of the probe window are held back until the window is checked, so a binary file emits no line.
  let held: Buffer[] = [];
  try {
    for await (const chunk of content as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (probed < probeBytes) {
        const window = bytes.subarray(0, probeBytes - probed);
        probed += window.length;
        if (window.includes(0)) {
          result.binary = true;
          return result;
        }
        held.push(bytes);
        if (probed < probeBytes) continue;
      }
      const ready = held.length > 0 ? Buffer.concat(held) : bytes;
      held = [];
      if (!feed(decoder.write(ready))) return result;
    }
    if (held.length > 0 && !feed(decoder.write(Buffer.concat(held)))) return result;
    const tail = carry + decoder.end();
    carry = '';
    if (tail !== '' && !skipping) emit(tail.length > maxLine ? tail.slice(0, maxLine) : tail);
    return result;
  } finally {
    if (!content.readableEnded) content.destroy();
  }
}
