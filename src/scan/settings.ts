import { readFile } from 'node:fs/promises';
import type { InputError } from '../core/coverage.js';
import { parseExceptionRules, type ExceptionRule } from '../core/exceptions.js';
import { isSeverity, type Severity } from '../core/severity.js';
import { parseYamlDocument } from '../inventory/index.js';

/** Defaults from `kubeward.yaml`; command-line flags override them. */
export interface FileConfig {
  format?: string;
  outputs?: string[];
  severity?: string;
  exitCode?: number;
  compliance?: string;
  ignoreFile?: string;
  showSuppressed?: boolean;
  quiet?: boolean;
  color?: boolean;
  maxFileSize?: number;
  helm?: { values?: string[]; set?: string[] };
}

export class SettingsError extends Error {
  constructor(readonly error: InputError) {
    super(`${error.file}${error.line ? `:${error.line}` : ''}: ${error.message}`);
  }
}

async function readYaml(file: string): Promise<{ value: unknown; lineOf: (path: (string | number)[]) => number } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SettingsError({ file, message: (error as Error).message });
  }
  try {
    const doc = parseYamlDocument(text, file);
    return { value: doc.value, lineOf: (path) => doc.locate(path).line };
  } catch (error) {
    const position = (error as { position?: { line: number; column: number } }).position;
    throw new SettingsError({ file, ...(position ? { line: position.line, column: position.column } : {}), message: `invalid YAML: ${(error as Error).message}` });
  }
}

const CONFIG_KEYS: Record<string, 'string' | 'number' | 'boolean' | 'string[]' | 'helm'> = {
  format: 'string', outputs: 'string[]', severity: 'string', exitCode: 'number', compliance: 'string', ignoreFile: 'string',
  showSuppressed: 'boolean', quiet: 'boolean', color: 'boolean', maxFileSize: 'number', helm: 'helm',
};

/** Reads `kubeward.yaml`. A missing default file is fine; a missing explicit file or a bad key is an error. */
export async function loadConfig(file: string, explicit: boolean): Promise<FileConfig> {
  const doc = await readYaml(file);
  if (!doc) {
    if (explicit) throw new SettingsError({ file, message: 'config file not found' });
    return {};
  }
  if (doc.value === null || doc.value === undefined) return {};
  if (typeof doc.value !== 'object' || Array.isArray(doc.value)) throw new SettingsError({ file, line: 1, message: 'config must be a mapping' });
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc.value as Record<string, unknown>)) {
    const type = CONFIG_KEYS[key];
    const line = doc.lineOf([key]);
    if (!type) throw new SettingsError({ file, line, message: `unknown key \`${key}\` (known: ${Object.keys(CONFIG_KEYS).join(', ')})` });
    const ok =
      type === 'string[]' ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : type === 'helm' ? typeof value === 'object' && value !== null
          : typeof value === type;
    if (!ok) throw new SettingsError({ file, line, message: `\`${key}\` must be ${type === 'string[]' ? 'a list of strings' : type === 'helm' ? 'a mapping with values/set lists' : `a ${type}`}` });
    config[key] = value;
  }
  if (typeof config.severity === 'string') parseSeverityFilter(config.severity, file);
  return config as FileConfig;
}

/** Reads `.kubewardignore.yaml` rules. */
export async function loadExceptionRules(file: string, explicit: boolean): Promise<{ rules: ExceptionRule[]; errors: InputError[] }> {
  const doc = await readYaml(file);
  if (!doc) {
    if (explicit) throw new SettingsError({ file, message: 'ignore file not found' });
    return { rules: [], errors: [] };
  }
  return parseExceptionRules(doc.value, file, (index) => doc.lineOf(['exceptions', index]));
}

/**
 * `--severity`: one severity means "this one and above" (`high` → critical, high);
 * a comma list means exactly those (`critical,low`).
 */
export function parseSeverityFilter(value: string, where = '--severity'): Set<Severity> {
  const parts = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = parts.filter((p) => !isSeverity(p));
  if (parts.length === 0 || bad.length > 0) throw new SettingsError({ file: where, message: `unknown severity ${bad.join(', ') || '(empty)'}; use critical, high, medium, low or info` });
  const order: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
  if (parts.length === 1) return new Set(order.slice(0, order.indexOf(parts[0] as Severity) + 1));
  return new Set(parts as Severity[]);
}
