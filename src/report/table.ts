import { inputErrorLabel } from '../core/coverage.js';
import { positionLabel, resourceLabel, type Finding, type SuppressedFinding } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import type { ImageReport } from '../images/model.js';
import type { NodeReport } from '../nodes/model.js';
import { renderNodeMatrix } from './merge/matrix.js';
import { CATEGORIES, SEVERITIES, type Severity } from '../core/severity.js';
import { benchmarkLabel, countBySeverity, plural, scopeLabel, primaryPosition, shorten, sortFindings, groupNotEvaluated } from './common.js';
import type { ReportOptions } from './format.js';

/** Lines are kept within this many columns. */
const WIDTH = 100;
/** Column where a finding's detail lines start (under the check id). */
const INDENT = 11;

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'blue' | 'magenta' | 'green' | 'gray' | 'cyan';
const SGR: Record<Style, string> = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', blue: '34', magenta: '35', cyan: '36', gray: '90' };
const SEVERITY_STYLE: Record<Severity, Style[]> = {
  critical: ['bold', 'magenta'],
  high: ['bold', 'red'],
  medium: ['yellow'],
  low: ['blue'],
  info: ['gray'],
};

/** Human-readable report for a terminal: findings grouped by category then severity, then a summary. */
export function renderTable(result: ScanResult, options: ReportOptions): string {
  const paint = (text: string, ...styles: Style[]): string =>
    options.color && styles.length > 0 && text !== '' ? `\u001b[${styles.map((s) => SGR[s]).join(';')}m${text}\u001b[0m` : text;
  const out: string[] = [];

  out.push(
    paint(`kubeward ${clean(result.tool.version)}`, 'bold') +
      paint(` · ${scopeLabel(result)} from ${plural(result.inputs.length, 'input')}`, 'dim'),
  );
  out.push('');

  const findings = sortFindings(result.findings);
  if (findings.length === 0) {
    out.push(paint('No findings.', 'green', 'bold'));
    out.push('');
  }
  for (const category of [...CATEGORIES, ...new Set(findings.map((f) => f.category))].filter((c, i, all) => all.indexOf(c) === i)) {
    const group = findings.filter((f) => f.category === category);
    if (group.length === 0) continue;
    const title = `${category.toUpperCase()} (${group.length})`;
    out.push(paint(title, 'bold', 'cyan') + ' ' + paint('─'.repeat(WIDTH - title.length - 1), 'dim'));
    for (const finding of group) out.push(...findingLines(finding, paint), '');
  }

  if (options.showSuppressed && result.suppressed.length > 0) {
    const title = `SUPPRESSED (${result.suppressed.length})`;
    out.push(paint(title, 'bold', 'gray') + ' ' + paint('─'.repeat(WIDTH - title.length - 1), 'dim'));
    for (const finding of sortFindings(result.suppressed)) out.push(...suppressedLines(finding, paint), '');
  }

  out.push(paint('─'.repeat(WIDTH), 'dim'));
  out.push(...summaryLines(result, options, paint));
  return out.join('\n') + '\n';
}

type Paint = (text: string, ...styles: Style[]) => string;

function severityTag(severity: Severity, paint: Paint): string {
  const label = severity.toUpperCase().padEnd(INDENT - 2);
  return ' ' + paint(label, ...SEVERITY_STYLE[severity]) + ' ';
}

function findingLines(finding: Finding, paint: Paint): string[] {
  const lines: string[] = [];
  const id = clean(finding.checkId);
  lines.push(severityTag(finding.severity, paint) + paint(id, 'bold') + '  ' + shorten(clean(finding.title), WIDTH - INDENT - id.length - 2));
  const container = finding.container !== undefined ? ` · container ${clean(finding.container)}` : '';
  lines.push(...wrap(`${clean(resourceLabel(finding.resource))}${container}`, WIDTH - INDENT).map((l) => pad() + l));
  lines.push(...wrap(clean(finding.message), WIDTH - INDENT).map((l) => pad() + l));
  lines.push(...imageLines(finding, paint));
  const where = primaryPosition(finding);
  if (where) lines.push(pad() + paint(`${finding.image ? 'in image at' : 'at'} ${shorten(clean(positionLabel(where)), WIDTH - INDENT - 3)}`, 'dim'));
  if (finding.remediation) lines.push(pad() + paint('fix: ', 'green') + shorten(firstSentence(clean(finding.remediation)), WIDTH - INDENT - 5));
  return lines;
}

