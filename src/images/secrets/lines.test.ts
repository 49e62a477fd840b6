import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { readLines } from './lines.js';

const collect = async (chunks: (string | Buffer)[], maxLineChars?: number) => {
  const lines: string[] = [];
  const result = await readLines(Readable.from(chunks), (text) => { lines.push(text); }, maxLineChars === undefined ? {} : { maxLineChars });
  return { lines, result };
};

/** The oracle: split on \n, drop one trailing empty piece, strip a trailing \r, cut long lines. */
function expectedLines(text: string, max: number): string[] {
  const pieces = text.split('\n');
  if (pieces[pieces.length - 1] === '') pieces.pop();
  return pieces.map((p) => (p.endsWith('\r') ? p.slice(0, -1) : p)).map((p) => p.slice(0, max));
}

test('lines are the same whatever the chunking (property)', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.constantFrom('a', 'é', '€', '\n', '\r\n', 'xyz', '😀'), { maxLength: 60 }).map((parts) => parts.join('')),
    fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
    fc.integer({ min: 2, max: 12 }),
    async (text, cuts, max) => {
      const bytes = Buffer.from(text);
      const chunks: Buffer[] = [];
      for (let at = 0, i = 0; at < bytes.length; i++) { const n = cuts[i % cuts.length]!; chunks.push(bytes.subarray(at, at + n)); at += n; }
      const { lines } = await collect(chunks, max);
      // Long lines are cut by characters; the oracle cuts UTF-16 code units the same way.
      assert.deepEqual(lines, expectedLines(text, max));
    },
  ), { numRuns: 300 });
});

test('line numbers are 1-based and a last line without newline counts', async () => {
  const seen: [string, number][] = [];
  await readLines(Readable.from(['one\ntw', 'o\r\nthree']), (t, n) => { seen.push([t, n]); });
  assert.deepEqual(seen, [['one', 1], ['two', 2], ['three', 3]]);
});

test('a NUL in the first 8 KiB stops the read and marks the file binary', async () => {
  const { lines, result } = await collect([Buffer.from('text\n'), Buffer.from([0x41, 0, 0x42, 0x0a])]);
  assert.equal(result.binary, true);
  assert.deepEqual(lines, []);
});

test('returning false from onLine stops and destroys the stream', async () => {
  const stream = Readable.from(['a\nb\nc\n']);
  const seen: string[] = [];
  const result = await readLines(stream, (t) => { seen.push(t); return seen.length < 2; });
  assert.deepEqual(seen, ['a', 'b']);
  assert.equal(result.stopped, true);
  assert.equal(stream.destroyed, true);
});
