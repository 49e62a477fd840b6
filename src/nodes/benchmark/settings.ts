import { parseGoBool, parseGoDuration, splitList } from '../../access/flags.js';
import type { Evidence } from '../../core/finding.js';
import type { EffectiveConfig, EffectiveSetting } from '../model.js';
import type { SettingTest } from './data.js';

// kubelet and kube-proxy checks (CIS 4.2.x, 4.3.x), read from the effective configuration the
// collectors computed (flags merged over the config file and drop-ins, the way the component
// merges them). An unset setting takes the component's own default — which for the kubelet
// differs between a config-file kubelet and a flags-only one (anonymous auth, authorization
// mode, read-only port). The evidence says where the value came from and what it overrode.

export interface Reading {
  /** The value the component runs with. */
  value: unknown;
  /** `--anonymous-auth=true (/proc/812/cmdline)`, `/var/lib/kubelet/config.yaml:12`, or `default (…)`. */
  where: string;
  origin: EffectiveSetting['origin'];
  setting?: EffectiveSetting;
  /** The value is not known (config file unreadable, no default). */
  unknown?: string;
}

export type TestResult =
  | { status: 'pass' | 'fail'; reading: Reading; detail: string }
  | { status: 'unknown'; reason: string };

/** A setting by path; `featureGates.X` is also found inside a `featureGates` map setting. */
function lookup(config: EffectiveConfig, path: string): { setting: EffectiveSetting; value: unknown } | undefined {
  const exact = config.settings.get(path);
  if (exact) return { setting: exact, value: exact.value };
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const parent = config.settings.get(parts.slice(0, i).join('.'));
    if (!parent) continue;
    let value: unknown = parent.value;
    for (const key of parts.slice(i)) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    if (value !== undefined) return { setting: parent, value };
  }
  return undefined;
}

const component = (config: EffectiveConfig): string => config.component;

/** What the component runs with for one test's setting. */
export function readSetting(config: EffectiveConfig, test: SettingTest): Reading {
  if (test.flagOnly) {
    const s = config.flagsOnly.get(test.flagOnly);
    if (s) return { value: s.value, where: s.where, origin: s.origin, setting: s };
    return { value: undefined, where: `--${test.flagOnly} not given`, origin: 'default' };
  }
  const found = lookup(config, test.path!);
  if (found) return { value: found.value, where: found.setting.where, origin: found.setting.origin, setting: found.setting };
  if (config.problems.length > 0) {
    return { value: undefined, where: '', origin: 'default', unknown: `${test.path} is not set where kubeward could read, and the configuration had problems (${config.problems.join('; ')}): the value the ${component(config)} runs with is unknown` };
  }
  if (!test.default) return { value: undefined, where: `${test.path} not set`, origin: 'default' };
  const withFile = config.configFile !== undefined;
  const value = withFile ? test.default.configFile : test.default.flags;
  const mode = withFile ? `with its config file ${config.configFile}` : 'started with flags only (no --config file)';
  return { value, where: `${component(config)} default for ${test.path} when ${mode}${test.defaultNote ? `: ${test.defaultNote}` : ''}`, origin: 'default' };
}

const toBool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : typeof v === 'string' ? parseGoBool(v) : undefined);
const toInt = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : undefined);
const toDuration = (v: unknown): number | undefined => (typeof v === 'number' ? v / 1e9 : typeof v === 'string' ? parseGoDuration(v.trim()) : undefined);
const toList = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? splitList(v) : undefined);

/** `127.0.0.1:10249`, `[::1]:10249`, `localhost:10249` → true; `0.0.0.0:10249`, `:10249` → false. */
export function isLoopback(address: string): boolean {
  let host = address.trim();
  const bracket = /^\[([^\]]*)\](?::\d+)?$/.exec(host);
  if (bracket) host = bracket[1]!;
  else if ((host.match(/:/g) ?? []).length === 1) host = host.slice(0, host.indexOf(':'));
  return /^127\./.test(host) || host === '::1' || host === 'localhost';
}

const show = (v: unknown): string => (v === undefined ? 'unset' : typeof v === 'string' ? v : JSON.stringify(v));

