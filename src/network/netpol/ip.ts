/** IP ranges (IPv4 and IPv6) as inclusive bigint intervals, and the partition of the address space by CIDR boundaries. */

export type IpFamily = 4 | 6;

export interface IpRange {
  family: IpFamily;
  lo: bigint;
  hi: bigint;
}

const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = (1n << 128n) - 1n;

export function familyMax(family: IpFamily): bigint {
  return family === 4 ? V4_MAX : V6_MAX;
}

/** `10.0.0.0/8`, `fd00::/64`, or a bare address (a /32 or /128); undefined when malformed. */
export function parseCidr(text: string): IpRange | undefined {
  const [addr, bitsText, ...rest] = text.trim().split('/');
  if (addr === undefined || rest.length) return undefined;
  const parsed = parseAddress(addr);
  if (!parsed) return undefined;
  const width = parsed.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : /^\d+$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return undefined;
  const hostBits = BigInt(width - bits);
  const mask = (1n << hostBits) - 1n;
  const lo = parsed.value & ~mask & familyMax(parsed.family);
  return { family: parsed.family, lo, hi: lo | mask };
}

export function parseAddress(text: string): { family: IpFamily; value: bigint } | undefined {
  if (text.includes(':')) return parseV6(text);
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return { family: 4, value };
}

function parseV6(text: string): { family: IpFamily; value: bigint } | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  let head = groups(halves[0]!);
  let tail = halves.length === 2 ? groups(halves[1]!) : [];
  // an embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups
  const expand = (list: string[]): string[] | undefined => {
    const last = list[list.length - 1];
    if (last === undefined || !last.includes('.')) return list;
    const v4 = parseAddress(last);
    if (!v4 || v4.family !== 4) return undefined;
    return [...list.slice(0, -1), ((v4.value >> 16n) & 0xffffn).toString(16), (v4.value & 0xffffn).toString(16)];
  };
  if (halves.length === 2) {
    const t = expand(tail);
    if (!t) return undefined;
    tail = t;
  } else {
    const h = expand(head);
    if (!h) return undefined;
    head = h;
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return { family: 6, value };
}

export function formatAddress(family: IpFamily, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  // compress the longest run of zero groups (RFC 5952)
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** `0.0.0.0-9.255.255.255`, as netpol-analyzer prints an external range. */
export function formatRange(range: IpRange): string {
  return `${formatAddress(range.family, range.lo)}-${formatAddress(range.family, range.hi)}`;
}

export function rangeContains(outer: IpRange, inner: IpRange): boolean {
  return outer.family === inner.family && outer.lo <= inner.lo && inner.hi <= outer.hi;
}

/**
 * The whole IPv4 space (and the IPv6 space when any IPv6 range is given) cut at every boundary of `ranges`:
 * each piece is either inside or outside every given range.
 */
export function partition(ranges: readonly IpRange[]): IpRange[] {
  const out: IpRange[] = [];
  for (const family of [4, 6] as const) {
    const own = ranges.filter((r) => r.family === family);
    if (family === 6 && own.length === 0) continue;
    const cuts = new Set<bigint>([0n]);
    for (const r of own) {
      cuts.add(r.lo);
      if (r.hi < familyMax(family)) cuts.add(r.hi + 1n);
    }
    const points = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    points.forEach((lo, i) => {
      const next = points[i + 1];
      out.push({ family, lo, hi: next === undefined ? familyMax(family) : next - 1n });
    });
  }
  return out;
}
