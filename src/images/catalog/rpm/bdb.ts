// Berkeley DB hash databases, as rpm < 4.16 keeps `Packages` (RHEL/CentOS 7–8, Amazon Linux 2).
// Layout (Berkeley DB db_page.h; read the same way by rpm's lib/backend/bdb_ro.c):
//   page 0: hash metadata — magic 0x061561 at 12 (its byte order is the file's), version at 16,
//           page size at 20, encrypt_alg at 24, page type 8 at 25, last page number at 32;
//   page n: 26-byte header — pgno at 8, next_pgno at 16, entries (u16) at 20, hf_offset (u16) at 22,
//           type at 25 — then `entries` u16 item offsets; items fill the page from its end;
//   hash pages (13 P_HASH, 2 P_HASH_UNSORTED): key/data item pairs; item byte 0 is its type:
//           1 H_KEYDATA (bytes follow), 3 H_OFFPAGE (next_pgno at 4, total length at 8),
//           2 H_DUPLICATE / 4 H_OFFDUP (duplicates, never written by rpm);
//   overflow pages (7): `hf_offset` bytes of the value after the header, then the next page.
// Every page is walked in file order (buckets are not followed), so a damaged bucket chain loses
// nothing else. Every number comes from the image: each one is bounds-checked.

export const HASH_MAGIC = 0x061561;
const BTREE_MAGIC = 0x053162;
const PAGE_HEADER = 26;
const MIN_PAGE_SIZE = 512;
const MAX_PAGE_SIZE = 65536;
/** rpm refuses headers over HEADER_DATA_MAX (256 MiB); nothing larger is a value rpm wrote. */
export const MAX_VALUE_BYTES = 0x10000000;
/** Sequential reads of the page walk, in bytes. */
const WALK_CHUNK = 1024 * 1024;

const PAGE = { INVALID: 0, DUPLICATE: 1, HASH_UNSORTED: 2, IBTREE: 3, LBTREE: 5, OVERFLOW: 7, HASHMETA: 8, LDUP: 12, HASH: 13 } as const;
/** Pages a hash database may hold that carry no key/data pairs of their own (free, overflow, off-page duplicates). */
const SKIPPED_PAGES = new Set<number>([PAGE.INVALID, PAGE.DUPLICATE, PAGE.IBTREE, PAGE.LBTREE, PAGE.OVERFLOW, PAGE.LDUP]);
const ITEM = { KEYDATA: 1, DUPLICATE: 2, OFFPAGE: 3, OFFDUP: 4 } as const;

export class BdbError extends Error {}

/** Random access to the database bytes (a spilled file, or a buffer in tests). */
export interface PageSource {
  readonly size: number;
  read(position: number, length: number): Promise<Buffer>;
}

export interface BdbHashMeta {
  littleEndian: boolean;
  version: number;
  pageSize: number;
  /** Pages present in the file (page 0 included), at most last_pgno + 1. */
  pageCount: number;
  /** Set when the file holds fewer pages than the metadata declares. */
  truncated?: string;
}

export type BdbHashEntry = { page: number; key: Buffer; value: Buffer } | { page: number; problem: string };

/** Reads and checks the metadata page; throws BdbError when this is not a readable hash database. */
export async function openBdbHash(source: PageSource): Promise<BdbHashMeta> {
  if (source.size < MIN_PAGE_SIZE) throw new BdbError(`${source.size} bytes is too short for a Berkeley DB database`);
  return parseHashMeta(await source.read(0, MIN_PAGE_SIZE), source.size);
}

export function parseHashMeta(page: Buffer, fileSize: number): BdbHashMeta {
  const littleEndian = byteOrder(page);
  const u32 = (at: number) => (littleEndian ? page.readUInt32LE(at) : page.readUInt32BE(at));
  const version = u32(16);
  const pageSize = u32(20);
  if (version < 8 || version > 10) throw new BdbError(`unsupported hash version ${version} (8–10 are read)`);
  if (pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE || (pageSize & (pageSize - 1)) !== 0) throw new BdbError(`page size ${pageSize} out of range`);
  if (page[24] !== 0) throw new BdbError('encrypted database');
  if (page[25] !== PAGE.HASHMETA) throw new BdbError(`metadata page has type ${page[25]}, not ${PAGE.HASHMETA}`);
  const declared = u32(32) + 1;
  const present = Math.floor(fileSize / pageSize);
  const meta: BdbHashMeta = { littleEndian, version, pageSize, pageCount: Math.min(declared, present) };
  if (present < declared) meta.truncated = `the metadata declares ${declared} pages of ${pageSize} bytes but the file holds ${fileSize} bytes`;
  return meta;
}

