import patterns from './secret-patterns.json' with { type: 'json' };

// Recognizing secrets in names and values, and showing them without leaking them. The rules are
// data (secret-patterns.json); this file only compiles and applies them.

interface ValuePatternSpec { id: string; description: string; pattern: string; flags?: string; secretGroup?: number }

export interface SecretHit {
  /** Pattern id, e.g. `github-token`, or `sensitive-name` for a literal value under a secret-looking name. */
  id: string;
  /** What was found, for a sentence: "a GitHub token". */
  description: string;
  /** The secret text itself. Never print it: pass it to `maskSecret`. */
  secret: string;
}

const compile = (sources: string[], flags = ''): RegExp[] => sources.map((source) => new RegExp(source, flags));

const SENSITIVE_NAMES = compile(patterns.sensitiveNames);
const IGNORED_NAMES = compile(patterns.ignoredNames);
const IGNORED_SUFFIXES = new Set(patterns.ignoredNameSuffixes);
const PLACEHOLDERS = compile(patterns.placeholderValues, 'i');
const VALUE_PATTERNS = (patterns.valuePatterns as ValuePatternSpec[]).map((spec) => ({
  ...spec,
  regex: new RegExp(spec.pattern, `g${spec.flags ?? ''}`),
}));

/** `dbPassword`, `db.password`, `db-password` → `DB_PASSWORD`. */
export function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/** Whether a variable or key name says it holds a secret (PASSWORD, API_KEY, clientSecret…), not a reference to one (…_FILE, …_PATH). */
export function isSensitiveName(name: string): boolean {
  const normalized = normalizeName(name);
  if (normalized === '' || IGNORED_NAMES.some((r) => r.test(normalized))) return false;
  const last = normalized.slice(normalized.lastIndexOf('_') + 1);
  if (IGNORED_SUFFIXES.has(last)) return false;
  return SENSITIVE_NAMES.some((r) => r.test(normalized));
}

/** Values that stand for a secret without being one: `$(VAR)`, `${VAR}`, `{{ template }}`, `<fill-me>`, booleans, file paths, secret-manager references. */
export function isPlaceholder(value: string): boolean {
  const trimmed = value.trim().replace(/^(["'])(.*)\1$/, '$2').trim();
  return trimmed === '' || PLACEHOLDERS.some((r) => r.test(trimmed));
}

/** Well-known secret formats found anywhere in `text` (keys, tokens, credentials in URLs…). */
export function findSecretValues(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const spec of VALUE_PATTERNS) {
    spec.regex.lastIndex = 0;
    for (const match of text.matchAll(spec.regex)) {
      const secret = spec.secretGroup !== undefined ? match[spec.secretGroup] : match[0];
      if (secret === undefined || secret === '' || (spec.secretGroup !== undefined && isPlaceholder(secret))) continue;
      hits.push({ id: spec.id, description: spec.description, secret });
    }
  }
  return hits;
}

/** What a literal `value` stored under `name` gives away: well-known secret formats first, else the value itself when the name is sensitive. */
export function judgeNamedValue(name: string, value: string): SecretHit[] {
  const found = findSecretValues(value);
  if (found.length > 0) return found;
  if (isSensitiveName(name) && !isPlaceholder(value)) return [{ id: 'sensitive-name', description: 'a literal value', secret: value }];
  return [];
}

/** A `name = value` / `name: value` / `"name": "value"` assignment on one line of a config file. */
export interface Assignment { line: number; name: string; value: string }

const ASSIGNMENT = /^\s*(?:export\s+)?["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*[:=]\s*(.*?)\s*[,;]?\s*$/;

/** Assignments in a multi-line config value (properties, .env, YAML, JSON, INI); 1-based line numbers. */
export function assignments(text: string): Assignment[] {
  const out: Assignment[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*[#;!]/.test(raw) || raw.trim().startsWith('//')) return;
    const match = ASSIGNMENT.exec(raw);
    if (!match) return;
    const value = match[2]!.replace(/^(["'])(.*)\1$/, '$2');
    if (value === '' || /^[|>][+-]?\d*$/.test(value) || value === '{' || value === '[') return;
    out.push({ line: index + 1, name: match[1]!, value });
  });
  return out;
}

/**
 * How a secret is shown in findings: never in full. The first two characters are kept only for
 * secrets of 8 characters or more (enough to recognize it, too little to use it), then the length:
 * `hu*** (12 chars)`.
 */
export function maskSecret(secret: string): string {
  const prefix = secret.length >= 8 ? secret.slice(0, 2) : '';
  return `${prefix}*** (${secret.length} chars)`;
}
