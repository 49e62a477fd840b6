/** Sets of connections: per protocol, a sorted list of disjoint, non-adjacent port intervals in 1..65535. */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['SCTP', 'TCP', 'UDP'];
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** Inclusive port interval. */
export type PortRange = readonly [number, number];

export class ConnSet {
  private constructor(private readonly byProto: Readonly<Record<Protocol, readonly PortRange[]>>) {}

  /** Immutable: the empty and full sets are shared. */
  static empty(): ConnSet {
    return EMPTY;
  }

  static all(): ConnSet {
    return ALL;
  }

  /** Ports `from..to` (clamped to 1..65535) of one protocol. */
  static ports(protocol: Protocol, from: number = MIN_PORT, to: number = from): ConnSet {
    const lo = Math.max(MIN_PORT, from);
    const hi = Math.min(MAX_PORT, to);
    const set = { TCP: [] as PortRange[], UDP: [] as PortRange[], SCTP: [] as PortRange[] };
    if (lo <= hi) set[protocol] = [[lo, hi]];
    return new ConnSet(set);
  }

  static protocol(protocol: Protocol): ConnSet {
    return ConnSet.ports(protocol, MIN_PORT, MAX_PORT);
  }

  ranges(protocol: Protocol): readonly PortRange[] {
    return this.byProto[protocol];
  }

  private emptyFlag?: boolean;
  private allFlag?: boolean;

  isEmpty(): boolean {
    return (this.emptyFlag ??= PROTOCOLS.every((p) => this.byProto[p].length === 0));
  }

  isAll(): boolean {
    return (this.allFlag ??= PROTOCOLS.every((p) => isFull(this.byProto[p])));
  }

  union(other: ConnSet): ConnSet {
    if (other === this || other.isEmpty() || this.isAll()) return this;
    if (this.isEmpty() || other.isAll()) return other;
    return this.combine(other, (a, b) => a || b);
  }

  intersect(other: ConnSet): ConnSet {
    if (other === this || this.isEmpty() || other.isAll()) return this;
    if (other.isEmpty() || this.isAll()) return other;
    return this.combine(other, (a, b) => a && b);
  }

  subtract(other: ConnSet): ConnSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    if (other.isAll() || other === this) return ConnSet.empty();
    return this.combine(other, (a, b) => a && !b);
  }

  equals(other: ConnSet): boolean {
    return PROTOCOLS.every((p) => {
      const a = this.byProto[p];
      const b = other.byProto[p];
      return a.length === b.length && a.every((r, i) => r[0] === b[i]![0] && r[1] === b[i]![1]);
    });
  }

  /** Whether `port`/`protocol` is in the set. */
  has(protocol: Protocol, port: number): boolean {
    return this.byProto[protocol].some(([lo, hi]) => port >= lo && port <= hi);
  }

  /** netpol-analyzer text: `All Connections`, `No Connections`, or `SCTP 9003,TCP 80-81,UDP 53`. */
  toString(): string {
    if (this.isAll()) return 'All Connections';
    if (this.isEmpty()) return 'No Connections';
    const parts: string[] = [];
    for (const p of PROTOCOLS) {
      const ranges = this.byProto[p];
      if (ranges.length === 0) continue;
      parts.push(`${p} ${ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',')}`);
    }
    return parts.join(',');
  }

  toJSON(): Record<string, string[]> | 'All Connections' {
    if (this.isAll()) return 'All Connections';
    const out: Record<string, string[]> = {};
    for (const p of PROTOCOLS) {
      const ranges = this.byProto[p];
      if (ranges.length) out[p] = ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`));
    }
    return out;
  }

  private combine(other: ConnSet, op: (a: boolean, b: boolean) => boolean): ConnSet {
    return new ConnSet({
      TCP: combineRanges(this.byProto.TCP, other.byProto.TCP, op),
      UDP: combineRanges(this.byProto.UDP, other.byProto.UDP, op),
      SCTP: combineRanges(this.byProto.SCTP, other.byProto.SCTP, op),
    });
  }
}

const EMPTY = new (ConnSet as unknown as new (b: Record<Protocol, readonly PortRange[]>) => ConnSet)({ TCP: [], UDP: [], SCTP: [] });
const FULL: readonly PortRange[] = [[MIN_PORT, MAX_PORT]];
const ALL = new (ConnSet as unknown as new (b: Record<Protocol, readonly PortRange[]>) => ConnSet)({ TCP: FULL, UDP: FULL, SCTP: FULL });

function isFull(ranges: readonly PortRange[]): boolean {
  return ranges.length === 1 && ranges[0]![0] === MIN_PORT && ranges[0]![1] === MAX_PORT;
}

/** Sweep over the boundaries of both lists, keeping the points where `op` holds; adjacent pieces merge. */
function combineRanges(a: readonly PortRange[], b: readonly PortRange[], op: (x: boolean, y: boolean) => boolean): PortRange[] {
  const cuts = new Set<number>();
  for (const [lo, hi] of [...a, ...b]) {
    cuts.add(lo);
    cuts.add(hi + 1);
  }
  cuts.add(MIN_PORT);
  const points = [...cuts].filter((c) => c <= MAX_PORT).sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i++) {
    const lo = points[i]!;
    const hi = (points[i + 1] ?? MAX_PORT + 1) - 1;
    if (!op(contains(a, lo), contains(b, lo))) continue;
    const last = out[out.length - 1];
    if (last && last[1] + 1 === lo) last[1] = hi;
    else out.push([lo, hi]);
  }
  return out;
}

function contains(ranges: readonly PortRange[], port: number): boolean {
  for (const [lo, hi] of ranges) if (port >= lo && port <= hi) return true;
  return false;
}
