import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReport } from './index.js';
import { renderTable } from './table.js';
import { emptyResult, scanResult } from '../../test/report-fixtures.js';

const ESC = '\u001b';

test('table without colour has no escape sequences, even from hostile names', () => {
  const out = renderTable(scanResult(), { color: false, showSuppressed: true });
  assert.ok(!out.includes(ESC), 'no raw ESC byte in the output');
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(out), 'no control characters besides newline');
  assert.match(out, /\\u001b\[31m/, 'the hostile escape is shown escaped');
});

test('table with colour uses ANSI codes only for styling', () => {
  const out = renderTable(scanResult(), { color: true, showSuppressed: false });
  assert.ok(out.includes(`${ESC}[`), 'has colour');
  // Every ESC starts an SGR sequence we wrote.
  for (const m of out.matchAll(/\u001b(.{0,12})/g)) assert.match(m[1]!, /^\[[\d;]*m/);
});

test('table lines stay within 100 columns', () => {
  for (const showSuppressed of [true, false]) {
    const out = renderTable(scanResult(), { color: false, showSuppressed });
    for (const line of out.split('\n')) assert.ok([...line].length <= 100, `too long (${[...line].length}): ${line}`);
  }
});

test('table groups by category, then severity, and shows each finding in full', () => {
  const out = renderTable(scanResult(), { color: false, showSuppressed: false });
  const images = out.indexOf('IMAGES (1)');
  const workloads = out.indexOf('WORKLOADS (3)');
  const network = out.indexOf('NETWORK (1)');
  assert.ok(images >= 0 && images < workloads && workloads < network, 'categories in order');
  const section = out.slice(workloads, network);
  assert.ok(section.indexOf('CRITICAL') < section.indexOf('MEDIUM'), 'critical before medium');
  assert.match(out, /Deployment prod\/web · container app/);
  assert.match(out, /at deploy\/web\.yaml:23:25/, 'first evidence position');
  assert.match(out, /fix: Remove `securityContext\.privileged: true`, or set it to false\./);
  assert.match(out, /5 findings: 2 critical, 1 high, 1 medium, 1 low, 0 info · 2 suppressed \(--show-suppressed\)/);
  assert.match(out, /Not evaluated \(2\):\n  charts\/app: Helm chart not evaluated: helm not found on PATH/);
  assert.match(out, /Input errors \(2\):\n  deploy\/broken\.yaml:7:3: bad indentation of a mapping entry/);
  assert.match(out, /Expired exceptions \(1\):\n  KW-POD-002 Deployment prod\/legacy: expired 2024-12-31/);
  assert.match(out, /Compliance Pod Security Standards \(restricted\): 1 pass, 2 fail, 1 not evaluated/);
  assert.ok(!out.includes('SUPPRESSED ('), 'suppressed findings not listed unless asked');
});

test('table lists suppressed findings with their reason when asked', () => {
  const out = renderTable(scanResult(), { color: false, showSuppressed: true });
  assert.match(out, /SUPPRESSED \(2\)/);
  assert.match(out, /suppressed by ignore-file \(\.kubewardignore:3, until 2099-01-01\): vendor image/);
  assert.match(out, /suppressed by annotation \(deploy\/rbac\.yaml:5\): break-glass role/);
});

test('table of an empty scan says so', async () => {
  const out = await renderReport('table', emptyResult(), { color: false, showSuppressed: false });
  assert.match(out, /No findings\./);
  assert.match(out, /0 findings: 0 critical/);
  assert.ok(!out.includes('Not evaluated'));
});

test('not-evaluated entries with the same reason are merged, ids into ranges', async () => {
  const { groupNotEvaluated } = await import('./common.js');
  const items = [
    ...['KW-RBAC-001', 'KW-RBAC-002', 'KW-RBAC-003', 'KW-RBAC-005'].map((target) => ({ target, reason: 'no bindings' })),
    { target: 'charts/app', reason: 'helm not found' },
    { target: 'KW-API-010', reason: 'no bindings' },
  ];
  assert.deepEqual(groupNotEvaluated(items), [
    { targets: 'KW-RBAC-001…003, KW-RBAC-005, KW-API-010', reason: 'no bindings' },
    { targets: 'charts/app', reason: 'helm not found' },
  ]);
});
