/**
 * Connectivity as one self-contained HTML page (inline CSS, no script, no external resource): a namespace-level matrix,
 * then one collapsible section per source namespace with its workloads' row of the workload-level matrix.
 */
import { ConnSet } from './connset.js';
import type { Connectivity } from './engine.js';

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;font-size:12px;margin:.5em 0}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.all{background:#f8d7da}td.some{background:#fff3cd}td.none{color:#999}
details{margin:.4em 0}summary{cursor:pointer;font-weight:600}`;

const EXTERNAL_NS = '(external)';

export function formatConnectivityHtml(result: Connectivity, title = 'kubeward netpol connectivity'): string {
  const nsOf = new Map<string, string>(result.workloads.map((w) => [w.id, w.namespace]));
  for (const e of result.externals) nsOf.set(e.id, EXTERNAL_NS);
  const members = new Map<string, string[]>();
  for (const [id, ns] of nsOf) members.set(ns, [...(members.get(ns) ?? []), id]);
  for (const list of members.values()) list.sort();
  const namespaces = [...members.keys()].filter((n) => n !== EXTERNAL_NS).sort();
  if (members.has(EXTERNAL_NS)) namespaces.push(EXTERNAL_NS);
  const conn = new Map(result.connections.map((c) => [`${c.src}\u0000${c.dst}`, c.conns]));

  const nsCell = (src: string, dst: string): string => {
    let connected = 0;
    let union = ConnSet.empty();
    let pairs = 0;
    for (const s of members.get(src)!) for (const d of members.get(dst)!) {
      if (s === d) continue;
      pairs++;
      const c = conn.get(`${s}\u0000${d}`);
      if (c) {
        connected++;
        union = union.union(c);
      }
    }
    const cls = connected === 0 ? 'none' : connected === pairs ? 'all' : 'some';
    return `<td class="${cls}" title="${escapeHtml(union.toString())}">${connected}/${pairs}${connected ? `<br>${escapeHtml(union.toString())}` : ''}</td>`;
  };

  const out: string[] = [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`, `<style>${STYLE}</style>`, '</head>', '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${result.workloads.length} workload(s), ${result.externals.length} external range(s), ${result.connections.length} allowed connection(s). Rows are sources, columns destinations; a cell gives connected pairs / all pairs and what they allow.</p>`,
  ];
  if (result.outOfScope.length) out.push(`<p>Left out (hostNetwork, outside NetworkPolicy): ${result.outOfScope.map((w) => escapeHtml(w.id)).join(', ')}</p>`);
  out.push('<h2>Namespaces</h2>', '<table>', `<tr><th>src \\ dst</th>${namespaces.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr>`);
  for (const s of namespaces) out.push(`<tr><th>${escapeHtml(s)}</th>${namespaces.map((d) => nsCell(s, d)).join('')}</tr>`);
  out.push('</table>', '<h2>Workloads</h2>');
  const columns = namespaces.flatMap((n) => members.get(n)!);
  const header = `<tr><th rowspan="2">src \\ dst</th>${namespaces.map((n) => `<th colspan="${members.get(n)!.length}">${escapeHtml(n)}</th>`).join('')}</tr>`
    + `<tr>${columns.map((c) => `<th>${escapeHtml(short(c, nsOf.get(c)!))}</th>`).join('')}</tr>`;
  for (const ns of namespaces) {
    out.push(`<details><summary>${escapeHtml(ns)} (${members.get(ns)!.length})</summary>`, '<table>', header);
    for (const s of members.get(ns)!) {
      const cells = columns.map((d) => {
        if (s === d) return '<td class="none">—</td>';
        const c = conn.get(`${s}\u0000${d}`);
        return c ? `<td class="${c.isAll() ? 'all' : 'some'}">${escapeHtml(c.toString())}</td>` : '<td class="none"></td>';
      });
      out.push(`<tr><th>${escapeHtml(s)}</th>${cells.join('')}</tr>`);
    }
    out.push('</table>', '</details>');
  }
  out.push('</body>', '</html>');
  return out.join('\n') + '\n';
}

function short(id: string, ns: string): string {
  return ns !== EXTERNAL_NS && id.startsWith(`${ns}/`) ? id.slice(ns.length + 1) : id;
}