/** Holds / fails for one typed value. undefined: the value cannot be read as its type. */
function compare(test: SettingTest, value: unknown): boolean | undefined {
  switch (test.op) {
    case 'set': return value !== undefined && value !== '' && value !== null;
    case 'unset': return value === undefined || value === '';
    case 'loopback': return typeof value === 'string' ? isLoopback(value) : undefined;
    case 'has':
    case 'nothave': {
      const list = toList(value);
      if (!list) return undefined;
      return list.includes(String(test.value)) === (test.op === 'has');
    }
    case 'valid_elements': {
      const list = toList(value);
      if (!list) return undefined;
      return list.length > 0 && list.every((s) => test.values!.includes(s));
    }
    case 'gte': {
      const n = test.type === 'duration' ? toDuration(value) : toInt(value);
      return n === undefined ? undefined : n >= Number(test.value);
    }
    case 'eq':
    case 'noteq': {
      let same: boolean | undefined;
      if (test.type === 'bool') { const b = toBool(value); same = b === undefined ? undefined : b === test.value; }
      else if (test.type === 'int') { const n = toInt(value); same = n === undefined ? undefined : n === Number(test.value); }
      else if (test.type === 'duration') { const d = toDuration(value); const want = parseGoDuration(String(test.value)); same = d === undefined ? undefined : d === want; }
      else same = show(value) === String(test.value);
      return same === undefined ? undefined : test.op === 'eq' ? same : !same;
    }
  }
}

/** What a test asks for, in words. */
export function expectation(test: SettingTest): string {
  const name = test.flagOnly ? `--${test.flagOnly}` : test.path!;
  switch (test.op) {
    case 'eq': return `${name} = ${show(test.value)}`;
    case 'noteq': return `${name} ≠ ${show(test.value)}`;
    case 'gte': return `${name} ≥ ${show(test.value)}`;
    case 'set': return `${name} set`;
    case 'unset': return `${name} not set`;
    case 'has': return `${name} including ${show(test.value)}`;
    case 'nothave': return `${name} without ${show(test.value)}`;
    case 'valid_elements': return `${name} limited to the benchmark's list`;
    case 'loopback': return `${name} on a loopback address`;
  }
}

/** `from --anonymous-auth=true (/proc/812/cmdline), overriding false in /var/lib/kubelet/config.yaml:5` */
export function provenance(reading: Reading): string {
  const over = reading.setting?.overridden ?? [];
  const overriding = over.length > 0 ? `, overriding ${over.map((o) => `${show(o.value)} (${o.origin}, ${o.where})`).join(' and ')}` : '';
  return `${reading.where}${overriding}`;
}

export function evaluateTest(config: EffectiveConfig, test: SettingTest): TestResult {
  const reading = readSetting(config, test);
  if (reading.unknown) return { status: 'unknown', reason: reading.unknown };
  const holds = compare(test, reading.value);
  const name = test.flagOnly ? `--${test.flagOnly}` : test.path!;
  if (holds === undefined) return { status: 'unknown', reason: `${name} is ${show(reading.value)} (${provenance(reading)}), which the ${config.component} would not accept as a ${test.type ?? 'value'}` };
  const detail = `${name} is ${show(reading.value)} (${provenance(reading)})`;
  return { status: holds ? 'pass' : 'fail', reading, detail };
}

/** Evidence for a failed test: where the value came from (a file and line, a command line, or a default). */
export function settingEvidence(result: Extract<TestResult, { reading: Reading }>, test: SettingTest, cis: string, bench: string): Evidence {
  const { reading } = result;
  const where = reading.setting?.where ?? '';
  const fileLine = /^(\/[^\s:()]+):(\d+)(?::(\d+))?$/.exec(where);
  const flagSource = /\((\/[^)]+)\)\s*$/.exec(where);
  const path = fileLine ? fileLine[1]! : flagSource ? flagSource[1]! : test.flagOnly ? `--${test.flagOnly}` : test.path!;
  const evidence: Evidence = { path, value: reading.value, detail: `${result.detail}; CIS ${cis} (${bench}) expects ${expectation(test)}` };
  if (fileLine) evidence.position = { file: fileLine[1]!, line: Number(fileLine[2]), column: fileLine[3] ? Number(fileLine[3]) : 1 };
  if (reading.value === undefined) delete evidence.value;
  return evidence;
}
