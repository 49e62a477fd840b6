import type { Evidence } from '../../core/finding.js';
import type { Severity } from '../../core/severity.js';
import { isSensitiveName } from '../../workloads/hardening/secret-scan.js';
import type { CollectedFile } from '../model.js';
import { isPlaceholderValue, maskSecret, scanTextForSecrets, type SecretMatch, type SecretsExtract, type TextSecretMatch } from '../secrets/index.js';
import { SECRETS_IN_CONFIG, SECRETS_IN_FILES } from './meta.js';
import { configEvidence, fileEvidence, imageFinding, plural, worstSeverity } from './finding.js';
import { found, nothing, notEvaluated, type CheckOutput, type ImageCheckContext } from './context.js';

// KW-IMG-006 (secrets in files, from the secrets cataloger) and KW-IMG-007 (secrets in the config:
// Env, Labels, history). Only masked excerpts reach a finding.

const isSecretsExtract = (data: unknown): data is SecretsExtract =>
  typeof data === 'object' && data !== null && Array.isArray((data as SecretsExtract).matches);

const describe = (m: SecretMatch): string => `${m.title} (${m.excerpt})`;

function fileFinding(ctx: ImageCheckContext, file: CollectedFile<SecretsExtract>) {
  const { path } = file.entry;
  const { matches, omitted } = file.data;
  // A later layer that deletes or replaces the file does not remove it from the image: its layer still holds it.
  const gone = ctx.files.get(path) !== file.entry;
  const hidden = gone ? ', deleted or replaced by a later layer but still readable in this layer\'s blob' : '';
  const evidence = matches.map((m) => fileEvidence(path, `${path}:${m.line} holds a ${describe(m)} [${m.ruleId}], written by layer ${file.entry.layerIndex} (${file.entry.layerDigest})${hidden}`,
    { line: m.line, column: m.column, value: m.excerpt }));
  const kinds = [...new Set(matches.map((m) => m.title))].join(', ');
  const more = omitted > 0 ? ` (${omitted} further matches not kept)` : '';
  const where = gone ? ` (layer ${file.entry.layerIndex}; a later layer deletes or replaces it, which does not remove it from the image)` : '';
  return imageFinding(SECRETS_IN_FILES, ctx, `${path} in ${ctx.image.reference}${where} holds ${plural(matches.length, 'secret')}: ${kinds}${more}.`,
    evidence, worstSeverity(matches.map((m) => m.severity), SECRETS_IN_FILES.severity));
}

export function secretsInFiles(ctx: ImageCheckContext): CheckOutput {
  if (!ctx.secrets) return notEvaluated(SECRETS_IN_FILES.id, 'the image\'s files were not scanned for secrets');
  const files = ctx.secrets
    .filter((c): c is CollectedFile<SecretsExtract> => isSecretsExtract(c.data) && c.data.matches.length > 0)
    .sort((a, b) => a.entry.path.localeCompare(b.entry.path) || a.entry.layerIndex - b.entry.layerIndex);
  return files.length === 0 ? nothing() : found(...files.map((f) => fileFinding(ctx, f)));
}

/** Names that look sensitive but hold public data: the official images' GPG key fingerprints. */
const PUBLIC_NAMES = [/(?:^|_)(?:GPG|PGP)_KEYS?$/i, /(?:^|_)KEYS?_?(?:ID|FINGERPRINT)S?$/i];

/** Severity of a literal value under a secret-looking name: no format proves it is a live credential. */
const NAMED_VALUE_SEVERITY: Severity = 'medium';

/** `NAME=value` pairs on a line (ENV/ARG entries, BuildKit's `RUN |2 A=b C=d …`), with the value's offset. */
const ASSIGNMENT = /(?:^|[\s;&|(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"';&|]*)/g;

function namedValueMatches(text: string, where: string, covered: TextSecretMatch[]): TextSecretMatch[] {
  const out: TextSecretMatch[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    ASSIGNMENT.lastIndex = 0;
    for (const match of line.matchAll(ASSIGNMENT)) {
      const [whole, name, raw] = match as unknown as [string, string, string];
      const value = raw.replace(/^(["'])([\s\S]*)\1$/, '$2');
      // `$X`, `${X}`, `$(cmd)`: a reference resolved at build or run time, not a literal.
      if (value.startsWith('$') || isPlaceholderValue(value) || !isSensitiveName(name) || PUBLIC_NAMES.some((r) => r.test(name))) continue;
      const column = (match.index ?? 0) + whole.length - raw.length + 1;
      if (covered.some((m) => m.line === index + 1 && m.column >= column && m.column <= column + raw.length)) continue;
      out.push({ ruleId: 'sensitive-name', title: `literal value of ${name}`, severity: NAMED_VALUE_SEVERITY, line: index + 1, column, excerpt: maskSecret(value), where });
    }
  });
  return out;
}

/** Secrets in one config text: well-known formats anywhere, literal values under secret-looking names. */
export function configTextSecrets(text: string, where: string): TextSecretMatch[] {
  const byRule = scanTextForSecrets(text, where);
  return [...byRule, ...namedValueMatches(text, where, byRule)];
}

/** Every config text worth scanning, with its JSON path from the config root. */
function configTexts(ctx: ImageCheckContext): { text: string; where: string }[] {
  const env = (ctx.config.config?.Env ?? []).map((text, i) => ({ text, where: `config.Env[${i}]` }));
  const labels = Object.entries(ctx.config.config?.Labels ?? {}).map(([key, value]) => ({ text: `${key}=${value}`, where: `config.Labels[${JSON.stringify(key)}]` }));
  const history = (ctx.config.history ?? []).flatMap((h, i) => (typeof h.created_by === 'string' ? [{ text: h.created_by, where: `history[${i}].created_by` }] : []));
  return [...env, ...labels, ...history].filter((t) => typeof t.text === 'string');
}

export function secretsInConfig(ctx: ImageCheckContext): CheckOutput {
  const matches = configTexts(ctx).flatMap(({ text, where }) => configTextSecrets(text, where));
  if (matches.length === 0) return nothing();
  const evidence: Evidence[] = matches.map((m) => configEvidence(m.where, `${m.where} holds a ${describe(m)}`, m.excerpt));
  const places = [...new Set(matches.map((m) => m.where))];
  return found(imageFinding(SECRETS_IN_CONFIG, ctx,
    `The config of ${ctx.image.reference} holds ${plural(matches.length, 'secret')} in ${places.slice(0, 5).join(', ')}${places.length > 5 ? ', …' : ''}.`,
    evidence, worstSeverity(matches.map((m) => m.severity), SECRETS_IN_CONFIG.severity)));
}
