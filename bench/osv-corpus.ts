// A synthetic OSV corpus for bench/vulndb.ts, shaped like the real feeds
// (https://ossf.github.io/osv-schema/): Debian:12, Alpine:v3.19, npm, PyPI, Go and Maven records with
// ECOSYSTEM/SEMVER ranges (introduced/fixed, sometimes two intervals or last_affected), some
// versions[] lists, CVSS_V3 vectors and references. Every record is a pure function of its index,
// so the zip is written entry by entry and the packages to match can be drawn from it.
import type { Package, PackageType } from '../src/images/model.js';
import { ZipWriter } from './zip-writer.js';

interface EcosystemShape {
  ecosystem: string;
  type: PackageType;
  /** Share of the records, and distinct package names. */
  share: number;
  names: number;
  name(i: number): string;
  version(r: Rng): string;
  rangeType: 'ECOSYSTEM' | 'SEMVER';
  idPrefix: string;
}

/** mulberry32: a small, fast, seedable PRNG. */
export class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

const semverish = (r: Rng): string => `${r.int(6)}.${r.int(20)}.${r.int(15)}`;

const SHAPES: readonly EcosystemShape[] = [
  { ecosystem: 'Debian:12', type: 'deb', share: 0.3, names: 3_000, name: (i) => `libdeb${i}`, version: (r) => `${semverish(r)}-${1 + r.int(5)}${r.int(3) === 0 ? `+deb12u${1 + r.int(4)}` : ''}`, rangeType: 'ECOSYSTEM', idPrefix: 'DEBIAN-CVE' },
  { ecosystem: 'Alpine:v3.19', type: 'apk', share: 0.1, names: 1_500, name: (i) => `apk-pkg${i}`, version: (r) => `${semverish(r)}-r${r.int(8)}`, rangeType: 'ECOSYSTEM', idPrefix: 'ALPINE-CVE' },
  { ecosystem: 'npm', type: 'npm', share: 0.25, names: 6_000, name: (i) => (i % 8 === 0 ? `@scope${i % 97}/npm-pkg-${i}` : `npm-pkg-${i}`), version: semverish, rangeType: 'SEMVER', idPrefix: 'GHSA' },
  { ecosystem: 'PyPI', type: 'pypi', share: 0.15, names: 4_000, name: (i) => (i % 5 === 0 ? `Py_Pkg.${i}` : `py-pkg-${i}`), version: (r) => `${semverish(r)}${r.int(6) === 0 ? `rc${1 + r.int(3)}` : ''}`, rangeType: 'ECOSYSTEM', idPrefix: 'PYSEC' },
  { ecosystem: 'Go', type: 'golang', share: 0.1, names: 3_000, name: (i) => `github.com/org${i % 300}/mod-${i}`, version: semverish, rangeType: 'SEMVER', idPrefix: 'GO' },
  { ecosystem: 'Maven', type: 'maven', share: 0.1, names: 2_500, name: (i) => `org.bench.g${i % 200}:artifact-${i}`, version: semverish, rangeType: 'ECOSYSTEM', idPrefix: 'GHSA' },
];

const VECTORS = [
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N',
  'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N',
  'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H',
  'CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:L',
];
const SEVERITIES = ['LOW', 'MODERATE', 'HIGH', 'CRITICAL'];

/** The ecosystem shape of record `index`: records are spread over the shapes by share. */
function shapeOf(index: number, total: number): EcosystemShape {
  let edge = 0;
  for (const shape of SHAPES) {
    edge += shape.share * total;
    if (index < edge) return shape;
  }
  return SHAPES[SHAPES.length - 1]!;
}

type Event = { introduced: string } | { fixed: string } | { last_affected: string };

/** One or two intervals; the versions are ordered by construction (major bumps between events). */
function rangeEvents(r: Rng, shape: EcosystemShape): Event[] {
  const v = (major: number): string => shape.version(r).replace(/^\d+/, String(major));
  const events: Event[] = [{ introduced: r.int(3) === 0 ? '0' : v(1) }];
  if (r.int(10) === 0) return [...events, { last_affected: v(3) }];
  events.push({ fixed: v(3) });
  if (r.int(4) === 0) events.push({ introduced: v(5) }, { fixed: v(7) });
  return events;
}

