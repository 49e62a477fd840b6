import { isSeverity, type Severity } from '../../core/severity.js';
import data from './rules.json' with { type: 'json' };

// The secret rules (rules.json), validated and compiled once when the module loads. A malformed
// rules file is a programming error: it throws with the JSON path of the bad field.

/** A rule as written in rules.json. */
export interface SecretRuleSpec {
  id: string;
  title: string;
  severity: Severity;
  /** Lower-cased; a line must contain one of them before the regex runs (Trivy's prefilter). */
  keywords: string[];
  regex: string;
  flags?: string;
  /** Capture group holding the secret; 0 = the whole match. */
  secretGroup: number;
  /** Patterns over the secret that make a match a known non-secret (e.g. AWS's documented EXAMPLE keys). */
  allow: string[];
  /** The rule only applies to files whose path matches one of these (always applies to config text). */
  paths: string[];
  /** Drop matches whose secret is a placeholder (`changeme`, `${VAR}`, `<password>`…). */
  placeholders: boolean;
  /** Ignore lines starting with `#` or `;`. */
  skipComments: boolean;
  /** Report only when no other rule matched the same line. */
  fallback: boolean;
  /** Report only when the file (or text) also has a line matching this. */
  requires?: { keywords: string[]; regex: string };
  /** If one of the next `lines` lines matches `regex`, the match is reported as `rule` instead. */
  next?: { lines: number; regex: string; rule: string };
  /** Rules whose match on the same line this one replaces. */
  supersedes: string[];
  note?: string;
}

/** A rule ready to run: every regex compiled once. */
export interface SecretRule extends SecretRuleSpec {
  compiled: RegExp;
  allowCompiled: RegExp[];
  pathsCompiled: RegExp[];
  requiresCompiled?: RegExp;
  nextCompiled?: RegExp;
}

export interface RuleSource { name: string; url: string }

