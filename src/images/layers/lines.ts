import type { Readable } from 'node:stream';

// Bounded text readers for catalogers: package databases are text files an image author controls,
// so neither a whole file nor a single line may grow without limit.

export interface Line {
  /** 1-based line number. */
  number: number;
  text: string;
  /** True when the line was longer than the limit and was cut. */
  truncated: boolean;
}

/** Yields the lines of a UTF-8 stream (LF or CRLF), each cut to `maxLineBytes`; always drains the stream. */
export async function* readLines(stream: Readable, maxLineBytes = 1 << 20): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let truncated = false;
  let number = 0;
  const take = (): Line => {
    let text = Buffer.concat(pending, pendingBytes).toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const line = { number: ++number, text, truncated };
    pending = [];
    pendingBytes = 0;
    truncated = false;
    return line;
  };
  const keep = (part: Buffer): void => {
    const room = maxLineBytes - pendingBytes;
    if (part.length > room) truncated = true;
    const kept = part.length > room ? part.subarray(0, Math.max(0, room)) : part;
    if (kept.length > 0) {
      pending.push(Buffer.from(kept)); // copy: the chunk's memory may be reused
      pendingBytes += kept.length;
    }
  };
  for await (const data of stream as AsyncIterable<Buffer | string>) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      keep(chunk.subarray(start, nl));
      yield take();
      start = nl + 1;
    }
    keep(chunk.subarray(start));
  }
  if (pendingBytes > 0 || truncated) yield take();
}

/** Reads a small text file whole, up to `maxBytes`; the rest is drained and `truncated` set. */
export async function readText(stream: Readable, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const parts: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  for await (const data of stream as AsyncIterable<Buffer | string>) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    const room = maxBytes - bytes;
    if (chunk.length > room) truncated = true;
    if (room > 0) {
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      parts.push(Buffer.from(kept));
      bytes += kept.length;
    }
  }
  return { text: Buffer.concat(parts).toString('utf8'), truncated };
}
