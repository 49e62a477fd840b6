import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DigestMismatchError, ImageSourceError } from '../model.js';

// Digests are the only thing ever turned into a file path, so they are validated strictly first.

const DIGEST = /^(sha256|sha512):([a-f0-9]+)$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

export interface ParsedDigest {
  algorithm: 'sha256' | 'sha512';
  hex: string;
}

/** Parses `sha256:<64 hex>` / `sha512:<128 hex>`; anything else is an ImageSourceError naming `where`. */
export function parseDigest(digest: unknown, where: string): ParsedDigest {
  const match = typeof digest === 'string' ? DIGEST.exec(digest) : null;
  if (!match || match[2]!.length !== HEX_LENGTH[match[1]!]) {
    throw new ImageSourceError(`${where}: invalid digest ${JSON.stringify(digest)} (expected sha256:<64 hex> or sha512:<128 hex>)`);
  }
  return { algorithm: match[1] as ParsedDigest['algorithm'], hex: match[2]! };
}

export function isDigest(value: unknown): value is string {
  const match = typeof value === 'string' ? DIGEST.exec(value) : null;
  return !!match && match[2]!.length === HEX_LENGTH[match[1]!];
}

export function digestBytes(bytes: Uint8Array, algorithm: ParsedDigest['algorithm'] = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Throws DigestMismatchError when `bytes` do not hash to `expected`. */
export function verifyBytes(bytes: Uint8Array, expected: string, where: string): void {
  const { algorithm } = parseDigest(expected, where);
  const actual = digestBytes(bytes, algorithm);
  if (actual !== expected) throw new DigestMismatchError(expected, actual, where);
}

/**
 * Pass-through that hashes what flows through it and fails with DigestMismatchError at the end
 * (or as soon as more than `maxBytes` went through, since the digest can no longer match).
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash;
  private readonly algorithm: ParsedDigest['algorithm'];
  private bytes = 0;

  constructor(readonly expected: string, private readonly where: string, private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
    this.algorithm = parseDigest(expected, where).algorithm;
    this.hash = createHash(this.algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(new DigestMismatchError(this.expected, `(more than the ${this.maxBytes} bytes announced)`, this.where));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const actual = `${this.algorithm}:${this.hash.digest('hex')}`;
    callback(actual === this.expected ? null : new DigestMismatchError(this.expected, actual, this.where));
  }
}
