import { alias, kubescapeDoc, type CheckMeta } from '../core/catalog.js';
import { isSeverity, type Severity } from '../core/severity.js';
import { TEST_OPS, type FlagSpec, type FlagTest } from './flags.js';
import data from './cis-control-plane.json' with { type: 'json' };

// The benchmark definitions (cis-control-plane.json), validated once when the module loads, and
// the catalog entries built from them. A malformed file is a programming error: it throws.

export const COMPONENT_NAMES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

/** How to recognise a control-plane component and read its flags. */
export interface ComponentSpec {
  name: ComponentName;
  /** `API server`, `controller manager`… */
  title: string;
  /** Program basenames that run the component. */
  binaries: string[];
  /** `hyperkube <subcommand>` names of the component (legacy all-in-one binary). */
  hyperkube: string[];
  /** Image basenames (last path segment, without tag or digest); an architecture suffix such as `-amd64` is accepted. */
  images: string[];
  /** Where kubeadm puts the static pod manifest. */
  manifest: string;
  flagStyle: 'pflag' | 'go';
  normalizeUnderscores: boolean;
  shorthands: Record<string, string>;
  /** Every boolean flag of the component: the parser must know them to read `--flag value` right. */
  booleanFlags: string[];
  /** Flags the checks read, with the component's own defaults. */
  flags: Record<string, FlagSpec>;
  /** etcd reads `ETCD_<FLAG>` environment variables for flags not given on the command line. */
  envPrefix?: string;
  /** A configuration file that takes over some flags (or all: `*`) when given. */
  configFile?: { flag: string; env?: string; overrides: string[] };
  defaultAdmissionPlugins: string[];
  featureGates: Record<string, boolean>;
  reference: string;
}

export type EncryptionRule = 'secrets-plaintext' | 'resources-plaintext' | 'weak-provider';

/** One check: a CIS recommendation (or a kubeward addition) evaluated against a component's flags. */
export interface CheckDefinition {
  id: string;
  /** CIS Kubernetes Benchmark id, or null for a kubeward addition. */
  cis: string | null;
  component: ComponentName | 'encryption-configuration';
  title: string;
  /** CIS assessment status: manual checks are reported as not evaluated, never as findings or passes. */
  assessment: 'automated' | 'manual';
  /** Whether the benchmark counts the check in its score. */
  scored: boolean;
  severity: Severity;
  /** All must hold; each one that does not is one piece of evidence. */
  tests: FlagTest[];
  /** Flags whose values a manual check shows. */
  show: string[];
  /** For EncryptionConfiguration checks: which rule. */
  rule?: EncryptionRule;
  /** Manual checks: compare this flag with another component's (e.g. etcd's CA with the API server's). */
  sameFileAs?: { flag: string; component: ComponentName; otherFlag: string };
  description: string;
  rationale: string;
  remediation: string;
  /** Manual checks: what a person has to check. */
  check?: string;
  references: string[];
  aliases: { cis: string[]; kcv: string[]; kubescape: string[] };
}

export interface Definitions {
  benchmark: { name: string; version: string; sources: string[] };
  components: Record<ComponentName, ComponentSpec>;
  checks: CheckDefinition[];
}

const CHECK_ID = /^KW-API-\d{3}$/;