/** The file's byte order is the one its magic number reads right in (the writer's, as rpm's keys). */
function byteOrder(meta: Buffer): boolean {
  if (meta.readUInt32LE(12) === HASH_MAGIC) return true;
  if (meta.readUInt32BE(12) === HASH_MAGIC) return false;
  if (meta.readUInt32LE(12) === BTREE_MAGIC || meta.readUInt32BE(12) === BTREE_MAGIC) throw new BdbError('a Berkeley DB btree database, not a hash database');
  throw new BdbError('not a Berkeley DB hash database (bad magic number)');
}

/** Every key/data pair of the database in page order; damage is yielded as a problem, never thrown. */
export async function* bdbHashEntries(source: PageSource, meta: BdbHashMeta): AsyncGenerator<BdbHashEntry> {
  const perChunk = Math.max(1, Math.floor(WALK_CHUNK / meta.pageSize));
  for (let first = 1; first < meta.pageCount; first += perChunk) {
    const count = Math.min(perChunk, meta.pageCount - first);
    const chunk = await source.read(first * meta.pageSize, count * meta.pageSize);
    for (let i = 0; i < count; i++) {
      const page = chunk.subarray(i * meta.pageSize, (i + 1) * meta.pageSize);
      yield* pageEntries(source, meta, first + i, page);
    }
  }
}

async function* pageEntries(source: PageSource, meta: BdbHashMeta, pgno: number, page: Buffer): AsyncGenerator<BdbHashEntry> {
  const type = page[25]!;
  if (SKIPPED_PAGES.has(type)) return;
  if (type !== PAGE.HASH && type !== PAGE.HASH_UNSORTED) {
    yield { page: pgno, problem: `unexpected page type ${type}; page skipped` };
    return;
  }
  const header = pageHeader(page, meta.littleEndian);
  if (header.pgno !== pgno) {
    yield { page: pgno, problem: `page says it is page ${header.pgno}; page skipped` };
    return;
  }
  const { items, problem } = hashItems(page, header.entries, meta.littleEndian);
  if (problem) yield { page: pgno, problem };
  for (let i = 0; i + 1 < items.length; i += 2) {
    const key = items[i]!;
    const data = items[i + 1]!;
    if (key.kind !== 'bytes') {
      yield { page: pgno, problem: `item ${i}: ${key.kind === 'offpage' ? 'off-page' : 'duplicate'} key not read; pair skipped` };
      continue;
    }
    if (data.kind === 'bytes') yield { page: pgno, key: key.bytes, value: data.bytes };
    else if (data.kind === 'duplicate') yield { page: pgno, problem: `item ${i + 1}: duplicate data items are not read; pair skipped` };
    else {
      try {
        yield { page: pgno, key: key.bytes, value: await readOverflow(source, meta, data.pgno, data.length) };
      } catch (error) {
        if (!(error instanceof BdbError)) throw error;
        yield { page: pgno, problem: `item ${i + 1}: ${error.message}; pair skipped` };
      }
    }
  }
}

interface PageHeader {
  pgno: number;
  next: number;
  entries: number;
  hfOffset: number;
  type: number;
}

function pageHeader(page: Buffer, littleEndian: boolean): PageHeader {
  return littleEndian
    ? { pgno: page.readUInt32LE(8), next: page.readUInt32LE(16), entries: page.readUInt16LE(20), hfOffset: page.readUInt16LE(22), type: page[25]! }
    : { pgno: page.readUInt32BE(8), next: page.readUInt32BE(16), entries: page.readUInt16BE(20), hfOffset: page.readUInt16BE(22), type: page[25]! };
}

