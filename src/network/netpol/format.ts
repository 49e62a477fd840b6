/** Connectivity reports in netpol-analyzer's formats: txt (`src => dst : conns`), json, csv, md. */
import type { Connectivity } from './engine.js';
import { formatConnectivityDot } from './format-dot.js';
import { formatConnectivityHtml } from './format-html.js';

export type ConnFormat = 'txt' | 'json' | 'csv' | 'md' | 'dot' | 'html';
export const CONN_FORMATS: readonly ConnFormat[] = ['txt', 'json', 'csv', 'md', 'dot', 'html'];

export function formatConnectivity(result: Connectivity, format: ConnFormat): string {
  const rows = result.connections.map((c) => ({ src: c.src, dst: c.dst, conn: c.conns.toString() }));
  switch (format) {
    case 'txt':
      return rows.map((r) => `${r.src} => ${r.dst} : ${r.conn}`).join('\n') + (rows.length ? '\n' : '');
    case 'json':
      return `${JSON.stringify(rows, null, 2)}\n`;
    case 'csv':
      return ['src,dst,conn', ...rows.map((r) => [r.src, r.dst, r.conn].map(csvField).join(','))].join('\n') + '\n';
    case 'dot':
      return formatConnectivityDot(result);
    case 'html':
      return formatConnectivityHtml(result);
    case 'md':
      return ['| src | dst | conn |', '|-----|-----|------|', ...rows.map((r) => `| ${md(r.src)} | ${md(r.dst)} | ${md(r.conn)} |`)].join('\n') + '\n';
  }
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function md(value: string): string {
  return value.replace(/\|/g, '\\|');
}