function affectedEntry(r: Rng, shape: EcosystemShape, name: string): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    package: { ecosystem: shape.ecosystem, name },
    ranges: [{ type: shape.rangeType, events: rangeEvents(r, shape) }],
  };
  if ((shape.type === 'npm' || shape.type === 'pypi') && r.int(3) === 0) {
    entry.versions = Array.from({ length: 3 + r.int(15) }, () => shape.version(r));
  }
  if (shape.type === 'deb') entry.ecosystem_specific = { urgency: r.pick(['low', 'medium', 'high', 'not yet assigned']) };
  return entry;
}

/** A package name of `shape`, skewed so that popular packages carry many advisories. */
function packageIndex(r: Rng, shape: EcosystemShape): number {
  return Math.floor(shape.names * r.next() ** 1.5);
}

const cveOf = (index: number): string => `CVE-${2015 + (index % 11)}-${10000 + index}`;

/** The id of record `index`, in the style of its feed (DEBIAN-CVE-…, ALPINE-CVE-…, GHSA-…, PYSEC-…, GO-…). */
export function advisoryId(index: number, total: number): string {
  const prefix = shapeOf(index, total).idPrefix;
  if (prefix === 'GHSA') return `GHSA-${index.toString(36).padStart(4, '0')}-bnch-${(index * 7).toString(36).slice(-4).padStart(4, 'x')}`;
  if (prefix.endsWith('CVE')) return `${prefix}-${cveOf(index).slice(4)}`;
  return `${prefix}-${2015 + (index % 11)}-${index}`;
}

/** OSV record number `index` of `total`. */
export function advisory(index: number, total: number): Record<string, unknown> {
  const r = new Rng(index * 2654435761);
  const shape = shapeOf(index, total);
  const cve = cveOf(index);
  const id = advisoryId(index, total);
  const names = [shape.name(packageIndex(r, shape))];
  if (r.int(8) === 0) names.push(shape.name(packageIndex(r, shape)));
  const record: Record<string, unknown> = {
    schema_version: '1.6.0',
    id,
    modified: `2026-0${1 + (index % 9)}-1${index % 10}T12:00:00Z`,
    published: `${2015 + (index % 11)}-03-04T05:06:07Z`,
    aliases: shape.idPrefix.endsWith('CVE') ? [] : [cve],
    summary: `Synthetic vulnerability ${index} in ${names[0]}`,
    details: `A crafted input lets an attacker trigger a bug in ${names[0]}. This record is synthetic (kubeward bench).`,
    affected: names.map((name) => affectedEntry(r, shape, name)),
    references: [{ type: 'ADVISORY', url: `https://example.test/advisories/${id}` }, { type: 'WEB', url: `https://example.test/cve/${cve}` }],
  };
  if (shape.type !== 'deb' && r.int(10) < 7) record.severity = [{ type: 'CVSS_V3', score: r.pick(VECTORS) }];
  if (shape.idPrefix === 'GHSA') record.database_specific = { severity: r.pick(SEVERITIES), cwe_ids: [`CWE-${20 + r.int(900)}`] };
  return record;
}

/** Writes `total` records into an OSV-style all.zip at `file` (one `<id>.json` entry per record), streamed. */
export async function writeOsvZip(file: string, total: number): Promise<void> {
  const zip = new ZipWriter(file);
  for (let i = 0; i < total; i++) await zip.add(`${advisoryId(i, total)}.json`, Buffer.from(JSON.stringify(advisory(i, total))));
  await zip.close();
}

const LAYER = 'sha256:0000000000000000000000000000000000000000000000000000000000000000';

/**
 * `count` packages, each named after an advisory of the corpus drawn at random (so the popular
 * names, with many advisories, come up more often) and each name once, as in an image; versions are
 * drawn like the advisories' own, so some fall inside the affected ranges and some do not.
 */
export function packagesFromCorpus(count: number, total: number): Package[] {
  const r = new Rng(0x5eed);
  const seen = new Set<string>();
  const packages: Package[] = [];
  while (packages.length < count) {
    const index = r.int(total);
    const affected = (advisory(index, total).affected as { package: { ecosystem: string; name: string } }[])[0]!.package;
    const key = `${affected.ecosystem}\0${affected.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const shape = shapeOf(index, total);
    const version = shape.version(r);
    packages.push({
      type: shape.type,
      name: affected.name,
      version,
      purl: `pkg:${shape.type}/${encodeURIComponent(affected.name)}@${encodeURIComponent(version)}`,
      ecosystem: affected.ecosystem,
      locations: [{ path: `bench/${packages.length}`, layerIndex: 0, layerDigest: LAYER }],
    });
  }
  return packages;
}
