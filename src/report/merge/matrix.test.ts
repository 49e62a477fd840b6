import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeCheckResult, NodeCheckStatus, NodeReport } from '../../nodes/model.js';
import { cellText, MATRIX_LEGEND, nodeMatrixHtml, renderNodeMatrix } from './matrix.js';

type Spec = Record<string, Partial<Record<NodeCheckStatus, number>>>;

/** A node whose checks are `n` of each status per section. */
function nodeWith(hostname: string, spec: Spec, roles: NodeReport['roles'] = ['worker']): NodeReport {
  const checks: NodeCheckResult[] = [];
  for (const [section, counts] of Object.entries(spec)) {
    for (const [status, n] of Object.entries(counts) as [NodeCheckStatus, number][]) {
      for (let i = 0; i < n; i++) checks.push({ id: `${section}.${checks.length + 1}`, checkId: 'KW-NODE-001', section, title: 't', status });
    }
  }
  const summary = { pass: 0, fail: 0, manual: 0, 'not-evaluated': 0 };
  for (const c of checks) summary[c.status]++;
  return { hostname, roles, benchmark: { id: 'cis-1.10', title: 'CIS Kubernetes Benchmark', version: '1.10.0', chosenBy: 'test' }, checks, summary };
}

const CP = nodeWith('cp-1', {
  '1.1': { pass: 3, fail: 1 }, '1.2': { pass: 2, manual: 1, 'not-evaluated': 1 }, '1.3': { pass: 1 }, '1.4': { 'not-evaluated': 2 },
  '2': { fail: 2 }, '3': { manual: 1 }, '4.1': { pass: 1 }, '4.2': { pass: 1, fail: 1 }, host: { pass: 2, fail: 1 },
}, ['control-plane', 'etcd']);
const WORKER = nodeWith('worker-1', { '1.1': { 'not-evaluated': 2 }, '4.1': { pass: 10, fail: 2 }, '4.2': { pass: 12 }, '4.3': { 'not-evaluated': 1 }, host: { manual: 1 } });

test('cells: non-zero counts in pass, fail, manual, not-evaluated order; n/e; · for no checks', () => {
  assert.equal(cellText({ pass: 12, fail: 2, manual: 1, 'not-evaluated': 3 }), '12✓ 2✗ 1? 3–');
  assert.equal(cellText({ pass: 0, fail: 0, manual: 0, 'not-evaluated': 4 }), 'n/e');
  assert.equal(cellText({ pass: 0, fail: 0, manual: 0, 'not-evaluated': 0 }), '·');
});

test('matrix text for a control-plane node and a worker (cells counted by hand)', () => {
  assert.equal(renderNodeMatrix([CP, WORKER]), [
    'NODE      1.1    1.2       1.3  1.4  2   3   4.1     4.2    4.3  host',
    'cp-1      3✓ 1✗  2✓ 1? 1–  1✓   n/e  2✗  1?  1✓      1✓ 1✗  ·    2✓ 1✗',
    'worker-1  n/e    ·         ·    ·    ·   ·   10✓ 2✗  12✓    n/e  1?',
    '',
    MATRIX_LEGEND,
    '',
  ].join('\n'));
});

test('a matrix wider than 100 columns continues in a second block; other sections come last', () => {
  const busy: Spec = {};
  for (const s of ['1.1', '1.2', '1.3', '1.4', '2', '3', '4.1', '4.2', '4.3', 'host', '5.1']) busy[s] = { pass: 10, fail: 10, manual: 10, 'not-evaluated': 10 };
  const text = renderNodeMatrix([nodeWith('a-rather-long-node-name.example.internal', busy)]);
  const lines = text.split('\n');
  assert.ok(lines.every((l) => l.length <= 100), 'every line fits 100 columns');
  const headers = lines.filter((l) => l.startsWith('NODE'));
  assert.ok(headers.length >= 2);
  assert.deepEqual(headers.flatMap((h) => h.split(/\s+/).slice(1)), ['1.1', '1.2', '1.3', '1.4', '2', '3', '4.1', '4.2', '4.3', 'host', '5.1']);
  assert.ok(lines.some((l) => l.startsWith('a-rather-long-node-name.examp…  10✓ 10✗ 10? 10–')));
});

test('no nodes', () => {
  assert.equal(renderNodeMatrix([]), 'No nodes scanned.\n');
});

test('HTML: escaped names, a class for the worst status, a tooltip with every count', () => {
  const html = nodeMatrixHtml([nodeWith('<evil&"node>', { '1.1': { pass: 12, fail: 2, manual: 1, 'not-evaluated': 3 }, '4.2': { pass: 1 } })]);
  assert.ok(html.startsWith('<table class="kw-node-matrix"><thead><tr><th scope="col">Node</th><th scope="col">1.1</th>'));
  assert.ok(html.includes('<th scope="row">&#60;evil&#38;&#34;node&#62; <small>worker</small></th>'));
  assert.ok(html.includes('<td class="kw-node-fail" title="pass 12 · fail 2 · manual 1 · not evaluated 3">12✓ 2✗ 1? 3–</td>'));
  assert.ok(html.includes('<td class="kw-node-pass" title="pass 1">1✓</td>'));
  assert.ok(html.includes('<td class="kw-node-empty" title="no checks">·</td>'));
  assert.ok(!html.includes('<evil'));
  assert.equal((html.match(/<td /g) ?? []).length, 10);
});

test('subsections the benchmark reports (3.1, 3.2) count in their section column, not as extra columns', () => {
  const node = nodeWith('cp-2', { '3.1': { manual: 3 }, '3.2': { pass: 1, manual: 1 } }, ['control-plane']);
  const text = renderNodeMatrix([node]);
  const [header, row] = text.split('\n');
  assert.doesNotMatch(header!, /3\.1|3\.2/);
  const columns = header!.trim().split(/\s{2,}/);
  const cells = row!.trim().split(/\s{2,}/);
  assert.equal(cells[columns.indexOf('3')], '1✓ 4?');
});
