import cvssLib from 'ae-cvss-calculator';
import type { Severity } from '../../core/severity.js';
import type { RatedSeverity, SeverityScore } from '../model.js';

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

export interface CvssScore {
  version: CvssVersion;
  /** The base score (CVSS v4: CVSS-B, threat and environmental metrics left out). */
  score: number;
  vector: string;
}

/** A vector that is not a well-formed CVSS vector; the message names the vector and the bad part. */
export class CvssError extends Error {}

/** Base metrics every vector must give, with their allowed values (FIRST specifications). */
const BASE: Readonly<Record<CvssVersion, Readonly<Record<string, string>>>> = {
  '2.0': { AV: 'LAN', AC: 'HML', Au: 'MSN', C: 'NPC', I: 'NPC', A: 'NPC' },
  '3.0': { AV: 'NALP', AC: 'LH', PR: 'NLH', UI: 'NR', S: 'UC', C: 'HLN', I: 'HLN', A: 'HLN' },
  '3.1': { AV: 'NALP', AC: 'LH', PR: 'NLH', UI: 'NR', S: 'UC', C: 'HLN', I: 'HLN', A: 'HLN' },
  '4.0': { AV: 'NALP', AC: 'LH', AT: 'NP', PR: 'NLH', UI: 'NPA', VC: 'HLN', VI: 'HLN', VA: 'HLN', SC: 'HLN', SI: 'HLN', SA: 'HLN' },
};
const PREFIX = /^CVSS:(3\.0|3\.1|4\.0)\//;
const METRIC = /^([A-Za-z]{1,3}):([A-Z]{1,3})$/;
const MAX_VECTOR = 512;

type Calculator = InstanceType<typeof cvssLib.Cvss2> | InstanceType<typeof cvssLib.Cvss3P0> | InstanceType<typeof cvssLib.Cvss3P1> | InstanceType<typeof cvssLib.Cvss4P0>;

function calculator(version: CvssVersion): Calculator {
  if (version === '2.0') return new cvssLib.Cvss2();
  if (version === '3.0') return new cvssLib.Cvss3P0();
  if (version === '3.1') return new cvssLib.Cvss3P1();
  return new cvssLib.Cvss4P0();
}

/** Splits and checks `[CVSS:x.y/]M:V/…`: known metric names and values, no repeats, every base metric. */
function parseVector(vector: string): { version: CvssVersion; metrics: Map<string, string> } {
  const fail = (what: string): never => {
    throw new CvssError(`CVSS vector '${vector.slice(0, 100)}': ${what}`);
  };
  if (vector.length > MAX_VECTOR) fail(`longer than ${MAX_VECTOR} characters`);
  const prefix = PREFIX.exec(vector);
  if (!prefix && vector.startsWith('CVSS:')) fail(`unsupported version '${vector.split('/')[0]}'`);
  const version = (prefix?.[1] ?? '2.0') as CvssVersion;
  const probe = calculator(version);
  const metrics = new Map<string, string>();
  for (const part of vector.slice(prefix ? prefix[0].length : 0).split('/')) {
    const m = METRIC.exec(part);
    if (!m) fail(`'${part}' is not METRIC:VALUE`);
    const [, name, value] = m!;
    const component = probe.findComponent(name!);
    if (!component || component.shortName !== name) fail(`unknown metric '${name}' for CVSS ${version}`);
    if (!component!.values.some((v) => v.shortName === value)) fail(`metric ${name} has no value '${value}'`);
    if (metrics.has(name!)) fail(`metric ${name} given twice`);
    metrics.set(name!, value!);
  }
  for (const [name, allowed] of Object.entries(BASE[version])) {
    const value = metrics.get(name);
    if (value === undefined) fail(`base metric ${name} is missing`);
    if (value!.length !== 1 || !allowed.includes(value!)) fail(`base metric ${name} cannot be '${value}'`);
  }
  return { version, metrics };
}

/** The base score of a CVSS v2, v3.0, v3.1 or v4.0 vector; throws CvssError on a malformed vector. */
export function cvssScore(vector: string): CvssScore {
  const { version, metrics } = parseVector(vector);
  const calc = calculator(version);
  for (const [name, value] of metrics) calc.applyComponentString(name, value);
  const scores = calc.calculateScores() as { base?: number; baseMetricsOnly?: number };
  const score = version === '4.0' ? scores.baseMetricsOnly : scores.base;
  if (score === undefined || !Number.isFinite(score)) throw new CvssError(`CVSS vector '${vector}': no base score`);
  return { version, score, vector };
}

/** FIRST's qualitative rating: v3.x and v4.0 share a scale; v2 (NVD) has no critical and no none. */
export function severityForScore(version: CvssVersion, score: number): Severity {
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return score > 0 ? 'low' : 'info';
}

const VENDOR_WORDS: Readonly<Record<string, Severity>> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  IMPORTANT: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
  NEGLIGIBLE: 'low',
  UNIMPORTANT: 'low',
  NONE: 'info',
};

/** A vendor's word (Red Hat, Debian, Ubuntu priorities, GitHub) as a severity; undefined when unrated (`untriaged`, `unknown`). */
export function vendorSeverity(word: string): Severity | undefined {
  const w = word.trim().toUpperCase();
  return Object.hasOwn(VENDOR_WORDS, w) ? VENDOR_WORDS[w] : undefined;
}

/** v3.x first (3.1 over 3.0), then v4.0, then v2. */
const PREFERENCE: Readonly<Record<CvssVersion, number>> = { '3.1': 0, '3.0': 1, '4.0': 2, '2.0': 3 };

function bestCvss(scores: SeverityScore[], problems: string[]): CvssScore | undefined {
  let best: CvssScore | undefined;
  for (const s of scores) {
    if (!s.type.toUpperCase().startsWith('CVSS')) continue;
    try {
      const c = cvssScore(s.score.trim());
      const better = !best || PREFERENCE[c.version] < PREFERENCE[best.version] || (PREFERENCE[c.version] === PREFERENCE[best.version] && c.score > best.score);
      if (better) best = c;
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return best;
}

/**
 * How severe an advisory is: the computed CVSS base score (v3.x preferred, then v4, then v2; the
 * highest when several of one version), else the vendor's word (`vendorSeverity`, then a
 * non-CVSS score such as OSV's `Ubuntu` priority), else medium, saying so. Malformed vectors are
 * skipped and named in the basis of the fallback.
 */
export function rateSeverity(scores: SeverityScore[], vendorWord?: string): RatedSeverity {
  const problems: string[] = [];
  const cvss = bestCvss(scores, problems);
  if (cvss) {
    const label = cvss.version === '2.0' ? `CVSS:2.0 ${cvss.vector}` : cvss.vector;
    return { severity: severityForScore(cvss.version, cvss.score), basis: `${label} = ${cvss.score}`, score: cvss.score, vector: cvss.vector };
  }
  const skipped = problems.length ? ` (ignored ${problems.join('; ')})` : '';
  const words: Array<[string, string]> = vendorWord ? [['vendor', vendorWord]] : [];
  for (const s of scores) if (!s.type.toUpperCase().startsWith('CVSS')) words.push([s.type, s.score]);
  for (const [source, word] of words) {
    const severity = vendorSeverity(word);
    if (severity) return { severity, basis: `${source}: ${word}${skipped}` };
  }
  return { severity: 'medium', basis: `not rated by the advisory (reported as medium)${skipped}` };
}