type HashItem = { kind: 'bytes'; bytes: Buffer } | { kind: 'offpage'; pgno: number; length: number } | { kind: 'duplicate' };

/**
 * The items of a hash page, in index order. An item's length is the distance to the previous
 * item's offset (the page end for item 0), as Berkeley DB's LEN_HITEM computes it. Reading stops
 * at the first malformed item: what follows it cannot be delimited.
 */
export function hashItems(page: Buffer, entries: number, littleEndian: boolean): { items: HashItem[]; problem?: string } {
  const pageSize = page.length;
  if (entries > (pageSize - PAGE_HEADER) / 2) return { items: [], problem: `${entries} entries cannot fit in a ${pageSize}-byte page; page skipped` };
  const minOffset = PAGE_HEADER + entries * 2;
  const items: HashItem[] = [];
  let end = pageSize;
  for (let i = 0; i < entries; i++) {
    const offset = littleEndian ? page.readUInt16LE(PAGE_HEADER + i * 2) : page.readUInt16BE(PAGE_HEADER + i * 2);
    if (offset < minOffset || offset >= end) return { items, problem: `item ${i}: offset ${offset} outside ${minOffset}…${end - 1}; rest of the page skipped` };
    const item = hashItem(page.subarray(offset, end), littleEndian);
    if (typeof item === 'string') return { items, problem: `item ${i}: ${item}; rest of the page skipped` };
    items.push(item);
    end = offset;
  }
  if (entries % 2 !== 0) return { items, problem: `odd number of entries (${entries}); the last one is skipped` };
  return { items };
}

function hashItem(bytes: Buffer, littleEndian: boolean): HashItem | string {
  switch (bytes[0]) {
    case ITEM.KEYDATA:
      return { kind: 'bytes', bytes: bytes.subarray(1) };
    case ITEM.OFFPAGE:
      if (bytes.length < 12) return `off-page item of ${bytes.length} bytes (12 expected)`;
      return littleEndian
        ? { kind: 'offpage', pgno: bytes.readUInt32LE(4), length: bytes.readUInt32LE(8) }
        : { kind: 'offpage', pgno: bytes.readUInt32BE(4), length: bytes.readUInt32BE(8) };
    case ITEM.DUPLICATE:
    case ITEM.OFFDUP:
      return { kind: 'duplicate' };
    default:
      return `unknown item type ${bytes[0]}`;
  }
}

/** Follows an overflow chain from `start` until `length` bytes are read; throws BdbError on any inconsistency. */
export async function readOverflow(source: PageSource, meta: BdbHashMeta, start: number, length: number): Promise<Buffer> {
  const perPage = meta.pageSize - PAGE_HEADER;
  if (length === 0 || length > MAX_VALUE_BYTES || length > (meta.pageCount - 1) * perPage) {
    throw new BdbError(`overflow value of ${length} bytes cannot be in this file`);
  }
  const parts: Buffer[] = [];
  const seen = new Set<number>();
  let remaining = length;
  let pgno = start;
  while (remaining > 0) {
    if (pgno === 0) throw new BdbError(`overflow chain from page ${start} ends after ${length - remaining} of ${length} bytes`);
    if (pgno >= meta.pageCount) throw new BdbError(`overflow chain from page ${start} points to page ${pgno}, beyond the file`);
    if (seen.has(pgno)) throw new BdbError(`overflow chain from page ${start} loops at page ${pgno}`);
    seen.add(pgno);
    const page = await source.read(pgno * meta.pageSize, meta.pageSize);
    const header = pageHeader(page, meta.littleEndian);
    if (header.type !== PAGE.OVERFLOW) throw new BdbError(`overflow chain from page ${start}: page ${pgno} has type ${header.type}`);
    if (header.pgno !== pgno) throw new BdbError(`overflow chain from page ${start}: page ${pgno} says it is page ${header.pgno}`);
    const size = header.hfOffset;
    if (size === 0 || size > perPage || size > remaining) throw new BdbError(`overflow page ${pgno} holds ${size} bytes (${remaining} expected at most)`);
    parts.push(page.subarray(PAGE_HEADER, PAGE_HEADER + size));
    remaining -= size;
    pgno = header.next;
  }
  return Buffer.concat(parts, length);
}
