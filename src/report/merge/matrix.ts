import type { NodeCheckStatus, NodeReport } from '../../nodes/model.js';

// The cluster's node posture at a glance: one row per node, one column per benchmark section,
// each cell counting the section's checks by status.

export const MATRIX_SECTIONS = ['1.1', '1.2', '1.3', '1.4', '2', '3', '4.1', '4.2', '4.3', 'host'] as const;
const MAX_WIDTH = 100;
const MARKS: [NodeCheckStatus, string, string][] = [
  ['pass', '✓', 'pass'],
  ['fail', '✗', 'fail'],
  ['manual', '?', 'manual'],
  ['not-evaluated', '–', 'not evaluated'],
];
export const MATRIX_LEGEND = '✓ pass  ✗ fail  ? manual  – not evaluated  n/e nothing evaluated  · no checks';

type Counts = Record<NodeCheckStatus, number>;
const zero = (): Counts => ({ pass: 0, fail: 0, manual: 0, 'not-evaluated': 0 });

/** The matrix column a check's section belongs to: itself, or the benchmark section it is part of (3.1 → 3). */
function columnOf(section: string): string {
  if ((MATRIX_SECTIONS as readonly string[]).includes(section)) return section;
  return MATRIX_SECTIONS.find((s) => section.startsWith(`${s}.`)) ?? section;
}

/** Sections in matrix order: the benchmark's, then any other section the nodes report, sorted. */
function sectionsOf(nodes: readonly NodeReport[]): string[] {
  const known = new Set<string>(MATRIX_SECTIONS);
  const extra = [...new Set(nodes.flatMap((n) => n.checks.map((c) => columnOf(c.section))).filter((s) => !known.has(s)))].sort();
  return [...MATRIX_SECTIONS, ...extra];
}

/** Counts of one node's checks in one section. */
export function sectionCounts(node: NodeReport, section: string): Counts {
  const counts = zero();
  for (const check of node.checks) if (columnOf(check.section) === section) counts[check.status]++;
  return counts;
}

/** `12✓ 2✗ 1?`: non-zero counts only; `n/e` when nothing was evaluated; `·` when there are no checks. */
export function cellText(counts: Counts): string {
  const total = counts.pass + counts.fail + counts.manual + counts['not-evaluated'];
  if (total === 0) return '·';
  if (counts['not-evaluated'] === total) return 'n/e';
  return MARKS.filter(([status]) => counts[status] > 0).map(([status, mark]) => `${counts[status]}${mark}`).join(' ');
}

/** `pass 12 · fail 2 · manual 1 · not evaluated 3` (for tooltips). */
export function cellTitle(counts: Counts): string {
  const parts = MARKS.filter(([status]) => counts[status] > 0).map(([status, , word]) => `${word} ${counts[status]}`);
  return parts.length > 0 ? parts.join(' · ') : 'no checks';
}

/** Splits the section columns into groups whose table fits MAX_WIDTH, each group repeating the node column. */
function columnGroups(nameWidth: number, widths: number[]): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let used = nameWidth;
  widths.forEach((w, i) => {
    if (current.length > 0 && used + 2 + w > MAX_WIDTH) {
      groups.push(current);
      current = [];
      used = nameWidth;
    }
    current.push(i);
    used += 2 + w;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

/** The node × section matrix as plain text, within 100 columns (wider matrices continue in a second block). */
export function renderNodeMatrix(nodes: readonly NodeReport[]): string {
  if (nodes.length === 0) return 'No nodes scanned.\n';
  const sections = sectionsOf(nodes);
  const names = nodes.map((n) => n.hostname);
  const cells = nodes.map((n) => sections.map((s) => cellText(sectionCounts(n, s))));
  const nameWidth = Math.min(30, Math.max(4, ...names.map((n) => n.length)));
  const widths = sections.map((s, i) => Math.max(s.length, ...cells.map((row) => row[i]!.length)));
  const fit = (text: string): string => (text.length > nameWidth ? `${text.slice(0, nameWidth - 1)}…` : text.padEnd(nameWidth));
  const blocks = columnGroups(nameWidth, widths).map((group) => {
    const line = (first: string, row: string[]): string => [fit(first), ...group.map((i) => row[i]!.padEnd(widths[i]!))].join('  ').trimEnd();
    return [line('NODE', sections), ...cells.map((row, r) => line(names[r]!, row))].join('\n');
  });
  return `${blocks.join('\n\n')}\n\n${MATRIX_LEGEND}\n`;
}

const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The matrix as an HTML `<table>` fragment; cells carry a class for their worst status and a full tooltip. */
export function nodeMatrixHtml(nodes: readonly NodeReport[]): string {
  const sections = sectionsOf(nodes);
  const head = `<thead><tr><th scope="col">Node</th>${sections.map((s) => `<th scope="col">${esc(s)}</th>`).join('')}</tr></thead>`;
  const rows = nodes.map((node) => {
    const tds = sections.map((s) => {
      const counts = sectionCounts(node, s);
      const worst = counts.fail > 0 ? 'fail' : counts.manual + counts['not-evaluated'] > 0 ? 'open' : counts.pass > 0 ? 'pass' : 'empty';
      return `<td class="kw-node-${worst}" title="${esc(cellTitle(counts))}">${esc(cellText(counts))}</td>`;
    });
    const roles = node.roles.length > 0 ? ` <small>${esc(node.roles.join(', '))}</small>` : '';
    return `<tr><th scope="row">${esc(node.hostname)}${roles}</th>${tds.join('')}</tr>`;
  });
  return `<table class="kw-node-matrix">${head}<tbody>${rows.join('')}</tbody></table>`;
}
