// Go's embedded build info, as laid out by cmd/link and read by debug/buildinfo
// (https://github.com/golang/go/blob/master/src/debug/buildinfo/buildinfo.go):
//   "\xff Go buildinf:" (14 bytes), ptrSize (1 byte), flags (1 byte), 16 bytes of pointers/padding;
//   the 32-byte header starts on a 16-byte boundary. flags&2 (Go >= 1.18): the header is followed by
//   two uvarint-length-prefixed strings, the Go version and the modinfo. Older binaries hold
//   pointers instead, which need the executable's segment table to follow.

export const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
export const BUILDINFO_HEADER_SIZE = 32;
export const BUILDINFO_ALIGN = 16;

/** What the header and strings after the magic said. */
export type BuildInfo =
  | { format: 'inline'; goVersion: string; modinfo: string }
  | { format: 'pointers' }
  | { format: 'invalid'; reason: string };

/** True for the executable formats Go writes build info into (ELF, PE, Mach-O), from the first 4 bytes. */
export function isExecutableHeader(head: Buffer): boolean {
  if (head.length < 4) return false;
  if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) return true; // \x7fELF
  if (head[0] === 0x4d && head[1] === 0x5a) return true; // MZ
  // Mach-O 32/64, either byte order: FE ED FA CE|CF or CE|CF FA ED FE.
  if (head[0] === 0xfe && head[1] === 0xed && head[2] === 0xfa) return true;
  return head[1] === 0xfa && head[2] === 0xed && head[3] === 0xfe;
}

/** Reads an unsigned LEB128 varint as Go's binary.Uvarint does; undefined when incomplete or over 2^53. */
export function readUvarint(buf: Buffer, offset: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = offset; i < buf.length && i < offset + 8; i++) {
    const byte = buf[i]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return { value, next: i + 1 };
    scale *= 128;
  }
  return undefined;
}

/**
 * Decodes the blob that starts at the magic. Returns undefined while `blob` is too short to
 * tell (the caller reads more and tries again) unless `complete` says no more bytes will come.
 */
export function decodeBuildInfo(blob: Buffer, complete: boolean): BuildInfo | undefined {
  if (blob.length < BUILDINFO_HEADER_SIZE) return complete ? { format: 'invalid', reason: 'build info header truncated' } : undefined;
  const flags = blob[15]!;
  if ((flags & 2) === 0) return { format: 'pointers' };
  const version = readString(blob, BUILDINFO_HEADER_SIZE);
  if (version === undefined) return complete ? { format: 'invalid', reason: 'Go version string truncated' } : undefined;
  const mod = readString(blob, version.next);
  if (mod === undefined) return complete ? { format: 'invalid', reason: 'module info string truncated' } : undefined;
  const goVersion = version.bytes.toString('utf8');
  if (goVersion === '') return { format: 'invalid', reason: 'empty Go version' };
  return { format: 'inline', goVersion, modinfo: stripSentinels(mod.bytes).toString('utf8') };
}

function readString(buf: Buffer, offset: number): { bytes: Buffer; next: number } | undefined {
  const len = readUvarint(buf, offset);
  if (!len || len.next + len.value > buf.length) return undefined;
  return { bytes: buf.subarray(len.next, len.next + len.value), next: len.next + len.value };
}

/**
 * cmd/go frames modinfo with 16-byte sentinels (modload.infoStart/infoEnd); debug/buildinfo strips
 * them when the string is long enough and byte len-17 is the newline that ends the last line.
 */
export function stripSentinels(mod: Buffer): Buffer {
  if (mod.length >= 33 && mod[mod.length - 17] === 0x0a) return mod.subarray(16, mod.length - 16);
  return Buffer.alloc(0);
}

/**
 * Finds the magic in a stream of chunks, remembering the bytes of the previous chunk that a match
 * could straddle, and only at file offsets aligned to 16 (the data section is aligned in the file).
 */
export class MagicScanner {
  /** The last bytes seen (fewer than the magic's length), where a match could begin. */
  private carry = Buffer.alloc(0);
  /** File offset of the next chunk's first byte. */
  private offset = 0;

  /** Feeds the next chunk; returns the bytes from the magic on when it is found. */
  push(chunk: Buffer): Buffer | undefined {
    const base = this.offset;
    this.offset += chunk.length;
    if (this.carry.length > 0) {
      const seam = Buffer.concat([this.carry, chunk.subarray(0, BUILDINFO_MAGIC.length - 1)]);
      const i = findAligned(seam, base - this.carry.length, this.carry.length);
      if (i !== undefined) return Buffer.concat([this.carry.subarray(i), chunk]);
    }
    const j = findAligned(chunk, base, chunk.length);
    if (j !== undefined) return chunk.subarray(j);
    const tail = Buffer.concat([this.carry, chunk.subarray(-(BUILDINFO_MAGIC.length - 1))]);
    this.carry = Buffer.from(tail.subarray(Math.max(0, tail.length - (BUILDINFO_MAGIC.length - 1))));
    return undefined;
  }
}

/** Index of the first magic in `buf` that starts before `limit` at an aligned file offset (`base` + index). */
function findAligned(buf: Buffer, base: number, limit: number): number | undefined {
  let from = 0;
  for (;;) {
    const i = buf.indexOf(BUILDINFO_MAGIC, from);
    if (i < 0 || i >= limit) return undefined;
    if ((base + i) % BUILDINFO_ALIGN === 0) return i;
    from = i + 1;
  }
}