/** Vulnerabilities: package, installed → fixed version, advisory and who found it; image findings: the workloads running the image. */
function imageLines(finding: Finding, paint: Paint): string[] {
  const lines: string[] = [];
  const pkg = finding.package;
  const advisory = finding.advisory;
  if (pkg && advisory) {
    const fix = pkg.fixedVersion ? paint(`fixed in ${clean(pkg.fixedVersion)}`, 'green') : paint('no fix yet', 'yellow');
    const also = advisory.aliases.length > 0 ? ` (${advisory.aliases.slice(0, 3).map(clean).join(', ')})` : '';
    const by = advisory.foundBy && advisory.foundBy.length > 1 ? ` · found by ${advisory.foundBy.map(clean).join(', ')}` : '';
    lines.push(pad() + `${clean(advisory.id)}${also} · ${clean(pkg.name)} ${clean(pkg.version)} · ${fix}${by}`);
    lines.push(pad() + paint(shorten(`severity from ${clean(advisory.severityBasis)}`, WIDTH - INDENT), 'dim'));
  }
  if (finding.benchmark) lines.push(pad() + paint(shorten(clean(benchmarkLabel(finding.benchmark)), WIDTH - INDENT), 'dim'));
  if (finding.affects && finding.affects.length > 0) {
    const names = finding.affects.map((r) => clean(resourceLabel(r)));
    const shown = names.length > 3 ? [...names.slice(0, 3), `${names.length - 3} more`] : names;
    lines.push(...wrap(`run by ${shown.join(', ')}`, WIDTH - INDENT).map((l) => pad() + paint(l, 'dim')));
  }
  return lines;
}

function suppressedLines(finding: SuppressedFinding, paint: Paint): string[] {
  const lines: string[] = [];
  lines.push(' ' + paint(finding.severity.toUpperCase().padEnd(INDENT - 2), 'gray') + ' ' + paint(clean(finding.checkId), 'bold') + '  ' + shorten(clean(finding.title), WIDTH - INDENT - finding.checkId.length - 2));
  const container = finding.container !== undefined ? ` · container ${clean(finding.container)}` : '';
  lines.push(...wrap(`${clean(resourceLabel(finding.resource))}${container}`, WIDTH - INDENT).map((l) => pad() + l));
  const s = finding.suppression;
  const expires = s.expires ? `, until ${clean(s.expires)}` : '';
  lines.push(...wrap(`suppressed by ${s.by} (${clean(s.source)}${expires}): ${clean(s.reason)}`, WIDTH - INDENT).map((l) => pad() + paint(l, 'dim')));
  return lines;
}

