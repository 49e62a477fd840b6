import { createWriteStream } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// Streams an HTTP(S) download into a file, counting bytes and checking them against Content-Length.

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/** Starts a GET; resolves when the response headers are in. Injectable for tests. */
export type HttpGet = (url: string) => Promise<HttpResponse>;

/** A download or update that failed; the message is one line for the user. */
export class UpdateError extends Error {}

const MAX_REDIRECTS = 5;
const IDLE_TIMEOUT_MS = 60_000;

/** GET with node:http or node:https, by the URL's scheme. */
export const nodeHttpGet: HttpGet = async (url) => {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new UpdateError(`${url}: only http and https mirrors are supported`);
  const client = parsed.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = client.get(parsed, { headers: { 'user-agent': 'kubeward' } }, (response) => {
      resolve({ status: response.statusCode ?? 0, headers: response.headers, body: response });
    });
    request.setTimeout(IDLE_TIMEOUT_MS, () => request.destroy(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)));
    request.on('error', reject);
  });
};

export interface DownloadProgress {
  bytes: number;
  total?: number;
}

/** Downloads `url` into `dest`, following redirects; throws UpdateError on an HTTP error, a short body or more than `maxBytes`. */
export async function downloadToFile(
  url: string,
  dest: string,
  get: HttpGet,
  maxBytes: number,
  onProgress?: (progress: DownloadProgress) => void,
): Promise<number> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: HttpResponse;
    try {
      response = await get(current);
    } catch (error) {
      if (error instanceof UpdateError) throw error;
      throw new UpdateError(`GET ${current}: ${(error as Error).message}`);
    }
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location) {
      response.body.resume();
      current = new URL(location, current).toString();
      continue;
    }
    if (response.status !== 200) {
      response.body.resume();
      throw new UpdateError(`GET ${current}: HTTP ${response.status}`);
    }
    return saveBody(current, response, dest, maxBytes, onProgress);
  }
  throw new UpdateError(`GET ${url}: more than ${MAX_REDIRECTS} redirects`);
}

async function saveBody(url: string, response: HttpResponse, dest: string, maxBytes: number, onProgress?: (progress: DownloadProgress) => void): Promise<number> {
  const header = Number(response.headers['content-length']);
  const total = Number.isFinite(header) && header >= 0 ? header : undefined;
  if (total !== undefined && total > maxBytes) {
    response.body.destroy();
    throw new UpdateError(`GET ${url}: ${total} bytes is more than the ${maxBytes} allowed`);
  }
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) return callback(new Error(`more than the ${maxBytes} bytes allowed`));
      onProgress?.({ bytes, ...(total === undefined ? {} : { total }) });
      callback(null, chunk);
    },
  });
  try {
    await pipeline(response.body, counter, createWriteStream(dest));
  } catch (error) {
    throw new UpdateError(`GET ${url}: download broke off after ${bytes}${total === undefined ? '' : ` of ${total}`} bytes: ${(error as Error).message}`);
  }
  if (total !== undefined && bytes !== total) throw new UpdateError(`GET ${url}: download broke off after ${bytes} of ${total} bytes`);
  return bytes;
}
