import type { JsonPath } from '../inventory/index.js';
import { parseGoBool, splitList, splitMap } from './flag-parse.js';

export { lastValues, parseFlags, parseGoBool, parseGoDuration, splitList, splitMap, type FlagOccurrence, type FlagSyntax, type FlagSyntaxKind, type ParsedFlags } from './flag-parse.js';

// The one test evaluator every control-plane check shares (the parser is flag-parse.ts).
//
// evaluateTest decides one benchmark test (`--profiling eq false`, `has Node`…)
// against what a container sets, falling back to the component's own default when a flag is absent.

// ---------------------------------------------------------------------------------------------
// What a container sets, as the evaluator sees it

/** One place a value was given: a command-line token or an environment variable. */
export interface GivenValue {
  value: string;
  /** Path from the object's root to the token (or `env[i].value`) holding the value. */
  path: JsonPath;
  /** The text as written there, e.g. `--profiling=true`, `7` (after `--audit-log-maxage`), `ETCD_AUTO_TLS=true`. */
  written: string;
  /** The argument(s) in words, e.g. "`--profiling=true` (command[12])". */
  where: string;
  /** A pitfall seen at this argument, e.g. `--profiling false`, where `false` is not the flag's value. */
  hint?: string;
}

/** Everything known about one flag of one container. */
export interface FlagReading {
  name: string;
  /** `flag`: given on the command line; `env`: from an environment variable; `default`: not given; `unknown`: cannot be known statically. */
  origin: 'flag' | 'env' | 'default' | 'unknown';
  /** Every place the value was given, in command-line order (one entry for env). Empty for default and unknown. */
  given: GivenValue[];
  /** Why the value cannot be known, for origin `unknown`. */
  unknown?: string;
  /** Something worth saying about how the value was found (e.g. env shadowed by the flag). */
  note?: string;
}

/** What a flag is, for the component reading it. */
export interface FlagSpec {
  type: 'bool' | 'string' | 'list' | 'map' | 'int' | 'duration';
  /** The component's own default when the flag is absent; a list for list flags; absent for "no default". */
  default?: string | string[];
  /** Where the default comes from or why it matters. */
  note?: string;
}

/** A container's flags for one component: the reader the evaluator asks. */
export interface FlagReader {
  /** Component name as users know it, e.g. `kube-apiserver`. */
  component: string;
  read(name: string): FlagReading;
  spec(name: string): FlagSpec | undefined;
  /** Path of the list that holds the flags, where a missing flag would be added. */
  insertPath: JsonPath;
  /** `spec.containers[0].command` in words, for "add it to …". */
  insertWhere: string;
  /** Admission plugins the component turns on by default (kube-apiserver). */
  defaultAdmissionPlugins: readonly string[];
  /** Feature gates and their defaults. */
  featureGates: Readonly<Record<string, boolean>>;
}

// ---------------------------------------------------------------------------------------------
// Tests

export type TestOp =
  | 'eq' | 'noteq' | 'set' | 'unset' | 'has' | 'nothave' | 'gte' | 'valid_elements'
  | 'plugin_enabled' | 'plugin_not_enabled' | 'gate' | 'https';

export const TEST_OPS: readonly TestOp[] = ['eq', 'noteq', 'set', 'unset', 'has', 'nothave', 'gte', 'valid_elements', 'plugin_enabled', 'plugin_not_enabled', 'gate', 'https'];

/** One benchmark test on one flag. */
export interface FlagTest {
  flag: string;
  op: TestOp;
  /** Expected value (eq, noteq, has, nothave, gte, plugin_*, gate). */
  value?: string;
  /** Allowed elements (valid_elements). */
  values?: string[];
  /** Feature gate name (gate). */
  gate?: string;
  /** gte: what 0 means to the component: `unlimited`, or the number it stands for. */
  zeroMeans?: string;
  /** When one of these flags is set, the tested value comes from a file kubeward does not read: not evaluated. */
  undecidedIf?: string[];
}

export type TestOutcome =
  | { status: 'pass'; seen: string }
  | { status: 'fail'; seen: string; path: JsonPath; value?: string; detail: string }
  | { status: 'unknown'; reason: string };

const ADMISSION_FLAGS = { enable: 'enable-admission-plugins', disable: 'disable-admission-plugins', legacy: 'admission-control' } as const;

/** Decides one test against one container's flags. Never throws. */
export function evaluateTest(test: FlagTest, reader: FlagReader): TestOutcome {
  for (const other of test.undecidedIf ?? []) {
    const reading = reader.read(other);
    if (reading.origin === 'flag' || reading.origin === 'env') {
      const given = reading.given[reading.given.length - 1]!;
      return { status: 'unknown', reason: `${given.where} replaces --${test.flag} with a configuration file kubeward does not read` };
    }
  }
  switch (test.op) {
    case 'plugin_enabled':
    case 'plugin_not_enabled':
      return admissionTest(test, reader);
    case 'gate':
      return gateTest(test, reader);
    default:
      return valueTest(test, reader);
  }
}