function fail(where: string, message: string): never {
  throw new Error(`src/images/secrets/rules.json: ${where}: ${message}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') fail(where, 'expected a non-empty string');
  return v;
}

function strings(v: unknown, where: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) fail(where, 'expected a list of strings');
  return v as string[];
}

function regex(source: string, flags: string, where: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (error) {
    return fail(where, `bad regular expression: ${(error as Error).message}`);
  }
}

function validateRule(raw: unknown, where: string): SecretRuleSpec {
  if (!isObject(raw)) fail(where, 'expected an object');
  const severity = text(raw.severity, `${where}.severity`);
  if (!isSeverity(severity)) fail(`${where}.severity`, `unknown severity ${severity}`);
  const keywords = strings(raw.keywords, `${where}.keywords`);
  if (keywords.some((k) => k !== k.toLowerCase())) fail(`${where}.keywords`, 'keywords must be lower-case');
  const secretGroup = raw.secretGroup ?? 0;
  if (typeof secretGroup !== 'number' || !Number.isInteger(secretGroup) || secretGroup < 0) fail(`${where}.secretGroup`, 'expected a group number');
  const spec: SecretRuleSpec = {
    id: text(raw.id, `${where}.id`),
    title: text(raw.title, `${where}.title`),
    severity,
    keywords,
    regex: text(raw.regex, `${where}.regex`),
    secretGroup,
    allow: strings(raw.allow, `${where}.allow`),
    paths: strings(raw.paths, `${where}.paths`),
    placeholders: raw.placeholders === true,
    skipComments: raw.skipComments === true,
    fallback: raw.fallback === true,
    supersedes: strings(raw.supersedes, `${where}.supersedes`),
  };
  if (raw.flags !== undefined) spec.flags = text(raw.flags, `${where}.flags`);
  if (raw.note !== undefined) spec.note = text(raw.note, `${where}.note`);
  if (raw.requires !== undefined) {
    if (!isObject(raw.requires)) fail(`${where}.requires`, 'expected an object');
    spec.requires = { keywords: strings(raw.requires.keywords, `${where}.requires.keywords`), regex: text(raw.requires.regex, `${where}.requires.regex`) };
  }
  if (raw.next !== undefined) {
    if (!isObject(raw.next) || typeof raw.next.lines !== 'number' || raw.next.lines < 1) fail(`${where}.next`, 'expected { lines ≥ 1, regex, rule }');
    spec.next = { lines: raw.next.lines, regex: text(raw.next.regex, `${where}.next.regex`), rule: text(raw.next.rule, `${where}.next.rule`) };
  }
  return spec;
}

function compileRule(spec: SecretRuleSpec, where: string): SecretRule {
  const rule: SecretRule = {
    ...spec,
    compiled: regex(spec.regex, `g${spec.flags ?? ''}`, `${where}.regex`),
    allowCompiled: spec.allow.map((a, i) => regex(a, '', `${where}.allow[${i}]`)),
    pathsCompiled: spec.paths.map((p, i) => regex(p, 'i', `${where}.paths[${i}]`)),
  };
  if (spec.requires) rule.requiresCompiled = regex(spec.requires.regex, spec.flags ?? '', `${where}.requires.regex`);
  if (spec.next) rule.nextCompiled = regex(spec.next.regex, '', `${where}.next.regex`);
  return rule;
}

function load(raw: unknown): { rules: SecretRule[]; placeholders: RegExp[]; sources: RuleSource[] } {
  if (!isObject(raw) || !Array.isArray(raw.rules)) fail('rules', 'expected a list');
  const rules = raw.rules.map((r, i) => compileRule(validateRule(r, `rules[${i}]`), `rules[${i}]`));
  const ids = new Set<string>();
  for (const [i, rule] of rules.entries()) {
    if (ids.has(rule.id)) fail(`rules[${i}].id`, `duplicate id ${rule.id}`);
    ids.add(rule.id);
  }
  for (const [i, rule] of rules.entries()) {
    for (const other of [...rule.supersedes, ...(rule.next ? [rule.next.rule] : [])]) {
      if (!ids.has(other)) fail(`rules[${i}]`, `refers to unknown rule ${other}`);
    }
  }
  const placeholders = strings(raw.placeholders, 'placeholders').map((p, i) => regex(p, 'i', `placeholders[${i}]`));
  if (!Array.isArray(raw.sources)) fail('sources', 'expected a list');
  const sources = raw.sources.map((s, i) => {
    if (!isObject(s)) fail(`sources[${i}]`, 'expected an object');
    return { name: text(s.name, `sources[${i}].name`), url: text(s.url, `sources[${i}].url`) };
  });
  return { rules, placeholders, sources };
}

const LOADED = load(data);

export const SECRET_RULES: readonly SecretRule[] = LOADED.rules;
export const RULE_SOURCES: readonly RuleSource[] = LOADED.sources;
const RULES_BY_ID = new Map(SECRET_RULES.map((r) => [r.id, r]));

export function secretRule(id: string): SecretRule | undefined {
  return RULES_BY_ID.get(id);
}

/** Patterns of values that stand for a secret without being one, as written in rules.json. */
export const PLACEHOLDER_PATTERNS: readonly string[] = (data as { placeholders: string[] }).placeholders;

/** `changeme`, `${VAR}`, `$VAR`, `<password>`, `{{ x }}`, `***`, empty… (quotes around the value are ignored). */
export function isPlaceholderValue(value: string): boolean {
  const trimmed = value.trim().replace(/^(["'])(.*)\1$/, '$2').trim();
  return LOADED.placeholders.some((r) => r.test(trimmed));
}

/** Whether a rule applies to a file path; rules without `paths` apply everywhere. */
export function ruleAppliesTo(rule: SecretRule, path: string | undefined): boolean {
  if (rule.pathsCompiled.length === 0) return true;
  return path !== undefined && rule.pathsCompiled.some((r) => r.test(path));
}
