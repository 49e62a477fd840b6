export { secretsCataloger, scanFileForSecrets, wantsForSecrets, DEFAULT_SECRET_MAX_FILE_BYTES } from './cataloger.js';
export type { SecretsExtract, SecretsCatalogerOptions } from './cataloger.js';
export { scanTextForSecrets, maskSecret, SecretScanner, MAX_MATCHES_PER_FILE } from './scan.js';
export type { SecretMatch, TextSecretMatch } from './scan.js';
export { readLines, MAX_LINE_CHARS, BINARY_PROBE_BYTES } from './lines.js';
export type { LineReadResult, LineReadOptions } from './lines.js';
export { SECRET_RULES, RULE_SOURCES, isPlaceholderValue, secretRule } from './rules.js';
export type { SecretRule, SecretRuleSpec } from './rules.js';
export { secretRulesMarkdown } from './markdown.js';