/** `--x=v` (command[3])`, or `not set (default v)`, for a sentence. */
export function describeReading(reading: FlagReading, spec: FlagSpec | undefined): string {
  if (reading.origin === 'unknown') return `--${reading.name}: ${reading.unknown}`;
  if (reading.origin === 'default') {
    const d = spec?.default;
    const shown = d === undefined ? 'no default' : Array.isArray(d) ? (d.length === 0 ? 'default: none' : `default ${d.join(',')}`) : `default ${d === '' ? '""' : d}`;
    return `--${reading.name} is not set (${shown})`;
  }
  return reading.given.map((g) => g.where).join(', ');
}

function valueTest(test: FlagTest, reader: FlagReader): TestOutcome {
  const reading = reader.read(test.flag);
  const spec = reader.spec(test.flag);
  if (reading.origin === 'unknown') return { status: 'unknown', reason: `--${test.flag}: ${reading.unknown}` };
  const given = reading.given;
  const last = given[given.length - 1];
  const isList = spec?.type === 'list';
  const defaultValue = spec?.default;
  const note = reading.note ? ` (${reading.note})` : '';
  const seenText = describeReading(reading, spec) + note;
  const missing = (detail: string): TestOutcome => ({ status: 'fail', seen: seenText, path: reader.insertPath, detail: `${detail}; add it to ${reader.insertWhere}` });
  const failAt = (g: GivenValue, detail: string): TestOutcome => ({ status: 'fail', seen: seenText, path: g.path, value: g.written, detail: g.hint ? `${detail} (${g.hint})` : detail });
  const repeated = given.length > 1 && !isList ? ` (given ${given.length} times; the last one wins)` : '';

  switch (test.op) {
    case 'set': {
      if (last && last.value !== '') return { status: 'pass', seen: seenText };
      if (last) return failAt(last, `${last.where} sets --${test.flag} to an empty value${repeated}`);
      const why = typeof defaultValue === 'string' ? ` (default ${defaultValue})` : spec?.note ? ` (${spec.note})` : '';
      return missing(`${reader.component} --${test.flag} is not set${why}`);
    }
    case 'unset': {
      if (!last) return { status: 'pass', seen: seenText };
      return failAt(last, `${reader.component} sets ${given.map((g) => g.where).join(', ')}`);
    }
    case 'eq':
    case 'noteq': {
      const actual = last ? last.value : typeof defaultValue === 'string' ? defaultValue : undefined;
      if (actual === undefined) {
        if (test.op === 'noteq') return { status: 'pass', seen: seenText };
        return missing(`${reader.component} --${test.flag} is not set (it has no default); the benchmark expects ${test.value}`);
      }
      const equal = compareValues(actual, test.value ?? '', spec);
      if (equal === undefined) {
        const where = last ? last.where : `the default ${actual}`;
        return { status: 'unknown', reason: `${where}: not a valid ${spec?.type === 'bool' ? 'boolean' : 'value'} for --${test.flag}; ${reader.component} would refuse to start` };
      }
      const ok = test.op === 'eq' ? equal : !equal;
      if (ok) return { status: 'pass', seen: seenText };
      const expected = test.op === 'eq' ? `expected ${test.value}` : `must not be ${test.value}`;
      if (last) return failAt(last, `${last.where}${repeated}${note}: ${reader.component} --${test.flag} is ${last.value}, ${expected}`);
      return missing(`${reader.component} --${test.flag} is not set, so its default ${actual} applies; ${expected}`);
    }
    case 'has':
    case 'nothave':
    case 'valid_elements': {
      const items = given.length > 0 ? given.flatMap((g) => splitList(g.value).map((item) => ({ item, g }))) : [];
      const values = given.length > 0 ? items.map((x) => x.item) : Array.isArray(defaultValue) ? defaultValue : typeof defaultValue === 'string' ? splitList(defaultValue) : [];
      const shown = values.length > 0 ? values.join(',') : 'empty';
      if (test.op === 'has') {
        if (values.includes(test.value ?? '')) return { status: 'pass', seen: seenText };
        if (last) return failAt(last, `${given.map((g) => g.where).join(', ')}: ${reader.component} --${test.flag} does not include ${test.value}`);
        return missing(`${reader.component} --${test.flag} is not set, so its default (${shown}) applies, without ${test.value}`);
      }
      if (test.op === 'nothave') {
        const hit = items.find((x) => x.item === test.value);
        if (hit) return failAt(hit.g, `${hit.g.where}: ${reader.component} --${test.flag} includes ${test.value}`);
        if (given.length === 0 && values.includes(test.value ?? '')) return missing(`${reader.component} --${test.flag} is not set, so its default (${shown}) applies, which includes ${test.value}`);
        return { status: 'pass', seen: seenText };
      }
      const allowed = new Set(test.values ?? []);
      const bad = given.length > 0 ? items.filter((x) => !allowed.has(x.item)) : [];
      if (given.length === 0) {
        if (values.length === 0) return missing(`${reader.component} --${test.flag} is not set, so the built-in default applies (${spec?.note ?? 'not restricted to the allowed list'})`);
        const outside = values.filter((v) => !allowed.has(v));
        if (outside.length === 0) return { status: 'pass', seen: seenText };
        return missing(`${reader.component} --${test.flag} is not set; its default includes ${outside.join(', ')}`);
      }
      if (bad.length === 0) return { status: 'pass', seen: seenText };
      return failAt(bad[0]!.g, `${bad[0]!.g.where}: ${reader.component} --${test.flag} allows ${[...new Set(bad.map((x) => x.item))].join(', ')}, outside the allowed list`);
    }
    case 'gte': {
      const text = last ? last.value : typeof defaultValue === 'string' ? defaultValue : undefined;
      if (text === undefined) return missing(`${reader.component} --${test.flag} is not set; the benchmark expects at least ${test.value}`);
      const number = Number(text);
      if (!/^-?\d+$/.test(text.trim()) || !Number.isFinite(number)) {
        return { status: 'unknown', reason: `${last ? last.where : `default ${text}`}: --${test.flag} is not an integer; ${reader.component} would refuse to start` };
      }
      let effective = number;
      let meaning = '';
      if (number === 0 && test.zeroMeans !== undefined) {
        if (test.zeroMeans === 'unlimited') return { status: 'pass', seen: `${seenText}; 0 means no limit, so nothing is removed early` };
        effective = Number(test.zeroMeans);
        meaning = ` (0 means ${test.zeroMeans})`;
      }
      if (effective >= Number(test.value)) return { status: 'pass', seen: `${seenText}${meaning}` };
      if (last) return failAt(last, `${last.where}${repeated}: ${reader.component} --${test.flag} is ${text}${meaning}, below ${test.value}`);
      return missing(`${reader.component} --${test.flag} is not set, so its default ${text}${meaning} applies, below ${test.value}`);
    }
    case 'https': {
      const items = given.length > 0 ? given.flatMap((g) => splitList(g.value).map((item) => ({ item, g: g as GivenValue | undefined }))) : (Array.isArray(defaultValue) ? defaultValue : typeof defaultValue === 'string' ? splitList(defaultValue) : []).map((item) => ({ item, g: undefined }));
      if (items.length === 0) return { status: 'unknown', reason: `${reader.component} --${test.flag} is not set and has no default; ${reader.component} needs it to start` };
      const plain = items.filter((x) => !/^(https|unixs):\/\//i.test(x.item));
      if (plain.length === 0) return { status: 'pass', seen: seenText };
      const urls = plain.map((x) => x.item).join(', ');
      const first = plain[0]!.g;
      if (first) return failAt(first, `${first.where}: ${reader.component} --${test.flag} uses plain ${urls}, without TLS`);
      return missing(`${reader.component} --${test.flag} is not set, so its default ${urls} applies, without TLS`);
    }
    default:
      return { status: 'unknown', reason: `unsupported test ${test.op}` };
  }
}

/** Equality the way the component reads the value: booleans by ParseBool; undefined when the value is invalid. */
function compareValues(actual: string, expected: string, spec: FlagSpec | undefined): boolean | undefined {
  if (spec?.type === 'bool') {
    const a = parseGoBool(actual);
    const b = parseGoBool(expected);
    if (a === undefined || b === undefined) return undefined;
    return a === b;
  }
  if (spec?.type === 'int') {
    if (!/^-?\d+$/.test(actual.trim())) return undefined;
    return Number(actual) === Number(expected);
  }
  return actual === expected;
}

/** The plugins kube-apiserver runs: its defaults, plus --enable-admission-plugins, minus --disable-admission-plugins; or exactly the legacy --admission-control list. */
export function admissionPlugins(reader: FlagReader): {
  enabled: Set<string>;
  enabledBy: Map<string, GivenValue>;
  disabledBy: Map<string, GivenValue>;
  legacy?: GivenValue;
} {
  const enabledBy = new Map<string, GivenValue>();
  const disabledBy = new Map<string, GivenValue>();
  const legacy = reader.read(ADMISSION_FLAGS.legacy);
  if (legacy.origin === 'flag') {
    const enabled = new Set<string>();
    for (const g of legacy.given) for (const p of splitList(g.value)) {
      enabled.add(p);
      enabledBy.set(p, g);
    }
    return { enabled, enabledBy, disabledBy, legacy: legacy.given[legacy.given.length - 1]! };
  }
  for (const g of reader.read(ADMISSION_FLAGS.enable).given) for (const p of splitList(g.value)) enabledBy.set(p, g);
  for (const g of reader.read(ADMISSION_FLAGS.disable).given) for (const p of splitList(g.value)) disabledBy.set(p, g);
  const enabled = new Set([...reader.defaultAdmissionPlugins, ...enabledBy.keys()].filter((p) => !disabledBy.has(p)));
  return { enabled, enabledBy, disabledBy };
}

function admissionTest(test: FlagTest, reader: FlagReader): TestOutcome {
  const plugin = test.value ?? '';
  const { enabled, enabledBy, disabledBy, legacy } = admissionPlugins(reader);
  const isDefault = reader.defaultAdmissionPlugins.includes(plugin);
  const seen = legacy
    ? `${legacy.where} (the legacy flag replaces the default plugin list)`
    : [
      enabledBy.has(plugin) ? `enabled by ${enabledBy.get(plugin)!.where}` : isDefault ? 'on by default' : 'off by default and not in --enable-admission-plugins',
      disabledBy.has(plugin) ? `disabled by ${disabledBy.get(plugin)!.where}` : '',
    ].filter(Boolean).join(', ');
  const seenText = `admission plugin ${plugin}: ${seen}`;
  const on = enabled.has(plugin);
  if (test.op === 'plugin_enabled') {
    if (on) return { status: 'pass', seen: seenText };
    const off = disabledBy.get(plugin);
    if (off) return { status: 'fail', seen: seenText, path: off.path, value: off.written, detail: `${off.where} turns off the ${plugin} admission plugin` };
    if (legacy) return { status: 'fail', seen: seenText, path: legacy.path, value: legacy.written, detail: `${legacy.where} replaces the plugin list and leaves out ${plugin}` };
    const enable = reader.read(ADMISSION_FLAGS.enable).given;
    const lastEnable = enable[enable.length - 1];
    if (lastEnable) return { status: 'fail', seen: seenText, path: lastEnable.path, value: lastEnable.written, detail: `${lastEnable.where} does not include ${plugin}, which is off by default` };
    return { status: 'fail', seen: seenText, path: reader.insertPath, detail: `${reader.component} has no --enable-admission-plugins, and ${plugin} is off by default; add it to ${reader.insertWhere}` };
  }
  if (!on) return { status: 'pass', seen: seenText };
  const by = enabledBy.get(plugin) ?? legacy;
  if (by) return { status: 'fail', seen: seenText, path: by.path, value: by.written, detail: `${by.where} turns on the ${plugin} admission plugin` };
  return { status: 'fail', seen: seenText, path: reader.insertPath, detail: `${plugin} is on by default in ${reader.component}; turn it off with --disable-admission-plugins=${plugin}` };
}

function gateTest(test: FlagTest, reader: FlagReader): TestOutcome {
  const gate = test.gate ?? '';
  const reading = reader.read(test.flag);
  if (reading.origin === 'unknown') return { status: 'unknown', reason: `--${test.flag}: ${reading.unknown}` };
  let last: { value: string; g: GivenValue } | undefined;
  for (const g of reading.given) for (const [key, value] of splitMap(g.value)) if (key === gate) last = { value, g };
  const fallback = reader.featureGates[gate];
  const expected = parseGoBool(test.value ?? 'true');
  if (!last) {
    const seen = `feature gate ${gate} is not set (default ${fallback === undefined ? 'unknown' : String(fallback)})`;
    if (fallback === undefined) return { status: 'unknown', reason: `${seen}; kubeward does not know its default` };
    if (fallback === expected) return { status: 'pass', seen };
    return { status: 'fail', seen, path: reader.insertPath, detail: `${seen}; set --${test.flag}=${gate}=${test.value}` };
  }
  const actual = parseGoBool(last.value);
  const seen = `${last.g.where} sets ${gate}=${last.value}`;
  if (actual === undefined) return { status: 'unknown', reason: `${seen}: not a valid boolean; ${reader.component} would refuse to start` };
  if (actual === expected) return { status: 'pass', seen };
  return { status: 'fail', seen, path: last.g.path, value: last.g.written, detail: `${seen}; the benchmark expects ${gate}=${test.value}` };
}
