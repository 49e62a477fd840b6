import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import type { LayerBlob } from '../model.js';

// A layer blob is gzip, zstd or plain tar whatever its media type says (docker has shipped all
// three under misleading types), so the format is sniffed from the magic bytes. Every decoded byte is
// counted: a small blob may expand without bound.

/** Past this many uncompressed bytes the compression-ratio limit applies. */
export const RATIO_FLOOR_BYTES = 64 * 1024 * 1024;
/** fzstd decodes everything a pushed chunk holds; small slices bound the memory one push can produce. */
const ZSTD_SLICE = 4096;

export interface LayerLimits {
  maxLayerBytes: number;
  maxRatio: number;
}

export type Compression = 'gzip' | 'zstd' | 'none';

export function sniffCompression(magic: Uint8Array): Compression {
  if (magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) return 'gzip';
  if (magic.length >= 4 && magic[0] === 0x28 && magic[1] === 0xb5 && magic[2] === 0x2f && magic[3] === 0xfd) return 'zstd';
  return 'none';
}

/** A layer that decodes to more bytes than the limits allow. */
export class DecompressionBombError extends Error {}

/** Counts both sides of the decoder and throws once the output is larger than the limits allow. */
export class DecompressionMeter {
  compressed = 0;
  uncompressed = 0;
  constructor(private readonly digest: string, private readonly limits: LayerLimits) {}

  addUncompressed(bytes: number): void {
    this.uncompressed += bytes;
    const { maxLayerBytes, maxRatio } = this.limits;
    if (this.uncompressed > maxLayerBytes) {
      throw new DecompressionBombError(`layer ${this.digest}: decompressed size exceeds ${maxLayerBytes} bytes (decompression bomb?)`);
    }
    if (this.uncompressed > RATIO_FLOOR_BYTES && this.uncompressed > maxRatio * this.compressed) {
      throw new DecompressionBombError(
        `layer ${this.digest}: decompressed size exceeds ${maxRatio}× the ${this.compressed} compressed bytes (decompression bomb?)`,
      );
    }
  }
}

/**
 * Opens a layer and yields its uncompressed tar bytes, enforcing the limits. Stopping the iteration
 * early releases the blob stream.
 */
export async function* layerTarChunks(layer: LayerBlob, limits: LayerLimits): AsyncGenerator<Buffer> {
  const meter = new DecompressionMeter(layer.digest, limits);
  const input = await layer.open();
  try {
    const blob = countCompressed(input, meter)[Symbol.asyncIterator]();
    const head: Buffer[] = [];
    let headBytes = 0;
    while (headBytes < 4) {
      const next = await blob.next();
      if (next.done) break;
      head.push(next.value);
      headBytes += next.value.length;
    }
    const replayed = replay(head, blob);
    const kind = sniffCompression(Buffer.concat(head, headBytes).subarray(0, 4));
    if (kind === 'zstd') {
      yield* unzstd(replayed, meter);
    } else {
      const decoded = kind === 'gzip' ? gunzip(replayed) : replayed;
      for await (const chunk of decoded) {
        meter.addUncompressed(chunk.length);
        yield chunk;
      }
    }
  } finally {
    input.destroy();
  }
}

/** Compressed input in ~1 MiB pieces: network reads arrive in 16–64 KiB chunks, each a thread-pool round trip for zlib. */
const INPUT_CHUNK = 1 << 20;

async function* countCompressed(input: Readable, meter: DecompressionMeter): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    meter.compressed += chunk.length;
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= INPUT_CHUNK) {
      yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}

async function* replay(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

function gunzip(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  // Large output chunks: inflating 16 KiB at a time (the default) costs as much in round trips as in inflating.
  const decoder = createGunzip({ chunkSize: 1 << 20 });
  // pipeline destroys the decoder with the source's error (a digest mismatch) so iteration rethrows it.
  pipeline(Readable.from(source), decoder, () => {});
  return decoder;
}

async function* unzstd(source: AsyncIterable<Buffer>, meter: DecompressionMeter): AsyncGenerator<Buffer> {
  let out: Buffer[] = [];
  const decoder = new Decompress((block) => {
    meter.addUncompressed(block.length); // throws out of push() before a bomb is buffered
    if (block.length > 0) out.push(Buffer.from(block));
  });
  const push = (data: Uint8Array, final: boolean): void => {
    try {
      decoder.push(data, final);
    } catch (error) {
      if (error instanceof DecompressionBombError) throw error;
      throw new Error(`zstd: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  for await (const chunk of source) {
    for (let offset = 0; offset < chunk.length; offset += ZSTD_SLICE) {
      push(chunk.subarray(offset, offset + ZSTD_SLICE), false);
      if (out.length > 0) {
        yield* out;
        out = [];
      }
    }
  }
  push(new Uint8Array(0), true);
  yield* out;
}
