import { aliasLabel } from '../core/catalog.js';
import { loadCatalog } from '../scan/catalog.js';

export function runExplainCommand(id: string): number {
  const catalog = loadCatalog();
  const check = catalog.get(id.trim());
  if (!check) {
    const near = catalog.all().filter((c) => c.id.startsWith(id.trim().toUpperCase().replace(/\d+$/, ''))).slice(0, 5).map((c) => c.id);
    process.stderr.write(`kubeward: no check ${id}${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; \`kubeward checks\` lists them all\n`);
    return 2;
  }
  const lines = [
    `${check.id}  ${check.title}`,
    `severity: ${check.severity}   category: ${check.category}`,
    check.aliases.length ? `aliases: ${check.aliases.map(aliasLabel).join(', ')}` : '',
    '',
    'What it checks',
    indent(check.description),
    '',
    'Why it matters',
    indent(check.rationale),
    '',
    'How to fix it',
    indent(check.remediation),
  ];
  if (check.references.length) lines.push('', 'References', ...check.references.map((r) => `  ${r}`));
  process.stdout.write(`${lines.filter((l, i) => l !== '' || i > 2).join('\n')}\n`);
  return 0;
}

function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}
