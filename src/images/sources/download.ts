import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { DigestMismatchError, ImageSourceError } from '../model.js';
import type { BlobCache } from './cache.js';
import { backoff, header, statusError } from './client.js';
import { parseDigest } from './digest.js';
import { describeError } from './http.js';

// Streams a blob from the registry to the consumer while writing it to `<hex>.partial-<random>` in
// the cache and hashing it. A cut connection is resumed with `Range: bytes=N-` (RFC 9110 §14);
// the file is renamed into the cache only once the digest matched, and removed otherwise.

export interface DownloadPlan {
  digest: string;
  size: number;
  host: string;
  cache: BlobCache;
  retries: number;
  /** GETs the blob, from byte `offset` when non-zero. */
  request(offset: number): Promise<IncomingMessage>;
  onProgress?: (event: { digest: string; bytes: number; total?: number }) => void;
}

/** A failure worth retrying: the connection broke or the server had a transient problem. */
class Transient extends Error {}

export function downloadBlob(plan: DownloadPlan): Readable {
  return Readable.from(download(plan), { objectMode: false });
}

async function* download(plan: DownloadPlan): AsyncGenerator<Buffer> {
  const { algorithm } = parseDigest(plan.digest, `blob ${plan.digest}`);
  const partial = await plan.cache.createPartial(plan.digest);
  const hash = createHash(algorithm);
  let received = 0;
  let committed = false;
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await openAt(plan, received);
        let skip = response.statusCode === 200 ? received : 0;
        for await (const chunk of response as AsyncIterable<Buffer>) {
          const data = skip > 0 ? chunk.subarray(Math.min(skip, chunk.length)) : chunk;
          skip = Math.max(0, skip - chunk.length);
          if (data.length === 0) continue;
          received += data.length;
          if (received > plan.size) throw new DigestMismatchError(plan.digest, `(more than the ${plan.size} bytes announced)`, `blob from ${plan.host}`);
          hash.update(data);
          await partial.write(data);
          plan.onProgress?.({ digest: plan.digest, bytes: received, total: plan.size });
          yield data;
        }
        if (received < plan.size) throw new Transient(`connection closed after ${received} of ${plan.size} bytes`);
        break;
      } catch (error) {
        if (!isTransient(error)) throw error;
        if (attempt > plan.retries) {
          throw new ImageSourceError(`download of ${plan.digest} from ${plan.host} failed after ${attempt} attempts: ${describeError(error)}`);
        }
        await backoff(attempt - 1);
      }
    }
    const actual = `${algorithm}:${hash.digest('hex')}`;
    if (actual !== plan.digest) throw new DigestMismatchError(plan.digest, actual, `blob from ${plan.host}`);
    await partial.commit();
    committed = true;
  } finally {
    if (!committed) await partial.abort();
  }
}

/** Requests the blob from `offset`; a 206 must start exactly there, a 200 restarts from byte 0. */
async function openAt(plan: DownloadPlan, offset: number): Promise<IncomingMessage> {
  let response: IncomingMessage;
  try {
    response = await plan.request(offset);
  } catch (error) {
    if (error instanceof ImageSourceError) throw error;
    throw new Transient(describeError(error));
  }
  const status = response.statusCode ?? 0;
  if (status === 200) return response;
  if (status === 206 && offset > 0) {
    const start = /^bytes (\d+)-/.exec(header(response, 'content-range') ?? '');
    if (start && Number(start[1]) === offset) return response;
    response.destroy();
    throw new Transient(`range response starts at ${start?.[1] ?? '?'} instead of ${offset}`);
  }
  if (status === 429 || status >= 500) {
    response.resume();
    throw new Transient(`HTTP ${status}`);
  }
  throw await statusError(response, `blob ${plan.digest} from ${plan.host}`);
}

function isTransient(error: unknown): boolean {
  if (error instanceof Transient) return true;
  if (error instanceof ImageSourceError || error instanceof DigestMismatchError) return false;
  // Errors raised by the socket while the body streams (ECONNRESET, "aborted", timeouts).
  return error instanceof Error;
}