function summaryLines(result: ScanResult, options: ReportOptions, paint: Paint): string[] {
  const lines: string[] = [];
  const counts = countBySeverity(result.findings);
  const parts = SEVERITIES.map((s) => paint(`${counts[s]} ${s}`, ...(counts[s] > 0 ? SEVERITY_STYLE[s] : ['dim' as Style])));
  const total = result.findings.length;
  let suppressed = '';
  if (result.suppressed.length > 0) {
    suppressed = ` · ${result.suppressed.length} suppressed` + (options.showSuppressed ? '' : ' (--show-suppressed)');
  }
  lines.push(paint(`${plural(total, 'finding')}`, 'bold') + ': ' + parts.join(', ') + suppressed);

  if (result.compliance) {
    const c = result.compliance;
    lines.push(
      `Compliance ${clean(c.title)}: ` +
        [paint(`${c.summary.pass} pass`, 'green'), paint(`${c.summary.fail} fail`, c.summary.fail > 0 ? 'red' : 'dim'), paint(`${c.summary.notEvaluated} not evaluated`, c.summary.notEvaluated > 0 ? 'yellow' : 'dim')].join(', '),
    );
  }

  const section = (title: string, items: string[], style: Style, count = items.length): void => {
    if (items.length === 0) return;
    lines.push('', paint(`${title} (${count}):`, 'bold', style));
    for (const item of items) lines.push(...wrap(item, WIDTH - 4).map((l, i) => (i === 0 ? '  ' : '    ') + l));
  };
  section('Images', (result.images ?? []).map((image) => imageSummary(image, result.findings)), 'cyan');
  if (result.nodes && result.nodes.length > 0) {
    section('Nodes', result.nodes.map((node) => nodeSummary(node)), 'cyan');
    lines.push('', ...renderNodeMatrix(result.nodes).trimEnd().split('\n').map((l) => `  ${clean(l)}`));
  }
  section('Not evaluated', groupNotEvaluated(result.notEvaluated).map((n) => `${clean(n.targets)}: ${clean(n.reason)}`), 'yellow', result.notEvaluated.length);
  section('Input errors', result.inputErrors.map((e) => clean(inputErrorLabel(e))), 'red');
  section(
    'Expired exceptions',
    result.expiredExceptions.map((e) => `${clean(e.checkId)} ${clean(e.match)}: expired ${clean(e.expires)} (${clean(e.source)}): ${clean(e.reason)}`),
    'yellow',
  );
  if (result.notes.length > 0) lines.push('', paint(`${plural(result.notes.length, 'input note')} (skipped documents); the json report lists them.`, 'dim'));
  return lines;
}

/** `registry/app:1.0 (sha256:1234…) · Alpine Linux v3.9 · 5 packages · 2 vulnerabilities` */
function imageSummary(image: ImageReport, findings: readonly Finding[]): string {
  const vulns = findings.filter((f) => f.advisory !== undefined && f.image?.reference === image.reference).length;
  const digest = image.manifestDigest ? ` (${image.manifestDigest.slice(0, 19)}…)` : '';
  const os = image.os ? clean(image.os.prettyName ?? `${image.os.id} ${image.os.versionId ?? ''}`.trim()) : 'OS not detected';
  const db = image.database && 'notEvaluated' in image.database ? 'vulnerabilities not evaluated' : plural(vulns, 'vulnerability', 'vulnerabilities');
  return `${clean(image.reference)}${digest} · ${os} · ${plural(image.packages.length, 'package')} · ${db}`;
}

/** `cp-1 · control-plane, etcd · CIS Kubernetes Benchmark v1.12.0 (detected 1.32.1) · 80 pass, 6 fail, 12 manual, 3 not evaluated` */
function nodeSummary(node: NodeReport): string {
  const s = node.summary;
  return `${clean(node.hostname)} · ${node.roles.join(', ') || 'no Kubernetes component'} · ${clean(node.benchmark.title)} v${clean(node.benchmark.version)} (${clean(node.benchmark.chosenBy)}) · ${s.pass} pass, ${s.fail} fail, ${s.manual} manual, ${s['not-evaluated']} not evaluated`;
}

function pad(): string {
  return ' '.repeat(INDENT);
}

function firstSentence(text: string): string {
  const m = /^(.+?[.!?])(\s|$)/.exec(text);
  return m ? m[1]! : text;
}

/**
 * Makes text from manifests safe to print: control characters (escape sequences could rewrite the terminal)
 * become visible escapes, and line breaks become spaces.
 */
export function clean(text: string): string {
  return text
    .replace(/\r\n|\r|\n|\t/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, escapeChar)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, escapeChar);
}

function escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Word-wraps `text` to `width` columns; words longer than a line are cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/ +/)) {
    while ([...word].length > width) {
      if (line) {
        lines.push(line);
        line = '';
      }
      const chars = [...word];
      lines.push(chars.slice(0, width).join(''));
      word = chars.slice(width).join('');
    }
    if (!line) line = word;
    else if ([...line].length + 1 + [...word].length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}