function fail(where: string, message: string): never {
  throw new Error(`cis-control-plane.json: ${where}: ${message}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown, where: string): string[] => {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) fail(where, 'expected a list of strings');
  return v as string[];
};
const text = (v: unknown, where: string): string => {
  if (typeof v !== 'string' || v.trim() === '') fail(where, 'expected a non-empty string');
  return v;
};

function validateComponent(name: ComponentName, raw: unknown): ComponentSpec {
  if (!isObject(raw)) fail(`components.${name}`, 'missing');
  const flags: Record<string, FlagSpec> = {};
  if (!isObject(raw.flags)) fail(`components.${name}.flags`, 'expected a mapping');
  for (const [flag, spec] of Object.entries(raw.flags)) {
    if (!isObject(spec) || !['bool', 'string', 'list', 'map', 'int', 'duration'].includes(spec.type as string)) fail(`components.${name}.flags.${flag}`, 'bad type');
    const out: FlagSpec = { type: spec.type as FlagSpec['type'] };
    if (spec.default !== undefined && spec.default !== null) {
      if (typeof spec.default !== 'string' && !Array.isArray(spec.default)) fail(`components.${name}.flags.${flag}.default`, 'expected a string or a list');
      out.default = spec.default as string | string[];
    }
    if (typeof spec.note === 'string') out.note = spec.note;
    flags[flag] = out;
  }
  const flagStyle = raw.flagStyle === 'go' ? 'go' : raw.flagStyle === 'pflag' ? 'pflag' : fail(`components.${name}.flagStyle`, 'pflag or go');
  const booleanFlags = strings(raw.booleanFlags, `components.${name}.booleanFlags`);
  for (const [flag, spec] of Object.entries(flags)) {
    if (spec.type === 'bool' && !booleanFlags.includes(flag)) fail(`components.${name}.flags.${flag}`, 'a bool flag missing from booleanFlags');
  }
  const spec: ComponentSpec = {
    name,
    title: text(raw.title, `components.${name}.title`),
    binaries: strings(raw.binaries, `components.${name}.binaries`),
    hyperkube: strings(raw.hyperkube, `components.${name}.hyperkube`),
    images: strings(raw.images, `components.${name}.images`),
    manifest: text(raw.manifest, `components.${name}.manifest`),
    flagStyle,
    normalizeUnderscores: raw.normalizeUnderscores === true,
    shorthands: isObject(raw.shorthands) ? (raw.shorthands as Record<string, string>) : {},
    booleanFlags,
    flags,
    defaultAdmissionPlugins: strings(raw.defaultAdmissionPlugins, `components.${name}.defaultAdmissionPlugins`),
    featureGates: isObject(raw.featureGates) ? (raw.featureGates as Record<string, boolean>) : {},
    reference: text(raw.reference, `components.${name}.reference`),
  };
  if (typeof raw.envPrefix === 'string') spec.envPrefix = raw.envPrefix;
  if (isObject(raw.configFile)) {
    const cf = raw.configFile;
    spec.configFile = { flag: text(cf.flag, `components.${name}.configFile.flag`), overrides: strings(cf.overrides, `components.${name}.configFile.overrides`) };
    if (typeof cf.env === 'string') spec.configFile.env = cf.env;
  }
  return spec;
}

function validateTest(raw: unknown, where: string, component: ComponentSpec | undefined): FlagTest {
  if (!isObject(raw)) fail(where, 'expected a mapping');
  const op = raw.op as FlagTest['op'];
  if (!TEST_OPS.includes(op)) fail(where, `unknown op ${String(raw.op)}`);
  const test: FlagTest = { flag: text(raw.flag, `${where}.flag`), op };
  if (typeof raw.value === 'string') test.value = raw.value;
  if (raw.values !== undefined) test.values = strings(raw.values, `${where}.values`);
  if (typeof raw.gate === 'string') test.gate = raw.gate;
  if (typeof raw.zeroMeans === 'string') test.zeroMeans = raw.zeroMeans;
  if (raw.undecidedIf !== undefined) test.undecidedIf = strings(raw.undecidedIf, `${where}.undecidedIf`);
  const needsValue = ['eq', 'noteq', 'has', 'nothave', 'gte', 'plugin_enabled', 'plugin_not_enabled', 'gate'];
  if (needsValue.includes(op) && test.value === undefined) fail(where, `${op} needs a value`);
  if (op === 'valid_elements' && !test.values?.length) fail(where, 'valid_elements needs values');
  if (op === 'gate' && !test.gate) fail(where, 'gate needs a gate name');
  if (component && !component.flags[test.flag]) fail(where, `--${test.flag} is not described in components.${component.name}.flags`);
  return test;
}

function validateCheck(raw: unknown, index: number, components: Record<ComponentName, ComponentSpec>): CheckDefinition {
  const where = `checks[${index}]`;
  if (!isObject(raw)) fail(where, 'expected a mapping');
  const id = text(raw.id, `${where}.id`);
  if (!CHECK_ID.test(id)) fail(where, `id ${id} is not KW-API-NNN`);
  const componentName = raw.component as CheckDefinition['component'];
  if (componentName !== 'encryption-configuration' && !COMPONENT_NAMES.includes(componentName)) fail(`${id}.component`, `unknown component ${String(componentName)}`);
  const component = componentName === 'encryption-configuration' ? undefined : components[componentName];
  const severity = raw.severity as string;
  if (!isSeverity(severity)) fail(`${id}.severity`, `unknown severity ${severity}`);
  const assessment = raw.assessment === 'manual' ? 'manual' : raw.assessment === 'automated' ? 'automated' : fail(`${id}.assessment`, 'automated or manual');
  if (typeof raw.scored !== 'boolean') fail(`${id}.scored`, 'expected true or false');
  const tests = (Array.isArray(raw.tests) ? raw.tests : []).map((t, i) => validateTest(t, `${id}.tests[${i}]`, component));
  const show = strings(raw.show, `${id}.show`);
  for (const flag of show) if (component && !component.flags[flag]) fail(`${id}.show`, `--${flag} is not described in components.${component.name}.flags`);
  const aliases = isObject(raw.aliases) ? raw.aliases : {};
  const def: CheckDefinition = {
    id,
    cis: raw.cis === null ? null : text(raw.cis, `${id}.cis`),
    component: componentName,
    title: text(raw.title, `${id}.title`),
    assessment,
    scored: raw.scored,
    severity,
    tests,
    show,
    description: text(raw.description, `${id}.description`),
    rationale: text(raw.rationale, `${id}.rationale`),
    remediation: text(raw.remediation, `${id}.remediation`),
    references: strings(raw.references, `${id}.references`),
    aliases: { cis: strings(aliases.cis, `${id}.aliases.cis`), kcv: strings(aliases.kcv, `${id}.aliases.kcv`), kubescape: strings(aliases.kubescape, `${id}.aliases.kubescape`) },
  };
  if (componentName === 'encryption-configuration') {
    if (!['secrets-plaintext', 'resources-plaintext', 'weak-provider'].includes(raw.rule as string)) fail(`${id}.rule`, 'unknown EncryptionConfiguration rule');
    def.rule = raw.rule as EncryptionRule;
  } else if (assessment === 'automated' && tests.length === 0) {
    fail(id, 'an automated check needs tests');
  }
  if (assessment === 'manual') def.check = text(raw.check, `${id}.check`);
  if (isObject(raw.sameFileAs)) {
    const s = raw.sameFileAs;
    if (!COMPONENT_NAMES.includes(s.component as ComponentName)) fail(`${id}.sameFileAs`, 'unknown component');
    def.sameFileAs = { flag: text(s.flag, `${id}.sameFileAs.flag`), component: s.component as ComponentName, otherFlag: text(s.otherFlag, `${id}.sameFileAs.otherFlag`) };
  }
  if (def.cis !== null && !def.aliases.cis.includes(def.cis)) fail(id, `aliases.cis must include the CIS id ${def.cis}`);
  if (!def.references.every((r) => r.startsWith('https://'))) fail(`${id}.references`, 'references must be https URLs');
  return def;
}

/** Validates the raw definitions file; exported for tests. */
export function validateDefinitions(raw: unknown): Definitions {
  if (!isObject(raw)) fail('root', 'expected a mapping');
  if (!isObject(raw.components)) fail('components', 'expected a mapping');
  const rawComponents = raw.components;
  const components = Object.fromEntries(COMPONENT_NAMES.map((name) => [name, validateComponent(name, rawComponents[name])])) as Record<ComponentName, ComponentSpec>;
  if (!Array.isArray(raw.checks)) fail('checks', 'expected a list');
  const checks = raw.checks.map((c, i) => validateCheck(c, i, components));
  const ids = new Set<string>();
  for (const c of checks) {
    if (ids.has(c.id)) fail(c.id, 'defined twice');
    ids.add(c.id);
  }
  const benchmark = isObject(raw.benchmark) ? raw.benchmark : fail('benchmark', 'missing');
  return {
    benchmark: { name: text(benchmark.name, 'benchmark.name'), version: text(benchmark.version, 'benchmark.version'), sources: strings(benchmark.sources, 'benchmark.sources') },
    components,
    checks,
  };
}

export const DEFINITIONS: Definitions = validateDefinitions(data);

export { kubescapeDoc };

/** The catalog entry of a definition (KCV ids are Trivy's control-plane check ids). */
export function metaOf(def: CheckDefinition): CheckMeta {
  const scope = def.cis === null ? 'kubeward addition (not in the CIS benchmark)' : `CIS ${def.cis}, ${def.assessment === 'manual' ? 'Manual' : 'Automated'}${def.scored ? ', scored' : ', not scored'}`;
  const manual = def.assessment === 'manual'
    ? ` The benchmark marks this recommendation Manual, so kubeward never reports it as a finding or a pass: each ${def.component} it finds gets a "not evaluated" entry saying what it sets and what to check. ${def.check}`
    : '';
  const references = [...def.references];
  for (const id of def.aliases.kubescape) references.push(kubescapeDoc(id));
  return {
    id: def.id,
    title: def.title,
    severity: def.severity,
    category: 'access',
    description: `${def.description} (${scope}.)${manual}`,
    rationale: def.rationale,
    remediation: def.remediation,
    references: [...new Set(references)],
    aliases: [...alias.cis(...def.aliases.cis), ...alias.kcv(...def.aliases.kcv), ...alias.kubescape(...def.aliases.kubescape)],
  };
}
