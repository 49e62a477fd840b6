import benchmarksData from './benchmarks.json' with { type: 'json' };
import checksData from './checks.json' with { type: 'json' };
import cis111 from './cis-1.11.json' with { type: 'json' };
import cis112 from './cis-1.12.json' with { type: 'json' };
import { isSeverity, type Severity } from '../../core/severity.js';

// The benchmark data (benchmarks.json, cis-*.json, checks.json), validated once when the module
// loads. A malformed file is a programming error: it throws with the file and recommendation.

export const TARGETS = ['master', 'etcd', 'controlplane', 'node', 'policies'] as const;
export type Target = (typeof TARGETS)[number];

/** Where the file(s) of a file check come from; the first source that names a path wins. */
export type FileSource =
  | { staticPod: string }
  | { componentFlag: { component: string; flag: string; env?: string } }
  | { kubeletFlag: string; children?: boolean }
  | { kubeletSetting: string }
  | { kubeletConfigFile: true }
  | { proxyFlag: string }
  | { proxySetting: string }
  | { paths: string[] }
  | { firstOf: string[] }
  | { globs: string[] };

export interface FileEvaluation {
  kind: 'file';
  checkId: string;
  files: { from: FileSource[]; all?: boolean };
  /** Octal permission mask (`600`): no bit outside it may be set. */
  maxMode?: string;
  /** `user:group` the file must belong to. */
  owner?: string;
  /** Why the check is not evaluated when no file is found. */
  absent: string;
}

export const SETTING_TYPES = ['bool', 'int', 'duration', 'string', 'list'] as const;
export const SETTING_OPS = ['eq', 'noteq', 'gte', 'set', 'unset', 'has', 'nothave', 'valid_elements', 'loopback'] as const;
export type SettingOp = (typeof SETTING_OPS)[number];

/** One test of a kubelet / kube-proxy setting. */
export interface SettingTest {
  /** Config-file path (`authentication.anonymous.enabled`); absent for flag-only settings. */
  path?: string;
  /** Flag name without dashes (`anonymous-auth`), or null when there is no flag. */
  flag?: string | null;
  /** A flag with no config-file field, read from EffectiveConfig.flagsOnly. */
  flagOnly?: string;
  type?: (typeof SETTING_TYPES)[number];
  op: SettingOp;
  value?: unknown;
  values?: string[];
  /** The component's default when unset: with a config file, and for a flags-only process. null = no default. */
  default?: { configFile: unknown; flags: unknown };
  defaultNote?: string;
}

export interface SettingEvaluation {
  kind: 'kubelet' | 'proxy';
  checkId: string;
  /** Holds when every test of any one group holds. */
  anyOf: SettingTest[][];
}

export interface FlagEvaluation {
  kind: 'flag';
  component: string;
  /** KW-API checks (src/access) that evaluate this recommendation. */
  checks: string[];
  note?: string;
}

export interface ManualEvaluation {
  kind: 'manual';
  checkId: string;
}

export type Evaluation = FileEvaluation | SettingEvaluation | FlagEvaluation | ManualEvaluation;

export interface Recommendation {
  id: string;
  section: string;
  target: Target;
  title: string;
  assessment: 'automated' | 'manual';
  scored: boolean;
  audit: string;
  expected: string;
  remediation: string;
  /** For manual recommendations: what a person has to check. */
  check?: string;
  evaluation: Evaluation;
}

export interface BenchmarkInfo {
  id: string;
  title: string;
  version: string;
  kubernetes: { min: string; max: string };
}

export interface Benchmark extends BenchmarkInfo {
  recommendations: Recommendation[];
}

export interface NodeCheckDefinition {
  id: string;
  title: string;
  severity: Severity;
  rationale: string;
  kcv: string[];
  kubescape?: string;
}

const SECTIONS = ['1.1', '1.2', '1.3', '1.4', '2', '3.1', '3.2', '4.1', '4.2', '4.3'];
const KINDS = ['file', 'flag', 'kubelet', 'proxy', 'manual'];

function fail(file: string, where: string, message: string): never {
  throw new Error(`${file}: ${where}: ${message}`);
}

function validateTest(file: string, id: string, test: SettingTest): void {
  if (!(SETTING_OPS as readonly string[]).includes(test.op)) fail(file, id, `unknown op ${test.op}`);
  if (!test.path && !test.flagOnly) fail(file, id, 'a setting test needs a path or a flagOnly flag');
  if (test.type && !(SETTING_TYPES as readonly string[]).includes(test.type)) fail(file, id, `unknown type ${test.type}`);
  if (test.op === 'valid_elements' && !Array.isArray(test.values)) fail(file, id, 'valid_elements needs values');
}

