import { PLACEHOLDER_PATTERNS, RULE_SOURCES, SECRET_RULES, type SecretRule } from './rules.js';

// docs/secret-rules.md, generated from rules.json so the documentation cannot drift from the rules.

const code = (s: string): string => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

function ruleSection(rule: SecretRule): string[] {
  const lines = [`### \`${rule.id}\``, '', `${rule.title}. Severity: **${rule.severity}**.`, ''];
  lines.push(`- Pattern${rule.flags ? ` (flags \`${rule.flags}\`)` : ''}: ${code(rule.regex)}`);
  if (rule.secretGroup > 0) lines.push(`- Secret: capture group ${rule.secretGroup} (what is masked and shown)`);
  if (rule.keywords.length > 0) lines.push(`- Prefilter keywords (case-insensitive): ${rule.keywords.map(code).join(', ')}`);
  if (rule.paths.length > 0) lines.push(`- Only in files whose path matches: ${rule.paths.map(code).join(', ')}`);
  if (rule.allow.length > 0) lines.push(`- Not reported when the secret matches: ${rule.allow.map(code).join(', ')}`);
  if (rule.placeholders) lines.push('- Not reported when the secret is a placeholder (list above)');
  if (rule.skipComments) lines.push('- Comment lines (`#`, `;`) are skipped');
  if (rule.fallback) lines.push('- Reported only when no other rule matched the same line');
  if (rule.requires) lines.push(`- Reported only when the file also matches ${code(rule.requires.regex)}`);
  if (rule.next) lines.push(`- Reported as \`${rule.next.rule}\` when one of the next ${rule.next.lines} lines matches ${code(rule.next.regex)}`);
  if (rule.supersedes.length > 0) lines.push(`- Replaces a match of ${rule.supersedes.map((s) => `\`${s}\``).join(', ')} on the same line`);
  if (rule.note) lines.push('', rule.note);
  lines.push('');
  return lines;
}

/** The Markdown of docs/secret-rules.md. */
export function secretRulesMarkdown(): string {
  const lines = [
    '# Secret rules',
    '',
    '<!-- Generated from src/images/secrets/rules.json by secretRulesMarkdown(); do not edit by hand. -->',
    '',
    'The rules `kubeward image` applies to the files of an image (KW-IMG-006) and to its configuration:',
    'environment, labels and build history (KW-IMG-007). Each line is first checked for one of the rule\'s',
    'keywords (case-insensitive), then matched with the rule\'s JavaScript regular expression. Findings never',
    'carry a secret: only the rule, the position and a masked excerpt — the first 4 characters (for secrets',
    'of 12 characters or more), an ellipsis and the length, e.g. `AKIA…(20 chars)`.',
    '',
    'Files read: regular files up to 10 MiB, except media, archives, compiled code and fonts (by extension),',
    'documentation, locale and time-zone trees, pseudo-filesystems and package-manager databases. A file with',
    'a NUL byte in its first 8 KiB is binary and skipped; lines longer than 64 KiB are scanned in their first 64 KiB.',
    '',
    '## Sources',
    '',
    'Patterns were rewritten from these public rule sets and format descriptions:',
    '',
    ...RULE_SOURCES.map((s) => `- [${s.name}](${s.url})`),
    '',
    '## Placeholders',
    '',
    'Values matching one of these (case-insensitive, surrounding quotes removed) are not secrets:',
    '',
    ...PLACEHOLDER_PATTERNS.map((p) => `- ${code(p)}`),
    '',
    '## Rules',
    '',
    '| id | title | severity |',
    '|---|---|---|',
    ...SECRET_RULES.map((r) => `| \`${r.id}\` | ${r.title} | ${r.severity} |`),
    '',
    ...SECRET_RULES.flatMap(ruleSection),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
