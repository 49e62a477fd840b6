/** Inline SVG charts for the HTML report, drawn by hand: no library, no external resource. */
import { CATEGORIES, SEVERITIES, type Category, type Severity } from '../core/severity.js';

type Escape = (text: string) => string;

/** A donut of findings by severity, with the total in the middle. */
export function severityDonut(counts: Record<Severity, number>): string {
  const total = SEVERITIES.reduce((sum, s) => sum + counts[s], 0);
  const r = 70;
  const circumference = 2 * Math.PI * r;
  const parts: string[] = [];
  parts.push(`<circle class="track" cx="100" cy="100" r="${r}" stroke-width="26"/>`);
  let offset = 0;
  // A hairline gap between segments, unless one severity has everything.
  const nonZero = SEVERITIES.filter((s) => counts[s] > 0).length;
  const gap = nonZero > 1 ? 2 : 0;
  for (const s of SEVERITIES) {
    if (counts[s] === 0) continue;
    const len = (counts[s] / total) * circumference;
    const dash = Math.max(len - gap, 0.5);
    parts.push(
      `<circle class="seg sev-fill-${s}" cx="100" cy="100" r="${r}" stroke-width="26" stroke-dasharray="${fmt(dash)} ${fmt(circumference - dash)}" stroke-dashoffset="${fmt(-offset)}" transform="rotate(-90 100 100)"><title>${s}: ${counts[s]}</title></circle>`,
    );
    offset += len;
  }
  parts.push(`<text x="100" y="102" text-anchor="middle" font-size="38" font-weight="700">${total}</text>`);
  parts.push(`<text class="muted" x="100" y="126" text-anchor="middle" font-size="13">${total === 1 ? 'finding' : 'findings'}</text>`);
  return `<svg class="donut" viewBox="0 0 200 200" role="img" aria-label="Findings by severity: ${SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ')}">${parts.join('')}</svg>`;
}

/** Horizontal bars, one per category, stacked by severity. */
export function categoryBars(bySeverity: Record<Category, Record<Severity, number>>, esc: Escape): string {
  const rowH = 34;
  const labelW = 92;
  const barW = 300;
  const width = labelW + barW + 48;
  const height = CATEGORIES.length * rowH + 4;
  const totals = CATEGORIES.map((c) => SEVERITIES.reduce((sum, s) => sum + bySeverity[c][s], 0));
  const max = Math.max(1, ...totals);
  const rows = CATEGORIES.map((c, i) => {
    const y = i * rowH + 6;
    const out = [`<text x="0" y="${y + 16}" font-size="13">${esc(c)}</text>`, `<rect class="bar-bg" x="${labelW}" y="${y + 2}" width="${barW}" height="18" rx="4"/>`];
    let x = labelW;
    const segs: string[] = [];
    for (const s of SEVERITIES) {
      const n = bySeverity[c][s];
      if (n === 0) continue;
      const w = (n / max) * barW;
      segs.push(`<rect class="sev-fill-${s}" x="${fmt(x)}" y="${y + 2}" width="${fmt(w)}" height="18"><title>${esc(c)}, ${s}: ${n}</title></rect>`);
      x += w;
    }
    if (segs.length > 0) {
      // Round the stack's outer corners by clipping to a rounded rectangle.
      out.push(`<clipPath id="clip-${i}"><rect x="${labelW}" y="${y + 2}" width="${fmt(x - labelW)}" height="18" rx="4"/></clipPath>`, `<g clip-path="url(#clip-${i})">${segs.join('')}</g>`);
    }
    out.push(`<text x="${fmt(x + 8)}" y="${y + 16}" font-size="13" font-weight="650"${totals[i] === 0 ? ' class="muted"' : ''}>${totals[i]}</text>`);
    return out.join('');
  });
  return `<svg class="bars" viewBox="0 0 ${width} ${height}" role="img" aria-label="Findings by category">${rows.join('')}</svg>`;
}

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}