function validateRecommendation(file: string, rec: Recommendation, checkIds: ReadonlySet<string>): void {
  const where = `recommendation ${rec.id ?? '?'}`;
  for (const field of ['id', 'section', 'target', 'title', 'audit', 'expected', 'remediation'] as const) {
    if (typeof rec[field] !== 'string' || rec[field] === '') fail(file, where, `missing ${field}`);
  }
  if (!SECTIONS.includes(rec.section)) fail(file, where, `unknown section ${rec.section}`);
  if (!(TARGETS as readonly string[]).includes(rec.target)) fail(file, where, `unknown target ${rec.target}`);
  if (rec.assessment !== 'automated' && rec.assessment !== 'manual') fail(file, where, `assessment must be automated or manual`);
  if (typeof rec.scored !== 'boolean') fail(file, where, 'scored must be a boolean');
  if (rec.assessment === 'manual' && !rec.check && rec.evaluation.kind !== 'flag') fail(file, where, 'a manual recommendation needs `check`');
  const e = rec.evaluation;
  if (!e || !KINDS.includes(e.kind)) fail(file, where, `unknown evaluation kind ${(e as { kind?: string })?.kind}`);
  if (e.kind === 'flag') {
    if (!Array.isArray(e.checks) || e.checks.length === 0) fail(file, where, 'a flag evaluation needs KW-API checks');
    return;
  }
  if (!checkIds.has(e.checkId)) fail(file, where, `check ${e.checkId} is not in checks.json`);
  if (e.kind === 'file') {
    if (!e.maxMode && !e.owner) fail(file, where, 'a file evaluation needs maxMode or owner');
    if (e.maxMode && !/^[0-7]{3,4}$/.test(e.maxMode)) fail(file, where, `maxMode ${e.maxMode} is not octal`);
    if (e.owner && !/^[^:]+:[^:]+$/.test(e.owner)) fail(file, where, `owner ${e.owner} is not user:group`);
    if (!Array.isArray(e.files?.from) || e.files.from.length === 0) fail(file, where, 'a file evaluation needs sources');
  }
  if (e.kind === 'kubelet' || e.kind === 'proxy') {
    if (!Array.isArray(e.anyOf) || e.anyOf.length === 0) fail(file, where, 'a setting evaluation needs tests');
    for (const group of e.anyOf) for (const test of group) validateTest(file, where, test);
  }
}

function validateBenchmark(file: string, raw: unknown, checkIds: ReadonlySet<string>): Benchmark {
  const doc = raw as { benchmark: BenchmarkInfo; recommendations: Recommendation[] };
  if (!doc.benchmark || !Array.isArray(doc.recommendations)) fail(file, 'top level', 'needs benchmark and recommendations');
  const seen = new Set<string>();
  for (const rec of doc.recommendations) {
    validateRecommendation(file, rec, checkIds);
    if (seen.has(rec.id)) fail(file, `recommendation ${rec.id}`, 'defined twice');
    seen.add(rec.id);
  }
  return { ...doc.benchmark, recommendations: doc.recommendations };
}

function validateChecks(raw: unknown): NodeCheckDefinition[] {
  const checks = (raw as { checks: NodeCheckDefinition[] }).checks;
  const seen = new Set<string>();
  for (const c of checks) {
    if (!/^KW-NODE-\d{3}$/.test(c.id)) fail('checks.json', c.id, 'id must be KW-NODE-NNN');
    if (seen.has(c.id)) fail('checks.json', c.id, 'defined twice');
    if (!isSeverity(c.severity)) fail('checks.json', c.id, `unknown severity ${c.severity}`);
    if (!c.title || !c.rationale) fail('checks.json', c.id, 'needs title and rationale');
    seen.add(c.id);
  }
  return checks;
}

export const NODE_CHECKS: readonly NodeCheckDefinition[] = validateChecks(checksData);
const CHECK_IDS = new Set(NODE_CHECKS.map((c) => c.id));

/** Every shipped benchmark, newest first. */
export const BENCHMARKS: readonly Benchmark[] = [
  validateBenchmark('cis-1.12.json', cis112, CHECK_IDS),
  validateBenchmark('cis-1.11.json', cis111, CHECK_IDS),
];

export interface VersionTable {
  shipped: (BenchmarkInfo & { file: string })[];
  versionMapping: { map: Record<string, string> };
  default: string;
}

export const VERSION_TABLE: VersionTable = benchmarksData as VersionTable;

for (const entry of VERSION_TABLE.shipped) {
  if (!BENCHMARKS.some((b) => b.id === entry.id && b.version === entry.version)) fail('benchmarks.json', entry.id, 'shipped benchmark has no data file of that version');
}

export function benchmarkById(id: string): Benchmark | undefined {
  return BENCHMARKS.find((b) => b.id === id);
}
